//! Module families: what differs between the M95-era "QI" stack and the LTE-era "ctx" stack is
//! put behind one trait of per-step operations ([`Family`]), in the spirit of probe-rs's
//! `CoreInterface` and espflash's `FlashTarget`. Each operation returns a typed outcome that
//! means the same on every family, so the loops that took work to get right (send's pacer,
//! window and reconnect; recv's loop; the transparent bridge; sack-watch; echo) are written once
//! in [`crate::proc`] over this trait.
//!
//! Ownership: the [`Session`] holds its family (`&'static dyn Family`, chosen when the session
//! is opened, as the command table was) and hands it out with [`Session::family`]; operations
//! take the session as an argument, so a family keeps no state of its own and a second family
//! is one more implementation of this trait, with no change to the loops. A socket is named by
//! its connection index (`None`: the QI family's single-connection mode); a third kind of
//! socket (TLS on the ctx family) is another [`SocketKind`] on the same operations.
//!
//! URCs are normalised in one place ([`event`]) into [`Event`]s; the one reading of "is the
//! connection gone, and why" is [`connection_status`].

pub mod ctx;
pub mod ctx_probe;
#[cfg(test)]
mod ctx_script_tests;
pub mod detect;
pub mod qi;
#[cfg(test)]
mod script;

use crate::command::{At, Dialect};
use crate::error::{Cause, Error, ErrorClass, Result};
use crate::proc::common::StopReason;
use crate::session::Session;
use crate::tokenizer::{PayloadKind, Urc};
use std::time::Duration;

/// What kind of socket is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketKind {
    Tcp,
    Udp,
}

/// How an attempt to open a socket ended, when it did not fail outright.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Open, in command mode (or, when transparent mode was asked for, in data mode).
    Opened,
    /// A connection was open already (the caller decides whether that is a reuse or an error).
    AlreadyOpen,
    /// The module refused: the family's words for it, and the module's own code when it gave
    /// one. The attempt was cleaned up.
    Refused {
        module_code: Option<u32>,
        module_text: Option<String>,
        message: String,
    },
    /// No result within the deadline; the attempt was cleaned up.
    NoAnswer,
    /// The module refused before it was attached to the network (a module that has just
    /// booted): worth waiting for the network and trying once more.
    NotAttached,
}

/// A socket's state as the module reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketState {
    /// No socket: never opened, or closed and released (QI: `IP INITIAL`, `IP STATUS`...).
    NotOpen,
    /// Opening (QI: `TCP CONNECTING`).
    Opening,
    /// Connected.
    Connected,
    /// The peer (or the network) closed it; data may be left to read (QI: `IP CLOSE`).
    PeerClosed,
    /// The context went, and the socket with it (QI: `PDP DEACT`).
    ContextLost,
    /// A state the module reported that means none of these (QI: `IP PROCESSING`).
    Other,
}

/// A socket's state and the module's words for it (for messages and reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketStatus {
    pub state: SocketState,
    pub text: String,
}

/// How handing one chunk to the module ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The module took it (`SEND OK`).
    Sent,
    /// The module's send buffer is full or the connection is failing (`SEND FAIL`).
    BufferFull,
    /// The module refused the command before taking any byte: `ERROR` instead of the prompt, or
    /// (with its words here) a `+CME ERROR: <n>`, which some firmware gives for TCP/IP commands
    /// (research §1.13).
    Refused(Option<String>),
    /// The module refused the data it was given (its answer, in words).
    DataRefused(String),
}

/// The module's acknowledgement counters of a socket.
pub use crate::proc::state::Sack;

/// The answer to "how far has the peer acknowledged".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acked {
    Counters(Sack),
    /// The module knows no such socket (it answered with an error).
    NoSocket,
}

/// Bytes the module handed over, with what it said about where they came from.
pub type Records = Vec<(PayloadKind, Vec<u8>)>;

/// How one read of a socket's buffer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    /// One or more records (UDP: datagrams).
    Data(Records),
    /// Nothing buffered.
    Empty,
    /// The socket is drained and gone (or never was); records that came before the refusal.
    Gone(Records),
}

/// How a close ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    Closed,
    /// The module refused the close (nothing open, or a state to check): the command line and
    /// its answer, in words.
    Refused {
        command: String,
        answer: String,
    },
}

/// How an attempt to go back to data mode ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataMode {
    Entered,
    /// The module stayed in command mode: its answer, in words.
    Refused(String),
}

/// The context's state, as far as a report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextStatus {
    pub active: bool,
    /// The context's address when the family reads it with the state (ctx `AT+QIACT?`).
    pub local_ip: Option<String>,
    /// The module's words (QI: the `STATE:` of `AT+QISTAT`).
    pub ip_state: String,
}

/// A URC, normalised: what the loops wait on, whatever the family's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Data is waiting in the module for socket `id` (QI: `+QIRDI`).
    DataReady { id: Option<u8> },
    /// Socket `id` (`None`: the only one) was closed by the peer or the network.
    Closed { id: Option<u8> },
    /// The context went, and every socket with it (QI: `+PDP DEACT`).
    ContextLost,
    /// The module (re)started (`RDY`): every socket is gone.
    Rebooted,
    /// The result of an open that arrived outside it (ctx `+QIOPEN: <id>,<err>`, 0 success).
    OpenResult { id: u8, err: u32 },
    /// The module's application layer is up (ctx `APP RDY`, after `RDY`): a restart, so
    /// every socket is gone too.
    ModuleReady,
}

/// The one place URCs become events.
pub fn event(u: &Urc) -> Option<Event> {
    match u {
        Urc::Qirdi(v) => Some(Event::DataReady {
            // <id>,<sc>,<sid>: the socket is the third field.
            id: v.get(2).and_then(|&sid| u8::try_from(sid).ok()),
        }),
        Urc::SocketData { id, .. } => Some(Event::DataReady { id: Some(*id) }),
        Urc::Closed { index } => Some(Event::Closed { id: *index }),
        Urc::SocketClosed { id } => Some(Event::Closed { id: Some(*id) }),
        Urc::PdpDeact => Some(Event::ContextLost),
        Urc::ContextDeact { .. } => Some(Event::ContextLost),
        Urc::OpenResult { id, err } => Some(Event::OpenResult { id: *id, err: *err }),
        Urc::Rdy => Some(Event::Rebooted),
        Urc::AppRdy => Some(Event::ModuleReady),
        _ => None,
    }
}

/// Whether the event `e` ends the connection `id` (`None`: the only one), and how.
pub fn ends(e: Event, id: Option<u8>) -> Option<StopReason> {
    match e {
        Event::Closed { id: closed } if id.is_none() || closed.is_none() || closed == id => {
            Some(StopReason::Closed)
        }
        Event::ContextLost => Some(StopReason::PdpDeact),
        Event::Rebooted | Event::ModuleReady => Some(StopReason::Rebooted),
        _ => None,
    }
}

/// The exit class of a module error code (ctx `+QIOPEN: <id>,<err>`, `AT+QIGETERROR`; research
/// §6.3), or `otherwise` for a code the table does not place.
pub fn module_code_class(code: u32, otherwise: ErrorClass) -> ErrorClass {
    match code {
        561 | 562 | 570 | 573 => ErrorClass::PdpContext,
        554 | 556 | 557 | 560 | 563 | 564 | 565 | 566 | 569 | 574 => ErrorClass::Connect,
        559 | 567 => ErrorClass::ConnectionLost,
        553 | 558 | 571 => ErrorClass::SendRefused,
        550 | 551 | 552 | 555 | 568 | 572 => ErrorClass::Protocol,
        _ => otherwise,
    }
}

/// The manual's words for a module error code (research §1.13 [DOC AN-EC200U table; CODE
/// RTT-EC20 table]), for a code that came without text (`+QIOPEN: <id>,<err>`).
pub fn module_code_text(code: u32) -> Option<&'static str> {
    Some(match code {
        0 => "operation successful",
        550 => "unknown error",
        551 => "operation blocked",
        552 => "invalid parameters",
        553 => "memory not enough",
        554 => "socket creation failed",
        555 => "operation not supported",
        556 => "socket bind failed",
        557 => "socket listen failed",
        558 => "socket write failed",
        559 => "socket read failed",
        560 => "socket accept failed",
        561 => "PDP context opening failed",
        562 => "PDP context closure failed",
        563 => "socket identity has been used",
        564 => "DNS busy",
        565 => "DNS parse failed",
        566 => "socket connect failed",
        567 => "socket has been closed",
        568 => "operation busy",
        569 => "operation timeout",
        570 => "PDP context broken down",
        571 => "cancel sending",
        572 => "operation not allowed",
        573 => "APN not configured",
        574 => "port busy",
        _ => return None,
    })
}

/// A typed "this family cannot do that step".
pub fn not_supported(family: &str, step: &str) -> Error {
    Error::new(
        ErrorClass::Usage,
        format!("the {family} module family has no {step}"),
    )
    .with_cause(Cause::NotSupported {
        step: step.to_string(),
    })
}

/// The answer to "is the connection gone, and why".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A URC said it ended: `+PDP DEACT` over a reboot over `CLOSED`.
    Ended(StopReason),
    /// No URC says; the module's reading of the socket.
    State(SocketStatus),
    /// No URC says, and the module was not asked or does not report this socket.
    Unknown,
}

/// The one reading of "is the connection `id` gone, and why": URCs the session holds first
/// (`+PDP DEACT` over a reboot over `CLOSED`; a `CLOSED` is checked against the socket's state,
/// because `CLOSED` comes before `+PDP DEACT` when the context goes), then, with `ask`, the
/// module's state of the socket, and the URCs once more when that says the socket is not open
/// (a `CLOSED` may follow the refusal that made the caller ask). URCs stay queued.
pub fn connection_status(s: &mut Session, id: Option<u8>, ask: bool) -> Result<Status> {
    if let Some(end) = urc_end(s, id) {
        return Ok(Status::Ended(end));
    }
    if !ask {
        return Ok(Status::Unknown);
    }
    let f = s.family();
    let Some(st) = f.socket_state(s, id)? else {
        return Ok(Status::Unknown);
    };
    if !matches!(st.state, SocketState::Connected | SocketState::ContextLost) {
        if let Some(end) = urc_end(s, id) {
            return Ok(Status::Ended(end));
        }
    }
    Ok(Status::State(st))
}

/// The strongest URC-borne end of connection `id`, refined by the socket's state after a
/// `CLOSED` (errors there leave the URC's reading).
fn urc_end(s: &mut Session, id: Option<u8>) -> Option<StopReason> {
    let end = s
        .urcs()
        .filter_map(|u| event(u).and_then(|e| ends(e, id)))
        .max_by_key(|r| match r {
            StopReason::PdpDeact => 2,
            StopReason::Rebooted => 1,
            _ => 0,
        })?;
    if end == StopReason::PdpDeact && s.family().has_contexts() && ctx_resetting(s) {
        return Some(StopReason::Rebooted);
    }
    if end == StopReason::Closed && !s.rebooted() {
        let f = s.family();
        if f.closed_may_hide_context_loss(id) {
            if let Ok(Some(st)) = f.socket_state(s, id) {
                if st.state == SocketState::ContextLost {
                    return Some(StopReason::PdpDeact);
                }
            }
        }
    }
    Some(end)
}

/// How long a ctx module that has said `+QIURC: "pdpdeact"` has to answer a bare `AT` before
/// it is taken to be resetting (a resetting module answers nothing until `RDY`).
const RESET_PROBE: Duration = Duration::from_secs(1);

/// Whether a ctx module's `+QIURC: "pdpdeact"` was the first word of a reset rather than the
/// network's: a BG96 says it as it resets, before `RDY` [LOG TG#157], so the research's table
/// (§6.3: `RDY`/`APP RDY` → 9) needs the reset told apart. It is when the module has restarted
/// (`RDY`/`APP RDY` seen) or does not answer a bare `AT` within [`RESET_PROBE`]; a module that
/// answers and says no `RDY` lost its context to the network.
fn ctx_resetting(s: &mut Session) -> bool {
    if s.rebooted() {
        return true;
    }
    let answered = s.run_within(&crate::command::At::Sync, RESET_PROBE).is_ok();
    s.rebooted() || !answered
}

/// A family's words for what messages name, so a message on one family never quotes the
/// other's (a ctx module never says `CLOSED` or `QISACK`).
#[derive(Debug)]
pub struct Words {
    /// The peer's close.
    pub closed: &'static str,
    /// The context's loss.
    pub context_lost: &'static str,
    /// A restart.
    pub rebooted: &'static str,
    /// The acknowledgement counters' command.
    pub counters: &'static str,
    /// A connection open already when one is opened.
    pub already_open: &'static str,
}

/// The QI family's words.
pub static QI_WORDS: Words = Words {
    closed: "CLOSED",
    context_lost: "+PDP DEACT",
    rebooted: "RDY",
    counters: "QISACK",
    already_open: "ALREADY CONNECT",
};

/// The ctx family's words.
pub static CTX_WORDS: Words = Words {
    closed: "+QIURC: \"closed\"",
    context_lost: "+QIURC: \"pdpdeact\"",
    rebooted: "RDY/APP RDY",
    counters: "AT+QISEND=<id>,0",
    already_open: "AT+QISTATE: the socket is connected already",
};

/// The words of the family named `name` (`"qi"`, `"ctx"`); QI's when none is known.
pub fn words_named(name: Option<&str>) -> &'static Words {
    match name {
        Some("ctx") => &CTX_WORDS,
        _ => &QI_WORDS,
    }
}

/// The per-step operations of a module family. Every operation expects a synchronised session;
/// errors carry their class. A step a family lacks answers [`not_supported`].
pub trait Family: Sync {
    /// `"qi"` or `"ctx"`, as reports name it.
    fn name(&self) -> &'static str;
    /// How this family's commands are written and answered.
    fn dialect(&self) -> &'static dyn Dialect;
    /// The family's words for messages.
    fn words(&self) -> &'static Words {
        words_named(Some(self.name()))
    }

    /// Whether registration is also reported by `+CEREG` (LTE): read when `+CREG` is not
    /// registered.
    fn has_eps_registration(&self) -> bool {
        false
    }

    /// Right after identification: wait until the module takes the family's commands (ctx:
    /// after `RDY` its `+Q` commands answer `ERROR` until `APP RDY`).
    fn await_ready(&self, _s: &mut Session) -> Result<()> {
        Ok(())
    }

    /// probe: the family's part of the report (connection mode, contexts, sockets, the
    /// `ip_state`, the receive mode). Errors there leave fields null.
    fn probe_state(&self, s: &mut Session, info: &mut crate::proc::probe::ModuleInfo) -> Result<()> {
        info.mux = self.multi(s).ok();
        info.ip_state = self.ip_state(s).ok().map(|text| {
            if text.is_empty() && info.mux == Some(true) {
                "multi-connection".into()
            } else {
                text
            }
        });
        info.recv_mode = self.recv_mode(s, None)?;
        Ok(())
    }

    // --- sockets: addressing
    /// The highest socket index the family has (QI: 5 in multi-connection mode; ctx: 11).
    fn max_socket(&self) -> u8;
    /// How long the module may take to report an open's result (its own limit): the default
    /// of `connect --timeout`.
    fn open_timeout(&self) -> std::time::Duration;
    /// The family's words for an open's success, for messages (QI `CONNECT OK`, ctx
    /// `+QIOPEN: <id>,0`).
    fn open_result_words(&self) -> &'static str;
    /// Whether the family numbers its PDP contexts (`--context`, `context_id` in reports);
    /// the QI family has one foreground context.
    fn has_contexts(&self) -> bool {
        false
    }
    /// Whether the family chooses the authentication of a context (`attach --auth`).
    fn has_auth(&self) -> bool {
        false
    }
    /// Check the connection index asked for against how the module addresses sockets; returns
    /// whether sockets are addressed by index (QI: `QIMUX=1`).
    fn check_id(&self, s: &mut Session, id: Option<u8>) -> Result<bool>;
    /// Whether sockets are addressed by index, without checking a request (probe, echo).
    fn multi(&self, s: &mut Session) -> Result<bool>;

    // --- the context
    /// The context's state.
    fn context(&self, s: &mut Session) -> Result<ContextStatus>;
    /// Bring the context up from the state `from` (read with [`Family::context`]), doing only
    /// what is missing; returns the local address. `actions` says what was done.
    fn activate(&self, s: &mut Session, from: &ContextStatus, actions: &mut Vec<String>) -> Result<String>;
    /// After an open refused for want of the network ([`Opened::NotAttached`]) and the network
    /// is there: bring the context up where the family does not do it with the open. A family
    /// whose open never answers `NotAttached` (ctx brings its context up itself) needs nothing.
    fn activate_for_open(&self, _s: &mut Session, _actions: &mut Vec<String>) -> Result<()> {
        Ok(())
    }
    fn deactivate(&self, s: &mut Session) -> Result<()>;
    /// The local address of the active context.
    fn local_ip(&self, s: &mut Session) -> Result<String>;
    /// The APN and credentials of the context.
    fn configure_context(
        &self,
        s: &mut Session,
        apn: &str,
        user: &str,
        password: &str,
        auth: Option<crate::proc::attach::Auth>,
    ) -> Result<()>;

    // --- a socket
    /// Open the socket `o` describes, from whatever state the module is in (`rep` gets the
    /// state before and what was done). `may_wait`: a refusal for want of the network is
    /// [`Opened::NotAttached`] rather than a refusal.
    fn open(
        &self,
        s: &mut Session,
        o: &crate::proc::connect::ConnectOptions,
        rep: &mut crate::proc::connect::ConnectReport,
        may_wait: bool,
    ) -> Result<Opened>;
    /// The socket's state; `None` when the module does not report it for this socket.
    fn socket_state(&self, s: &mut Session, id: Option<u8>) -> Result<Option<SocketStatus>>;
    /// Whether a `CLOSED` for `id` may come before the context loss it is part of (so
    /// [`connection_status`] asks the socket's state).
    fn closed_may_hide_context_loss(&self, id: Option<u8>) -> bool;
    /// Before sending: make payloads come back unechoed; returns whether they are echoed anyway
    /// (then taken by count).
    fn prepare_send(&self, s: &mut Session) -> Result<bool>;
    /// Whether [`Sent::BufferFull`] on an open connection means "retry later" (then the send
    /// loop backs off and retries within its deadline) rather than a refusal.
    fn send_fail_is_transient(&self) -> bool {
        false
    }
    /// How long the module may take to answer a payload's last byte (`SEND OK`), before the
    /// line time of the payload and the session's slack: the QI family answers at once (its
    /// command table says 300 ms).
    fn payload_result_time(&self) -> std::time::Duration {
        std::time::Duration::from_millis(300)
    }
    /// Hand one chunk to the module. Never interrupted half way: once the module may count
    /// bytes, the chunk is completed.
    fn send_chunk(&self, s: &mut Session, id: Option<u8>, chunk: &[u8], echoed: bool) -> Result<Sent>;
    /// The acknowledgement counters of the socket.
    fn acknowledged(&self, s: &mut Session, id: Option<u8>) -> Result<Acked>;
    /// How many received bytes wait unread in the socket's buffer, when the family can tell
    /// without reading them (ctx `AT+QIRD=<id>,0`); `None`: ask by reading.
    fn unread(&self, _s: &mut Session, _id: Option<u8>) -> Result<Option<u64>> {
        Ok(None)
    }
    /// Whether socket `id` is a UDP one, when its reads do not say so themselves (ctx: a UDP
    /// client's `+QIRD: <n>` carries no protocol; `AT+QISTATE` does); `None`: the records say.
    fn is_udp(&self, _s: &mut Session, _id: Option<u8>) -> Result<Option<bool>> {
        Ok(None)
    }
    /// Read at most `len` bytes of the socket's buffer (retrieve mode).
    fn read(&self, s: &mut Session, id: Option<u8>, len: usize) -> Result<ReadOutcome>;
    /// Close the socket.
    fn close(&self, s: &mut Session, id: Option<u8>) -> Result<Closed>;
    /// Close whatever the answer: cleaning up after a failure that is reported already.
    fn close_quiet(&self, s: &mut Session, id: Option<u8>) {
        let _ = self.close(s, id);
    }
    /// The module's words for its TCP/IP state (reports).
    fn ip_state(&self, s: &mut Session) -> Result<String>;

    // --- receive mode
    /// The receive mode the module is in for socket `id` (QI: the module's, whatever the
    /// socket; ctx: the open socket's access mode, else the one sockets are opened in);
    /// `None` when it does not say.
    fn recv_mode(&self, s: &mut Session, id: Option<u8>) -> Result<Option<crate::proc::attach::RecvMode>>;
    /// Set the receive mode for sockets opened from now on, unless the module is in it
    /// already; returns the words of what was done.
    fn set_recv_mode(&self, s: &mut Session, mode: crate::proc::attach::RecvMode) -> Result<Option<String>>;
    /// The receive mode is each socket's, chosen when it opens (ctx: the access mode), so a
    /// setting outside connect lasts only for the sockets of the same run.
    fn recv_mode_is_per_socket(&self) -> bool {
        false
    }
    /// Direct mode: make pushed data framed so it can be told from responses. `switch_on`:
    /// switch the framing on (returning the words of what was done); otherwise refuse unframed
    /// data with a usage error. `multi`: sockets addressed by index ([`Family::check_id`]).
    fn direct_framing(&self, s: &mut Session, multi: bool, switch_on: bool) -> Result<Option<String>>;

    // --- transparent mode
    /// Bring the module to transparent mode and open (or resume) the connection in data mode;
    /// returns whether an open connection was resumed. `rep` gets what was done.
    fn enter_transparent(
        &self,
        s: &mut Session,
        o: &crate::proc::transparent::TransparentOptions,
        rep: &mut crate::proc::transparent::TransparentReport,
    ) -> Result<bool>;
    /// The module's own reports that can appear in the data stream of transparent mode and
    /// look like data (held back and checked with `+++`).
    fn data_mode_markers(&self) -> crate::proc::transparent::Markers {
        crate::proc::transparent::MARKERS
    }
    /// Back to data mode after a `+++` that answered OK: `ATO` and its `CONNECT` on both
    /// families.
    fn resume_data(&self, s: &mut Session) -> Result<DataMode> {
        let r = s.run(&crate::command::At::ResumeData)?;
        Ok(match r.outcome() {
            crate::session::Outcome::Qi {
                result: crate::tokenizer::QiResult::Connect,
                ..
            } => DataMode::Entered,
            o => DataMode::Refused(crate::session::describe(o)),
        })
    }
    /// After a transparent connection ended: put the module back in non-transparent mode;
    /// returns whether it is.
    fn leave_transparent(&self, s: &mut Session, actions: &mut Vec<String>) -> bool;
    /// After a `+++` that answered `OK`, the connection kept open: what the module made of it,
    /// when the family says (ctx: the socket is in buffer access mode [DOC AN-BG96 p.9]).
    fn kept_open_note(&self) -> Option<&'static str> {
        None
    }
}

/// The APN command `cmd` (`AT+QICSGP`, which carries the password), with echo switched off
/// around it when the module echoes, so the password does not come back over the line. The
/// command's own failure is the one reported, whatever `ATE1` then answers; an `ATE1` that
/// fails after a command that succeeded is reported.
pub(crate) fn set_apn_quietly(s: &mut Session, cmd: &At, password: &str) -> Result<()> {
    let echo_off = !password.is_empty() && s.echo_seen();
    if echo_off {
        s.run_ok(&At::Echo(false), ErrorClass::Protocol)?;
    }
    let r = s.run(cmd);
    let restored = if echo_off {
        s.run_ok(&At::Echo(true), ErrorClass::Protocol).map(drop)
    } else {
        Ok(())
    };
    let r = r?;
    if !r.is_ok() {
        return Err(Error::new(
            ErrorClass::PdpContext,
            format!(
                "AT+QICSGP: the module answered {}",
                crate::session::describe(r.outcome())
            ),
        ));
    }
    restored
}
