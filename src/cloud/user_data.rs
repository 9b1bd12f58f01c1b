//! What an instance's user data needs from outside its VPC.
//!
//! An instance runs its user data once, at first boot (cloud-init). A
//! command in it that downloads (a package manager installing, `curl`,
//! `git clone`, an image pull) can only finish once the instance reaches
//! the internet: from a private subnet, through the NAT gateway its route
//! table sends `0.0.0.0/0` to (VPC User Guide, "NAT gateways": instances in
//! a private subnet connect to services outside the VPC through a NAT
//! gateway). The latency model uses [`internet_command`] to make such an
//! instance's app answer only after that NAT gateway is available.
//!
//! The scan is by words, not by running anything: each line of the script
//! is cut into simple commands at `;`, `&&`, `||`, `|`, `(` and `)`; a
//! command's program (after `sudo`, `env` and `NAME=value` prefixes, and
//! without its directory) and its first word that is not an option decide.
//! Comment lines are skipped. A program that only downloads when asked to
//! (`dnf install`, `npm ci`, `docker pull`) counts with those subcommands
//! alone, so `systemctl start` or `python3 -m http.server` never count.

/// Programs that download whatever they are asked to do.
const DOWNLOADERS: &[&str] = &["curl", "wget"];

/// Programs that download with one of these subcommands.
const SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "dnf",
        &["install", "update", "upgrade", "groupinstall", "makecache"],
    ),
    (
        "yum",
        &["install", "update", "upgrade", "groupinstall", "makecache"],
    ),
    ("apt-get", &["install", "update", "upgrade", "dist-upgrade"]),
    ("apt", &["install", "update", "upgrade"]),
    ("zypper", &["install", "in", "update", "up", "refresh"]),
    ("apk", &["add", "update", "upgrade"]),
    ("snap", &["install"]),
    ("amazon-linux-extras", &["install", "enable"]),
    ("pip", &["install", "download"]),
    ("pip3", &["install", "download"]),
    ("npm", &["install", "i", "ci", "update"]),
    ("yarn", &["install", "add"]),
    ("pnpm", &["install", "i", "add"]),
    ("gem", &["install"]),
    ("go", &["install", "get", "mod"]),
    ("cargo", &["install", "fetch", "build"]),
    ("git", &["clone", "pull", "fetch"]),
    ("docker", &["pull", "run", "build"]),
    ("aws", &["s3", "ecr", "ssm", "secretsmanager"]),
];

/// The first command of `user_data` that needs the internet, as its
/// program and subcommand (`dnf install`, `curl`), or `None`.
pub fn internet_command(user_data: &str) -> Option<String> {
    user_data
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .flat_map(|line| line.split([';', '|', '&', '(', ')']))
        .find_map(downloads)
}

/// `Some("dnf install")` when this simple command downloads.
fn downloads(command: &str) -> Option<String> {
    let mut words = command
        .split_whitespace()
        .skip_while(|w| matches!(*w, "sudo" | "env" | "exec" | "then" | "do") || is_assignment(w));
    let program = words.next()?.rsplit('/').next()?;
    let mut rest = words.filter(|w| !w.starts_with('-'));
    // `python3 -m pip install`: the module is the program.
    let program = if program.starts_with("python") {
        match rest.next() {
            Some("pip") => "pip",
            _ => return None,
        }
    } else {
        program
    };
    if DOWNLOADERS.contains(&program) {
        return Some(program.to_string());
    }
    let (_, subcommands) = SUBCOMMANDS.iter().find(|(p, _)| *p == program)?;
    let sub = rest.next()?;
    subcommands
        .contains(&sub)
        .then(|| format!("{program} {sub}"))
}

/// `NAME=value`, a variable set for the command.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::internet_command;

    #[test]
    fn package_installs_and_downloads_need_the_internet() {
        for (script, found) in [
            ("#!/bin/bash\ndnf install -y nodejs\n", "dnf install"),
            (
                "sudo yum -y update && sudo yum -y install git",
                "yum update",
            ),
            (
                "DEBIAN_FRONTEND=noninteractive apt-get install -y nginx",
                "apt-get install",
            ),
            (
                "cd /srv && curl -fsSL https://example.com/app.tgz | tar xz",
                "curl",
            ),
            ("/usr/bin/wget -q https://example.com/x", "wget"),
            ("python3 -m pip install flask", "pip install"),
            ("git clone https://github.com/org/app /srv/app", "git clone"),
            ("(cd /srv/app; npm ci)", "npm ci"),
            ("docker run -d -p 3000:3000 org/app", "docker run"),
            ("aws s3 cp s3://bucket/app.zip /srv/", "aws s3"),
        ] {
            assert_eq!(internet_command(script).as_deref(), Some(found), "{script}");
        }
    }

    #[test]
    fn serving_what_the_image_has_needs_nothing() {
        let demo = "#!/bin/bash\nmkdir -p /srv/app\necho \"hello from $(hostname -f)\" > /srv/app/index.html\n\
                    cat > /etc/systemd/system/app.service <<'UNIT'\n[Service]\nExecStart=/usr/bin/python3 -m http.server 3000\nUNIT\n\
                    systemctl daemon-reload\nsystemctl enable --now app.service\n";
        assert_eq!(internet_command(demo), None);
        assert_eq!(
            internet_command("# curl https://example.com (a comment)\n"),
            None
        );
        assert_eq!(
            internet_command("echo dnf install is how you would do it"),
            None
        );
        assert_eq!(internet_command("git status"), None);
        assert_eq!(internet_command(""), None);
    }
}
