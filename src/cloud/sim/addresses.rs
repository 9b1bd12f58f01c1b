//! Private addresses of one subnet, handed out in O(1).

use std::collections::HashSet;
use std::net::Ipv4Addr;

use crate::cidr::Cidr;

/// The private addresses of a subnet.
///
/// AWS reserves the first four addresses and the last one of every subnet;
/// the rest are handed out in order from a counter, reusing released ones
/// first. Addresses seeded from a real account ahead of the counter are
/// remembered in `taken` and skipped when the counter reaches them.
#[derive(Debug, Clone)]
pub(super) struct Addresses {
    /// First usable address (network + 4).
    first: u32,
    /// Number of usable addresses (size - 5).
    count: u32,
    /// Offset from `first` of the next never-used address.
    next: u32,
    released: Vec<u32>,
    taken: HashSet<u32>,
    in_use: u32,
}

impl Addresses {
    pub(super) fn new(cidr: Cidr) -> Self {
        Addresses {
            first: cidr.start_u32().saturating_add(4),
            count: u32::try_from(cidr.usable()).unwrap_or(u32::MAX),
            next: 0,
            released: Vec::new(),
            taken: HashSet::new(),
            in_use: 0,
        }
    }

    /// Usable addresses in the subnet.
    pub(super) fn usable(&self) -> u32 {
        self.count
    }

    pub(super) fn in_use(&self) -> u32 {
        self.in_use
    }

    pub(super) fn free(&self) -> u32 {
        self.count - self.in_use
    }

    /// The next free address, or `None` when the subnet is full.
    pub(super) fn allocate(&mut self) -> Option<Ipv4Addr> {
        if let Some(addr) = self.released.pop() {
            self.in_use += 1;
            return Some(Ipv4Addr::from(addr));
        }
        while self.next < self.count {
            let addr = self.first + self.next;
            self.next += 1;
            if !self.taken.remove(&addr) {
                self.in_use += 1;
                return Some(Ipv4Addr::from(addr));
            }
        }
        None
    }

    /// Gives an address back (its instance terminated, its NAT gateway
    /// deleted). Callers release each address once.
    pub(super) fn release(&mut self, addr: Ipv4Addr) {
        if let Some(offset) = self.offset(addr) {
            if offset < self.next && !self.taken.contains(&u32::from(addr)) {
                self.released.push(u32::from(addr));
                self.in_use = self.in_use.saturating_sub(1);
            } else if self.taken.remove(&u32::from(addr)) {
                self.in_use = self.in_use.saturating_sub(1);
            }
        }
    }

    /// Marks an address as used by something that already exists (seeding).
    pub(super) fn reserve(&mut self, addr: Ipv4Addr) {
        let Some(offset) = self.offset(addr) else {
            return;
        };
        let addr = u32::from(addr);
        if offset >= self.next {
            if self.taken.insert(addr) {
                self.in_use += 1;
            }
        } else if let Some(at) = self.released.iter().position(|a| *a == addr) {
            self.released.swap_remove(at);
            self.in_use += 1;
        }
    }

    fn offset(&self, addr: Ipv4Addr) -> Option<u32> {
        let offset = u32::from(addr).checked_sub(self.first)?;
        (offset < self.count).then_some(offset)
    }
}
