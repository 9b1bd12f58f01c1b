//! `aws-sdk-ec2`, re-exported whole: awsrun names this crate `aws_sdk_ec2`.
//!
//! The EC2 SDK crate is by far the longest compile of a cold build (about
//! a third of it), and nothing in awsrun can be compiled before it is. Cargo
//! starts, among the crates that are ready, the one with the most crates
//! depending on it, directly or not; every SDK crate has the same (awsrun
//! alone), so which one starts first is a coin toss, and EC2 was seen to
//! wait minutes behind shorter ones. Depending on it through this crate
//! gives it one dependent more than any other SDK crate, so cargo starts it
//! as soon as its own dependencies are built.

pub use aws_sdk_ec2::*;
