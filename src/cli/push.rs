//! `qtcp push FILE HOST:PORT`: the one-off file push in one command: probe, attach (with
//! `--apn`), connect, send with every byte acknowledged, close.

use super::common::{fail, run_ports, PortArgs, SimSpinner, SimWaitArgs};
use super::connect::DestArgs;
use super::send::{human_report, open_source, run_send, FlowArgs};
use crate::error::Error;
use crate::error::{Failed, Reported};
use crate::proc::attach::AttachProgress;
use crate::proc::attach::{attach, AttachOptions, RecvMode};
use crate::proc::close::close;
use crate::proc::common::SyncOptions;
use crate::proc::connect::connect;
use crate::proc::send::SendReport;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct PushCmd {
    /// The file to send
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub dest: DestArgs,
    /// Access point name; without it the module's configured context is used
    #[arg(long)]
    pub apn: Option<String>,
    /// APN user name
    #[arg(long, default_value = "")]
    pub user: String,
    /// APN password (redacted in traces)
    #[arg(long, env = "QTCP_PASSWORD", default_value = "", hide_env_values = true)]
    pub password: String,
    #[command(flatten)]
    pub sim: SimWaitArgs,
    /// Reconnect and resume from the first unacknowledged byte after SEND FAIL, CLOSED or a stall
    #[arg(long)]
    pub reconnect: bool,
    /// Leave the connection open at the end
    #[arg(long)]
    pub keep_open: bool,
    #[command(flatten)]
    pub flow: FlowArgs,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// What a push did: the send's report with the file, destination and the close.
#[derive(Debug, Serialize)]
pub struct PushReport {
    pub file: String,
    pub destination: String,
    pub protocol: &'static str,
    #[serde(flatten)]
    pub send: SendReport,
    pub closed: bool,
}

/// How far a failed push got: what attach saw, and how much data got through.
#[derive(Debug, Serialize)]
pub struct PushProgress {
    #[serde(flatten)]
    pub attach: Option<AttachProgress>,
    #[serde(flatten)]
    pub sent: SentSoFar,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SentSoFar {
    /// It failed before any byte was handed to the module (`acked_offset: 0`).
    Nothing { acked_offset: u64, bytes_acked: u64 },
    /// The send's own report.
    Send(SendReport),
}

impl PushProgress {
    fn nothing(attach: Option<AttachProgress>) -> PushProgress {
        PushProgress {
            attach,
            sent: SentSoFar::Nothing {
                acked_offset: 0,
                bytes_acked: 0,
            },
        }
    }
}

/// A failure before any byte was handed to the module.
fn nothing_sent<P>(f: Failed<P>, attach: impl FnOnce(P) -> Option<AttachProgress>) -> Failed<PushProgress> {
    Failed {
        error: f.error,
        partial: Some(Box::new(PushProgress::nothing(
            f.partial.and_then(|p| attach(*p)),
        ))),
    }
}

fn before_send(e: Error) -> Failed<PushProgress> {
    nothing_sent(Failed::<()>::from(e), |_| None)
}

pub fn run(port: &PortArgs, cmd: PushCmd) -> ExitCode {
    let prepared = (|| -> Result<_, Error> {
        let copts = cmd.dest.options(false)?;
        let attach_opts = cmd.apn.as_ref().map(|apn| AttachOptions {
            apn: apn.clone(),
            user: cmd.user.clone(),
            password: cmd.password.clone(),
            register_timeout: Duration::from_secs(60),
            sim_timeout: cmd.sim.sim_timeout,
            recv: Some(RecvMode::Retrieve),
            headers: false,
            activate: false,
        });
        if let Some(a) = &attach_opts {
            crate::proc::attach::validate(a)?;
        }
        // Fail on a missing file before any port is touched.
        open_source(Some(&cmd.file), None, 0)?;
        Ok((copts, attach_opts))
    })();
    let (copts, attach_opts) = match prepared {
        Ok(p) => p,
        Err(e) => return fail(port, "push", e),
    };
    let progress = port.progress_visible() && port.ports().map(|p| p.len() == 1).unwrap_or(false);
    let job = |spec: &_| -> Reported<PushReport, PushProgress> {
        let (src, len) = open_source(Some(&cmd.file), None, 0)?;
        let (mut s, _) = port
            .open_port(spec, &SyncOptions::default())
            .map_err(before_send)?;
        if let Some(a) = &attach_opts {
            let spinner = SimSpinner::new(port.spinner_visible());
            attach(&mut s, a, &mut |w| spinner.waiting(w)).map_err(|f| nothing_sent(f, Some))?;
        }
        // Nothing was sent before the connection is open: a failure up to here reports offset 0.
        let conn = connect(&mut s, &copts).map_err(before_send)?;
        let mut o = cmd.flow.options();
        o.wait_ack = !cmd.dest.udp;
        o.udp = cmd.dest.udp;
        o.id = cmd.dest.id;
        o.total = len;
        if cmd.reconnect {
            o.reconnect = Some(copts.clone());
        }
        let sent = match run_send(&mut s, progress, &o, src) {
            Ok(v) => v,
            Err(f) => {
                // A one-shot push leaves no connection behind: the next push must find the
                // module ready (it would answer ALREADY CONNECT otherwise).
                if !cmd.keep_open && f.error.class != crate::ErrorClass::Io {
                    s.hold_interrupt(true);
                    crate::proc::common::close_quiet(&mut s, cmd.dest.id);
                }
                return Err(f.map(|r| PushProgress {
                    attach: None,
                    sent: SentSoFar::Send(r),
                }));
            }
        };
        let closed = if cmd.keep_open {
            false
        } else {
            close(&mut s, cmd.dest.id, false)
                .map_err(|e| {
                    Failed::new(
                        e,
                        PushProgress {
                            attach: None,
                            sent: SentSoFar::Send(sent.clone()),
                        },
                    )
                })?
                .closed
        };
        Ok(PushReport {
            file: cmd.file.display().to_string(),
            destination: copts.dest.to_string(),
            protocol: conn.protocol,
            send: sent,
            closed,
        })
    };
    run_ports(port, "push", false, job, human)
}

fn human(r: &PushReport) -> String {
    format!(
        "{}: {}{}",
        r.destination,
        human_report(&r.send),
        if r.send.complete {
            "every byte acknowledged by the server\n"
        } else {
            ""
        }
    )
}
