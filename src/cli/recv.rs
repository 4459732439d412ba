//! `qtcp recv`: received data to stdout or a file (binary-safe), or JSON Lines with `--json`.

use super::common::{
    count, duration, json_line, json_text, message, seconds, DataLine, PortArgs, StreamLine, Summary,
};
use crate::error::{Error, Failed, Reported};
use crate::proc::recv::{recv, Chunk, Mode, RecvEvent, RecvOptions, RecvReport, RecvSink};
use base64::Engine;
use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const AFTER_HELP: &str = "\
Receive modes:
  retrieve  (QINDI=1/2, set by `qtcp attach --recv retrieve`) The data waits in the module
            until it is read with AT+QIRD, so nothing is lost while no qtcp process holds the
            port. recv always reads what is buffered first, then waits for +QIRDI. This is
            the mode for scripts.
  direct    (QINDI=0) The module writes data to the serial line as it arrives, between
            command responses; data that arrives while no process holds the port is lost.
            Only framed data is accepted: IPD<len> headers (--headers, or `qtcp attach --recv
            direct --headers`) or +RECEIVE in multi-connection mode. Without headers the
            bytes can only be told from responses by guessing from the state of the
            conversation, so recv refuses that setup (exit 2).
  auto      (default) Ask the module with AT+QINDI?.

Output: raw bytes on stdout (or --out FILE), flushed as they arrive; notices and the final
summary on stderr (not with --quiet). With --json, JSON Lines on stdout:
  {\"type\":\"event\",\"event\":\"ready\",\"mode\":\"retrieve\",...}
  {\"type\":\"data\",\"bytes\":\"<base64>\",\"len\":N,\"offset\":N,\"from\":\"ip:port\",\"protocol\":\"TCP\"}
  {\"type\":\"event\",\"event\":\"closed\",\"text\":\"CLOSED\"}        (URCs: closed, pdp_deact, creg, ...)
  {\"type\":\"summary\",\"ok\":true,\"reason\":\"closed\",\"bytes\":N,...,\"exit_code\":0}
With --json and --out the data lines carry no \"bytes\" (they go to the file).

Stop reasons and exit codes:
  bytes          --bytes N received (retrieve mode never reads beyond N)   0
  closed         the peer closed, everything buffered was read             0, or 9 if --bytes
                                                                             was not reached
  idle, timeout  --idle / --timeout ran out                                0, or 14 if --bytes
                                                                             was not reached
  pdp_deact      +PDP DEACT (after reading what was buffered)              7
  interrupted    Ctrl-C / SIGTERM (a summary is still printed)             130
  output_closed  the reader of stdout went away                            0";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct RecvCmd {
    /// Receive mode; auto asks the module (AT+QINDI?)
    #[arg(long, value_enum, default_value = "auto")]
    pub mode: ModeArg,
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    /// Largest AT+QIRD read
    #[arg(long, default_value_t = 1500, value_parser = clap::value_parser!(u64).range(1..=1500))]
    pub chunk: u64,
    /// Direct mode: switch on IPD<len> framing (QIHEAD=1, QISHOWRA=1, QISHOWPT=1) and use it
    #[arg(long)]
    pub headers: bool,
    /// Stop after N bytes
    #[arg(long, value_name = "N")]
    pub bytes: Option<u64>,
    /// Stop after this long without data
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub idle: Option<Duration>,
    /// Stop after this long overall
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub timeout: Option<Duration>,
    /// Write the data to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Read (retrieve) or check the connection (direct) at least this often without a URC
    #[arg(long, value_parser = duration, default_value = "2s", value_name = "DUR", hide = true)]
    pub poll: Duration,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// `--mode`: the core's [`Mode`] as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Ask the module (AT+QINDI?): 1 or 2 is retrieve, 0 is direct
    Auto,
    /// Data waits in the module; read with AT+QIRD (QINDI=1/2)
    Retrieve,
    /// Data is pushed by the module as it arrives (QINDI=0)
    Direct,
}

impl From<ModeArg> for Mode {
    fn from(a: ModeArg) -> Mode {
        match a {
            ModeArg::Auto => Mode::Auto,
            ModeArg::Retrieve => Mode::Retrieve,
            ModeArg::Direct => Mode::Direct,
        }
    }
}

struct Sink {
    json: bool,
    quiet: bool,
    file: Option<File>,
    offset: u64,
}

impl Sink {
    fn write_bytes(&mut self, data: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(data).and_then(|_| f.flush()),
            None => {
                let mut o = std::io::stdout().lock();
                o.write_all(data).and_then(|_| o.flush())
            }
        }
    }
}

impl RecvSink for Sink {
    fn data(&mut self, c: &Chunk) -> std::io::Result<()> {
        let offset = self.offset;
        self.offset += c.data.len() as u64;
        if self.json {
            let bytes = if self.file.is_some() {
                self.write_bytes(c.data)?;
                None
            } else {
                Some(base64::engine::general_purpose::STANDARD.encode(c.data))
            };
            let line = Line::Data(DataLine {
                bytes,
                len: c.data.len(),
                offset,
                from: c.from,
                protocol: c.protocol,
                id: c.id,
            });
            let mut o = std::io::stdout().lock();
            writeln!(o, "{}", json_text(&line)).and_then(|_| o.flush())
        } else {
            self.write_bytes(c.data)
        }
    }

    fn event(&mut self, e: &RecvEvent) {
        match e {
            RecvEvent::Ready { mode, actions } => {
                if self.json {
                    json_line(&Line::Event(Event::Ready {
                        event: "ready",
                        mode: *mode,
                        actions,
                    }));
                }
            }
            RecvEvent::Urc { name, text } => {
                if self.json {
                    json_line(&Line::Event(Event::Urc { event: name, text }));
                } else if !self.quiet {
                    eprintln!("qtcp recv: {text}");
                }
            }
        }
    }
}

fn human_summary(r: &RecvReport) -> String {
    let mut line = format!(
        "qtcp recv: received {} in {} in {} ({} mode); stopped: {}",
        count(r.bytes, "byte"),
        count(r.chunks, "chunk"),
        seconds(r.duration_s),
        r.mode,
        r.reason
            .said(crate::family::words_named(super::common::dialect()))
    );
    if r.bytes_dropped > 0 {
        line.push_str(&format!(
            "\nqtcp recv: warning: {} pushed by the module after --bytes was reached were discarded (direct mode cannot leave them in the module; retrieve mode does)",
            count(r.bytes_dropped, "byte")
        ));
    }
    if r.bytes_other_connections > 0 {
        line.push_str(&format!(
            "\nqtcp recv: warning: {} pushed by the module for other connections than --id were discarded (direct mode delivers every connection's data on the one serial line; retrieve mode keeps each in the module)",
            count(r.bytes_other_connections, "byte")
        ));
    }
    line
}

pub fn run(port: &PortArgs, cmd: RecvCmd) -> ExitCode {
    let o = RecvOptions {
        mode: cmd.mode.into(),
        id: cmd.id,
        chunk: cmd.chunk as usize,
        headers: cmd.headers,
        bytes: cmd.bytes,
        idle: cmd.idle,
        timeout: cmd.timeout,
        poll: cmd.poll.max(Duration::from_millis(10)),
    };
    let result = (|| -> Reported<RecvReport> {
        let file = match &cmd.out {
            Some(p) => Some(
                File::create(p).map_err(|e| Failed::from(Error::usage(format!("{}: {e}", p.display()))))?,
            ),
            None => None,
        };
        let mut sink = Sink {
            json: port.json,
            quiet: port.quiet,
            file,
            offset: 0,
        };
        let mut s = port.open()?;
        port.check_open_id(&mut s, o.id)?;
        recv(&mut s, &o, &mut sink)
    })();
    if port.json {
        json_line(&Line::Summary(Summary::of(&result, true)));
    }
    match &result {
        Ok(r) => {
            if !port.json && !port.quiet {
                eprintln!("{}", human_summary(r));
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if let (Some(r), false, false) = (&f.partial, port.json, port.quiet) {
                eprintln!("{}", human_summary(r));
            }
            eprintln!("qtcp recv: error: {}", message(&f.error));
            ExitCode::from(f.error.exit_code())
        }
    }
}

/// The events of `recv --json`: `event` first.
#[derive(Serialize)]
#[serde(untagged)]
enum Event<'a> {
    /// Setup done: the mode and what was changed.
    Ready {
        event: &'static str,
        mode: Mode,
        actions: &'a [String],
    },
    /// A URC that arrived meanwhile (`closed`, `pdp_deact`, `creg`, ...).
    Urc { event: &'a str, text: &'a str },
}

type Line<'a> = StreamLine<'a, Event<'a>, RecvReport>;
