//! The `qtcp` binary end to end against `qtcp sim`: each command, its exit codes and JSON
//! (checked against schemas/), several ports, replay, seeded chaos runs, recovery of a dead
//! module, and the README's examples. (The fault matrix is its own binary: tests/fault_matrix/.)
//! One binary for the group, so `cargo test` builds and links less.

#[path = "../support/mod.rs"]
mod support;

mod chaos;
mod cli_at;
mod cli_core;
mod cli_echo;
mod cli_send;
mod cli_ux;
mod families;
mod flow_control;
mod many_ports;
mod readme;
mod recovery;
mod recv;
mod replay;
mod schemas;
mod transparent;
