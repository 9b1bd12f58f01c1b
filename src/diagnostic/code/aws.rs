//! The AWS codes the simulated account raises, for the same rules AWS
//! applies (`CloudError::new(op, code::Aws::..., message)`). A new rule's
//! code gets its row here; so does a kind's not-found code, which the
//! kind's descriptor (`cloud::kind`) names.

use super::{AwsCode, Entry, Section};

section! {
    Aws: AwsCode = "Raised by the simulated account (and by AWS)";

    InvalidSubnetConflict = "InvalidSubnet.Conflict" {
        when: "CreateSubnet: the CIDR overlaps another subnet of the VPC.",
        what_to_do: "Use a free block; the help lists free blocks of the same size \
                     (`free_blocks(vpc, prefix)` computes them).",
    }
    InvalidSubnetRange = "InvalidSubnet.Range" {
        when: "CreateSubnet: the prefix is not /16 to /28, or the block is outside the VPC's \
               CIDR.",
        what_to_do: "Use a /16 to /28 block inside the VPC's CIDR.",
    }
    InvalidVpcRange = "InvalidVpc.Range" {
        when: "CreateVpc: the prefix is not /16 to /28.",
        what_to_do: "Use a /16 to /28 block.",
    }
    VpcLimitExceeded = "VpcLimitExceeded" {
        when: "CreateVpc: the region already holds the quota of VPCs (5 by default).",
        what_to_do: "Delete unused VPCs or request a quota increase.",
    }
    AddressLimitExceeded = "AddressLimitExceeded" {
        when: "AllocateAddress: the region already holds the quota of Elastic IPs (5 by \
               default).",
        what_to_do: "Release unused ones, share one NAT gateway (`#{nat: \"shared\"}`), or \
                     request a quota increase.",
    }
    InternetGatewayLimitExceeded = "InternetGatewayLimitExceeded" {
        when: "CreateInternetGateway: the region already holds the quota of internet gateways \
               (5 by default, as many as VPCs).",
        what_to_do: "Delete unused gateways (and their VPCs), or request a quota increase for \
                     VPCs per region.",
    }
    SubnetLimitExceeded = "SubnetLimitExceeded" {
        when: "CreateSubnet: the VPC already holds the quota of subnets (200 by default).",
        what_to_do: "Delete unused subnets, or request a quota increase.",
    }
    RouteTableLimitExceeded = "RouteTableLimitExceeded" {
        when: "CreateRouteTable: the VPC already holds the quota of route tables (200 by \
               default, the main one included).",
        what_to_do: "Share a route table between subnets that route alike, or request a quota \
                     increase.",
    }
    RulesPerSecurityGroupLimitExceeded = "RulesPerSecurityGroupLimitExceeded" {
        when: "AuthorizeSecurityGroupIngress: the group would hold more than the quota of \
               inbound rules (60 by default).",
        what_to_do: "Open a range or a prefix list instead of single rules, split the rules \
                     over two groups, or request a quota increase.",
    }
    VcpuLimitExceeded = "VcpuLimitExceeded" {
        when: "RunInstances: the running On-Demand instances of the Standard families (A, C, D, \
               H, I, M, R, T, Z) would hold more vCPUs than the quota (5 in a new account).",
        what_to_do: "Use a smaller type or fewer instances, or raise the quota in the Service \
                     Quotas console and plan with `--sim-quota vcpus=N`.",
    }
    SecurityGroupsPerInterfaceLimitExceeded = "SecurityGroupsPerInterfaceLimitExceeded" {
        when: "RunInstances: more security groups than a network interface takes (5 by \
               default).",
        what_to_do: "Merge the groups' rules into fewer groups.",
    }
    ResourceAlreadyAssociated = "Resource.AlreadyAssociated" {
        when: "CreateNatGateway with an Elastic IP another NAT gateway uses; AssociateRouteTable \
               for a subnet that already has a route table.",
        what_to_do: "Allocate another Elastic IP or reuse that NAT gateway; a subnet has one \
                     route table, so remove the other association.",
    }
    InsufficientFreeAddressesInSubnet = "InsufficientFreeAddressesInSubnet" {
        when: "RunInstances or CreateNatGateway: the subnet has no free private address.",
        what_to_do: "Use a larger subnet, or spread the instances over more subnets.",
    }
    RouteAlreadyExists = "RouteAlreadyExists" {
        when: "CreateRoute: the route table already has a route for that destination.",
        what_to_do: "Keep one route per destination.",
    }
    InvalidNatGatewayIdNotFound = "InvalidNatGatewayID.NotFound" {
        when: "CreateRoute to a NAT gateway that does not exist (or was deleted).",
        what_to_do: "Create the NAT gateway first, or check the id.",
    }
    InvalidGatewayIdNotFound = "InvalidGatewayID.NotFound" {
        when: "CreateRoute to an internet gateway that does not exist.",
        what_to_do: "Use the internet gateway attached to the route table's VPC.",
    }
    InvalidGroupDuplicate = "InvalidGroup.Duplicate" {
        when: "CreateSecurityGroup: the VPC already has a group named `<stack>-<name>` that is \
               not this stack's.",
        what_to_do: "Give the security group another name; group names are unique per VPC.",
    }
    Unsupported = "Unsupported" {
        when: "RunInstances: the subnet's AZ does not offer the instance type (in \
               ap-northeast-2, t2 and t3a are offered in 2a and 2c only; a live plan asks the \
               account's own offerings).",
        what_to_do: "Launch in a subnet of an AZ that offers the type, or pick a type every AZ \
                     offers, such as t3.micro.",
    }
    InvalidGroupReserved = "InvalidGroup.Reserved" {
        when: "CreateSecurityGroup named `default` (in any case): every VPC has its own.",
        what_to_do: "Choose another name.",
    }
    InvalidPermissionDuplicate = "InvalidPermission.Duplicate" {
        when: "AuthorizeSecurityGroupIngress: the same rule is given twice.",
        what_to_do: "Add each rule once.",
    }
    MissingParameter = "MissingParameter" {
        when: "CreateSecurityGroup: the group name or `description` is empty.",
        what_to_do: "Give a non-empty `description`.",
    }
    InvalidParameterValue = "InvalidParameterValue" {
        when: "EC2 rejects a value: CIDR text it cannot read, an AZ not in the region, an \
               unknown instance type, user data over 16 KB, a route or route-table association \
               across VPCs, a group named `default` or `sg-...`, a description that is not ASCII \
               or over 255 characters, an unknown IP protocol.",
        what_to_do: "Fix the value the message names; the help lists the valid AZs or instance \
                     types.",
    }
    InvalidParameter = "InvalidParameter" {
        when: "RunInstances: a security group and the subnet are in different VPCs.",
        what_to_do: "Use security groups of the subnet's VPC.",
    }
    InvalidGroupNotFound = "InvalidGroup.NotFound" {
        when: "A security group does not exist (RunInstances, AuthorizeSecurityGroupIngress, \
               `lookup`), or an ingress rule's source group is in another VPC.",
        what_to_do: "Create the security group first or check the id; name a source group of the \
                     same VPC.",
    }
    InvalidAmiIdMalformed = "InvalidAMIID.Malformed" {
        when: "RunInstances: the image id is not `ami-` and 8 or 17 hex digits.",
        what_to_do: "Use `latest_ami(\"al2023\")` or a real image id.",
    }
    InvalidAmiIdNotFound = "InvalidAMIID.NotFound" {
        when: "RunInstances: the account cannot see the image (another region's, deregistered, \
               or private to another account). A live plan asks the account before any write.",
        what_to_do: "Use `latest_ami(\"al2023\")`, or an image id of this region the account \
                     owns or may launch.",
    }
    InvalidInstanceIdMalformed = "InvalidInstanceID.Malformed" {
        when: "TerminateInstances: an instance id is malformed.",
        what_to_do: "Pass instances made by `instances(...)`.",
    }
    ParameterNotFound = "ParameterNotFound" {
        when: "`latest_ami(FAMILY)`: no image is published for that family (the same in a dry \
               run and live).",
        what_to_do: "Use one of the families the help lists, e.g. `\"al2023\"`.",
    }
    ValidationError = "ValidationError" {
        when: "EC2 Auto Scaling rejects a request (an unknown group or policy, a desired \
               capacity outside min..max, subnets of more than one VPC, a launch template \
               version that does not exist, a name too long), or ELB rejects one: a load balancer or target group name that is empty, over \
               32 characters, not letters, digits and hyphens, or starts or ends with a hyphen; \
               a load balancer name starting `internal-`; a bad scheme or protocol; port 0; a \
               health check path not starting with `/`, an interval outside 5 to 300, a \
               timeout outside 2 to 120 or not shorter than the interval, or a threshold \
               outside 2 to 10; a target group VPC that does not exist; an HTTPS \
               listener without a certificate.",
        what_to_do: "Fix the value; for names the help suggests a valid one.",
    }
    InvalidConfigurationRequest = "InvalidConfigurationRequest" {
        when: "CreateLoadBalancer with subnets in different VPCs, two subnets in one AZ, or \
               fewer than two AZs; CreateListener forwarding to a target group of another VPC; \
               ModifyTargetGroupAttributes with a deregistration delay outside 0 to 3600 \
               seconds.",
        what_to_do: "Give one public subnet in each of two or more AZs of one VPC; keep the \
                     target group in the load balancer's VPC; give `deregistration_delay` 0 to \
                     3600.",
    }
    SubnetNotFound = "SubnetNotFound" {
        when: "CreateLoadBalancer: a subnet does not exist.",
        what_to_do: "Create the subnet first, or check the id.",
    }
    InvalidSubnet = "InvalidSubnet" {
        when: "CreateLoadBalancer: a subnet has fewer than 8 free addresses, or an \
               internet-facing load balancer's VPC has no internet gateway.",
        what_to_do: "Place the load balancer in larger public subnets; attach an internet \
                     gateway to the VPC first (`internet_gateway(name, #{vpc})`), or make it \
                     `scheme: \"internal\"`.",
    }
    InvalidSecurityGroup = "InvalidSecurityGroup" {
        when: "CreateLoadBalancer: a security group does not exist or is in another VPC.",
        what_to_do: "Use an existing group of the load balancer's VPC.",
    }
    DuplicateLoadBalancerName = "DuplicateLoadBalancerName" {
        when: "CreateLoadBalancer: a load balancer with that name exists with other settings.",
        what_to_do: "Choose another name; names are unique per account and region.",
    }
    DuplicateTargetGroupName = "DuplicateTargetGroupName" {
        when: "CreateTargetGroup: a target group with that name exists with other settings.",
        what_to_do: "Choose another name; names are unique per account and region.",
    }
    DuplicateListener = "DuplicateListener" {
        when: "CreateListener: the load balancer already listens on that port with other \
               settings.",
        what_to_do: "Use another port; one listener per port.",
    }
    IncompatibleProtocols = "IncompatibleProtocols" {
        when: "CreateListener forwarding to a TCP target group.",
        what_to_do: "Forward to an HTTP or HTTPS target group.",
    }
    TargetGroupAssociationLimit = "TargetGroupAssociationLimit" {
        when: "CreateListener: the target group is already used by another load balancer.",
        what_to_do: "Create a separate target group for each load balancer.",
    }
    InvalidTarget = "InvalidTarget" {
        when: "RegisterTargets or DeregisterTargets: an id is not an instance, is not pending or \
               running (to register), or is in another VPC than the target group.",
        what_to_do: "Register running instances of the target group's VPC.",
    }
    DependencyViolation = "DependencyViolation" {
        when: "Deleting a VPC, subnet, internet gateway, route table or security group that \
               something still uses.",
        what_to_do: "Delete what depends on it first (instances must be terminated, NAT gateways \
                     deleted); re-run `awsrun destroy`.",
    }
    ResourceInUse = "ResourceInUse" {
        when: "DeleteTargetGroup while a listener forwards to it.",
        what_to_do: "Delete the listeners first.",
    }
    InvalidIpAddressInUse = "InvalidIPAddress.InUse" {
        when: "ReleaseAddress while a NAT gateway still uses the Elastic IP.",
        what_to_do: "Delete the NAT gateway and wait until it is deleted.",
    }
    CannotDelete = "CannotDelete" {
        when: "DeleteSecurityGroup on a VPC's `default` group.",
        what_to_do: "Leave it: it goes with the VPC.",
    }
    InvalidVpcIdNotFound = "InvalidVpcID.NotFound" {
        when: "The VPC does not exist, or the region has no default VPC (`default_vpc()` and \
               functions without `vpc`).",
        what_to_do: "Check the id; create a default VPC with `aws ec2 create-default-vpc`, or \
                     pass a VPC explicitly.",
    }
    InvalidSubnetIdNotFound = "InvalidSubnetID.NotFound" {
        when: "The subnet id refers to no live subnet (e.g. `lookup(\"subnet\", id)`).",
        what_to_do: "Check the id, or create the subnet first.",
    }
    InvalidInternetGatewayIdNotFound = "InvalidInternetGatewayID.NotFound" {
        when: "The internet gateway id refers to no live internet gateway.",
        what_to_do: "Check the id.",
    }
    InvalidAllocationIdNotFound = "InvalidAllocationID.NotFound" {
        when: "The Elastic IP allocation id refers to no live address.",
        what_to_do: "Check the id, or allocate the address first.",
    }
    NatGatewayNotFound = "NatGatewayNotFound" {
        when: "The NAT gateway id refers to no live NAT gateway.",
        what_to_do: "Check the id, or create the NAT gateway first.",
    }
    InvalidRouteTableIdNotFound = "InvalidRouteTableID.NotFound" {
        when: "The route table id refers to no live route table.",
        what_to_do: "Check the id, or create the route table first.",
    }
    InvalidInstanceIdNotFound = "InvalidInstanceID.NotFound" {
        when: "The instance id refers to no instance.",
        what_to_do: "Check the id, or launch the instance first.",
    }
    TargetGroupNotFound = "TargetGroupNotFound" {
        when: "The target group ARN refers to no live target group.",
        what_to_do: "Check the ARN, or create the target group first.",
    }
    LoadBalancerNotFound = "LoadBalancerNotFound" {
        when: "The load balancer ARN refers to no live load balancer.",
        what_to_do: "Check the ARN, or create the load balancer first.",
    }
    ListenerNotFound = "ListenerNotFound" {
        when: "The listener ARN refers to no live listener.",
        what_to_do: "Check the ARN, or create the listener first.",
    }
    InvalidLaunchTemplateIdNotFound = "InvalidLaunchTemplateId.NotFound" {
        when: "The launch template id refers to no launch template (it was deleted).",
        what_to_do: "Check the id, or create the template with `launch_template(...)` first.",
    }
    AutoScalingAlreadyExists = "AlreadyExists" {
        when: "CreateAutoScalingGroup: a group of that name already exists in the account and \
               region.",
        what_to_do: "Group names are unique per region: name the group differently, or \
                     destroy the stack that holds it.",
    }
    InvalidLaunchTemplateNameMalformed = "InvalidLaunchTemplateName.MalformedException" {
        when: "CreateLaunchTemplate: the name is not 3 to 128 characters of letters, digits \
               and `( ) . - / _`.",
        what_to_do: "Use a shorter name of those characters (awsrun names it `<stack>-<name>`).",
    }
    InvalidLaunchTemplateNameAlreadyExists = "InvalidLaunchTemplateName.AlreadyExistsException" {
        when: "CreateLaunchTemplate: a launch template of that name already exists in the \
               region.",
        what_to_do: "Template names are unique per region: name it differently, or destroy \
                     the stack that holds it.",
    }
    NoSuchHostedZone = "NoSuchHostedZone" {
        when: "Route 53: no hosted zone has that id (it was deleted, or belongs to another \
               account).",
        what_to_do: "Look the zone up by its domain with `hosted_zone(domain)`.",
    }
    InvalidChangeBatch = "InvalidChangeBatch" {
        when: "ChangeResourceRecordSets: a change of the batch is not valid (a name outside \
               the zone, a record that already exists or is not there, a CNAME beside other \
               records, an alias to a target that does not exist); Route 53 makes none of the \
               batch's changes.",
        what_to_do: "Name records inside the zone, give a CNAME a name of its own, and alias \
                     only load balancers that exist.",
    }
    CertificateResourceNotFound = "ResourceNotFoundException" {
        when: "ACM: no certificate has that ARN in this account and region.",
        what_to_do: "Request it with `certificate(name, #{domain})`; certificates are \
                     regional, so request it in the load balancer's region.",
    }
    CertificateInUse = "ResourceInUseException" {
        when: "DeleteCertificate: a listener (or another service) still uses the certificate; \
               ACM keeps it in use for a short while after the listener is gone.",
        what_to_do: "Delete the listener first; `destroy` retries until ACM lets it go.",
    }
    AcmValidation = "ValidationException" {
        when: "RequestCertificate: a domain name breaks ACM's rules (at least two labels, no \
               label starting with a hyphen, a wildcard only as a whole leftmost `*.` label, \
               at most 253 characters, 64 for the first name).",
        what_to_do: "Fix the name; a wildcard `*.example.com` covers one level of names.",
    }
    AcmLimitExceeded = "LimitExceededException" {
        when: "RequestCertificate: more domain names than a certificate holds (10 in all by \
               default), or the account's quota of certificates is reached.",
        what_to_do: "Use a wildcard name, split the names over two certificates, or request a \
                     quota increase.",
    }
    CertificateNotFound = "CertificateNotFound" {
        when: "CreateListener or ModifyListener: the certificate does not exist, or is not \
               issued yet.",
        what_to_do: "Use `certificate(...)`, which waits until ACM has issued it.",
    }
    SslPolicyNotFound = "SSLPolicyNotFound" {
        when: "CreateListener or ModifyListener: no predefined security policy has that name.",
        what_to_do: "Use one of the predefined ELBSecurityPolicy-* names, or leave `ssl_policy` \
                     out for ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09.",
    }
    InvalidLoadBalancerAction = "InvalidLoadBalancerAction" {
        when: "CreateListener or ModifyListener: a redirect that would loop (same protocol and \
               port), or that goes from HTTPS to HTTP.",
        what_to_do: "Redirect HTTP to HTTPS on another port: `redirect: #{port: 443}`.",
    }
}
