//! The command-line layer: clap definitions (one file per subcommand), rendering of results as
//! human text or JSON, progress bars, and the one place where errors become exit codes.

use clap::{CommandFactory, Parser, Subcommand};
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
    about = "Drive the TCP/IP stack of Quectel GSM modules (M95, M66, MC60...) over a serial port",
    after_long_help = exit_status_text()
)]
pub struct Cli {
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
    /// Run a simulated module on a pseudo-terminal (real sockets behind it)
    Sim(sim::SimCmd),
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors (our documented usage code).
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let p = &cli.port;
    match cli.command {
        Command::Probe(c) => probe::run(p, c),
        Command::Attach(c) => attach::run(p, c),
        Command::Connect(c) => connect::run(p, c),
        Command::Send(c) => send::run(p, c),
        Command::Recv(c) => recv::run(p, c),
        Command::SackWatch(c) => sack_watch::run(p, c),
        Command::Close(c) => close::run(p, c),
        Command::Push(c) => push::run(p, c),
        Command::Sim(c) => sim::run(c),
    }
}
