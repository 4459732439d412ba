//! `qtcp sack-watch`: poll QISACK until everything is acknowledged (chapter 6).

use super::common::{duration, fail, json_line, out, to_value, PortArgs};
use crate::proc::sack::{watch, WatchOptions};
use crate::proc::send::{send, NoEvents, SendOptions};
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct SackWatchCmd {
    /// Time between polls
    #[arg(long, value_parser = duration, default_value = "5s", value_name = "DUR")]
    pub interval: Duration,
    /// Give up after this many polls (24 × 5 s = the document's 2 minutes)
    #[arg(long, default_value_t = 24)]
    pub max_polls: u32,
    /// Send this heartbeat first (the document's keep-alive)
    #[arg(long, value_name = "DATA")]
    pub heartbeat: Option<String>,
    /// Connection index (QIMUX=1)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub id: Option<u8>,
}

pub fn run(port: &PortArgs, cmd: SackWatchCmd) -> ExitCode {
    let mut s = match port.open() {
        Ok(s) => s,
        Err(e) => return fail(port.json, "sack-watch", &e),
    };
    if let Some(hb) = &cmd.heartbeat {
        let o = SendOptions {
            id: cmd.id,
            ..Default::default()
        };
        if let Err(e) = send(&mut s, hb.as_bytes(), &o, &mut NoEvents) {
            return fail(port.json, "sack-watch", &e);
        }
    }
    let o = WatchOptions {
        interval: cmd.interval,
        max_polls: cmd.max_polls,
        id: cmd.id,
    };
    let json = port.json;
    let mut on_sample = |smp: &crate::proc::sack::Sample| {
        if json {
            let mut v = to_value(smp);
            v["type"] = "sample".into();
            json_line(&v);
        } else {
            out(&format!(
                "poll {}: sent {} acked {} unacked {}\n",
                smp.poll, smp.sack.sent, smp.sack.acked, smp.sack.unacked
            ));
        }
    };
    match watch(&mut s, &o, &mut on_sample) {
        Ok(r) => {
            if json {
                let mut v = to_value(&r);
                v["type"] = "summary".into();
                v["ok"] = true.into();
                json_line(&v);
            } else {
                out("all data acknowledged\n");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                let mut v = e.detail.clone().unwrap_or_else(|| serde_json::json!({}));
                v["type"] = "summary".into();
                v["ok"] = false.into();
                v["error"] = super::common::error_json(&e);
                json_line(&v);
                eprintln!("qtcp sack-watch: error: {}", e.message);
                ExitCode::from(e.exit_code())
            } else {
                fail(false, "sack-watch", &e)
            }
        }
    }
}
