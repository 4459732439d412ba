//! `qtcp push FILE HOST:PORT`: the one-off file push in one command: probe, attach (with
//! `--apn`), connect, send with every byte acknowledged, close.

use super::common::{
    count, discard_as_it_arrives, discard_inbound, fail, rate, run_ports, seconds, PortArgs, SimWaitArgs,
    Spinner, Text,
};
use super::connect::DestArgs;
use super::send::{human_partial, open_source, resume_offset, run_send, FlowArgs};
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
    /// Bytes the server sent that arrived during the push (direct mode) and were discarded.
    pub bytes_discarded: u64,
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
            auth: None,
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
        let (mut s, tries) = port
            .open_port(spec, &SyncOptions::default())
            .map_err(before_send)?;
        port.check_id(&s, cmd.dest.id).map_err(before_send)?;
        discard_as_it_arrives(&mut s);
        // On a terminal: a spinner while waiting, and one line per phase as it completes.
        let spinner = Spinner::new(port.spinner_visible());
        s.set_on_wait(spinner.hook());
        spinner.line(&format!(
            "synchronised with the module ({})",
            count(u64::from(tries), "attempt")
        ));
        if let Some(a) = &attach_opts {
            let r = attach(&mut s, a, &mut |w| spinner.waiting(w)).map_err(|f| nothing_sent(f, Some))?;
            spinner.line(&format!("attached: APN {}, registered, GPRS attached", r.apn));
        }
        // Nothing was sent before the connection is open: a failure up to here reports offset 0.
        let conn = connect(&mut s, &copts).map_err(before_send)?;
        spinner.line(&format!(
            "connected: {} {}:{}",
            conn.protocol, conn.host, conn.remote_port
        ));
        // The send draws its own bar.
        drop(spinner);
        let mut o = cmd.flow.options();
        o.wait_ack = !cmd.dest.udp;
        o.udp = cmd.dest.udp;
        o.id = cmd.dest.id;
        o.total = len;
        if cmd.reconnect {
            o.reconnect = Some(copts.clone());
        }
        // What connect did to the module (headers switched on in direct mode) comes first.
        let with_connect = |mut r: SendReport| {
            r.actions.splice(0..0, conn.actions.iter().cloned());
            r
        };
        let sent = match run_send(&mut s, progress, &o, src) {
            Ok(v) => with_connect(v),
            Err(f) => {
                let f = f.map(with_connect);
                discard_inbound(port, "push", &mut s);
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
        let spinner = Spinner::new(port.spinner_visible());
        s.set_on_wait(spinner.hook());
        spinner.line(&format!(
            "sent {}{}",
            count(sent.bytes_sent, "byte"),
            if sent.complete && sent.bytes_unacked == Some(0) {
                ", every byte acknowledged"
            } else {
                ""
            }
        ));
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
        if closed {
            spinner.line("closed the connection");
        }
        let bytes_discarded = discard_inbound(port, "push", &mut s);
        Ok(PushReport {
            file: cmd.file.display().to_string(),
            destination: copts.dest.to_string(),
            protocol: conn.protocol,
            send: sent,
            closed,
            bytes_discarded,
        })
    };
    let dest = copts.dest.to_string();
    let file = cmd.file.display().to_string();
    let hint = |_: &Error, p: Option<&PushProgress>| match p.map(|p| &p.sent) {
        Some(SentSoFar::Send(r)) if r.bytes_sent > 0 && resume_offset(r) > 0 => Some(format!(
            "resume with qtcp connect {dest} && qtcp send --file {file} --offset {} --wait-ack",
            resume_offset(r)
        )),
        _ => None,
    };
    let text = Text::new(&human).partial(&progress_text).hint(&hint);
    run_ports(port, "push", false, job, &text)
}

fn human(r: &PushReport) -> String {
    let s = &r.send;
    let mut line = format!(
        "pushed {} ({}) to {} over {}",
        r.file,
        count(s.bytes_sent, "byte"),
        r.destination,
        r.protocol
    );
    if s.bytes_acked.is_some() {
        line.push_str(if s.complete && s.bytes_unacked == Some(0) {
            ": every byte acknowledged by the server"
        } else {
            ": not every byte acknowledged"
        });
    }
    line.push_str(&format!(
        ", in {} ({})",
        seconds(s.duration_s),
        rate(s.goodput_bps)
    ));
    if !s.reconnects.is_empty() {
        line.push_str(&format!("; {}", count(s.reconnects.len() as u64, "reconnect")));
    }
    line.push_str(if r.closed {
        "; connection closed\n"
    } else {
        "; connection left open\n"
    });
    line
}

fn progress_text(p: &PushProgress) -> String {
    match &p.sent {
        SentSoFar::Send(r) => human_partial(r),
        SentSoFar::Nothing { .. } => "nothing sent\n".into(),
    }
}
