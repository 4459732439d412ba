//! Typed errors of the core. Each carries its failure class, and the class carries the exit code
//! that scripts rely on: the table here is the contract documented in README and the man pages.

use std::fmt;

/// One class per documented exit code. The numbers are stable: scripts branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// A bug in qtcp (exit 1).
    Internal,
    /// Bad flag, bad host/APN string, payload file missing (exit 2).
    Usage,
    /// No such device, permission denied, port held by another process (exit 3).
    PortUnavailable,
    /// No `OK` to `AT` after the sync attempts, or a response deadline passed (exit 4).
    ModuleSilent,
    /// SIM missing, PIN/PUK required, or still busy after `--sim-timeout` (exit 5).
    Sim,
    /// Not registered, GPRS not attached before the deadline (exit 6).
    Network,
    /// PDP context activation/deactivation failed, `+PDP DEACT` (exit 7).
    PdpContext,
    /// `CONNECT FAIL`, DNS failure, already connected when not allowed (exit 8).
    Connect,
    /// `CLOSED` while sending or receiving (exit 9).
    ConnectionLost,
    /// `SEND FAIL`, `ERROR` to `AT+QISEND` (exit 10).
    SendRefused,
    /// Unacknowledged bytes remain at the deadline; `echo`: an echo did not come back within its
    /// `--timeout` (exit 11).
    NotAcknowledged,
    /// Unexpected or garbled response, `ERROR` not classed above (exit 12).
    Protocol,
    /// The device vanished mid-operation (exit 13).
    Io,
    /// `recv --timeout` ran out before `--bytes` were received (exit 14).
    Timeout,
    /// `echo`: bytes came back different from what was sent (exit 15).
    Mismatch,
    /// Interrupted by SIGINT/SIGTERM (exit 130).
    Interrupted,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 16] = [
        ErrorClass::Internal,
        ErrorClass::Usage,
        ErrorClass::PortUnavailable,
        ErrorClass::ModuleSilent,
        ErrorClass::Sim,
        ErrorClass::Network,
        ErrorClass::PdpContext,
        ErrorClass::Connect,
        ErrorClass::ConnectionLost,
        ErrorClass::SendRefused,
        ErrorClass::NotAcknowledged,
        ErrorClass::Protocol,
        ErrorClass::Io,
        ErrorClass::Timeout,
        ErrorClass::Mismatch,
        ErrorClass::Interrupted,
    ];

    pub fn exit_code(self) -> u8 {
        match self {
            ErrorClass::Internal => 1,
            ErrorClass::Usage => 2,
            ErrorClass::PortUnavailable => 3,
            ErrorClass::ModuleSilent => 4,
            ErrorClass::Sim => 5,
            ErrorClass::Network => 6,
            ErrorClass::PdpContext => 7,
            ErrorClass::Connect => 8,
            ErrorClass::ConnectionLost => 9,
            ErrorClass::SendRefused => 10,
            ErrorClass::NotAcknowledged => 11,
            ErrorClass::Protocol => 12,
            ErrorClass::Io => 13,
            ErrorClass::Timeout => 14,
            ErrorClass::Mismatch => 15,
            ErrorClass::Interrupted => 130,
        }
    }

    /// The snake_case name used in JSON (`error.class`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Internal => "internal",
            ErrorClass::Usage => "usage",
            ErrorClass::PortUnavailable => "port_unavailable",
            ErrorClass::ModuleSilent => "module_silent",
            ErrorClass::Sim => "sim",
            ErrorClass::Network => "network",
            ErrorClass::PdpContext => "pdp_context",
            ErrorClass::Connect => "connect",
            ErrorClass::ConnectionLost => "connection_lost",
            ErrorClass::SendRefused => "send_refused",
            ErrorClass::NotAcknowledged => "not_acknowledged",
            ErrorClass::Protocol => "protocol",
            ErrorClass::Io => "io",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Mismatch => "mismatch",
            ErrorClass::Interrupted => "interrupted",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ErrorClass::Internal => "internal error (a bug in qtcp)",
            ErrorClass::Usage => "usage: bad flag, bad host/APN string, payload file missing",
            ErrorClass::PortUnavailable => {
                "port unavailable: no such device, permission denied, held by another process"
            }
            ErrorClass::ModuleSilent => "module silent: no answer to AT, or a response deadline passed",
            ErrorClass::Sim => "SIM not ready: no SIM, PIN/PUK required, still busy after --sim-timeout",
            ErrorClass::Network => "network: not registered or GPRS not attached in time",
            ErrorClass::PdpContext => "PDP context: activation failed or +PDP DEACT",
            ErrorClass::Connect => "connect failed: CONNECT FAIL, DNS failure, ALREADY CONNECT",
            ErrorClass::ConnectionLost => "connection lost: CLOSED while sending or receiving",
            ErrorClass::SendRefused => "send refused: SEND FAIL or ERROR to AT+QISEND",
            ErrorClass::NotAcknowledged => {
                "not acknowledged: unacknowledged bytes at the deadline; echo: an echo did not come back in time"
            }
            ErrorClass::Protocol => "protocol: unexpected or garbled response, unclassed ERROR",
            ErrorClass::Io => "I/O: the device vanished mid-operation",
            ErrorClass::Timeout => "timeout: recv --timeout ran out before --bytes arrived",
            ErrorClass::Mismatch => "mismatch: echo got bytes back different from those it sent",
            ErrorClass::Interrupted => "interrupted: SIGINT/SIGTERM",
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What happened, as data a caller can branch on (the message says it in words). Never
/// serialised: the JSON of a failed command carries the error's class, code and message, and the
/// command's typed partial report ([`Failed`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Cause {
    /// Nothing more to say than the class and message.
    #[default]
    Unspecified,
    /// No complete answer to `command` within its deadline.
    NoAnswer { command: String },
    /// `RDY` arrived while `command` was in flight: the module rebooted under it.
    Rebooted { command: String },
    /// The module did not answer and no `--reset-cmd` was given to power-cycle it.
    NoReset,
    /// There is no open connection to work on.
    NoConnection,
    /// A connection is already open (`ALREADY CONNECT`, or `CONNECT OK` state).
    AlreadyConnected,
    /// A connection is open that this command cannot use: it must be closed first.
    MustClose,
    /// The context went (`+PDP DEACT`): attach and connect again.
    ContextLost,
    /// QIRD refused while a connection is open: the module is not in retrieve mode.
    NotRetrieveMode,
    /// Direct mode without IPD framing: received bytes cannot be told from responses.
    UnframedDirectMode,
    /// The module's connection mode does not fit the request: `mux` is true when it is in
    /// multi-connection mode (QIMUX=1) and no connection index was given, false when an index
    /// was given in single mode.
    ModeMismatch { mux: bool },
    /// The module family has no such step (see [`crate::family::not_supported`]).
    NotSupported { step: String },
    /// The module is hung and `--reset-cmd` may not run yet (the recovery back-off).
    ResetBackoff {
        resets_in_a_row: u32,
        next_reset_in_s: u64,
    },
}

/// An error of the core: a class (hence an exit code), a one-line message that describes the
/// module's situation, and the typed [`Cause`] where a caller needs more than the class.
#[derive(Debug, Clone)]
pub struct Error {
    pub class: ErrorClass,
    pub message: String,
    pub cause: Cause,
    /// The module's own error code, when it gave one (ctx: `+QIOPEN: <id>,<err>`,
    /// `AT+QIGETERROR`), for `error.module_code` in reports.
    pub module_code: Option<u32>,
    /// The module's words for that code (`AT+QIGETERROR`'s text, or the manual's for a code
    /// that came in a URC), for `error.module_text`.
    pub module_text: Option<String>,
}

impl Error {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Error {
            class,
            message: message.into(),
            cause: Cause::Unspecified,
            module_code: None,
            module_text: None,
        }
    }
    pub fn with_cause(mut self, cause: Cause) -> Self {
        self.cause = cause;
        self
    }
    /// The module's code; its text is the manual's for that code unless one is given later
    /// ([`Error::with_module_text`]).
    pub fn with_module_code(mut self, code: Option<u32>) -> Self {
        self.module_code = code;
        if self.module_text.is_none() {
            self.module_text = code.and_then(crate::family::module_code_text).map(String::from);
        }
        self
    }
    /// The module's own words for its code (`AT+QIGETERROR`).
    pub fn with_module_text(mut self, text: Option<String>) -> Self {
        if text.as_deref().is_some_and(|t| !t.is_empty()) {
            self.module_text = text;
        }
        self
    }
    pub fn exit_code(&self) -> u8 {
        self.class.exit_code()
    }
    pub fn usage(m: impl Into<String>) -> Self {
        Self::new(ErrorClass::Usage, m)
    }
    pub fn protocol(m: impl Into<String>) -> Self {
        Self::new(ErrorClass::Protocol, m)
    }
    pub fn silent(m: impl Into<String>) -> Self {
        Self::new(ErrorClass::ModuleSilent, m)
    }
    pub fn io(m: impl Into<String>) -> Self {
        Self::new(ErrorClass::Io, m)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A procedure that failed part-way: the error, and its typed report of how far it got (the
/// acknowledged offset of a send, the bytes a receive delivered), when it got anywhere.
#[derive(Debug, Clone)]
pub struct Failed<P> {
    pub error: Error,
    /// Boxed: a report is large, and errors travel through every `?`.
    pub partial: Option<Box<P>>,
}

impl<P> Failed<P> {
    pub fn new(error: Error, partial: P) -> Self {
        Failed {
            error,
            partial: Some(Box::new(partial)),
        }
    }
    /// The same failure with its partial report turned into another type.
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Failed<Q> {
        Failed {
            error: self.error,
            partial: self.partial.map(|p| Box::new(f(*p))),
        }
    }
}

impl<P> From<Error> for Failed<P> {
    fn from(error: Error) -> Self {
        Failed { error, partial: None }
    }
}

impl<P> fmt::Display for Failed<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

/// The result of a procedure that reports how far it got when it fails.
pub type Reported<R, P = R> = std::result::Result<R, Failed<P>>;
