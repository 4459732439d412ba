//! `qtcp sim`: run the simulator until SIGINT/SIGTERM; print one JSON line when ready.

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct SimCmd {
    #[command(flatten)]
    pub args: crate::sim::SimArgs,
}

pub fn run(_cmd: SimCmd) -> ExitCode {
    todo!()
}
