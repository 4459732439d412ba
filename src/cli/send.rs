//! `qtcp send`: data from a file, the command line or stdin, acknowledged flow control,
//! optional reconnects. Also the send options and progress bar `push` reuses.

use super::common::{
    count, discard_as_it_arrives, duration, emit_text, fail, rate, seconds, take_inbound, warn_discarded,
    Origin, PortArgs, Text,
};
use super::connect::DestArgs;
use crate::error::{Cause, Error, Failed, Reported};
use crate::proc::send::{send, Reconnect, SendEvents, SendOptions, SendProgress, SendReport};
use crate::session::InboundPolicy;
use crate::session::Session;
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Flow-control options shared by `send` and `push`.
#[derive(clap::Args, Debug, Clone)]
pub struct FlowArgs {
    /// Fixed window of unacknowledged bytes [default: the whole --send-buffer]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=65535))]
    pub window: Option<u64>,
    /// The module's socket send buffer (7300 on M95-family firmware)
    #[arg(long, default_value_t = 7300, value_parser = clap::value_parser!(u64).range(1460..=65535))]
    pub send_buffer: u64,
    /// No acknowledgement progress for this long means the connection is dead
    #[arg(long, value_parser = duration, default_value = "2min", value_name = "DUR")]
    pub ack_timeout: Duration,
    /// Longest interval between QISACK polls (the document polls every 5 s)
    #[arg(long, value_parser = duration, default_value = "5s", value_name = "DUR")]
    pub poll_max: Duration,
    /// Shortest interval between QISACK polls; with --poll-max 5s --poll-min 5s --window 3000
    /// this is the document's literal rule
    #[arg(long, value_parser = duration, default_value = "0s", value_name = "DUR")]
    pub poll_min: Duration,
    /// Largest QISEND chunk (at most 1460)
    #[arg(long, default_value_t = 1460, value_parser = clap::value_parser!(u64).range(1..=1460))]
    pub chunk: u64,
}

impl FlowArgs {
    pub fn options(&self) -> SendOptions {
        SendOptions {
            window: self.window.map(|w| w as usize),
            send_buffer: self.send_buffer as usize,
            chunk: self.chunk as usize,
            ack_timeout: self.ack_timeout,
            poll_min: self.poll_min,
            poll_max: self.poll_max.max(self.poll_min),
            ..Default::default()
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct SendCmd {
    /// Send the contents of FILE (binary-safe)
    #[arg(short, long, value_name = "FILE", conflicts_with = "data")]
    pub file: Option<PathBuf>,
    /// Send TEXT
    #[arg(short, long, value_name = "TEXT")]
    pub data: Option<String>,
    /// Skip the first N bytes of the data (resume after a failure at acknowledged offset N)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: u64,
    /// Finish only when every byte is acknowledged (exit 11 otherwise)
    #[arg(long)]
    pub wait_ack: bool,
    /// After SEND FAIL, CLOSED or a stall, reopen HOST:PORT and resend from the first
    /// unacknowledged byte
    #[arg(long, value_name = "HOST:PORT")]
    pub reconnect: Option<String>,
    /// Most reconnects before giving up
    #[arg(long, default_value_t = 5)]
    pub max_reconnects: u32,
    /// The connection is UDP (no acknowledgements)
    #[arg(long)]
    pub udp: bool,
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    /// Direct mode: write what the server sends during the send to FILE instead of discarding
    /// it (the module pushes it onto the serial line whether or not recv runs)
    #[arg(long, value_name = "FILE")]
    pub recv_out: Option<PathBuf>,
    #[command(flatten)]
    pub flow: FlowArgs,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// The JSON of send: the send's report, what arrived from the server meanwhile and was
/// discarded, and with --recv-out what was kept.
#[derive(Debug, serde::Serialize)]
pub struct SendOutput {
    #[serde(flatten)]
    pub send: SendReport,
    pub bytes_discarded: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_kept: Option<u64>,
}

/// A data source and its length when known.
pub fn open_source(
    file: Option<&PathBuf>,
    data: Option<&str>,
    offset: u64,
) -> Result<(Box<dyn Read>, Option<u64>), Error> {
    if let Some(path) = file {
        let mut f = File::open(path).map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
        let len = f.metadata().map(|m| m.len()).ok();
        if let Some(l) = len {
            if offset > l {
                return Err(Error::usage(format!(
                    "--offset {offset} is beyond the end of {} ({l} bytes)",
                    path.display()
                )));
            }
        }
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
        Ok((Box::new(std::io::BufReader::with_capacity(64 * 1024, f)), len))
    } else if let Some(d) = data {
        let len = d.len() as u64;
        if offset > len {
            return Err(Error::usage(format!(
                "--offset {offset} is beyond the end of --data ({len} bytes)"
            )));
        }
        Ok((
            Box::new(std::io::Cursor::new(d.as_bytes()[offset as usize..].to_vec())),
            Some(len),
        ))
    } else {
        let mut stdin: Box<dyn Read> = Box::new(std::io::stdin());
        std::io::copy(&mut (&mut stdin).take(offset), &mut std::io::sink())
            .map_err(|e| Error::usage(format!("stdin: {e}")))?;
        Ok((stdin, None))
    }
}

/// The indicatif bar: bytes sent, bytes acknowledged, rate, ETA. Hidden off a terminal.
pub struct Bar {
    bar: ProgressBar,
    /// The acknowledged count last shown: the message is formatted only when it moves.
    acked: Option<u64>,
}

impl Bar {
    pub fn new(visible: bool, total: Option<u64>) -> Bar {
        let bar = if !visible {
            ProgressBar::hidden()
        } else {
            match total {
                Some(t) => ProgressBar::new(t),
                None => ProgressBar::new_spinner(),
            }
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] [{bar:30}] {bytes}/{total_bytes} sent, {msg} acked, {binary_bytes_per_sec}, ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar { bar, acked: None }
    }
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl SendEvents for Bar {
    fn progress(&mut self, p: SendProgress) {
        // Called per chunk: off a terminal nothing is drawn, so nothing is formatted either
        // (formatting the acked count was ~5 % of qtcp's samples on an unpaced push).
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_position(p.sent);
        if self.acked != Some(p.acked) {
            self.acked = Some(p.acked);
            self.bar.set_message(indicatif::HumanBytes(p.acked).to_string());
        }
    }
    fn reconnecting(&mut self, r: &Reconnect) {
        self.bar.suspend(|| {
            eprintln!(
                "reconnecting ({}), resuming at offset {}",
                r.reason, r.resume_offset
            )
        });
    }
}

/// One line: what was sent and what the server acknowledged, how long it took, and the
/// reconnects on the way.
pub fn human_report(r: &SendReport) -> String {
    let mut line = format!("sent {}", count(r.bytes_sent, "byte"));
    if r.offset > 0 {
        line.push_str(&format!(" (from offset {})", r.offset));
    }
    match r.bytes_acked {
        None => line.push_str(" over UDP (no acknowledgements exist)"),
        Some(_) if r.complete && r.bytes_unacked == Some(0) => {
            line.push_str(", every byte acknowledged by the server")
        }
        Some(a) => line.push_str(&format!(
            ", {a} acknowledged so far, {} pending (--wait-ack or qtcp sack-watch waits for them)",
            r.bytes_unacked.unwrap_or(0)
        )),
    }
    line.push_str(&format!(
        ", in {} ({})",
        seconds(r.duration_s),
        rate(r.goodput_bps)
    ));
    if !r.reconnects.is_empty() {
        let at: Vec<String> = r.reconnects.iter().map(|c| c.resume_offset.to_string()).collect();
        line.push_str(&format!(
            "; {} (resumed at offset {})",
            count(r.reconnects.len() as u64, "reconnect"),
            at.join(", ")
        ));
    }
    line.push('\n');
    line
}

/// Where a send that failed got to: what the server holds, and where to resume.
pub fn human_partial(r: &SendReport) -> String {
    if r.bytes_sent == 0 {
        return "nothing sent\n".into();
    }
    match r.acked_offset {
        Some(a) => format!(
            "stopped after sending {}; the server acknowledged up to offset {a}\n",
            count(r.bytes_sent, "byte")
        ),
        None => format!(
            "stopped after sending {} over UDP (up to offset {})\n",
            count(r.bytes_sent, "byte"),
            r.sent_offset
        ),
    }
}

/// The offset a failed send resumes from: the first byte the server has not acknowledged.
pub fn resume_offset(r: &SendReport) -> u64 {
    r.acked_offset.unwrap_or(r.sent_offset)
}

pub fn run_send(
    s: &mut Session,
    progress: bool,
    o: &SendOptions,
    src: Box<dyn Read>,
) -> Reported<SendReport> {
    let mut bar = Bar::new(progress, o.total);
    let r = send(s, src, o, &mut bar);
    bar.finish();
    r
}

pub fn run(port: &PortArgs, cmd: SendCmd) -> ExitCode {
    // Created before anything is sent: a file that cannot be written is a usage error.
    let mut keep = match cmd.recv_out.as_ref().map(File::create).transpose() {
        Ok(f) => f,
        Err(e) => {
            let path = cmd
                .recv_out
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            return fail(port, "send", Error::usage(format!("--recv-out {path}: {e}")));
        }
    };
    let mut session = None;
    let result = (|| -> Reported<SendReport> {
        let mut o = cmd.flow.options();
        o.wait_ack = cmd.wait_ack;
        o.id = cmd.id;
        o.udp = cmd.udp;
        o.offset = cmd.offset;
        o.max_reconnects = cmd.max_reconnects;
        if let Some(dest) = &cmd.reconnect {
            let d = DestArgs {
                dest: dest.clone(),
                udp: cmd.udp,
                id: cmd.id,
                timeout: None,
            };
            o.reconnect = Some(d.options(false).map_err(Failed::from)?);
        }
        let (src, len) = open_source(cmd.file.as_ref(), cmd.data.as_deref(), cmd.offset)?;
        o.total = len;
        let s = session.insert(port.open()?);
        // What the server sends meanwhile (direct mode) is written through or counted as it
        // arrives, never held (issue 18).
        match keep.take() {
            Some(f) => s.set_inbound_policy(InboundPolicy::WriteTo(Box::new(f))),
            None => discard_as_it_arrives(s),
        }
        port.check_open_id(s, cmd.id)?;
        run_send(s, port.progress_visible(), &o, src)
    })();
    // What the server sent meanwhile (direct mode): written to --recv-out as it arrived, else
    // counted and reported as discarded.
    let (discarded, written, error) = session.as_mut().map(take_inbound).unwrap_or_default();
    if let Some(e) = &error {
        eprintln!("qtcp send: error: --recv-out: {e}");
    }
    let kept = cmd.recv_out.is_some().then_some(written);
    warn_discarded(port, "send", discarded, true);
    let wrap = |send: SendReport| SendOutput {
        send,
        bytes_discarded: discarded,
        bytes_kept: kept,
    };
    let result = match result {
        Ok(r) => Ok(wrap(r)),
        Err(f) => Err(f.map(wrap)),
    };
    let hint = |e: &Error, p: Option<&SendOutput>| {
        // Without a connection there is nothing to resume on: the general hint says so.
        p.filter(|r| e.cause != Cause::NoConnection && r.send.bytes_sent > 0)
            .map(|r| format!("resume with qtcp send --offset {}", resume_offset(&r.send)))
    };
    let human = |r: &SendOutput| human_report(&r.send);
    let partial = |r: &SendOutput| human_partial(&r.send);
    let text = Text::new(&human).partial(&partial).hint(&hint);
    ExitCode::from(emit_text(port, "send", Origin::default(), &result, &text))
}
