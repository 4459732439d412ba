//! The command-line layer: clap definitions (one file per subcommand), rendering of results as
//! human text or JSON, progress bars, and the one place where errors become exit codes.

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

pub mod sim;

#[derive(Parser, Debug)]
#[command(name = "qtcp", version, about = "Drive the TCP/IP stack of Quectel GSM modules over a serial port")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a simulated module on a pseudo-terminal (real sockets behind it)
    Sim(sim::SimCmd),
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sim(cmd) => sim::run(cmd),
    }
}
