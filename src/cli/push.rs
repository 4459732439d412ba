//! `qtcp push FILE HOST:PORT`: the one-off file push in one command: probe, attach (with
//! `--apn`), connect, send with every byte acknowledged, close.

use super::common::{fail, run_ports, PortArgs, SimSpinner, SimWaitArgs};
use super::connect::DestArgs;
use super::send::{human_report, open_source, run_send, FlowArgs};
use crate::error::Error;
use crate::proc::attach::{attach, AttachOptions, RecvMode};
use crate::proc::close::close;
use crate::proc::connect::connect;
use crate::proc::probe::{sync, SyncOptions};
use crate::proc::send::SendReport;
use serde_json::Value;
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
}

/// A failure before any byte was handed to the module: say so in the JSON (`acked_offset: 0`).
fn nothing_sent(mut e: Error) -> Error {
    let mut d = match e.detail.take() {
        Some(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    d.entry("acked_offset").or_insert(0.into());
    d.entry("bytes_acked").or_insert(0.into());
    e.detail = Some(Value::Object(d));
    e
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
        Err(e) => return fail(port.json, "push", &e),
    };
    let progress = port.progress_visible() && port.ports().map(|p| p.len() == 1).unwrap_or(false);
    let job = |name: &str| -> Result<Value, Error> {
        let (src, len) = open_source(Some(&cmd.file), None, 0)?;
        let mut s = port.open_port(name)?;
        sync(&mut s, &SyncOptions::default()).map_err(nothing_sent)?;
        if let Some(a) = &attach_opts {
            let spinner = SimSpinner::new(port.spinner_visible());
            attach(&mut s, a, &mut |w| spinner.waiting(w)).map_err(nothing_sent)?;
        }
        // Nothing was sent before the connection is open: a failure up to here reports offset 0.
        let conn = connect(&mut s, &copts).map_err(nothing_sent)?;
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
            Err(e) => {
                // A one-shot push leaves no connection behind: the next push must find the
                // module ready (it would answer ALREADY CONNECT otherwise).
                if !cmd.keep_open && e.class != crate::ErrorClass::Io {
                    s.hold_interrupt(true);
                    crate::proc::connect::close_quiet(&mut s, cmd.dest.id);
                }
                return Err(e);
            }
        };
        let closed = if cmd.keep_open {
            None
        } else {
            Some(close(&mut s, cmd.dest.id, false)?)
        };
        let mut v = sent;
        v["file"] = cmd.file.display().to_string().into();
        v["destination"] = copts.dest.to_string().into();
        v["protocol"] = conn.protocol.into();
        v["closed"] = closed.map(|c| c.closed).unwrap_or(false).into();
        Ok(v)
    };
    run_ports(port, "push", job, human)
}

fn human(v: &Value) -> String {
    let r: SendReport = serde_json::from_value(v.clone()).unwrap_or_default();
    format!(
        "{}: {}{}",
        v["destination"].as_str().unwrap_or(""),
        human_report(&r),
        if r.complete {
            "every byte acknowledged by the server\n"
        } else {
            ""
        }
    )
}
