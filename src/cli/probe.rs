//! `qtcp probe`: synchronise, identify, and report where the module stands.

use super::common::{key_values, run_ports, PortArgs, SimSpinner};
use crate::error::{Failed, Reported};
use crate::proc::probe::{expect_ready, probe, ModuleInfo, SimWait, SyncOptions};
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
    /// With --expect ready: how long to wait for a SIM that is still starting (busy or not
    /// ready, as for a few seconds after power-on) before giving up with exit 5
    #[arg(long, value_parser = super::common::duration, default_value = "20s", value_name = "DUR")]
    pub sim_timeout: Duration,
    /// Synchronisation attempts (AT, 500 ms apart)
    #[arg(long, default_value_t = 15)]
    pub sync_attempts: u32,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: ProbeCmd) -> ExitCode {
    let opts = SyncOptions {
        attempts: cmd.sync_attempts,
        interval: Duration::from_millis(500),
    };
    let job = |spec: &_| -> Reported<ModuleInfo> {
        let (mut s, attempts) = port.open_port(spec, &opts)?;
        let ready = cmd.expect == Expectation::Ready;
        let spinner = SimSpinner::new(ready && port.spinner_visible());
        let mut on_wait = |w: &_| spinner.waiting(w);
        let sim_wait = ready.then_some(SimWait {
            timeout: cmd.sim_timeout,
            progress: &mut on_wait,
        });
        let info = probe(
            &mut s,
            attempts,
            &opts,
            cmd.save_baud.then_some(port.baud),
            sim_wait,
        )?;
        drop(spinner);
        if ready {
            if let Err(e) = expect_ready(&info) {
                return Err(Failed::new(e, info));
            }
        }
        Ok(info)
    };
    run_ports(port, "probe", true, job, key_values)
}
