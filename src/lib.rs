//! qtcp: drive the built-in TCP/IP stack ("QI" AT command set) of Quectel GSM modules.
//!
//! Layers, data flowing down and results flowing up:
//! - [`tokenizer`]: pure byte-stream tokenizer (no I/O, no clock);
//! - [`transport`]: the serial device (or a TCP serial server), read and written by the session's
//!   own thread (poll(2), no reader thread), and the trace;
//! - [`command`]: the AT command table (line, response shape, deadline, secret per dialect);
//! - [`session`]: one AT command at a time with its own deadline, URCs kept aside;
//! - [`family`]: the per-step operations of a module family (open, read, send a chunk...) with
//!   typed outcomes, one implementation per family, and URCs normalised into events;
//! - [`proc`]: the recommended process, one module per step, returning typed outcomes;
//! - [`cli`]: clap definitions and rendering (human text, JSON, progress bars);
//! - [`sim`]: a simulator of the module on a pseudo-terminal, sharing no parsing with the client.
//!
//! The `cli` feature (default) adds the command line and the simulator, which need clap,
//! indicatif and signal-hook; without it the library is the client core alone.

#[cfg(feature = "cli")]
pub mod cli;
pub mod command;
pub mod error;
pub mod family;
pub mod proc;
pub mod progress;
pub mod recovery;
pub mod session;
#[cfg(feature = "cli")]
pub mod sim;
pub mod tokenizer;
pub mod trace;
pub mod transport;
pub mod units;
pub mod validate;

pub use error::{Error, ErrorClass};
