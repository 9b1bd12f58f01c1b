//! Risky shapes in what a run built, reported as warnings.

use super::{Code, Entry, Section};

section! {
    Warn: Code = "Warnings",
    intro "Risky shapes in what a run built: AWS accepts them, but each is usually a\n\
           mistake. They are printed after a successful dry run with text output, and by\n\
           `awsrun check`.";

    OpenPort = "awsrun::warn::open_port" {
        when: "A security group opens a port other than 80 or 443 to `0.0.0.0/0`.",
        what_to_do: "Open it only to who needs it: the load balancer's group (`from: web.sg`) or \
                     your network's CIDR.",
    }
    NatPrivate = "awsrun::warn::nat_private" {
        when: "A NAT gateway is in a subnet with no route to an internet gateway.",
        what_to_do: "Put NAT gateways in a public subnet, e.g. `subnet: public_subnet(\"2a\")`.",
    }
    LbPrivateSubnets = "awsrun::warn::lb_private_subnets" {
        when: "An internet-facing load balancer is in private subnets.",
        what_to_do: "Place it in public subnets, e.g. `[public_subnet(\"2a\"), \
                     public_subnet(\"2c\")]`, or make it `scheme: \"internal\"`.",
    }
    NoTargets = "awsrun::warn::no_targets" {
        when: "A listener forwards to a target group with no targets (the load balancer answers \
               503).",
        what_to_do: "Register the servers: `register(web.tg, app.instances)`.",
    }
    PublicIpPrivateSubnet = "awsrun::warn::public_ip_private_subnet" {
        when: "An instance with a public IP is in a private subnet, where the IP is unreachable.",
        what_to_do: "Drop `public_ip: true`.",
    }
}
