//! Resources passed to, named in and ensured by host functions.

use super::{Code, Entry, Section};

section! {
    Resource: Code = "Resources";

    KindMismatch = "awsrun::kind::mismatch" {
        when: "A resource of the wrong kind is passed, e.g. an Elastic IP as the `subnet` of \
               `nat_gateway()`, a string to `wait()`, a subnet to `free_blocks()`, or a \
               `lookup(kind, id)` whose id is of another kind.",
        what_to_do: "Pass a resource of the kind named; the help says which function makes it.",
    }
    UnknownKind = "awsrun::kind::unknown" {
        when: "`existing(kind, name)` or `lookup(kind, id)` names a kind that does not exist.",
        what_to_do: "Use the suggested kind (`did you mean ...?`), or one of the kinds the help \
                     lists (`\"subnet\"`, `\"target_group\"`, ...).",
    }
    UnknownAttribute = "awsrun::resource::unknown_attribute" {
        when: "A resource has no such attribute (`s.cidrr`); the message lists the ones it has.",
        what_to_do: "Use the suggested attribute; `print(x.to_debug())` shows every attribute \
                     with its value.",
    }
    InvalidName = "awsrun::name::invalid" {
        when: "A resource name is empty or longer than 255 characters (it becomes the `Name` \
               tag).",
        what_to_do: "Give each resource a short, unique name.",
    }
    InvalidAz = "awsrun::az::invalid" {
        when: "`public_subnet(AZ)` names an AZ with no default public subnet in the region.",
        what_to_do: "Use one of the AZs the help lists (`\"2a\"`, `\"a\"` and the full name all \
                     work).",
    }
    NoNat = "awsrun::nat::none" {
        when: "`shared_nat()`, or `private_subnet(..., #{nat: \"shared\"})`, runs before the \
               script has made any NAT gateway.",
        what_to_do: "Make the first private subnet without `nat: \"shared\"`; later ones can \
                     share its NAT gateway.",
    }
    DuplicatePort = "awsrun::listener::duplicate_port" {
        when: "The script makes a second listener on a port of a load balancer where it already \
               made one that forwards elsewhere or speaks another protocol.",
        what_to_do: "Give the listener another port, or forward that port to one target group.",
    }
    Drift = "awsrun::ensure::drift" {
        when: "A resource of the stack already exists (same name) with a different fixed setting \
               than the script asks for, e.g. another CIDR, AZ, instance type or port; the \
               message shows both values.",
        what_to_do: "Change the script back to the existing value, give the resource a new name, \
                     or remove the stack with `awsrun destroy --stack NAME`. awsrun never \
                     replaces a resource silently.",
    }
    AdoptAmbiguous = "awsrun::adopt::ambiguous" {
        when: "`--adopt`: two or more untagged resources match one ensure of the script (e.g. \
               two untagged instances of the same type and groups in one subnet); the message \
               lists them with their key attributes. Nothing is tagged.",
        what_to_do: "Tell awsrun which one is meant: tag it into the stack by hand (`Name` = the \
                     script's name, `awsrun:stack` = the stack), or remove the other one, then \
                     run again.",
    }
    NoHostedZone = "awsrun::dns::no_zone" {
        when: "`hosted_zone(domain)` (or a certificate or record for the domain) finds no \
               public hosted zone of the account holding the domain.",
        what_to_do: "Create the zone once (Route 53 console, or `aws route53 create-hosted-zone \
                     --name example.com --caller-reference $(date +%s)`) and point the \
                     registrar's name servers at it; awsrun uses the account's zones and never \
                     creates or deletes one.",
    }
    OutsideZone = "awsrun::dns::outside_zone" {
        when: "A record name, or a certificate's domain name, does not lie inside the hosted \
               zone it is given (`api.other.org` in zone `example.com`), so the zone can \
               neither hold the record nor validate the certificate.",
        what_to_do: "Use a name inside the zone, or the zone of that name \
                     (`hosted_zone(\"other.org\")`).",
    }
    RecordNotOwned = "awsrun::dns::not_owned" {
        when: "A record the script asks for already exists in the zone and this stack does not \
               own it: another stack owns it (its ownership TXT record says so), or nobody does \
               (it was made by hand or by another tool). awsrun never overwrites it.",
        what_to_do: "Use another name, remove the record where it was made (or destroy the \
                     stack that owns it), then run again.",
    }
}
