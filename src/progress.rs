//! Progress events of the core: what a procedure is waiting for and how long it may wait. The
//! core only emits them (through the session's hook, see [`Session::set_on_wait`]); the CLI
//! draws them as a spinner on a terminal and nothing in a pipe.
//!
//! [`Session::set_on_wait`]: crate::session::Session::set_on_wait

use std::time::Duration;

/// What is awaited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The answer to a command that may take seconds (QIOPEN, QIACT, QIDEACT, CGATT,
    /// QIDNSGIP...): its command line, never one that carries a secret.
    Command(String),
    /// CS registration and GPRS attach.
    Network,
}

/// A wait that started: what, and its deadline counted from now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub wait: Wait,
    pub timeout: Duration,
}

/// The session's progress hook: `Some` when a wait starts, `None` when it is over.
pub type OnWait = Box<dyn FnMut(Option<&Waiting>) + Send>;

/// Commands whose table deadline is longer than this are reported as waits (the rest answer
/// within a blink).
pub const LONG_WAIT: Duration = Duration::from_secs(5);
