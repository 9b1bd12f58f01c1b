use std::process::ExitCode;

fn main() -> ExitCode {
    awsrun::run(std::env::args_os().collect())
}
