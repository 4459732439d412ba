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
}

pub fn run(port: &PortArgs, cmd: CloseCmd) -> ExitCode {
    let job = |name: &str| -> Reported<_, ()> {
        let mut s = port.open_port(name)?;
        crate::proc::common::sync(&mut s, &crate::proc::common::SyncOptions::default())?;
        Ok(close(&mut s, cmd.id, cmd.deact)?)
    };
    run_ports(port, "close", false, job, key_values)
}
