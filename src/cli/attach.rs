//! `qtcp attach`: SIM, registration, GPRS attach, APN, receive mode; `--activate` brings the
//! context up and reports the local IP.

use super::common::{duration, fail, key_values, run_ports, PortArgs, SimSpinner, SimWaitArgs};
use crate::proc::attach::{attach, validate, AttachOptions, RecvMode};
use crate::proc::common::SyncOptions;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct AttachCmd {
    /// Access point name
    #[arg(long)]
    pub apn: String,
    /// APN user name
    #[arg(long, default_value = "")]
    pub user: String,
    /// APN password (redacted in traces)
    #[arg(long, env = "QTCP_PASSWORD", default_value = "", hide_env_values = true)]
    pub password: String,
    /// How long to wait for CS registration and GPRS attach
    #[arg(long, value_parser = duration, default_value = "60s", value_name = "DUR")]
    pub register_timeout: Duration,
    #[command(flatten)]
    pub sim: SimWaitArgs,
    /// Receive mode: retrieve (QINDI=1, data waits in the module) or direct (QINDI=0)
    #[arg(long, value_enum, default_value = "retrieve")]
    pub recv: RecvModeArg,
    /// Direct mode: prefix received data with IPD<len>, source address and protocol
    #[arg(long)]
    pub headers: bool,
    /// Also activate the context (QIREGAPP, QIACT, QILOCIP) and report the local IP
    #[arg(long)]
    pub activate: bool,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// `--recv`: the core's [`RecvMode`] as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RecvModeArg {
    /// Data waits in the module (QINDI=1) and is read with AT+QIRD: the right mode for scripts.
    Retrieve,
    /// Data is pushed to the serial port as it arrives (QINDI=0).
    Direct,
}

impl From<RecvModeArg> for RecvMode {
    fn from(a: RecvModeArg) -> RecvMode {
        match a {
            RecvModeArg::Retrieve => RecvMode::Retrieve,
            RecvModeArg::Direct => RecvMode::Direct,
        }
    }
}

pub fn run(port: &PortArgs, cmd: AttachCmd) -> ExitCode {
    let opts = AttachOptions {
        apn: cmd.apn,
        user: cmd.user,
        password: cmd.password,
        register_timeout: cmd.register_timeout,
        sim_timeout: cmd.sim.sim_timeout,
        recv: Some(cmd.recv.into()),
        headers: cmd.headers,
        activate: cmd.activate,
    };
    // Validate before the port is even opened: a bad value sends nothing.
    if let Err(e) = validate(&opts) {
        return fail(port, "attach", e);
    }
    let job = |spec: &_| {
        let (mut s, _) = port.open_port(spec, &SyncOptions::default())?;
        let spinner = SimSpinner::new(port.spinner_visible());
        attach(&mut s, &opts, &mut |w| spinner.waiting(w))
    };
    run_ports(port, "attach", false, job, key_values)
}
