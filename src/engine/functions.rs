//! Every host function, described once: its signature, option keys (nested
//! ones too), doc and example.
//!
//! Registration (`bindings::host`), strict option parsing ([`Opts::of`]),
//! `awsrun docs`, `docs --definitions`, the REPL's completion and "did you
//! mean" all read [`HOST`]. A host function registered without a descriptor
//! panics when the engine is built, so every test names it.
//!
//! [`Opts::of`]: super::opts::Opts::of

/// One option key of a function's options map, with the keys of the maps
/// under it (each route of `routes: [...]`, the `health_check` map).
#[derive(Debug)]
pub struct OptKey {
    pub name: &'static str,
    pub nested: &'static [&'static str],
}

const fn key(name: &'static str) -> OptKey {
    OptKey { name, nested: &[] }
}

const fn nested(name: &'static str, keys: &'static [&'static str]) -> OptKey {
    OptKey { name, nested: keys }
}

/// One host function.
#[derive(Debug)]
pub struct Func {
    pub name: &'static str,
    /// The signature as `awsrun docs` shows it; `OPTS` stands for the
    /// options map, spelled out from `options`.
    signature: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
    pub options: &'static [OptKey],
}

impl Func {
    /// The signature with the options map spelled out (`#{vpc, cidr, ...}`).
    pub fn signature(&self) -> String {
        let keys: Vec<&str> = self.options.iter().map(|k| k.name).collect();
        self.signature
            .replace("OPTS", &format!("#{{{}}}", keys.join(", ")))
    }

    /// The documented return type (`Subnet`, `[Instance]`, ...), if any.
    pub fn returns(&self) -> Option<&'static str> {
        self.signature.rsplit_once("-> ").map(|(_, r)| r.trim())
    }

    /// The keys of the options map itself.
    pub fn keys(&self) -> Vec<&'static str> {
        self.options.iter().map(|k| k.name).collect()
    }

    /// The keys of the maps nested under `key`, if it holds maps.
    pub fn nested_keys(&self, key: &str) -> Option<&'static [&'static str]> {
        self.options
            .iter()
            .find(|k| k.name == key && !k.nested.is_empty())
            .map(|k| k.nested)
    }
}

/// The descriptor of a host function.
pub fn host(name: &str) -> Option<&'static Func> {
    HOST.iter().find(|f| f.name == name)
}

/// The keys allowed in the options at `path`: `"subnet"` for a function's
/// own options map, `"route_table(routes)"` for the maps nested under a key.
pub fn option_keys(path: &str) -> Option<Vec<&'static str>> {
    match path.split_once('(') {
        Some((func, key)) => host(func)?
            .nested_keys(key.trim_end_matches(')'))
            .map(<[_]>::to_vec),
        None => host(path).map(Func::keys).filter(|k| !k.is_empty()),
    }
}

const TIMEOUT: &[OptKey] = &[key("timeout")];
const HEALTH_CHECK: &[&str] = &[
    "path",
    "interval",
    "timeout",
    "healthy_threshold",
    "unhealthy_threshold",
];

/// Every host function, in the order `awsrun docs` lists them.
pub const HOST: &[Func] = &[
    Func {
        name: "region",
        signature: "region() -> String",
        doc: "The AWS region the script runs in.",
        example: "print(region());",
        options: &[],
    },
    Func {
        name: "whoami",
        signature: "whoami() -> #{account, arn, user_id}",
        doc: "Who the credentials belong to (sts get-caller-identity). In a dry-run without credentials, the simulated account's identity.",
        example: "print(whoami().account);",
        options: &[],
    },
    Func {
        name: "azs",
        signature: "azs() -> [String]",
        doc: "The availability zones of the region, e.g. ap-northeast-2a to 2d.",
        example: "for az in azs() { print(az); }",
        options: &[],
    },
    Func {
        name: "default_vpc",
        signature: "default_vpc() -> Vpc",
        doc: "The region's default VPC (`.id`, `.cidr`).",
        example: "let vpc = default_vpc();\nprint(vpc.cidr);",
        options: &[],
    },
    Func {
        name: "public_subnet",
        signature: "public_subnet(AZ) -> Subnet",
        doc: "The default VPC's default (public) subnet in an AZ. AZ is \"2a\", \"a\" or \"ap-northeast-2a\".",
        example: "let pub_a = public_subnet(\"2a\");",
        options: &[],
    },
    Func {
        name: "subnets_of",
        signature: "subnets_of(vpc) -> [Subnet]",
        doc: "Every subnet of a VPC, made by awsrun or not.",
        example: "for s in subnets_of(default_vpc()) { print(s.cidr); }",
        options: &[],
    },
    Func {
        name: "existing",
        signature: "existing(kind, name) -> resource or ()",
        doc: "The stack's resource of that kind (\"target_group\", \"instance\", ...) and name, or `()` when there is none. Never creates anything.",
        example: "let tg = existing(\"target_group\", \"awesome-api-tg\");\nif tg == () { print(\"not deployed yet\"); }",
        options: &[],
    },
    Func {
        name: "lookup",
        signature: "lookup(kind, id) -> resource",
        doc: "The resource of that kind with that id as AWS reports it now (state and attributes), whichever stack made it, if any.",
        example: "let sub = lookup(\"subnet\", server.subnet);\nprint(sub.az);",
        options: &[],
    },
    Func {
        name: "latest_ami",
        signature: "latest_ami(family) -> String",
        doc: "The newest Amazon image id of a family: \"al2023\" or \"amzn2\".",
        example: "let image = latest_ami(\"al2023\");",
        options: &[],
    },
    Func {
        name: "get_var",
        signature: "get_var(name, default) -> value",
        doc: "The `--var name=VALUE` given on the command line (a string), or `default`.",
        example: "let count = parse_int(var(\"count\", \"2\"));",
        options: &[],
    },
    Func {
        name: "stack",
        signature: "stack() -> String",
        doc: "The stack this run belongs to (`--stack`, default the script's file stem).",
        example: "print(stack());",
        options: &[],
    },
    Func {
        name: "cidr",
        signature: "cidr(text) -> Cidr",
        doc: "A CIDR block with `.network`, `.prefix`, `.size`, `.usable` (size minus AWS's 5 reserved addresses), `.first`, `.last` and `.contains(x)`, `.overlaps(x)`, `.subnets(prefix)`. Host bits set is an error suggesting the network.",
        example: "let c = cidr(\"172.31.112.0/20\");\nprint(c.usable); // 4091",
        options: &[],
    },
    Func {
        name: "free_blocks",
        signature: "free_blocks(vpc_or_cidr, prefix) -> [Cidr]",
        doc: "The blocks of that prefix, in address order, that overlap no existing subnet of the VPC (a CIDR means that range of the default VPC).",
        example: "print(free_blocks(default_vpc(), 20)[0]);",
        options: &[],
    },
    Func {
        name: "vpc",
        signature: "vpc(name, OPTS) -> Vpc",
        doc: "Ensures a VPC of the stack (/16 to /28). It has no internet gateway: its subnets are private unless you add one.",
        example: "let v = vpc(\"lab\", #{ cidr: \"10.0.0.0/16\" });",
        options: &[key("cidr")],
    },
    Func {
        name: "internet_gateway",
        signature: "internet_gateway(name, OPTS) -> InternetGateway",
        doc: "Ensures an internet gateway attached to a VPC of the stack (`vpc` required): what makes its subnets public, with a route table sending `0.0.0.0/0` to it (`#{dest, igw}`). A VPC takes one gateway; `destroy` detaches it once the VPC's public addresses are gone, then deletes it.",
        example: "let v = vpc(\"lab\", #{ cidr: \"10.0.0.0/16\" });\nlet igw = internet_gateway(\"lab\", #{ vpc: v });",
        options: &[key("vpc")],
    },
    Func {
        name: "subnet",
        signature: "subnet(name, OPTS) -> Subnet",
        doc: "Ensures a subnet: `cidr` and `az` required; `vpc` defaults to the default VPC; `public_ip` (map public IPs on launch) defaults to false.",
        example: "let s = subnet(\"db-2a\", #{ cidr: \"172.31.160.0/24\", az: \"2a\" });",
        options: &[key("vpc"), key("cidr"), key("az"), key("public_ip")],
    },
    Func {
        name: "elastic_ip",
        signature: "elastic_ip(name) -> ElasticIp",
        doc: "Ensures an Elastic IP (VPC domain), e.g. for a NAT gateway.",
        example: "let ip = elastic_ip(\"nat-2a\");",
        options: &[],
    },
    Func {
        name: "nat_gateway",
        signature: "nat_gateway(name, OPTS) -> NatGateway",
        doc: "Ensures a NAT gateway in a public subnet using an Elastic IP. It starts `pending`; `wait` for `available`.",
        example: "let nat = nat_gateway(\"nat-2a\", #{ subnet: public_subnet(\"2a\"), eip: elastic_ip(\"nat-2a\") });",
        options: &[key("subnet"), key("eip")],
    },
    Func {
        name: "route_table",
        signature: "route_table(name, OPTS) -> RouteTable",
        doc: "Ensures a route table; `routes` are `#{dest, nat}` or `#{dest, igw}`, `subnets` are associated. Missing routes and associations are added.",
        example: "let rt = route_table(\"private-2a\", #{ routes: [#{ dest: \"0.0.0.0/0\", nat: nat }], subnets: [s] });",
        options: &[
            key("vpc"),
            nested("routes", &["dest", "nat", "igw"]),
            key("subnets"),
        ],
    },
    Func {
        name: "security_group",
        signature: "security_group(name, OPTS) -> SecurityGroup",
        doc: "Ensures a security group; `ingress` rules are `#{port, from}` with `from` a CIDR text or a security group. Missing rules are added.",
        example: "let sg = security_group(\"web\", #{ ingress: [#{ port: 80, from: \"0.0.0.0/0\" }] });",
        options: &[
            key("vpc"),
            key("description"),
            nested("ingress", &["port", "from", "protocol"]),
        ],
    },
    Func {
        name: "instances",
        signature: "instances(name, OPTS) -> [Instance]",
        doc: "Ensures `count` instances named `<name>-1`, `<name>-2`, ... spread over `subnets` in turn. `first: 3` starts at `<name>-3`, placed as if `<name>-1` and `<name>-2` came before it.",
        example: "let servers = instances(\"api\", #{ count: 2, subnets: [a, c], instance_type: \"t2.micro\" });",
        options: &[
            key("count"),
            key("subnets"),
            key("image"),
            key("instance_type"),
            key("security_groups"),
            key("public_ip"),
            key("user_data"),
            key("first"),
        ],
    },
    Func {
        name: "terminate",
        signature: "terminate(instances)",
        doc: "Terminates instances.",
        example: "terminate(old_servers);",
        options: &[],
    },
    Func {
        name: "wait_terminated",
        signature: "wait_terminated(instances) / wait_terminated(instances, OPTS)",
        doc: "Waits until every instance (terminated by `terminate`) is `terminated`. `timeout` in seconds (default 900).",
        example: "terminate(old_servers);\nwait_terminated(old_servers);",
        options: TIMEOUT,
    },
    Func {
        name: "target_group",
        signature: "target_group(name, OPTS) -> TargetGroup",
        doc: "Ensures a target group (`.arn`); name at most 32 letters, digits and hyphens. `health_check` takes `path`, `interval` (5-300 s), `timeout` (2-120 s, shorter than the interval), `healthy_threshold` and `unhealthy_threshold` (2-10); what is left out is AWS's default (30 s, 6 s for HTTP or 10 s, 5, 2; a timeout left out under a short interval is one second less than it). `deregistration_delay` is how long a deregistered target drains, 0-3600 s (AWS's `deregistration_delay.timeout_seconds`, default 300). A group that exists with another health check or delay is changed in place (`~ change` in the plan); another VPC, port or protocol is an error.",
        example: "let tg = target_group(\"api-tg\", #{ port: 3000, protocol: \"HTTP\", health_check: #{ path: \"/health\", interval: 10 }, deregistration_delay: 30 });",
        options: &[
            key("vpc"),
            key("port"),
            key("protocol"),
            nested("health_check", HEALTH_CHECK),
            key("deregistration_delay"),
        ],
    },
    Func {
        name: "load_balancer",
        signature: "load_balancer(name, OPTS) -> LoadBalancer",
        doc: "Ensures an application load balancer (`.arn`, `.dns_name`) over subnets of two AZs or more; scheme `internet-facing` (default) or `internal`.",
        example: "let lb = load_balancer(\"api\", #{ subnets: [public_subnet(\"2a\"), public_subnet(\"2c\")], security_groups: [sg] });",
        options: &[key("subnets"), key("security_groups"), key("scheme")],
    },
    Func {
        name: "listener",
        signature: "listener(lb, OPTS) -> Listener",
        doc: "Ensures a listener on the load balancer (one per port). Its default action forwards to a target group (`forward: tg`) or redirects (`redirect: #{protocol, port, status}`: HTTPS, 443 and 301 unless given; host, path and query are kept). An HTTPS listener needs a `certificate` (a pending one is waited for until ACM issues it, as ELB takes only issued ones) and takes an `ssl_policy` (default ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09: TLS 1.3 and 1.2). An existing listener with other settings is changed in place (ModifyListener), shown as `~ change`.",
        example: "listener(lb, #{ port: 443, protocol: \"HTTPS\", certificate: cert, forward: tg });\nlistener(lb, #{ port: 80, redirect: #{ port: 443 } });",
        options: &[
            key("port"),
            key("protocol"),
            key("forward"),
            nested("redirect", &["protocol", "port", "status"]),
            key("certificate"),
            key("ssl_policy"),
        ],
    },
    Func {
        name: "hosted_zone",
        signature: "hosted_zone(domain) -> HostedZone",
        doc: "The account's public Route 53 hosted zone for a domain: the zone named after it or its closest parent (`.id`, `.domain`). awsrun never creates or deletes a zone; an account without one is an error saying how to make it. In a dry run with no account, a zone is assumed for the domain's last two labels, and the plan says so.",
        example: "let zone = hosted_zone(\"api.example.com\");\nprint(zone.domain);",
        options: &[],
    },
    Func {
        name: "certificate",
        signature: "certificate(name, OPTS) -> Certificate",
        doc: "Ensures a public ACM certificate for `domain` and `alt_names`, validated by DNS: requested with the stack's tags and an idempotency token, its validation CNAMEs written into each name's hosted zone (`zone` to name one), then waited on until ISSUED (`timeout` in seconds) with progress; with `wait: false` it is returned pending, and a listener given it waits until it is issued. A re-run finds it. Every name must lie in a public zone of the account. Public ACM certificates are free.",
        example: "let cert = certificate(\"api-cert\", #{ domain: \"api.example.com\", alt_names: [\"www.example.com\"] });",
        options: &[
            key("domain"),
            key("alt_names"),
            key("zone"),
            key("wait"),
            key("timeout"),
        ],
    },
    Func {
        name: "dns_record",
        signature: "dns_record(zone, name, OPTS) -> DnsRecord",
        doc: "Ensures a record in a hosted zone, owned by the stack: an alias A (or AAAA) to a load balancer (`alias: lb`), or a plain A, AAAA, CNAME or TXT record (`type`, `values` or `value`, `ttl` default 300). `name` is a name inside the zone, a label (`\"api\"`) or `\"@\"` for the zone itself. Route 53 records carry no tags, so the stack owns a record through a TXT record beside it (`_awsrun-a.NAME`); a record that exists and that the stack does not own is an error, never overwritten.",
        example: "dns_record(zone, \"api.example.com\", #{ alias: web.lb });\ndns_record(zone, \"_verify\", #{ type: \"TXT\", value: \"token=abc\" });",
        options: &[
            key("type"),
            key("alias"),
            key("values"),
            key("value"),
            key("ttl"),
            key("evaluate_health"),
        ],
    },
    Func {
        name: "register",
        signature: "register(tg, instances) -> TargetGroup",
        doc: "Registers instances with a target group (adds the missing ones).",
        example: "register(tg, servers);",
        options: &[],
    },
    Func {
        name: "deregister",
        signature: "deregister(tg, instances) -> TargetGroup",
        doc: "Deregisters instances from a target group.",
        example: "deregister(tg, old_servers);",
        options: &[],
    },
    Func {
        name: "targets",
        signature: "targets(tg) -> [Instance]",
        doc: "The instances registered with the target group now (draining ones left out): a stack's current servers.",
        example: "for server in targets(web.tg) { print(server.name); }",
        options: &[],
    },
    Func {
        name: "target_health",
        signature: "target_health(tg) -> #{id: state}",
        doc: "The health of each target as the load balancer reports it now: `initial`, `healthy`, `unhealthy`, `unused`, `draining`, ...",
        example: "let health = target_health(web.tg);\nprint(health.values().filter(|s| s == \"healthy\").len());",
        options: &[],
    },
    Func {
        name: "wait_drained",
        signature: "wait_drained(tg, instances) / wait_drained(tg, instances, OPTS)",
        doc: "Waits until deregistered instances have finished draining (the load balancer no longer reports them), so no request is cut off. `timeout` in seconds (default 900).",
        example: "deregister(tg, old_servers);\nwait_drained(tg, old_servers);",
        options: TIMEOUT,
    },
    Func {
        name: "wait",
        signature: "wait(resource_or_array) / wait(x, OPTS) -> same",
        doc: "Waits until usable: NAT gateways `available`, instances `running`, load balancers `active`. `timeout` in seconds (default 900).",
        example: "wait([nat_a, nat_c]);",
        options: TIMEOUT,
    },
    Func {
        name: "wait_healthy",
        signature: "wait_healthy(tg_or_group) / wait_healthy(x, OPTS) -> same",
        doc: "Waits until every registered target of the target group is healthy; for an Auto Scaling group, until it holds its desired capacity of instances in service, each healthy in its target groups. `timeout` in seconds (default 900).",
        example: "wait_healthy(web.tg);",
        options: TIMEOUT,
    },
    Func {
        name: "launch_template",
        signature: "launch_template(name, OPTS) -> LaunchTemplate",
        doc: "Ensures an EC2 launch template named `<stack>-<name>` (`.version`: its default version): `image` (default the latest Amazon Linux 2023, kept on re-runs), `instance_type` (default t2.micro), `security_groups`, `user_data`, `public_ip` (default false: no public address, for private subnets). Tags propagate to the instances and volumes it launches. A change of a setting makes a new version, the default from then on (`~ change`): running instances keep theirs until a rolling deploy (`rolling_group`).",
        example: "let lt = launch_template(\"api\", #{ instance_type: \"t3.micro\", security_groups: [sg], user_data: http_server_user_data(3000) });",
        options: &[
            key("image"),
            key("instance_type"),
            key("security_groups"),
            key("user_data"),
            key("public_ip"),
        ],
    },
    Func {
        name: "auto_scaling_group",
        signature: "auto_scaling_group(name, OPTS) -> AutoScalingGroup",
        doc: "Ensures an Auto Scaling group named `<stack>-<name>` launching the template's current version over `subnets` (one VPC; AWS balances instances over their AZs), with `min` (default 1), `max` (default min) and `desired` (default min; applied when the group is created or given, and kept inside min..max: otherwise the scaling policy owns it), registering its instances with `target_groups`, `health_check` `ELB` (default with target groups) or `EC2`, and a `grace` period in seconds (default 300) before a failing check replaces an instance. Other settings converge in place (`~ change`); the template is fixed. `.instances` lists `#{id, az, subnet, lifecycle, health, version}`.",
        example: "let group = auto_scaling_group(\"api\", #{ launch_template: lt, subnets: [a.subnet, c.subnet], min: 2, max: 6, target_groups: [web.tg] });",
        options: &[
            key("launch_template"),
            key("subnets"),
            key("min"),
            key("max"),
            key("desired"),
            key("target_groups"),
            key("health_check"),
            key("grace"),
        ],
    },
    Func {
        name: "scaling_policy",
        signature: "scaling_policy(name, OPTS) -> ScalingPolicy",
        doc: "Ensures a target-tracking scaling policy of a `group`: `cpu` (keep the average CPU at this percent) or `requests` (keep the requests per target per minute at this number, counted by the load balancer: give `target_group` and `load_balancer`). A change of its target is made in place (`~ change`). AWS adds instances when the metric is above its target and removes them when it is well below, within min..max.",
        example: "scaling_policy(\"api-requests\", #{ group: group, requests: 1000, target_group: web.tg, load_balancer: web.lb });",
        options: &[
            key("group"),
            key("cpu"),
            key("requests"),
            key("target_group"),
            key("load_balancer"),
        ],
    },
    Func {
        name: "scale",
        signature: "scale(group, desired) / scale(group, desired, OPTS) -> AutoScalingGroup",
        doc: "Sets a group's desired capacity by hand (within its min..max; `max` sets a new largest size first) and waits until it holds that many instances in service, each healthy in the group's target groups. `timeout` in seconds (default 900). The group's scaling policy may change it again later, as load asks.",
        example: "scale(group, 4);\nscale(group, 7, #{ max: 8 });",
        options: &[key("max"), key("timeout")],
    },
    Func {
        name: "set_group_version",
        signature: "set_group_version(group, version) -> AutoScalingGroup",
        doc: "Makes the group launch version `version` of its launch template from now on (a rollback's first step); running instances keep theirs.",
        example: "set_group_version(group, 1);",
        options: &[],
    },
    Func {
        name: "detach",
        signature: "detach(group, instances) -> AutoScalingGroup",
        doc: "Detaches instances from a group: they leave its target groups (draining there) and keep running; the desired capacity drops by as many, so nothing replaces them. `terminate` them once drained.",
        example: "detach(group, old);\nwait_drained(web.tg, old);\nterminate(old);",
        options: &[],
    },
    Func {
        name: "suspend",
        signature: "suspend(group) -> AutoScalingGroup",
        doc: "Suspends the group's AZ rebalancing, alarm-driven scaling and scheduled actions (what a rolling deploy holds still); `resume(group)` resumes them.",
        example: "suspend(group);\n// ... replace instances ...\nresume(group);",
        options: &[],
    },
    Func {
        name: "resume",
        signature: "resume(group) -> AutoScalingGroup",
        doc: "Resumes what `suspend(group)` suspended.",
        example: "resume(group);",
        options: &[],
    },
    Func {
        name: "shared_nat",
        signature: "shared_nat() -> NatGateway",
        doc: "The first NAT gateway this script ensured; what `private_subnet(..., #{nat: \"shared\"})` reuses.",
        example: "let nat = shared_nat();",
        options: &[],
    },
    Func {
        name: "check_opts",
        signature: "check_opts(func, opts, allowed) -> opts",
        doc: "Fails when `opts` has a key not in `allowed`, naming it and the nearest allowed key. For team modules' own options.",
        example: "check_opts(\"web_tier\", opts, [\"subnets\", \"port\"]);",
        options: &[],
    },
    Func {
        name: "fail",
        signature: "fail(code, message, help)",
        doc: "Stops the script with a report: a code such as `team::web::no_subnets`, a message and what to do.",
        example: "fail(\"team::web::port\", \"port must be 80 or 443\", \"use 80\");",
        options: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_doc_an_example_and_distinct_keys() {
        for f in HOST {
            assert!(!f.doc.is_empty(), "{} has no doc", f.name);
            assert!(!f.example.is_empty(), "{} has no example", f.name);
            assert!(f.signature().starts_with(f.name), "{}", f.name);
            let keys = f.keys();
            let unique: std::collections::BTreeSet<_> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "{} repeats a key", f.name);
            assert_eq!(
                f.signature.contains("OPTS"),
                !f.options.is_empty(),
                "{}: the signature shows OPTS exactly when there are options",
                f.name
            );
        }
    }

    #[test]
    fn every_kind_a_stack_owns_is_ensured_by_a_documented_function() {
        for kind in crate::cloud::Kind::destroy_order() {
            let ensure = kind.info().ensure.expect("stack kinds name their function");
            let f = host(ensure).unwrap_or_else(|| panic!("{kind}: no function `{ensure}`"));
            assert!(f.signature().starts_with(&format!("{ensure}(")), "{kind}");
        }
    }

    #[test]
    fn option_paths_name_a_function_and_a_nested_key() {
        assert_eq!(option_keys("vpc"), Some(vec!["cidr"]));
        assert_eq!(
            option_keys("route_table(routes)"),
            Some(vec!["dest", "nat", "igw"])
        );
        assert_eq!(option_keys("route_table(subnets)"), None);
        assert_eq!(option_keys("print"), None);
        assert_eq!(
            host("subnet").unwrap().signature(),
            "subnet(name, #{vpc, cidr, az, public_ip}) -> Subnet"
        );
    }
}

#[cfg(test)]
mod registered {
    use super::HOST;
    use crate::cloud::sim::SimAccount;
    use crate::engine::session::{Quiet, Session};
    use std::rc::Rc;

    /// Every descriptor names a function the engine has (a host function
    /// without one cannot be registered: `bindings::volatile` panics).
    #[test]
    fn every_descriptor_is_a_registered_function() {
        let session = Rc::new(Session::new(
            Rc::new(SimAccount::new("ap-northeast-2")),
            "test",
            Rc::new(Quiet),
        ));
        let engine = crate::engine::build(&session, None).expect("the engine builds");
        let signatures = engine.gen_fn_signatures(false);
        for f in HOST {
            let prefix = format!("{}(", f.name);
            assert!(
                signatures.iter().any(|s| s.starts_with(&prefix)),
                "{} is described but not registered",
                f.name
            );
        }
    }
}
