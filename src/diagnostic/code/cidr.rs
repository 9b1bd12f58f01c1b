//! CIDR text and the arithmetic on it.

use super::{Code, Entry, Section};

section! {
    Cidr: Code = "CIDR";

    Syntax = "awsrun::cidr::syntax" {
        when: "A CIDR text is not of the form `a.b.c.d/n` (a missing prefix, a bad address).",
        what_to_do: "Write it as address/prefix, e.g. `\"172.31.112.0/20\"`.",
    }
    Prefix = "awsrun::cidr::prefix" {
        when: "A prefix is above 32 in a CIDR text, or outside 0 to 32 as the argument of \
               `.subnets(n)` or `free_blocks(x, n)`.",
        what_to_do: "Use a prefix from 0 to 32; AWS subnets take /16 to /28.",
    }
    HostBits = "awsrun::cidr::host_bits" {
        when: "The address has bits set beyond the prefix, e.g. `172.31.112.5/20`.",
        what_to_do: "Use the network address the help gives (`172.31.112.0/20`).",
    }
    Split = "awsrun::cidr::split" {
        when: "A block is split into blocks larger than itself, e.g. \
               `cidr(\"10.0.0.0/16\").subnets(8)` or `free_blocks(default_vpc(), 8)`.",
        what_to_do: "Split into blocks smaller than the CIDR (a larger prefix number).",
    }
    TooMany = "awsrun::cidr::too_many" {
        when: "Listing the blocks would produce more than 65536 of them.",
        what_to_do: "Ask for larger blocks (a smaller prefix number).",
    }
    Type = "awsrun::cidr::type" {
        when: "`contains`, `overlaps` or `free_blocks` got a value that is neither CIDR text nor \
               a `cidr(...)` value.",
        what_to_do: "Pass a Cidr from `cidr(\"10.0.0.0/16\")` or a text like `\"10.0.0.0/16\"`; \
                     `free_blocks` also takes a VPC (`default_vpc()` or `vpc(...)`).",
    }
}
