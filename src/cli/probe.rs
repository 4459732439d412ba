//! `qtcp probe`: synchronise, identify, and report where the module stands.

use super::common::{key_values, run_ports, to_value, PortArgs};
use crate::proc::probe::{expect_ready, probe, SyncOptions};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Expectation {
    /// Exit 0 whenever the module answers (SIM and network are reported as fields)
    Answer,
    /// Also require SIM ready (else 5), CS registration and GPRS attach (else 6)
    Ready,
}

#[derive(clap::Args, Debug)]
pub struct ProbeCmd {
    /// What counts as success
    #[arg(long, value_enum, default_value = "answer")]
    pub expect: Expectation,
    /// After synchronising, fix and save the baud rate with AT+IPR=<baud>&W
    #[arg(long)]
    pub save_baud: bool,
    /// Synchronisation attempts (AT, 500 ms apart)
    #[arg(long, default_value_t = 15)]
    pub sync_attempts: u32,
}

pub fn run(port: &PortArgs, cmd: ProbeCmd) -> ExitCode {
    let job = |name: &str| {
        let mut s = port.open_port(name)?;
        let opts = SyncOptions {
            attempts: cmd.sync_attempts,
            interval: Duration::from_millis(500),
        };
        let info = probe(&mut s, &opts, cmd.save_baud.then_some(port.baud))?;
        let mut v = to_value(&info);
        v["port"] = s.port_name().into();
        if cmd.expect == Expectation::Ready {
            expect_ready(&info).map_err(|e| e.with_detail(v.clone()))?;
        }
        Ok(v)
    };
    run_ports(port, "probe", job, key_values)
}
