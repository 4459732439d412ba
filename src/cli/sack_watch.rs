//! `qtcp sack-watch`: poll QISACK until everything is acknowledged (chapter 6).

use super::common::{
    count, discard_as_it_arrives, discard_inbound, duration, hint, json_line, message, out, NoEvent,
    PortArgs, StreamLine, Summary, WithInbound,
};
use crate::error::{Error, Reported};
use crate::proc::sack::{watch, Sample, WatchOptions, WatchReport};
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
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// A failure before the first poll: the stream's summary line (JSON) or the error line.
fn fail(port: &PortArgs, e: Error) -> ExitCode {
    let result: Reported<WithInbound<WatchReport>> = Err(e.into());
    if port.json {
        json_line(&Line::Summary(Summary::of(&result, false)));
    }
    let code = result.err().map_or(1, |f| {
        eprintln!("qtcp sack-watch: error: {}", message(&f.error));
        if let Some(h) = hint(&f.error) {
            eprintln!("hint: {h}");
        }
        f.error.exit_code()
    });
    ExitCode::from(code)
}

pub fn run(port: &PortArgs, cmd: SackWatchCmd) -> ExitCode {
    let mut s = match port.open() {
        Ok(s) => s,
        Err(e) => return fail(port, e),
    };
    discard_as_it_arrives(&mut s);
    if let Err(e) = port.check_open_id(&mut s, cmd.id) {
        return fail(port, e);
    }
    if let Some(hb) = &cmd.heartbeat {
        let o = SendOptions {
            id: cmd.id,
            ..Default::default()
        };
        if let Err(f) = send(&mut s, hb.as_bytes(), &o, &mut NoEvents) {
            return fail(port, f.error);
        }
    }
    let o = WatchOptions {
        interval: cmd.interval,
        max_polls: cmd.max_polls,
        id: cmd.id,
    };
    let json = port.json;
    let mut on_sample = |smp: &Sample| {
        if json {
            json_line(&Line::Sample(smp));
        } else {
            out(&format!(
                "poll {}: {} sent, {} acknowledged, {} pending\n",
                smp.poll, smp.sack.sent, smp.sack.acked, smp.sack.unacked
            ));
        }
    };
    let result = watch(&mut s, &o, &mut on_sample);
    let bytes_discarded = discard_inbound(port, "sack-watch", &mut s);
    let wrap = |report: WatchReport| WithInbound {
        report,
        bytes_discarded,
    };
    let result = match result {
        Ok(r) => Ok(wrap(r)),
        Err(f) => Err(f.map(wrap)),
    };
    if json {
        json_line(&Line::Summary(Summary::of(&result, false)));
    }
    match &result {
        Ok(r) => {
            if !json {
                let sent = r.report.last.as_ref().map_or(0, |l| l.sent);
                out(&format!(
                    "all {} acknowledged by the server ({})\n",
                    count(sent, "byte"),
                    count(u64::from(r.report.polls), "poll")
                ));
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("qtcp sack-watch: error: {}", message(&f.error));
            ExitCode::from(f.error.exit_code())
        }
    }
}

type Line<'a> = StreamLine<'a, NoEvent, WithInbound<WatchReport>>;
