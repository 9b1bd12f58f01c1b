//! Documentation of every host and stdlib function, for `awsrun docs`,
//! "did you mean" suggestions and the REPL's help.

use rhai::Engine;

/// One documented function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub name: String,
    pub signature: String,
    pub doc: String,
    pub example: String,
    /// `host` or the stdlib file it is defined in.
    pub origin: String,
}

/// (name, signature, doc, example) of each host function.
const HOST: &[(&str, &str, &str, &str)] = &[
    (
        "region",
        "region() -> String",
        "The AWS region the script runs in.",
        "print(region());",
    ),
    (
        "whoami",
        "whoami() -> #{account, arn, user_id}",
        "Who the credentials belong to (sts get-caller-identity). In a dry-run without credentials, the simulated account's identity.",
        "print(whoami().account);",
    ),
    (
        "azs",
        "azs() -> [String]",
        "The availability zones of the region, e.g. ap-northeast-2a to 2d.",
        "for az in azs() { print(az); }",
    ),
    (
        "default_vpc",
        "default_vpc() -> Vpc",
        "The region's default VPC (`.id`, `.cidr`).",
        "let vpc = default_vpc();\nprint(vpc.cidr);",
    ),
    (
        "public_subnet",
        "public_subnet(AZ) -> Subnet",
        "The default VPC's default (public) subnet in an AZ. AZ is \"2a\", \"a\" or \"ap-northeast-2a\".",
        "let pub_a = public_subnet(\"2a\");",
    ),
    (
        "subnets_of",
        "subnets_of(vpc) -> [Subnet]",
        "Every subnet of a VPC, made by awsrun or not.",
        "for s in subnets_of(default_vpc()) { print(s.cidr); }",
    ),
    (
        "existing",
        "existing(kind, name) -> resource or ()",
        "The stack's resource of that kind (\"target_group\", \"instance\", ...) and name, or `()` when there is none. Never creates anything.",
        "let tg = existing(\"target_group\", \"awesome-api-tg\");\nif tg == () { print(\"not deployed yet\"); }",
    ),
    (
        "lookup",
        "lookup(kind, id) -> resource",
        "The resource of that kind with that id as AWS reports it now (state and attributes), whichever stack made it, if any.",
        "let sub = lookup(\"subnet\", server.subnet);\nprint(sub.az);",
    ),
    (
        "latest_ami",
        "latest_ami(family) -> String",
        "The newest Amazon image id of a family: \"al2023\" or \"amzn2\".",
        "let image = latest_ami(\"al2023\");",
    ),
    (
        "get_var",
        "get_var(name, default) -> value",
        "The `--var name=VALUE` given on the command line (a string), or `default`.",
        "let count = parse_int(var(\"count\", \"2\"));",
    ),
    (
        "stack",
        "stack() -> String",
        "The stack this run belongs to (`--stack`, default the script's file stem).",
        "print(stack());",
    ),
    (
        "cidr",
        "cidr(text) -> Cidr",
        "A CIDR block with `.network`, `.prefix`, `.size`, `.usable` (size minus AWS's 5 reserved addresses), `.first`, `.last` and `.contains(x)`, `.overlaps(x)`, `.subnets(prefix)`. Host bits set is an error suggesting the network.",
        "let c = cidr(\"172.31.112.0/20\");\nprint(c.usable); // 4091",
    ),
    (
        "free_blocks",
        "free_blocks(vpc_or_cidr, prefix) -> [Cidr]",
        "The blocks of that prefix, in address order, that overlap no existing subnet of the VPC (a CIDR means that range of the default VPC).",
        "print(free_blocks(default_vpc(), 20)[0]);",
    ),
    (
        "vpc",
        "vpc(name, #{cidr}) -> Vpc",
        "Ensures a VPC of the stack (/16 to /28). It has no internet gateway: its subnets are private unless you add one.",
        "let v = vpc(\"lab\", #{ cidr: \"10.0.0.0/16\" });",
    ),
    (
        "subnet",
        "subnet(name, #{vpc, cidr, az, public_ip}) -> Subnet",
        "Ensures a subnet: `cidr` and `az` required; `vpc` defaults to the default VPC; `public_ip` (map public IPs on launch) defaults to false.",
        "let s = subnet(\"db-2a\", #{ cidr: \"172.31.160.0/24\", az: \"2a\" });",
    ),
    (
        "elastic_ip",
        "elastic_ip(name) -> ElasticIp",
        "Ensures an Elastic IP (VPC domain), e.g. for a NAT gateway.",
        "let ip = elastic_ip(\"nat-2a\");",
    ),
    (
        "nat_gateway",
        "nat_gateway(name, #{subnet, eip}) -> NatGateway",
        "Ensures a NAT gateway in a public subnet using an Elastic IP. It starts `pending`; `wait` for `available`.",
        "let nat = nat_gateway(\"nat-2a\", #{ subnet: public_subnet(\"2a\"), eip: elastic_ip(\"nat-2a\") });",
    ),
    (
        "route_table",
        "route_table(name, #{vpc, routes, subnets}) -> RouteTable",
        "Ensures a route table; `routes` are `#{dest, nat}` or `#{dest, igw}`, `subnets` are associated. Missing routes and associations are added.",
        "let rt = route_table(\"private-2a\", #{ routes: [#{ dest: \"0.0.0.0/0\", nat: nat }], subnets: [s] });",
    ),
    (
        "security_group",
        "security_group(name, #{vpc, description, ingress}) -> SecurityGroup",
        "Ensures a security group; `ingress` rules are `#{port, from}` with `from` a CIDR text or a security group. Missing rules are added.",
        "let sg = security_group(\"web\", #{ ingress: [#{ port: 80, from: \"0.0.0.0/0\" }] });",
    ),
    (
        "instances",
        "instances(name, #{count, subnets, image, instance_type, security_groups, public_ip, user_data, first}) -> [Instance]",
        "Ensures `count` instances named `<name>-1`, `<name>-2`, ... spread over `subnets` in turn. `first: 3` starts at `<name>-3`, placed as if `<name>-1` and `<name>-2` came before it.",
        "let servers = instances(\"api\", #{ count: 2, subnets: [a, c], instance_type: \"t2.micro\" });",
    ),
    (
        "terminate",
        "terminate(instances)",
        "Terminates instances.",
        "terminate(old_servers);",
    ),
    (
        "wait_terminated",
        "wait_terminated(instances) / wait_terminated(instances, #{timeout})",
        "Waits until every instance (terminated by `terminate`) is `terminated`. `timeout` in seconds (default 900).",
        "terminate(old_servers);\nwait_terminated(old_servers);",
    ),
    (
        "target_group",
        "target_group(name, #{vpc, port, protocol, health_check}) -> TargetGroup",
        "Ensures a target group (`.arn`); name at most 32 letters, digits and hyphens.",
        "let tg = target_group(\"api-tg\", #{ port: 3000, protocol: \"HTTP\" });",
    ),
    (
        "load_balancer",
        "load_balancer(name, #{subnets, security_groups, scheme}) -> LoadBalancer",
        "Ensures an application load balancer (`.arn`, `.dns_name`) over subnets of two AZs or more; scheme `internet-facing` (default) or `internal`.",
        "let lb = load_balancer(\"api\", #{ subnets: [public_subnet(\"2a\"), public_subnet(\"2c\")], security_groups: [sg] });",
    ),
    (
        "listener",
        "listener(lb, #{port, protocol, forward}) -> Listener",
        "Ensures a listener on the load balancer forwarding to a target group.",
        "listener(lb, #{ port: 80, protocol: \"HTTP\", forward: tg });",
    ),
    (
        "register",
        "register(tg, instances) -> TargetGroup",
        "Registers instances with a target group (adds the missing ones).",
        "register(tg, servers);",
    ),
    (
        "deregister",
        "deregister(tg, instances) -> TargetGroup",
        "Deregisters instances from a target group.",
        "deregister(tg, old_servers);",
    ),
    (
        "targets",
        "targets(tg) -> [Instance]",
        "The instances registered with the target group now (draining ones left out): a stack's current servers.",
        "for server in targets(web.tg) { print(server.name); }",
    ),
    (
        "target_health",
        "target_health(tg) -> #{id: state}",
        "The health of each target as the load balancer reports it now: `initial`, `healthy`, `unhealthy`, `unused`, `draining`, ...",
        "let health = target_health(web.tg);\nprint(health.values().filter(|s| s == \"healthy\").len());",
    ),
    (
        "wait_drained",
        "wait_drained(tg, instances) / wait_drained(tg, instances, #{timeout})",
        "Waits until deregistered instances have finished draining (the load balancer no longer reports them), so no request is cut off. `timeout` in seconds (default 900).",
        "deregister(tg, old_servers);\nwait_drained(tg, old_servers);",
    ),
    (
        "wait",
        "wait(resource_or_array) / wait(x, #{timeout}) -> same",
        "Waits until usable: NAT gateways `available`, instances `running`, load balancers `active`. `timeout` in seconds (default 900).",
        "wait([nat_a, nat_c]);",
    ),
    (
        "wait_healthy",
        "wait_healthy(tg) / wait_healthy(tg, #{timeout}) -> TargetGroup",
        "Waits until every registered target of the target group is healthy.",
        "wait_healthy(web.tg);",
    ),
    (
        "shared_nat",
        "shared_nat() -> NatGateway",
        "The first NAT gateway this script ensured; what `private_subnet(..., #{nat: \"shared\"})` reuses.",
        "let nat = shared_nat();",
    ),
    (
        "check_opts",
        "check_opts(func, opts, allowed) -> opts",
        "Fails when `opts` has a key not in `allowed`, naming it and the nearest allowed key. For team modules' own options.",
        "check_opts(\"web_tier\", opts, [\"subnets\", \"port\"]);",
    ),
    (
        "fail",
        "fail(code, message, help)",
        "Stops the script with a report: a code such as `team::web::no_subnets`, a message and what to do.",
        "fail(\"team::web::port\", \"port must be 80 or 443\", \"use 80\");",
    ),
];

/// Every documented function: host functions, then the stdlib's.
pub fn all() -> Vec<Doc> {
    let mut docs: Vec<Doc> = HOST
        .iter()
        .map(|(name, signature, doc, example)| Doc {
            name: name.to_string(),
            signature: signature.to_string(),
            doc: doc.to_string(),
            example: example.to_string(),
            origin: "host".into(),
        })
        .collect();
    docs.extend(stdlib_docs());
    docs
}

/// Names of every host and stdlib function.
pub fn names() -> Vec<String> {
    all().into_iter().map(|d| d.name).collect()
}

/// Docs from the stdlib's `///` comments: the text, and the ```rhai block as example.
fn stdlib_docs() -> Vec<Doc> {
    let mut engine = Engine::new_raw();
    engine.set_max_expr_depths(128, 64);
    let mut docs = Vec::new();
    for (file, text) in super::stdlib::FILES {
        let Ok(ast) = engine.compile(text) else {
            continue;
        };
        // Closures compile to functions named `anon$...`: not part of the API.
        let mut functions: Vec<_> = ast
            .iter_functions()
            .filter(|f| !f.name.starts_with("anon$"))
            .collect();
        // Rhai keeps functions in a hash map: order them as the file does.
        functions.sort_by_key(|f| (text.find(&format!("fn {}(", f.name)), f.params.len()));
        for f in functions {
            let lines: Vec<&str> = f
                .comments
                .iter()
                .flat_map(|c| c.lines())
                .map(|l| l.trim_start_matches("///").trim_start_matches(' '))
                .collect();
            let (doc, example) = split_example(&lines);
            docs.push(Doc {
                name: f.name.to_string(),
                signature: format!("{}({})", f.name, f.params.join(", ")),
                doc,
                example,
                origin: file.to_string(),
            });
        }
    }
    docs
}

fn split_example(lines: &[&str]) -> (String, String) {
    let mut doc = Vec::new();
    let mut example = Vec::new();
    let mut in_code = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            example.push(*line)
        } else {
            doc.push(*line)
        }
    }
    (doc.join("\n").trim().to_string(), example.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_functions_are_documented_with_examples() {
        let docs = all();
        for name in [
            "private_subnet",
            "alb",
            "app_servers",
            "subnet",
            "wait_healthy",
        ] {
            let doc = docs
                .iter()
                .find(|d| d.name == name)
                .unwrap_or_else(|| panic!("{name} undocumented"));
            assert!(!doc.doc.is_empty(), "{name} has no doc");
            assert!(!doc.example.is_empty(), "{name} has no example");
        }
    }
}
