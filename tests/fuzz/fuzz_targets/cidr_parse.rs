//! Arbitrary bytes into `awsrun::cidr::parse`. Whatever parses must obey the
//! block's invariants; nothing may panic.

#![no_main]

use awsrun::cidr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(block) = cidr::parse(text) else { return };

    // Display round-trips to the same block (and is canonical).
    let shown = block.to_string();
    let again = cidr::parse(&shown).expect("a displayed block parses");
    assert_eq!(again, block, "{text:?} -> {shown}");
    assert_eq!(again.to_string(), shown);

    let prefix = u32::from(block.prefix());
    assert!(prefix <= 32);
    assert_eq!(block.size(), 1u64 << (32 - prefix), "{shown}");
    assert!(block.first() <= block.last(), "{shown}");
    assert_eq!(block.first(), block.network());
    assert_eq!(u64::from(block.end_u32()) - u64::from(block.start_u32()) + 1, block.size());
    assert_eq!(block.usable(), block.size().saturating_sub(5));
    assert!(block.contains(&block) && block.overlaps(&block));
    assert!(block.contains_addr(block.first()) && block.contains_addr(block.last()));

    // Splitting into the next prefix (when allowed) covers the block exactly.
    if prefix < 32
        && let Ok(halves) = block.subnets(block.prefix() + 1)
    {
        assert_eq!(halves.len(), 2);
        assert_eq!(halves[0].first(), block.first());
        assert_eq!(halves[1].last(), block.last());
        assert!(halves.iter().all(|h| block.contains(h) && !h.contains(&block)));
    }
    // free_blocks of itself with nothing used yields itself.
    if let Ok(free) = cidr::free_blocks(block, &[], block.prefix()) {
        assert_eq!(free, vec![block]);
    }
});
