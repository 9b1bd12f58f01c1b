//! awsrun's integration tests: one binary, one module per feature.
//! Snapshots live in `tests/snapshots/`; bless changes with
//! `SNAPSHOTS=overwrite cargo test` and review them as a diff.

mod support;

mod adopt;
mod auto_scaling;
mod auto_scaling_live;
mod aws_rules;
mod aws_timing;
mod catalogue;
mod check;
mod corpus;
mod cost;
mod docs;
mod dry_run;
mod editor;
mod ensure;
mod errors;
mod faults;
mod https;
mod kill;
mod latency;
mod live;
mod live_backend;
mod live_https;
mod live_scaling;
mod live_target_groups;
mod lock;
mod modules;
mod network;
mod own_vpc;
mod repl;
mod rolling;
mod run_log;
mod secrets;
mod status;
mod target_group_settings;
mod timing_runs;
mod timing_scaling;
