//! `qtcp transparent HOST:PORT`: a byte-exact bridge between stdin/stdout and a TCP (or UDP)
//! connection in the module's transparent mode. A terminal on stdin is put in raw mode (restored
//! on every exit by a guard).

use super::common::{duration, json_text, message, seconds, PortArgs, StreamLine, Summary};
use crate::error::{Failed, Reported};
use crate::proc::transparent::{
    transparent, EndReason, TransparentEvent, TransparentIo, TransparentOptions, TransparentReport,
};
use crate::validate;
use serde::Serialize;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

const AFTER_HELP: &str = "\
stdout carries only the server's bytes, exactly; stdin goes to the server exactly. Notices and
the final summary go to stderr (one JSON object there with --json; not with --quiet).

Setup: AT+QIMODE=1 is accepted only in IP INITIAL with QIMUX=0, so when the context is up
qtcp deactivates it first (AT+QIDEACT) and says so; then AT+QITCFG=3,<wait>,<packet-size>,1
and AT+QIOPEN, which answers CONNECT. A transparent connection that an earlier run left open
(without --close) is resumed with ATO.

Ending: on stdin EOF (once nothing has arrived for --linger), Ctrl-C or --duration, qtcp
stays silent for --guard, sends +++, stays silent for --guard again and expects OK: the
module is then in command mode with the connection open. With --close it then closes the
connection and restores non-transparent mode (AT+QIDEACT, AT+QIMODE=0), which a later
`qtcp send` needs; without --close the connection stays open and QIMODE stays 1 (run
`qtcp transparent` again to resume it, or `qtcp close` and this command with --close).
When the connection ends by itself (peer close, +PDP DEACT) QIMODE=0 is restored too.

CLOSED and +PDP DEACT in the data stream: the module's own reports look exactly like server
data, so a stream that ends with one is held back and checked as chapter 8.2 of the
recommended process says: +++ after the guard time; OK means the words were the server's
data (they are output and data mode is resumed with ATO), no OK means the module had
reported the close (the words are dropped). Words followed by more data are data.

On a terminal, Ctrl-C still ends the session (so byte 0x03 cannot be typed; pipes are
byte-exact); a second Ctrl-C ends qtcp at once.

Exit status: 0 stdin ended, --duration passed or stdout closed; 130 Ctrl-C/SIGTERM;
9 the peer closed the connection; 7 +PDP DEACT; 8 connect failed; 12 no OK to +++.";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct TransparentCmd {
    /// Destination: IPv4 address or host name, and port
    #[arg(value_name = "HOST:PORT")]
    pub dest: String,
    /// UDP instead of TCP
    #[arg(long)]
    pub udp: bool,
    /// How long to wait for CONNECT [default: the module's own limit: 75 s on the QI family,
    /// 150 s on the ctx family]
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub timeout: Option<Duration>,
    /// The module sends a partial packet after this long without input (QITCFG WaitTm,
    /// 100 ms units, 100ms..1s)
    #[arg(long, value_parser = duration, default_value = "200ms", value_name = "DUR")]
    pub wait: Duration,
    /// The module sends at once when this many bytes collected (QITCFG SendSz)
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u16).range(1..=1460))]
    pub packet_size: u16,
    /// Silence before and after +++ (the module needs 1 s before, 0.5-1 s after)
    #[arg(long, value_parser = duration, default_value = "1s", value_name = "DUR")]
    pub guard: Duration,
    /// After leaving data mode, close the connection (QI: and restore QIMODE=0); without it
    /// the next transparent session to the same peer resumes it (QI: ATO; ctx: AT+QISWTMD)
    #[arg(long)]
    pub close: bool,
    /// End the session after this long
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub duration: Option<Duration>,
    /// After stdin EOF, keep receiving until nothing arrived for this long
    #[arg(long, value_parser = duration, default_value = "1s", value_name = "DUR")]
    pub linger: Duration,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// Raw mode for a terminal on stdin, undone when dropped (every exit path, panics included).
/// ISIG stays on so Ctrl-C still ends the session.
struct RawMode {
    fd: i32,
    saved: libc::termios,
}

impl RawMode {
    fn enable() -> Option<RawMode> {
        let fd = libc::STDIN_FILENO;
        if !std::io::stdin().is_terminal() {
            return None;
        }
        // SAFETY: tcgetattr/tcsetattr on stdin with a zeroed, then filled, termios.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) != 0 {
                return None;
            }
            let saved = t;
            t.c_iflag &= !(libc::IGNBRK
                | libc::BRKINT
                | libc::PARMRK
                | libc::ISTRIP
                | libc::INLCR
                | libc::IGNCR
                | libc::ICRNL
                | libc::IXON);
            t.c_lflag &= !(libc::ECHO | libc::ECHONL | libc::ICANON | libc::IEXTEN);
            t.c_cflag &= !(libc::CSIZE | libc::PARENB);
            t.c_cflag |= libc::CS8;
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            if libc::tcsetattr(fd, libc::TCSANOW, &t) != 0 {
                return None;
            }
            Some(RawMode { fd, saved })
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the attributes read in enable().
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
        }
    }
}

/// stdin in chunks on a channel; the sender is dropped at EOF (or a read error). The channel
/// is bounded: the reader waits while the bridge has not taken what it read, so stdin is read
/// only as fast as the module takes it and memory stays bounded (issue 18).
fn stdin_channel() -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::sync_channel(4);
    std::thread::Builder::new()
        .name("qtcp-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 16384];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
        })
        .expect("spawn the stdin reader");
    rx
}

struct Io {
    json: bool,
    quiet: bool,
}

/// A notice on stderr (stdout carries the data): a JSON line with --json, else text.
fn notice(json: bool, quiet: bool, line: &Line, text: String) {
    if json {
        eprintln!("{}", json_text(line));
    } else if !quiet {
        // On a raw terminal a bare \n does not return the carriage.
        eprint!("qtcp transparent: {text}\r\n");
    }
}

impl TransparentIo for Io {
    fn data(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        o.write_all(bytes)?;
        o.flush()
    }

    fn event(&mut self, e: &TransparentEvent) {
        let (ev, text) = match e {
            TransparentEvent::Connected { resumed } => (
                Event::Connected { resumed: *resumed },
                if *resumed {
                    "data mode resumed".to_string()
                } else {
                    "connected, data mode".to_string()
                },
            ),
            TransparentEvent::Checking { markers } => (
                Event::Checking { markers },
                format!(
                    "{} in the data stream: checking with +++ whether it is data",
                    markers.join(", ")
                ),
            ),
            TransparentEvent::Checked(c) => (
                Event::Checked {
                    markers: &c.markers,
                    verdict: &c.verdict,
                },
                if c.verdict == "data" {
                    format!(
                        "{} was data from the server (+++ answered OK)",
                        c.markers.join(", ")
                    )
                } else {
                    format!("{} was the module's report (no OK to +++)", c.markers.join(", "))
                },
            ),
            TransparentEvent::Escaping { reason } => (
                Event::Escaping { reason: *reason },
                format!(
                    "leaving data mode ({})",
                    reason.said(crate::family::words_named(super::common::dialect()))
                ),
            ),
        };
        notice(self.json, self.quiet, &Line::Event(ev), text);
    }
}

/// The events of `transparent --json` (on stderr): `event` first.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event<'a> {
    Connected { resumed: bool },
    Checking { markers: &'a [String] },
    Checked { markers: &'a [String], verdict: &'a str },
    Escaping { reason: EndReason },
}

type Line<'a> = StreamLine<'a, Event<'a>, TransparentReport>;

fn summary(r: &TransparentReport) -> String {
    let mut s = format!(
        "{} bytes in, {} bytes out in {}; {}",
        r.bytes_in,
        r.bytes_out,
        seconds(r.duration_s),
        r.reason.map_or("ended", EndReason::text)
    );
    if r.connection_open {
        s.push_str("; the connection is still open (QIMODE=1): run again to resume, or qtcp close");
    }
    if !r.actions.is_empty() {
        s.push_str(&format!("; actions: {}", r.actions.join(", ")));
    }
    s
}

pub fn run(port: &PortArgs, cmd: TransparentCmd) -> ExitCode {
    let json = port.json;
    let quiet = port.quiet;
    let result = (|| -> Reported<TransparentReport> {
        let o = TransparentOptions {
            dest: validate::destination(&cmd.dest).map_err(Failed::from)?,
            udp: cmd.udp,
            connect_timeout: cmd.timeout,
            wait: cmd.wait,
            packet_size: cmd.packet_size,
            guard: cmd.guard,
            close: cmd.close,
            duration: cmd.duration,
            linger: cmd.linger,
        };
        let mut s = port.open()?;
        let _raw = RawMode::enable();
        let input = stdin_channel();
        let mut io = Io { json, quiet };
        transparent(&mut s, &o, &input, &mut io)
    })();
    let line = Line::Summary(Summary::of(&result, true));
    match &result {
        Ok(r) => {
            notice(json, quiet, &line, summary(r));
            ExitCode::SUCCESS
        }
        Err(f) => {
            if json {
                eprintln!("{}", json_text(&line));
            } else {
                if let (Some(r), false) = (&f.partial, quiet) {
                    eprintln!("qtcp transparent: {}", summary(r));
                }
                eprintln!("qtcp transparent: error: {}", message(&f.error));
            }
            ExitCode::from(f.error.exit_code())
        }
    }
}
