//! `qtcp close`: QICLOSE, and with `--deact` also QIDEACT.

use super::common::{key_values, run_ports, PortArgs};
use crate::error::Reported;
use crate::proc::close::close;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CloseCmd {
    /// Connection index (QIMUX=1)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub id: Option<u8>,
    /// Also deactivate the PDP context (QIDEACT, up to 40 s)
    #[arg(long)]
    pub deact: bool,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: CloseCmd) -> ExitCode {
    let job = |spec: &_| -> Reported<_, ()> {
        let (mut s, _) = port.open_port(spec, &crate::proc::common::SyncOptions::default())?;
        Ok(close(&mut s, cmd.id, cmd.deact)?)
    };
    run_ports(port, "close", false, job, key_values)
}
