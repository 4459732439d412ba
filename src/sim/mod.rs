//! `qtcp sim`: a simulator of an M95-family module on a pseudo-terminal, whose TCP/IP stack is
//! real sockets on this machine. It parses what the host sends with its own parser (it shares
//! nothing with the client's tokenizer), so each side checks the other.

use std::path::{Path, PathBuf};

/// Every knob of the simulator; the `qtcp sim` subcommand flattens this, and `--port sim:ARGS`
/// parses ARGS with it for the in-process simulator.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SimArgs {}

impl SimArgs {
    pub fn parse_inline(_s: &str) -> Result<SimArgs, String> {
        todo!()
    }
}

/// A running simulator: the engine thread owns the pty master; this handle keeps a slave fd open
/// so clients can open and close the port any number of times without a hang-up.
pub struct Simulator {
    port: PathBuf,
}

impl Simulator {
    pub fn start(_args: &SimArgs) -> std::io::Result<Simulator> {
        todo!()
    }

    /// The slave device path (`/dev/pts/N`) clients open.
    pub fn port(&self) -> &Path {
        &self.port
    }

    /// Stop the engine and close the pty.
    pub fn shutdown(self) {}
}
