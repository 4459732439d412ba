//! `qtcp connect HOST:PORT`: open a TCP (or UDP) connection and leave it open for the next step.

use super::common::{duration, emit, key_values, Origin, PortArgs};
use crate::error::Reported;
use crate::proc::connect::{connect, ConnectOptions};
use crate::validate;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct DestArgs {
    /// Destination: IPv4 address or host name, and port
    #[arg(value_name = "HOST:PORT")]
    pub dest: String,
    /// UDP instead of TCP
    #[arg(long)]
    pub udp: bool,
    /// Connection index 0..5 when the module is in multi-connection mode (QIMUX=1)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub id: Option<u8>,
    /// How long to wait for CONNECT OK (the module gives up at 75 s)
    #[arg(long, value_parser = duration, default_value = "75s", value_name = "DUR")]
    pub timeout: Duration,
}

impl DestArgs {
    pub fn options(&self, reuse: bool) -> Result<ConnectOptions, crate::Error> {
        Ok(ConnectOptions {
            dest: validate::destination(&self.dest)?,
            udp: self.udp,
            id: self.id,
            reuse,
            timeout: self.timeout,
            transparent: false,
        })
    }
}

#[derive(clap::Args, Debug)]
pub struct ConnectCmd {
    #[command(flatten)]
    pub dest: DestArgs,
    /// An open connection (ALREADY CONNECT) counts as success
    #[arg(long)]
    pub reuse: bool,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: ConnectCmd) -> ExitCode {
    let result: Reported<_, ()> = cmd
        .dest
        .options(cmd.reuse)
        .and_then(|o| port.open().map(|s| (s, o)))
        .and_then(|(mut s, o)| connect(&mut s, &o))
        .map_err(Into::into);
    ExitCode::from(emit(port, "connect", Origin::default(), &result, &key_values))
}
