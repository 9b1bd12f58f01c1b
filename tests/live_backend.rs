//! The live backend (`AwsCloud`) against a real AWS-compatible server
//! (moto, on 127.0.0.1), checked with the tests' own SDK clients.

use awsrun::cloud::Spec;
use awsrun::cloud::{ElasticIpSpec, InternetGatewaySpec, NatGatewaySpec, RouteTableSpec, VpcSpec};
use std::process::Command;

use awsrun::cloud::aws::{AwsCloud, AwsOptions};
use awsrun::cloud::{
    Cloud, CloudError, HealthCheck, IngressRule, InstanceSpec, Kind, ListenerAction, ListenerSpec,
    LoadBalancerSpec, Resource, Route, RouteTarget, SecurityGroupSpec, Source, SubnetSpec, Tags,
    TargetGroupSpec,
};
use serde_json::json;

use crate::support::moto::{Moto, REGION, moto};

/// Every resource of one stack, as its creates returned them.
struct Stack {
    vpc: Resource,
    subnet: Resource,
    eip: Resource,
    nat: Resource,
    table: Resource,
    web: Resource,
    app: Resource,
    instance: Resource,
    tg: Resource,
    lb: Resource,
    listener: Resource,
}

/// Looks up, and creates when missing, the way the engine ensures.
fn ensure(
    cloud: &AwsCloud,
    kind: Kind,
    tags: &Tags,
    create: impl FnOnce() -> Resource,
) -> Resource {
    match cloud.find(kind, tags).unwrap() {
        Some(found) => found,
        None => create(),
    }
}

fn create_stack(cloud: &AwsCloud, stack: &str, cidr: &str) -> Stack {
    let t = |name: &str| Tags::new(stack, name);
    let vpc = cloud.default_vpc().unwrap();
    let public: Vec<Resource> = cloud
        .vpc_subnets(&vpc.id)
        .unwrap()
        .into_iter()
        .filter(|s| s.attr("default") == Some(&json!(true)))
        .take(2)
        .collect();
    let image = cloud.latest_ami("al2023").unwrap();
    let spec = SubnetSpec {
        vpc: vpc.id.clone(),
        cidr: cidr.into(),
        az: format!("{REGION}a"),
        public_ip: false,
    };
    let subnet = ensure(cloud, Kind::Subnet, &t("private-2a"), || {
        cloud
            .create(&Spec::Subnet(spec.clone()), &t("private-2a"))
            .unwrap()
    });
    let eip = ensure(cloud, Kind::ElasticIp, &t("nat-2a"), || {
        cloud
            .create(&Spec::ElasticIp(ElasticIpSpec {}), &t("nat-2a"))
            .unwrap()
    });
    let nat = ensure(cloud, Kind::NatGateway, &t("nat-2a"), || {
        cloud
            .create(
                &Spec::NatGateway(NatGatewaySpec {
                    subnet: public[0].id.to_string(),
                    eip: eip.id.to_string(),
                }),
                &t("nat-2a"),
            )
            .unwrap()
    });
    let table = ensure(cloud, Kind::RouteTable, &t("private-2a"), || {
        let table = cloud
            .create(
                &Spec::RouteTable(RouteTableSpec {
                    vpc: vpc.id.to_string(),
                }),
                &t("private-2a"),
            )
            .unwrap();
        let route = Route {
            dest: "0.0.0.0/0".into(),
            target: RouteTarget::NatGateway(nat.id.clone()),
        };
        cloud.create_route(&table.id, &route).unwrap();
        cloud.associate_route_table(&table.id, &subnet.id).unwrap();
        table
    });
    let group = |name: &str, port: u16, from: Source| {
        ensure(cloud, Kind::SecurityGroup, &t(name), || {
            let spec = SecurityGroupSpec {
                vpc: vpc.id.clone(),
                group_name: format!("{stack}-{name}"),
                description: format!("{name} servers"),
            };
            let group = cloud
                .create(&Spec::SecurityGroup(spec.clone()), &t(name))
                .unwrap();
            let rule = IngressRule {
                protocol: "tcp".into(),
                port,
                from,
            };
            cloud.authorize_ingress(&group.id, &[rule]).unwrap();
            group
        })
    };
    let web = group("web", 80, Source::Cidr("0.0.0.0/0".into()));
    let app = group("app", 3000, Source::SecurityGroup(web.id.clone()));
    let instance = ensure(cloud, Kind::Instance, &t("app-1"), || {
        let spec = InstanceSpec {
            subnet: subnet.id.clone(),
            image: image.clone(),
            instance_type: "t3.micro".into(),
            security_groups: vec![app.id.clone()],
            public_ip: false,
            user_data: "#!/bin/bash\necho hi".into(),
        };
        cloud
            .create(&Spec::Instance(spec.clone()), &t("app-1"))
            .unwrap()
    });
    let tg = ensure(cloud, Kind::TargetGroup, &t("app"), || {
        let spec = TargetGroupSpec {
            name: format!("{stack}-app"),
            vpc: vpc.id.clone(),
            port: 3000,
            protocol: "HTTP".into(),
            health_check: HealthCheck::default(),
            deregistration_delay: 300,
        };
        cloud
            .create(&Spec::TargetGroup(spec.clone()), &t("app"))
            .unwrap()
    });
    let lb = ensure(cloud, Kind::LoadBalancer, &t("web"), || {
        let spec = LoadBalancerSpec {
            name: format!("{stack}-web"),
            subnets: public.iter().map(|s| s.id.clone()).collect(),
            security_groups: vec![web.id.clone()],
            scheme: "internet-facing".into(),
        };
        cloud
            .create(&Spec::LoadBalancer(spec.clone()), &t("web"))
            .unwrap()
    });
    let listener = ensure(cloud, Kind::Listener, &t("web-80"), || {
        let spec = ListenerSpec {
            load_balancer: lb.id.clone(),
            port: 80,
            protocol: "HTTP".into(),
            action: ListenerAction::Forward(tg.id.clone()),
            certificate: None,
            ssl_policy: None,
        };
        cloud
            .create(&Spec::Listener(spec.clone()), &t("web-80"))
            .unwrap()
    });
    if !tg.strs("targets").contains(&instance.id) {
        cloud
            .register_targets(&tg.id, std::slice::from_ref(&instance.id))
            .unwrap();
    }
    Stack {
        vpc,
        subnet,
        eip,
        nat,
        table,
        web,
        app,
        instance,
        tg,
        lb,
        listener,
    }
}

impl Stack {
    fn all(&self) -> Vec<(&str, &Resource)> {
        vec![
            ("private-2a", &self.subnet),
            ("nat-2a", &self.eip),
            ("nat-2a", &self.nat),
            ("private-2a", &self.table),
            ("web", &self.web),
            ("app", &self.app),
            ("app-1", &self.instance),
            ("app", &self.tg),
            ("web", &self.lb),
            ("web-80", &self.listener),
        ]
    }
}

/// `Name` and `awsrun:stack` of EC2 resources, read by the test's own client.
fn ec2_tags(moto: &Moto, id: &str) -> Vec<(String, String)> {
    let ec2 = moto.ec2();
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("resource-id")
        .values(id)
        .build();
    let out = moto
        .block_on(ec2.describe_tags().filters(filter).send())
        .unwrap();
    let mut tags: Vec<(String, String)> = out
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    tags.sort();
    tags
}

fn elb_tags(moto: &Moto, arn: &str) -> Vec<(String, String)> {
    let elb = moto.elb();
    let out = moto
        .block_on(elb.describe_tags().resource_arns(arn).send())
        .unwrap();
    let mut tags: Vec<(String, String)> = out.tag_descriptions()[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    tags.sort();
    tags
}

fn expected_tags(stack: &str, name: &str) -> Vec<(String, String)> {
    vec![
        ("Name".into(), name.into()),
        ("awsrun:stack".into(), stack.into()),
    ]
}

#[test]
fn every_create_tags_its_resource_and_later_finds_are_served_from_the_run_cache() {
    let moto = moto();
    let cloud = moto.cloud();
    let stack = create_stack(&cloud, "shop", "172.31.128.0/24");
    // 3 context reads, 8 batched lookups (subnets come with vpc_subnets;
    // load balancers with target groups), 15 creates.
    assert_eq!(cloud.api_calls(), 26);

    for (name, resource) in stack.all() {
        let tags = match resource.kind {
            Kind::TargetGroup | Kind::LoadBalancer | Kind::Listener => {
                elb_tags(&moto, &resource.id)
            }
            _ => ec2_tags(&moto, &resource.id),
        };
        assert_eq!(tags, expected_tags("shop", name), "{resource}");
        let found = cloud
            .find(resource.kind, &Tags::new("shop", name))
            .unwrap()
            .unwrap();
        assert_eq!(found.id, resource.id);
    }
    assert_eq!(cloud.api_calls(), 26, "finds after creates send nothing");

    let ec2 = moto.ec2();
    let out = moto
        .block_on(
            ec2.describe_instances()
                .instance_ids(&stack.instance.id)
                .send(),
        )
        .unwrap();
    let instance = &out.reservations()[0].instances()[0];
    assert_eq!(instance.subnet_id(), Some(stack.subnet.id.as_str()));
    assert_eq!(instance.public_ip_address().unwrap_or(""), "");
    let request = ec2
        .describe_instance_attribute()
        .instance_id(&stack.instance.id);
    let user_data = moto
        .block_on(request.attribute("userData".into()).send())
        .unwrap();
    assert_eq!(
        user_data.user_data().and_then(|d| d.value()),
        Some("IyEvYmluL2Jhc2gKZWNobyBoaQ==")
    );
    let health = cloud.target_health(&stack.tg.id).unwrap();
    assert_eq!(
        health.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        [stack.instance.id.as_str()]
    );
}

#[test]
fn a_new_run_finds_the_stack_with_one_describe_per_kind() {
    let moto = moto();
    let stack = create_stack(&moto.cloud(), "shop", "172.31.128.0/24");
    create_stack(&moto.cloud(), "other", "172.31.129.0/24");

    let cloud = moto.cloud();
    let find = |kind, name| cloud.find(kind, &Tags::new("shop", name)).unwrap().unwrap();
    let subnet = find(Kind::Subnet, "private-2a");
    assert_eq!(
        (subnet.str("cidr"), subnet.str("az")),
        ("172.31.128.0/24", "ap-northeast-2a")
    );
    assert_eq!(subnet.attr("public_ip"), Some(&json!(false)));
    assert_eq!(
        find(Kind::ElasticIp, "nat-2a").str("association"),
        stack.nat.id
    );
    let nat = find(Kind::NatGateway, "nat-2a");
    assert_eq!(
        (nat.str("eip"), nat.str("subnet")),
        (stack.eip.id.as_str(), stack.nat.str("subnet"))
    );
    let table = find(Kind::RouteTable, "private-2a");
    assert_eq!(
        table.attr("routes"),
        Some(&json!([{ "dest": "0.0.0.0/0", "target": stack.nat.id }]))
    );
    assert_eq!(
        table.strs("subnets"),
        std::slice::from_ref(&stack.subnet.id)
    );
    let app = find(Kind::SecurityGroup, "app");
    assert_eq!(
        app.attr("ingress"),
        Some(&json!([{ "protocol": "tcp", "port": 3000, "from": stack.web.id }]))
    );
    assert_eq!(app.str("group_name"), "shop-app");
    let instance = find(Kind::Instance, "app-1");
    assert_eq!(
        instance.strs("security_groups"),
        std::slice::from_ref(&stack.app.id)
    );
    assert_eq!(
        (instance.str("public_ip"), instance.str("state")),
        ("", "running")
    );
    let tg = find(Kind::TargetGroup, "app");
    assert_eq!(tg.strs("targets"), std::slice::from_ref(&stack.instance.id));
    assert_eq!(awsrun::cloud::deregistration_delay_of(&tg), Some(300));
    assert_eq!(HealthCheck::of(&tg), Some(HealthCheck::default()));
    let lb = find(Kind::LoadBalancer, "web");
    assert_eq!(
        (lb.str("scheme"), lb.str("vpc")),
        ("internet-facing", stack.vpc.id.as_str())
    );
    let listener = find(Kind::Listener, "web-80");
    assert_eq!(
        (listener.str("forward"), listener.attr("port")),
        (stack.tg.id.as_str(), Some(&json!(80)))
    );
    // One describe per EC2 kind (6); ELB: load balancers, target groups,
    // their tags, the group's targets and attributes (its deregistration
    // delay) and the listeners (6; a listener is known by its load balancer
    // and port, so it needs no tag request).
    assert_eq!(cloud.api_calls(), 12);
    assert!(
        cloud
            .find(Kind::Subnet, &Tags::new("shop", "nope"))
            .unwrap()
            .is_none()
    );
    find(Kind::TargetGroup, "app");
    assert_eq!(cloud.api_calls(), 12);
}

#[test]
fn an_overlapping_subnet_fails_with_invalid_subnet_conflict_and_a_request_id() {
    let moto = moto();
    let cloud = moto.cloud();
    let vpc = cloud.default_vpc().unwrap();
    let spec = |cidr: &str| SubnetSpec {
        vpc: vpc.id.clone(),
        cidr: cidr.into(),
        az: format!("{REGION}b"),
        public_ip: true,
    };
    let created = cloud
        .create(
            &Spec::Subnet(spec("172.31.128.0/24").clone()),
            &Tags::new("s", "a"),
        )
        .unwrap();
    assert_eq!(created.attr("public_ip"), Some(&json!(true)));
    let err = cloud
        .create(
            &Spec::Subnet(spec("172.31.128.0/25").clone()),
            &Tags::new("s", "b"),
        )
        .unwrap_err();
    assert_eq!(
        (err.operation.as_str(), err.code.as_str()),
        ("CreateSubnet", "InvalidSubnet.Conflict")
    );
    assert!(err.message.contains("172.31.128.0/25"), "{err}");
    assert!(
        err.request_id.as_deref().is_some_and(|id| id.len() > 8),
        "{err:?}"
    );
    assert_eq!(
        err.hint, None,
        "the engine gives this hint: it knows the free blocks"
    );
}

/// Deletes the stack in destroy order, retrying dependency errors.
fn destroy(cloud: &AwsCloud, stack: &str) -> usize {
    let mut left = cloud.stack_resources(stack).unwrap();
    let count = left.len();
    left.sort_by_key(|r| Kind::destroy_order().iter().position(|k| *k == r.kind));
    for _ in 0..5 {
        let mut failed = Vec::new();
        for resource in left {
            match cloud.delete(&resource) {
                Ok(()) => {}
                Err(err) if err.code == "DependencyViolation" => failed.push(resource),
                Err(err) => panic!("deleting {resource}: {err}"),
            }
        }
        left = failed;
    }
    assert!(left.is_empty(), "not deleted: {left:?}");
    count
}

#[test]
fn destroying_in_order_removes_the_stack_and_leaves_other_stacks_alone() {
    let moto = moto();
    let stack = create_stack(&moto.cloud(), "shop", "172.31.128.0/24");
    let other = create_stack(&moto.cloud(), "other", "172.31.129.0/24");

    let cloud = moto.cloud();
    assert_eq!(destroy(&cloud, "shop"), 10);
    assert_eq!(
        destroy(&moto.cloud(), "shop"),
        0,
        "a second destroy finds nothing"
    );

    let ec2 = moto.ec2();
    let subnets = moto
        .block_on(ec2.describe_subnets().subnet_ids(&other.subnet.id).send())
        .unwrap();
    assert_eq!(subnets.subnets().len(), 1);
    let gone = moto.block_on(ec2.describe_subnets().subnet_ids(&stack.subnet.id).send());
    assert!(gone.is_err() || gone.unwrap().subnets().is_empty());
    let instance = cloud.refresh(&stack.instance).unwrap();
    assert_eq!(instance.state(), "terminated");
    let remaining = moto.cloud().stack_resources("other").unwrap();
    let kinds: Vec<Kind> = remaining.iter().map(|r| r.kind).collect();
    assert_eq!(kinds.len(), 10, "{kinds:?}");
}

#[test]
fn refresh_reports_the_current_state_and_a_missing_resource_as_not_found() {
    let moto = moto();
    let cloud = moto.cloud();
    let stack = create_stack(&cloud, "shop", "172.31.128.0/24");
    assert_eq!(cloud.refresh(&stack.instance).unwrap().state(), "running");
    assert_eq!(cloud.refresh(&stack.nat).unwrap().state(), "available");
    assert_eq!(cloud.refresh(&stack.lb).unwrap().state(), "active");
    let tg = cloud.refresh(&stack.tg).unwrap();
    assert_eq!(
        (tg.name.as_str(), tg.strs("targets")),
        ("app", vec![stack.instance.id.clone()])
    );
    cloud.delete(&stack.listener).unwrap();
    let err = cloud.refresh(&stack.listener).unwrap_err();
    assert!(err.code.ends_with("NotFound"), "{err:?}");
}

#[test]
fn the_stack_mirrors_into_a_simulated_account_for_planning() {
    let moto = moto();
    let stack = create_stack(&moto.cloud(), "shop", "172.31.128.0/24");
    let cloud = std::rc::Rc::new(moto.cloud());
    let sim = cloud.mirror("shop").unwrap();
    // Identity, AZs, VPCs, internet gateways and the 14 stack lookups
    // (launch templates and Auto Scaling groups among them; with no group,
    // no policies are read), and the region's certificates and hosted
    // zones (ACM and Route 53 list without a tag filter; with none, no
    // tags or records are read), and the target group's attributes (its
    // deregistration delay, which the plan compares with the script's).
    assert_eq!(cloud.api_calls(), 21);
    assert_eq!(sim.whoami().unwrap(), cloud.whoami().unwrap());
    assert_eq!(sim.azs().unwrap(), cloud.azs().unwrap());
    assert_eq!(sim.default_vpc().unwrap().id, stack.vpc.id);
    for (name, resource) in stack.all() {
        let found = sim.find(resource.kind, &Tags::new("shop", name)).unwrap();
        assert_eq!(found.map(|r| r.id), Some(resource.id.clone()), "{resource}");
    }
    let mirrored = sim
        .find(Kind::TargetGroup, &Tags::new("shop", "app"))
        .unwrap()
        .unwrap();
    assert_eq!(awsrun::cloud::deregistration_delay_of(&mirrored), Some(300));
    assert_eq!(HealthCheck::of(&mirrored), Some(HealthCheck::default()));
    let calls = cloud.api_calls();
    cloud
        .find(Kind::Listener, &Tags::new("shop", "web-80"))
        .unwrap()
        .unwrap();
    cloud
        .find(Kind::TargetGroup, &Tags::new("shop", "app"))
        .unwrap()
        .unwrap();
    assert_eq!(
        cloud.api_calls(),
        calls,
        "the live run reuses what the plan read"
    );
    let overlap = SubnetSpec {
        vpc: stack.vpc.id.clone(),
        cidr: "172.31.128.0/25".into(),
        az: format!("{REGION}a"),
        public_ip: false,
    };
    let err = sim
        .create(&Spec::Subnet(overlap.clone()), &Tags::new("shop", "x"))
        .unwrap_err();
    assert_eq!(err.code, "InvalidSubnet.Conflict");
}

#[test]
fn latest_ami_knows_al2023_and_amzn2_and_lists_them_for_an_unknown_family() {
    let moto = moto();
    let cloud = moto.cloud();
    assert!(cloud.latest_ami("al2023").unwrap().starts_with("ami-"));
    assert!(cloud.latest_ami("amzn2").unwrap().starts_with("ami-"));
    let err = cloud.latest_ami("windows").unwrap_err();
    assert_eq!(err.hint.as_deref(), Some("known families: al2023, amzn2"));
    assert_eq!(cloud.api_calls(), 2);
}

#[test]
fn an_unreachable_endpoint_is_a_connection_error_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let opts = AwsOptions {
        region: Some(REGION.into()),
        endpoint_url: Some(endpoint.clone()),
        ..AwsOptions::default()
    };
    let cloud = AwsCloud::connect_with_keys(&opts, "testing", "testing").unwrap();
    let err = cloud.azs().unwrap_err();
    assert_eq!(err.code, "ConnectionError");
    assert!(err.message.contains(&endpoint), "{err}");
}

/// Marks the re-run of this test binary that [`connect_in_a_bare_environment`] makes.
const CHILD: &str = "AWSRUN_LIVE_BACKEND_CHILD";

/// Runs `connect` in a child process whose environment holds only `vars`
/// (no `~/.aws`, no instance metadata) and returns its error.
fn connect_in_a_bare_environment(vars: &[(&str, &str)]) -> CloudError {
    let nowhere = std::env::temp_dir().join("awsrun-no-aws-config");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "live_backend::connect_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env(CHILD, "1")
        .env("HOME", &nowhere)
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("connect error: ").map(|(_, error)| error));
    let Some(line) = line else {
        panic!(
            "no error from the child:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let (code, hint) = line.split_once(" | ").unwrap();
    CloudError::returned("connect", code, "").with_hint(hint)
}

#[test]
#[ignore = "run by connect_in_a_bare_environment in a child process"]
fn connect_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let opts = AwsOptions {
        endpoint_url: Some("http://127.0.0.1:9".into()),
        ..AwsOptions::default()
    };
    match AwsCloud::connect(&opts) {
        Ok(_) => println!("connect error: none | connected"),
        Err(err) => println!(
            "connect error: {} | {}",
            err.code,
            err.hint.unwrap_or_default()
        ),
    }
}

#[test]
fn without_credentials_connect_says_how_to_configure_them() {
    let err = connect_in_a_bare_environment(&[("AWS_REGION", REGION)]);
    assert_eq!(err.code, "NoCredentials");
    let hint = err.hint.unwrap();
    for way in [
        "aws configure",
        "AWS_PROFILE",
        "--profile",
        "AWS_ACCESS_KEY_ID",
        "aws sso login",
    ] {
        assert!(hint.contains(way), "{hint}");
    }
}

#[test]
fn without_a_region_connect_says_how_to_set_one() {
    let keys = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ];
    let err = connect_in_a_bare_environment(&keys);
    assert_eq!(err.code, "NoRegion");
    assert!(err.hint.unwrap().contains("--region"));
}

#[test]
fn an_internet_gateway_is_made_attached_and_its_delete_detaches_it_first() {
    let moto = moto();
    let cloud = moto.cloud();
    let t = |name: &str| Tags::new("net", name);
    let vpc_spec = VpcSpec {
        cidr: "10.1.0.0/16".into(),
    };
    let vpc = cloud.create(&Spec::Vpc(vpc_spec), &t("net")).unwrap();
    let igw_spec = InternetGatewaySpec {
        vpc: vpc.id.clone(),
    };
    let igw = cloud
        .create(&Spec::InternetGateway(igw_spec), &t("net"))
        .unwrap();
    let ec2 = moto.ec2();
    // The gateways AWS reports with this id (none once it is deleted).
    let described = |id: &str| {
        moto.block_on(
            ec2.describe_internet_gateways()
                .internet_gateway_ids(id)
                .send(),
        )
        .map(|out| out.internet_gateways().to_vec())
        .unwrap_or_default()
    };
    let gateways = described(&igw.id);
    let attached: Vec<&str> = gateways[0]
        .attachments()
        .iter()
        .filter_map(|a| a.vpc_id())
        .collect();
    assert_eq!(attached, [vpc.id.as_str()], "attached at creation");
    let tags: Vec<(&str, &str)> = gateways[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap_or(""), t.value().unwrap_or("")))
        .collect();
    assert!(tags.contains(&("awsrun:stack", "net")) && tags.contains(&("Name", "net")));
    // A fresh run finds it by its tags and lists it with the stack.
    let again = moto.cloud();
    assert_eq!(
        again
            .find(Kind::InternetGateway, &t("net"))
            .unwrap()
            .map(|g| g.id),
        Some(igw.id.clone())
    );
    let listed = again.stack_resources("net").unwrap();
    assert!(listed.iter().any(|r| r.id == igw.id), "{listed:?}");
    // A VPC takes one gateway: the refused second one is deleted again.
    let second = cloud.create(
        &Spec::InternetGateway(InternetGatewaySpec {
            vpc: vpc.id.clone(),
        }),
        &t("second"),
    );
    if second.is_err() {
        assert_eq!(
            moto.cloud()
                .find(Kind::InternetGateway, &t("second"))
                .unwrap(),
            None
        );
    }
    cloud.delete(&igw).unwrap();
    assert!(described(&igw.id).is_empty(), "detached and deleted");
    cloud.delete(&vpc).unwrap();
}
