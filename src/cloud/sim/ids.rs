//! Deterministic identifiers in AWS's shapes.
//!
//! Every id derives from a seed string (region, kind and a per-account
//! counter) through [`fnv1a`], so the same script yields the same ids on
//! every run while still looking like the ones AWS hands out.

use std::net::Ipv4Addr;

use crate::cloud::Kind;
use crate::cloud::resource::fnv1a;

/// The EC2 id prefix of a kind (`subnet`, `igw`, ...); ELB kinds have ARNs instead.
pub(super) fn prefix(kind: Kind) -> &'static str {
    kind.info().id_prefix
}

/// `prefix-` + 17 lowercase hex digits, the leading one `0` as in AWS's long ids.
pub(super) fn ec2_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}-0{:016x}", hash(seed, 0))
}

/// FNV-1a, then MurmurHash3's finalizer: FNV alone barely changes its high
/// bits when only the last byte differs (`.../7` vs `.../8`), so ids of
/// consecutive resources would share long prefixes; AWS's never do.
fn hash(seed: &str, salt: u64) -> u64 {
    let mut k = fnv1a(seed.as_bytes(), salt);
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The 16 hex digits that end an ELB ARN.
pub(super) fn elb_hex(seed: &str) -> String {
    format!("{:016x}", hash(seed, 2))
}

/// The 10 digits AWS puts in a load balancer's DNS name (never a leading zero).
pub(super) fn dns_digits(seed: &str) -> u64 {
    1_000_000_000 + hash(seed, 3) % 9_000_000_000
}

/// A hosted zone id: `Z` and 20 upper-case letters and digits, as new
/// Route 53 zones have.
pub(super) fn zone_id(seed: &str) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (mut a, mut b) = (hash(seed, 4), hash(seed, 5));
    let mut id = String::from("Z0");
    for n in 0..19 {
        let word = if n < 10 { &mut a } else { &mut b };
        id.push(DIGITS[(*word % 36) as usize] as char);
        *word /= 36;
    }
    id
}

/// A UUID-shaped id (8-4-4-4-12 lowercase hex), as ACM's ARNs end.
pub(super) fn uuid(seed: &str) -> String {
    let (a, b) = (hash(seed, 6), hash(seed, 7));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// `n` lowercase hex digits from a seed (ACM's validation record labels).
pub(super) fn hex_digits(seed: &str, n: usize) -> String {
    let mut out = String::new();
    let mut salt = 8;
    while out.len() < n {
        out.push_str(&format!("{:016x}", hash(seed, salt)));
        salt += 1;
    }
    out.truncate(n);
    out
}

/// The `n`th public address handed out from `a.b.0.0/16`.
///
/// Multiplying by an odd constant modulo 2^16 is a bijection, so the first
/// 65,536 addresses are all distinct while not looking sequential.
pub(super) fn public_ip(block: [u8; 2], n: u64) -> Ipv4Addr {
    let low = (0x2b1d_u64.wrapping_add(n.wrapping_mul(0x09e5))) & 0xffff;
    Ipv4Addr::new(block[0], block[1], (low >> 8) as u8, (low & 0xff) as u8)
}

/// True for `prefix-` followed by 8 or 17 lowercase hex digits.
pub(super) fn well_formed(id: &str, prefix: &str) -> bool {
    let Some(hex) = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    matches!(hex.len(), 8 | 17)
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
