//! `qtcp close`: QICLOSE, and with `--deact` also QIDEACT.

use super::common::{finish, key_values, to_value, PortArgs};
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
    let result = port
        .open()
        .and_then(|mut s| close(&mut s, cmd.id, cmd.deact).map(|r| to_value(&r)));
    finish(port, "close", result, key_values)
}
