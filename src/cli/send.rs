//! `qtcp send`: data from a file, the command line or stdin, acknowledged flow control,
//! optional reconnects. Also the send options and progress bar `push` reuses.

use super::common::{duration, emit, Origin, PortArgs};
use super::connect::DestArgs;
use crate::error::{Cause, Error, Failed, Reported};
use crate::proc::send::{send, Reconnect, SendEvents, SendOptions, SendProgress, SendReport};
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
    /// Fixed window of unacknowledged bytes [default: adaptive, from 3000 up to --send-buffer]
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
    #[arg(long, value_parser = duration, default_value = "1ms", value_name = "DUR")]
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
    /// Connection index (QIMUX=1)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub id: Option<u8>,
    #[command(flatten)]
    pub flow: FlowArgs,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
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
        Bar { bar }
    }
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl SendEvents for Bar {
    fn progress(&mut self, p: SendProgress) {
        self.bar.set_position(p.sent);
        self.bar.set_message(indicatif::HumanBytes(p.acked).to_string());
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

pub fn human_report(r: &SendReport) -> String {
    let mut s = format!(
        "sent {} bytes in {} chunks, {} in {:.1} s ({:.0} B/s)",
        r.bytes_sent,
        r.chunks,
        match r.bytes_acked {
            Some(a) => format!(
                "{a} acknowledged, {} unacknowledged",
                r.bytes_unacked.unwrap_or(0)
            ),
            None => "UDP: no acknowledgements".into(),
        },
        r.duration_s,
        r.goodput_bps
    );
    for rc in &r.reconnects {
        s.push_str(&format!(
            "\nreconnected ({}), resumed at offset {}",
            rc.reason, rc.resume_offset
        ));
    }
    s.push('\n');
    s
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
    r.map_err(resume_hint)
}

/// The flag that resumes a failed send: added to the core's message ("acknowledged up to
/// offset N"), which says where the data got, not what to type.
pub fn resume_hint<P: std::borrow::Borrow<SendReport>>(mut f: Failed<P>) -> Failed<P> {
    if let (Some(r), false) = (&f.partial, f.error.cause == Cause::NoConnection) {
        let r = (**r).borrow();
        let resume = r.acked_offset.unwrap_or(r.sent_offset);
        f.error.message = format!("{} (resume with --offset {resume})", f.error.message);
    }
    f
}

pub fn run(port: &PortArgs, cmd: SendCmd) -> ExitCode {
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
                timeout: Duration::from_secs(75),
            };
            o.reconnect = Some(d.options(false).map_err(Failed::from)?);
        }
        let (src, len) = open_source(cmd.file.as_ref(), cmd.data.as_deref(), cmd.offset)?;
        o.total = len;
        let mut s = port.open()?;
        run_send(&mut s, port.progress_visible(), &o, src)
    })();
    ExitCode::from(emit(port, "send", Origin::default(), &result, &human_report))
}
