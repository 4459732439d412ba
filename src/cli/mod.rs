//! The command-line layer: clap definitions (one file per subcommand), rendering of results as
//! human text or JSON, progress bars, and the one place where errors become exit codes.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

pub mod at;
pub mod attach;
pub mod close;
pub mod common;
pub mod connect;
pub mod echo;
pub mod inbound;
pub mod probe;
pub mod push;
pub mod recv;
pub mod sack_watch;
pub mod send;
pub mod sim;
pub mod spinner;
pub mod text;
pub mod transparent;

/// The exit-code table, rendered for `--help` and the man pages.
pub fn exit_status_text() -> String {
    let mut s = String::from("Exit status:\n");
    s.push_str("    0  success\n");
    for c in crate::error::ErrorClass::ALL {
        s.push_str(&format!("  {:>3}  {}\n", c.exit_code(), c.description()));
    }
    s
}

#[derive(Parser, Debug)]
#[command(
    name = "qtcp",
    version,
    propagate_version = true,
    about = "Drive the TCP/IP stack of Quectel cellular modules (M95 family, BG96/EC2x family) over a serial port",
    after_long_help = exit_status_text()
)]
pub struct Cli {
    /// The device options given before the subcommand name (hidden: each device subcommand
    /// documents them); see [`common::PortArgs::merged`].
    #[command(flatten)]
    pub port: common::PortArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Synchronise with the module and report identity, SIM, signal, registration, TCP/IP state
    Probe(probe::ProbeCmd),
    /// Check SIM and registration, set the APN and receive mode; --activate brings the context up
    Attach(attach::AttachCmd),
    /// Open a TCP or UDP connection and leave it open
    #[command(long_about = concat!("Open a TCP or UDP connection and leave it open\n\n", connect::direct_mode_help!()))]
    Connect(connect::ConnectCmd),
    /// Send data on the open connection with acknowledgement flow control
    #[command(long_about = concat!("Send data on the open connection with acknowledgement flow control\n\n", connect::direct_mode_help!()))]
    Send(send::SendCmd),
    /// Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON
    Recv(recv::RecvCmd),
    /// Poll QISACK until every byte sent is acknowledged
    SackWatch(sack_watch::SackWatchCmd),
    /// Close the connection (and with --deact the PDP context)
    Close(close::CloseCmd),
    /// Push one file: probe, attach, connect, send with every byte acknowledged, close
    #[command(long_about = concat!("Push one file: probe, attach, connect, send with every byte acknowledged, close\n\n", connect::direct_mode_help!()))]
    Push(push::PushCmd),
    /// Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact
    Transparent(transparent::TransparentCmd),
    /// Send AT command lines in turn under the port lock and deadlines; print each response
    At(at::AtCmd),
    /// Check a round trip through an echo server: send probes, compare what comes back
    Echo(echo::EchoCmd),
    /// Run a simulated module on a pseudo-terminal or TCP (real sockets behind it), or replay a trace
    Sim(sim::SimCmd),
}

/// The command line as parsed and documented: device options belong to the subcommands that
/// drive a device; the copies accepted before the subcommand name are hidden.
pub fn command() -> clap::Command {
    Cli::command().mut_args(|a| a.hide(true))
}

/// Run the command line. A panic is a bug: it prints "internal error" and exits 1
/// ([`ErrorClass::Internal`](crate::ErrorClass::Internal)), not Rust's 101.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("qtcp: internal error (a bug in qtcp, please report it): {info}");
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(crate::ErrorClass::Internal.exit_code()),
    }
}

fn run() -> ExitCode {
    // Debug builds only: lets a test check what a panic looks like to the user.
    #[cfg(debug_assertions)]
    if std::env::var_os("QTCP_TEST_PANIC").is_some() {
        panic!("QTCP_TEST_PANIC is set");
    }
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let sub_m = matches.subcommand().map(|(_, m)| m).unwrap_or(&matches);
    let top = &cli.port;
    let p = |c: &common::PortArgs| c.merged(top, &matches, sub_m);
    match cli.command {
        Command::Probe(c) => probe::run(&p(&c.port), c),
        Command::Attach(c) => attach::run(&p(&c.port), c),
        Command::Connect(c) => connect::run(&p(&c.port), c),
        Command::Send(c) => send::run(&p(&c.port), c),
        Command::Recv(c) => recv::run(&p(&c.port), c),
        Command::SackWatch(c) => sack_watch::run(&p(&c.port), c),
        Command::Close(c) => close::run(&p(&c.port), c),
        Command::Push(c) => push::run(&p(&c.port), c),
        Command::Transparent(c) => transparent::run(&p(&c.port), c),
        Command::At(c) => at::run(&p(&c.port), c),
        Command::Echo(c) => echo::run(&p(&c.port), c),
        Command::Sim(c) => sim::run(c),
    }
}

/// A command line clap refused (or `--help`/`--version`). With `--json`, a usage error is the
/// JSON error object every command prints (class `usage`, exit code 2) and one line on stderr,
/// so a script reading stdout gets JSON whatever went wrong.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let code = e.exit_code() as u8;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let json = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !json || informational || code == 0 {
        let _ = e.print();
        // clap: 0 for --help/--version, 2 for usage errors (our documented usage code).
        return ExitCode::from(code);
    }
    // The subcommand, as far as clap can tell from the rest of the line.
    let name = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(&args)
        .ok()
        .and_then(|m| m.subcommand_name().map(str::to_string));
    let rendered = e.render().to_string();
    // The error paragraph (before the usage line), as one line.
    let first = rendered.split("\n\n").next().unwrap_or("bad command line");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let message = first.split_whitespace().collect::<Vec<_>>().join(" ");
    let error = crate::error::Error::usage(message);
    let summary = |command: Option<&'static str>, with_code: bool| {
        common::json_text(&common::StreamLine::<common::NoEvent, ()>::Summary(
            common::Summary {
                ok: false,
                command,
                exit_code: with_code.then_some(error.exit_code()),
                dialect: None,
                report: None,
                error: Some(common::ErrorJson::of(&error)),
            },
        ))
    };
    // Each command's JSON says the error where its own failures go: streams in their summary
    // line (transparent's on stderr, where its JSON goes), one-shot commands in their object.
    match name.as_deref() {
        Some("transparent") => eprintln!("{}", summary(None, true)),
        other => {
            match other {
                Some(n) => eprintln!("qtcp {n}: error: {error}"),
                None => eprintln!("qtcp: error: {error}"),
            }
            match other {
                Some("recv") => common::out(&format!("{}\n", summary(None, true))),
                Some("echo") => common::out(&format!("{}\n", summary(Some("echo"), false))),
                Some("sack-watch") => common::out(&format!("{}\n", summary(None, false))),
                _ => common::json_line(&common::Envelope::<()> {
                    ok: false,
                    command: other.unwrap_or("qtcp"),
                    dialect: None,
                    port: None,
                    port_index: None,
                    report: None,
                    error: Some(common::ErrorJson::of(&error)),
                }),
            }
        }
    }
    ExitCode::from(error.exit_code())
}

/// Examples shown in the man pages (and kept true by the README tests): (what, command).
pub fn examples(subcommand: Option<&str>) -> Vec<(&'static str, &'static str)> {
    let all: &[(&str, &str, &str)] = &[
        (
            "push",
            "Push a file through the built-in simulator to the Quectel document's echo server",
            "qtcp --port sim push README.md 220.180.239.212:8063",
        ),
        (
            "push",
            "Push a file through a real module, resuming after connection losses",
            "qtcp --port /dev/ttyUSB0 push firmware.bin updates.example.com:9000 --apn CMNET --reconnect",
        ),
        (
            "probe",
            "Report the module's identity, SIM, signal and registration as JSON",
            "qtcp --port /dev/ttyUSB0 --json probe",
        ),
        (
            "probe",
            "Gate a script on a module that is ready for data",
            "qtcp --port /dev/ttyUSB0 probe --expect ready",
        ),
        (
            "attach",
            "Set the APN and activate the context",
            "qtcp --port /dev/ttyUSB0 attach --apn CMNET --activate",
        ),
        (
            "connect",
            "Open a TCP connection",
            "qtcp --port /dev/ttyUSB0 connect 220.180.239.212:8063",
        ),
        (
            "send",
            "Send a file and wait until every byte is acknowledged",
            "qtcp --port /dev/ttyUSB0 send --file data.bin --wait-ack",
        ),
        (
            "send",
            "Resume a send from the acknowledged offset a failed run reported",
            "qtcp --port /dev/ttyUSB0 send --file data.bin --offset 43800 --wait-ack",
        ),
        (
            "sack-watch",
            "Keep a connection alive: heartbeat, then poll until acknowledged",
            "qtcp --port /dev/ttyUSB0 --json sack-watch --heartbeat Heart01",
        ),
        (
            "close",
            "Close the connection and deactivate the context",
            "qtcp --port /dev/ttyUSB0 close --deact",
        ),
        (
            "recv",
            "Receive what the server sends into a file (retrieve mode)",
            "qtcp --port /dev/ttyUSB0 recv --out data.bin",
        ),
        (
            "recv",
            "Receive exactly 1000 bytes as JSON Lines, giving up after 30 s",
            "qtcp --port /dev/ttyUSB0 --json recv --bytes 1000 --timeout 30s",
        ),
        (
            "transparent",
            "Bridge stdin/stdout to a server in transparent mode, then close",
            "qtcp --port /dev/ttyUSB0 transparent 220.180.239.212:8063 --close",
        ),
        (
            "at",
            "Set the foreground context and save the profile on a provisioning line",
            "qtcp --port /dev/ttyUSB0 at 'AT+QIFGCNT=0' 'AT&W'",
        ),
        (
            "at",
            "Read the IMEI and IMSI as JSON",
            "qtcp --port /dev/ttyUSB0 --json at AT+GSN AT+CIMI",
        ),
        (
            "echo",
            "Check a module end to end on a CI rig: 10 probes of 1000 bytes, compared byte for byte",
            "qtcp --port /dev/ttyUSB0 --json echo 220.180.239.212:8063 --count 10 --size 1000",
        ),
        (
            "echo",
            "The same through the built-in simulator",
            "qtcp --port sim echo 220.180.239.212:8063",
        ),
        (
            "sim",
            "Run the simulator with a symlink to its port, then talk to it",
            "qtcp sim --link ./ttyQ &",
        ),
        (
            "sim",
            "A GPRS-like link",
            "qtcp sim --uplink 4KB/s --rtt 600ms --line-baud 115200",
        ),
        (
            "sim",
            "Offer the simulator over TCP, like a module behind ser2net",
            "qtcp sim --listen 127.0.0.1:5000",
        ),
        (
            "sim",
            "Answer like a recorded module (traces from --trace)",
            "qtcp sim --replay probe.jsonl --replay push.jsonl --link ./ttyR",
        ),
    ];
    all.iter()
        .filter(|(c, _, _)| subcommand.is_none_or(|s| s == *c))
        .map(|(_, what, cmd)| (*what, *cmd))
        .collect()
}

/// Environment variables qtcp reads: (name, meaning).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "QTCP_PORT",
        "The port, as for --port (a device path, tcp://HOST:PORT, sim or sim:ARGS).",
    ),
    ("QTCP_BAUD", "The baud rate, as for --baud (default 115200)."),
    (
        "QTCP_FLOW_CONTROL",
        "Flow control of the serial device, as for --flow-control (none, hardware, software).",
    ),
    (
        "QTCP_DIALECT",
        "The module family, as for --dialect (auto, qi, ctx; default auto).",
    ),
    ("QTCP_TRACE", "Write the wire trace to this file, as for --trace."),
    (
        "QTCP_PASSWORD",
        "The APN password, as for --password (keeps it out of the process list).",
    ),
];
