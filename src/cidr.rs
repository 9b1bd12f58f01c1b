//! Pure IPv4 CIDR helpers for planning AWS networks.
//!
//! This module has no AWS or engine dependencies: it parses CIDR text
//! strictly (a network address *and* a prefix, no host bits), answers
//! size/containment/overlap questions, splits blocks into subnets and finds
//! free blocks inside a VPC given the blocks already in use. Sizes follow AWS
//! rules: every subnet loses 5 addresses to AWS reservations.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::Ipv4Net;

/// Addresses AWS reserves in every subnet (network, router, DNS, future, broadcast).
pub const AWS_RESERVED: u64 = 5;

/// Largest number of blocks [`free_blocks`] and [`Cidr::subnets`] will enumerate.
pub const MAX_BLOCKS: u64 = 65_536;

/// An IPv4 network block with no host bits set, e.g. `172.31.112.0/20`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Ord, PartialOrd)]
pub struct Cidr(Ipv4Net);

/// Why a CIDR could not be parsed, split or searched.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CidrError {
    /// The text is not of the form `a.b.c.d/n`.
    #[error("{text:?} is not a valid CIDR; expected an IPv4 CIDR like 10.0.0.0/16")]
    Syntax { text: String },
    /// The prefix length is above 32.
    #[error("{text}: prefix /{prefix} is out of range; an IPv4 prefix must be 0 to 32")]
    Prefix { text: String, prefix: u32 },
    /// The address has bits set beyond the prefix.
    #[error("{text} has host bits set; did you mean {network}?")]
    HostBits { text: String, network: Cidr },
    /// A block cannot be split into blocks of the requested prefix.
    #[error(
        "cannot split {cidr} into /{prefix} blocks; the prefix must be between /{own} and /32",
        own = cidr.prefix()
    )]
    SplitPrefix { cidr: Cidr, prefix: u8 },
    /// Enumerating the requested blocks would produce too many results.
    #[error(
        "{count} candidate blocks is too many to list (limit {limit}); use a shorter prefix or a smaller range",
        limit = MAX_BLOCKS
    )]
    TooMany { count: u64 },
}

/// Parses `a.b.c.d/n` strictly: the prefix is required and host bits must be zero.
pub fn parse(text: &str) -> Result<Cidr, CidrError> {
    let syntax = || CidrError::Syntax {
        text: text.to_string(),
    };
    let (addr, prefix) = text.split_once('/').ok_or_else(syntax)?;
    let addr: Ipv4Addr = addr.parse().map_err(|_| syntax())?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    let prefix: u32 = prefix.parse().map_err(|_| syntax())?;
    if prefix > 32 {
        return Err(CidrError::Prefix {
            text: text.to_string(),
            prefix,
        });
    }
    let net = Ipv4Net::new(addr, prefix as u8).map_err(|_| syntax())?;
    let cidr = Cidr(net.trunc());
    if cidr.network() != addr {
        return Err(CidrError::HostBits {
            text: text.to_string(),
            network: cidr,
        });
    }
    Ok(cidr)
}

impl Cidr {
    /// Builds a block from a network address and prefix, rejecting host bits.
    pub fn new(network: Ipv4Addr, prefix: u8) -> Result<Cidr, CidrError> {
        parse(&format!("{network}/{prefix}"))
    }

    /// Builds the block of `prefix` starting at `start`; `start` must be aligned.
    fn from_start(start: u32, prefix: u8) -> Cidr {
        let net = Ipv4Net::new(Ipv4Addr::from(start), prefix).expect("prefix is at most 32");
        Cidr(net)
    }

    /// The underlying `ipnet` value.
    pub fn as_ipnet(&self) -> Ipv4Net {
        self.0
    }

    /// The network (first) address.
    pub fn network(&self) -> Ipv4Addr {
        self.0.network()
    }

    /// The prefix length, 0 to 32.
    pub fn prefix(&self) -> u8 {
        self.0.prefix_len()
    }

    /// Number of addresses in the block, `2^(32 - prefix)`.
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix()))
    }

    /// Addresses usable in an AWS subnet of this size (size minus 5, at least 0).
    pub fn usable(&self) -> u64 {
        self.size().saturating_sub(AWS_RESERVED)
    }

    /// The first address in the block.
    pub fn first(&self) -> Ipv4Addr {
        self.0.network()
    }

    /// The last address in the block.
    pub fn last(&self) -> Ipv4Addr {
        self.0.broadcast()
    }

    /// The first address as an integer.
    pub fn start_u32(&self) -> u32 {
        u32::from(self.first())
    }

    /// The last address as an integer (inclusive).
    pub fn end_u32(&self) -> u32 {
        u32::from(self.last())
    }

    /// True if `other` lies entirely inside this block (identical blocks included).
    pub fn contains(&self, other: &Cidr) -> bool {
        self.start_u32() <= other.start_u32() && other.end_u32() <= self.end_u32()
    }

    /// True if `addr` lies inside this block.
    pub fn contains_addr(&self, addr: Ipv4Addr) -> bool {
        let a = u32::from(addr);
        self.start_u32() <= a && a <= self.end_u32()
    }

    /// True if the two blocks share at least one address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.start_u32() <= other.end_u32() && other.start_u32() <= self.end_u32()
    }

    /// Splits this block into all blocks of `prefix`, in address order.
    ///
    /// Fails with [`CidrError::SplitPrefix`] if `prefix` is shorter than this
    /// block's or above 32, and with [`CidrError::TooMany`] beyond [`MAX_BLOCKS`].
    pub fn subnets(&self, prefix: u8) -> Result<Vec<Cidr>, CidrError> {
        let count = self.split_count(prefix)?;
        let step = 1u64 << (32 - u32::from(prefix));
        let start = u64::from(self.start_u32());
        Ok((0..count)
            .map(|i| Cidr::from_start((start + i * step) as u32, prefix))
            .collect())
    }

    /// Number of `prefix` blocks in this block, validated against the limits.
    fn split_count(&self, prefix: u8) -> Result<u64, CidrError> {
        if prefix < self.prefix() || prefix > 32 {
            return Err(CidrError::SplitPrefix {
                cidr: *self,
                prefix,
            });
        }
        let count = 1u64 << (prefix - self.prefix());
        if count > MAX_BLOCKS {
            return Err(CidrError::TooMany { count });
        }
        Ok(count)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix())
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Cidr, CidrError> {
        parse(text)
    }
}

impl From<Cidr> for Ipv4Net {
    fn from(cidr: Cidr) -> Ipv4Net {
        cidr.0
    }
}

/// All `prefix` blocks inside `container`, in address order, overlapping none of `used`.
///
/// Used blocks may be larger or smaller than `prefix` and may lie partly or
/// wholly outside `container`. Runs in `O(m log m + k)` for `m` used blocks
/// and `k` candidate blocks: used ranges are sorted once, merged and swept.
pub fn free_blocks(container: Cidr, used: &[Cidr], prefix: u8) -> Result<Vec<Cidr>, CidrError> {
    let count = container.split_count(prefix)?;
    let lo = u64::from(container.start_u32());
    let hi = u64::from(container.end_u32());
    let step = 1u64 << (32 - u32::from(prefix));

    let mut ranges: Vec<(u64, u64)> = used
        .iter()
        .filter(|u| u.overlaps(&container))
        .map(|u| {
            let s = u64::from(u.start_u32()).max(lo);
            let e = u64::from(u.end_u32()).min(hi);
            (s, e)
        })
        .collect();
    ranges.sort_unstable();

    let mut free = Vec::with_capacity(count as usize);
    let mut next = lo; // start of the next candidate block not yet decided
    for (s, e) in ranges {
        // Candidates ending before this used range are free.
        while next <= hi && next + step - 1 < s {
            free.push(Cidr::from_start(next as u32, prefix));
            next += step;
        }
        // Skip every candidate touching this range.
        let after = lo + ((e - lo) / step + 1) * step;
        next = next.max(after);
    }
    while next <= hi {
        free.push(Cidr::from_start(next as u32, prefix));
        next += step;
    }
    Ok(free)
}

/// The first block in `used` that overlaps `cidr`, if any.
pub fn overlapping<'a>(cidr: &Cidr, used: impl IntoIterator<Item = &'a Cidr>) -> Option<Cidr> {
    used.into_iter().find(|u| cidr.overlaps(u)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> Cidr {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn strs(blocks: &[Cidr]) -> Vec<String> {
        blocks.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn display_round_trips() {
        assert_eq!(c("172.31.112.0/20").to_string(), "172.31.112.0/20");
        assert_eq!(c("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert_eq!(
            "10.1.2.3/32".parse::<Cidr>().unwrap().to_string(),
            "10.1.2.3/32"
        );
    }

    #[test]
    fn sizes_of_common_blocks() {
        let b16 = c("172.31.0.0/16");
        assert_eq!((b16.size(), b16.usable()), (65_536, 65_531));
        let b28 = c("10.0.0.16/28");
        assert_eq!((b28.size(), b28.usable()), (16, 11));
        let host = c("10.0.0.7/32");
        assert_eq!((host.size(), host.usable()), (1, 0));
        let b30 = c("10.0.0.4/30");
        assert_eq!((b30.size(), b30.usable()), (4, 0));
        let all = c("0.0.0.0/0");
        assert_eq!(all.size(), 4_294_967_296);
        assert_eq!(all.usable(), 4_294_967_291);
        assert_eq!(all.first(), Ipv4Addr::new(0, 0, 0, 0));
        assert_eq!(all.last(), Ipv4Addr::new(255, 255, 255, 255));
        assert_eq!((all.start_u32(), all.end_u32()), (0, u32::MAX));
    }

    #[test]
    fn first_last_network_prefix() {
        let b = c("172.31.112.0/20");
        assert_eq!(b.network(), Ipv4Addr::new(172, 31, 112, 0));
        assert_eq!(b.prefix(), 20);
        assert_eq!(b.first(), Ipv4Addr::new(172, 31, 112, 0));
        assert_eq!(b.last(), Ipv4Addr::new(172, 31, 127, 255));
        assert_eq!(b.start_u32(), u32::from(Ipv4Addr::new(172, 31, 112, 0)));
        assert_eq!(b.end_u32(), u32::from(Ipv4Addr::new(172, 31, 127, 255)));
        let top = c("255.255.255.255/32");
        assert_eq!(
            (top.first(), top.last()),
            (Ipv4Addr::BROADCAST, Ipv4Addr::BROADCAST)
        );
    }

    #[test]
    fn new_checks_host_bits() {
        assert_eq!(
            Cidr::new(Ipv4Addr::new(10, 0, 0, 0), 8).unwrap(),
            c("10.0.0.0/8")
        );
        assert!(matches!(
            Cidr::new(Ipv4Addr::new(10, 0, 0, 1), 8),
            Err(CidrError::HostBits { .. })
        ));
        assert!(matches!(
            Cidr::new(Ipv4Addr::new(10, 0, 0, 0), 40),
            Err(CidrError::Prefix { prefix: 40, .. })
        ));
    }

    #[test]
    fn host_bits_error_suggests_network() {
        let err = parse("172.31.112.5/20").unwrap_err();
        assert_eq!(
            err,
            CidrError::HostBits {
                text: "172.31.112.5/20".into(),
                network: c("172.31.112.0/20"),
            }
        );
        assert_eq!(
            err.to_string(),
            "172.31.112.5/20 has host bits set; did you mean 172.31.112.0/20?"
        );
        assert_eq!(
            parse("10.1.0.0/8").unwrap_err().to_string(),
            "10.1.0.0/8 has host bits set; did you mean 10.0.0.0/8?"
        );
    }

    #[test]
    fn syntax_errors() {
        for text in [
            "172.31.0.0",
            "300.1.1.1/8",
            "a/b",
            "",
            "/16",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0.0/16/2",
            " 10.0.0.0/16",
            "10.0.0/16",
            "10.0.0.0/99999999999",
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err, CidrError::Syntax { text: text.into() }, "{text:?}");
            assert!(
                err.to_string()
                    .ends_with("expected an IPv4 CIDR like 10.0.0.0/16"),
                "{err}"
            );
        }
        assert_eq!(
            parse("172.31.0.0").unwrap_err().to_string(),
            "\"172.31.0.0\" is not a valid CIDR; expected an IPv4 CIDR like 10.0.0.0/16"
        );
    }

    #[test]
    fn prefix_out_of_range() {
        let err = parse("10.0.0.0/33").unwrap_err();
        assert_eq!(
            err,
            CidrError::Prefix {
                text: "10.0.0.0/33".into(),
                prefix: 33
            }
        );
        assert_eq!(
            err.to_string(),
            "10.0.0.0/33: prefix /33 is out of range; an IPv4 prefix must be 0 to 32"
        );
    }

    #[test]
    fn overlap_at_boundaries() {
        let a = c("172.31.112.0/20");
        let edge = c("172.31.127.255/32");
        let next = c("172.31.128.0/20");
        let before = c("172.31.111.255/32");
        assert!(a.overlaps(&edge) && edge.overlaps(&a));
        assert!(!a.overlaps(&next) && !next.overlaps(&a));
        assert!(!a.overlaps(&before));
        assert!(a.overlaps(&c("172.31.112.0/20")));
        let outer = c("172.31.0.0/16");
        assert!(outer.overlaps(&a) && a.overlaps(&outer));
        assert!(c("0.0.0.0/0").overlaps(&edge));
    }

    #[test]
    fn containment() {
        let outer = c("172.31.0.0/16");
        let inner = c("172.31.112.0/20");
        assert!(outer.contains(&inner));
        assert!(!inner.contains(&outer));
        assert!(inner.contains(&inner));
        assert!(inner.contains(&c("172.31.127.255/32")));
        assert!(!inner.contains(&c("172.31.128.0/32")));
        assert!(!outer.contains(&c("172.30.0.0/15")));
        assert!(inner.contains_addr(Ipv4Addr::new(172, 31, 112, 0)));
        assert!(inner.contains_addr(Ipv4Addr::new(172, 31, 127, 255)));
        assert!(!inner.contains_addr(Ipv4Addr::new(172, 31, 128, 0)));
        assert!(!inner.contains_addr(Ipv4Addr::new(172, 31, 111, 255)));
    }

    #[test]
    fn subnets_split_in_order() {
        let blocks = c("172.31.0.0/16").subnets(20).unwrap();
        assert_eq!(blocks.len(), 16);
        assert_eq!(blocks[0], c("172.31.0.0/20"));
        assert_eq!(blocks[1], c("172.31.16.0/20"));
        assert_eq!(blocks[15], c("172.31.240.0/20"));
        assert!(blocks.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            c("10.0.0.0/24").subnets(24).unwrap(),
            vec![c("10.0.0.0/24")]
        );
        let hosts = c("255.255.255.252/30").subnets(32).unwrap();
        assert_eq!(
            strs(&hosts),
            [
                "255.255.255.252/32",
                "255.255.255.253/32",
                "255.255.255.254/32",
                "255.255.255.255/32"
            ]
        );
        assert_eq!(
            c("0.0.0.0/0").subnets(1).unwrap(),
            vec![c("0.0.0.0/1"), c("128.0.0.0/1")]
        );
    }

    #[test]
    fn subnets_errors() {
        let b = c("172.31.0.0/16");
        let err = b.subnets(15).unwrap_err();
        assert_eq!(
            err,
            CidrError::SplitPrefix {
                cidr: b,
                prefix: 15
            }
        );
        assert_eq!(
            err.to_string(),
            "cannot split 172.31.0.0/16 into /15 blocks; the prefix must be between /16 and /32"
        );
        assert_eq!(
            b.subnets(33).unwrap_err(),
            CidrError::SplitPrefix {
                cidr: b,
                prefix: 33
            }
        );
        assert_eq!(
            c("10.0.0.0/8").subnets(32).unwrap_err(),
            CidrError::TooMany { count: 16_777_216 }
        );
        assert_eq!(b.subnets(32).unwrap().len(), 65_536);
    }

    #[test]
    fn free_blocks_after_default_subnets() {
        let vpc = c("172.31.0.0/16");
        let used: Vec<Cidr> = [
            "172.31.0.0/20",
            "172.31.16.0/20",
            "172.31.32.0/20",
            "172.31.48.0/20",
        ]
        .into_iter()
        .map(c)
        .collect();
        let free = free_blocks(vpc, &used, 20).unwrap();
        assert_eq!(free.len(), 12);
        assert_eq!(free[0], c("172.31.64.0/20"));
        assert_eq!(free[11], c("172.31.240.0/20"));
        // Order of `used` does not matter.
        let mut reversed = used.clone();
        reversed.reverse();
        assert_eq!(free_blocks(vpc, &reversed, 20).unwrap(), free);
    }

    #[test]
    fn free_blocks_with_smaller_used_blocks() {
        let vpc = c("172.31.0.0/16");
        let used = [
            c("172.31.100.16/28"),
            c("172.31.255.255/32"),
            c("172.31.0.0/32"),
        ];
        let free = free_blocks(vpc, &used, 20).unwrap();
        // The /28 sits inside 172.31.96.0/20; the /32s kill the first and last /20.
        assert_eq!(free.len(), 13);
        assert!(!free.contains(&c("172.31.96.0/20")));
        assert!(!free.contains(&c("172.31.0.0/20")));
        assert!(!free.contains(&c("172.31.240.0/20")));
        assert_eq!(free[0], c("172.31.16.0/20"));
        assert_eq!(free[12], c("172.31.224.0/20"));
        // Two used blocks in the same candidate remove it once.
        let two = [c("10.0.0.0/28"), c("10.0.0.64/28")];
        assert_eq!(
            strs(&free_blocks(c("10.0.0.0/23"), &two, 24).unwrap()),
            ["10.0.1.0/24"]
        );
    }

    #[test]
    fn free_blocks_with_larger_and_outside_used_blocks() {
        let vpc = c("10.0.0.0/16");
        let used = [c("10.0.0.0/17"), c("10.0.192.0/18")];
        let free = free_blocks(vpc, &used, 18).unwrap();
        assert_eq!(free, vec![c("10.0.128.0/18")]);
        // Used blocks outside the container are ignored; a covering one empties it.
        let outside = [c("10.1.0.0/16"), c("9.255.255.255/32")];
        assert_eq!(
            free_blocks(vpc, &outside, 17).unwrap(),
            vpc.subnets(17).unwrap()
        );
        assert!(free_blocks(vpc, &[c("10.0.0.0/8")], 24).unwrap().is_empty());
        // Nothing used: every block is free, including at the top of the space.
        let top = c("255.255.255.0/24");
        assert_eq!(free_blocks(top, &[], 26).unwrap(), top.subnets(26).unwrap());
        assert_eq!(
            strs(&free_blocks(top, &[c("255.255.255.128/25")], 26).unwrap()),
            ["255.255.255.0/26", "255.255.255.64/26"]
        );
    }

    #[test]
    fn free_blocks_errors() {
        let vpc = c("10.0.0.0/16");
        assert_eq!(
            free_blocks(vpc, &[], 8).unwrap_err(),
            CidrError::SplitPrefix {
                cidr: vpc,
                prefix: 8
            }
        );
        assert_eq!(
            free_blocks(vpc, &[], 33).unwrap_err(),
            CidrError::SplitPrefix {
                cidr: vpc,
                prefix: 33
            }
        );
        let err = free_blocks(c("10.0.0.0/8"), &[], 32).unwrap_err();
        assert_eq!(err, CidrError::TooMany { count: 16_777_216 });
        assert!(err.to_string().contains("limit 65536"), "{err}");
        assert_eq!(free_blocks(vpc, &[], 32).unwrap().len(), 65_536);
    }

    #[test]
    fn free_blocks_with_every_block_used_leaves_none() {
        let vpc = c("10.0.0.0/16");
        let mut used = vpc.subnets(28).unwrap();
        assert_eq!(used.len(), 4096);
        used.reverse();
        // Out of order on purpose: the sweep sorts once (its speed is measured
        // by `benches/dry_run.rs`, not here).
        let free = free_blocks(vpc, &used, 28).unwrap();
        assert!(free.is_empty());

        // Every other /28 used leaves exactly the odd ones.
        let evens: Vec<Cidr> = vpc.subnets(28).unwrap().into_iter().step_by(2).collect();
        let free = free_blocks(vpc, &evens, 28).unwrap();
        assert_eq!(free.len(), 2048);
        assert_eq!(free[0], c("10.0.0.16/28"));
        assert_eq!(free[2047], c("10.0.255.240/28"));
    }

    #[test]
    fn overlapping_finds_first() {
        let used = [c("10.0.0.0/24"), c("10.0.1.0/24"), c("10.0.0.0/16")];
        assert_eq!(
            overlapping(&c("10.0.1.128/25"), &used),
            Some(c("10.0.1.0/24"))
        );
        assert_eq!(overlapping(&c("10.0.0.0/8"), &used), Some(c("10.0.0.0/24")));
        assert_eq!(overlapping(&c("10.1.0.0/16"), &used), None);
        assert_eq!(overlapping(&c("10.1.0.0/16"), []), None);
        assert_eq!(
            overlapping(&c("10.0.5.0/24"), used.iter()),
            Some(c("10.0.0.0/16"))
        );
    }

    #[test]
    fn ordering_and_conversion() {
        let mut v = [c("10.0.1.0/24"), c("10.0.0.0/16"), c("10.0.0.0/24")];
        v.sort();
        assert_eq!(strs(&v), ["10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24"]);
        let net: Ipv4Net = c("10.0.0.0/16").into();
        assert_eq!(net, "10.0.0.0/16".parse::<Ipv4Net>().unwrap());
        assert_eq!(c("10.0.0.0/16").as_ipnet(), net);
    }
}
