//! The command-line layer: clap definitions (one file per subcommand), rendering of results as
//! human text or JSON, progress bars, and the one place where errors become exit codes.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

pub mod attach;
pub mod close;
pub mod common;
pub mod connect;
pub mod probe;
pub mod push;
pub mod recv;
pub mod sack_watch;
pub mod send;
pub mod sim;
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
    about = "Drive the TCP/IP stack of Quectel GSM modules (M95, M66, MC60...) over a serial port",
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
    Connect(connect::ConnectCmd),
    /// Send data on the open connection with acknowledgement flow control
    Send(send::SendCmd),
    /// Receive data from the open connection (retrieve or direct mode) to stdout, a file or JSON
    Recv(recv::RecvCmd),
    /// Poll QISACK until every byte sent is acknowledged
    SackWatch(sack_watch::SackWatchCmd),
    /// Close the connection (and with --deact the PDP context)
    Close(close::CloseCmd),
    /// Push one file: probe, attach, connect, send with every byte acknowledged, close
    Push(push::PushCmd),
    /// Bridge stdin/stdout to a connection in transparent mode (QIMODE=1), byte-exact
    Transparent(transparent::TransparentCmd),
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
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors (our documented usage code).
            return ExitCode::from(e.exit_code() as u8);
        }
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
        Command::Sim(c) => sim::run(c),
    }
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
    ("QTCP_TRACE", "Write the wire trace to this file, as for --trace."),
    (
        "QTCP_PASSWORD",
        "The APN password, as for --password (keeps it out of the process list).",
    ),
];
