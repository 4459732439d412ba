//! One AT command at a time, each with its own deadline. The session writes a command, feeds
//! what comes back through the tokenizer, and returns when the command's response is complete.
//! URCs that arrive meanwhile are kept for whoever needs them; data pushed by the module in
//! direct mode is kept as [`Inbound`] records. Nothing here waits without a deadline.

use crate::command::{At, Dialect, Spec};
use crate::error::{Cause, Error, ErrorClass, Result};
use crate::tokenizer::{classify_urc, Final, PayloadKind, QiResult, Token, Tokenizer, Urc};
use crate::transport::Transport;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod response;
pub use response::{describe, is_noise, qi_text, Expect, Outcome, Response};

/// How long flow control may hold the line under a raw write (`+++`, transparent data) before
/// the module counts as taking no data.
const RAW_WRITE_HOLD: Duration = Duration::from_secs(30);

/// Added to every deadline of the command table ([`crate::command`]): the table holds the
/// module's own maximum response times; the host's scheduling and the serial line need a little
/// on top.
pub const SLACK: Duration = Duration::from_millis(1000);

/// How long a command already written may still take to complete after SIGINT/SIGTERM.
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(2);

/// Data the module pushed on its own (direct mode, QINDI=0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub kind: PayloadKind,
    pub from: Option<String>,
    pub data: Vec<u8>,
}

/// What becomes of the data the module pushes on its own (direct mode).
pub enum InboundPolicy {
    /// Kept in order for [`Session::take_inbound`] (recv and echo deliver it as it comes).
    Keep,
    /// Counted and dropped as it arrives: commands that do not deliver it hold none of it, so
    /// memory stays bounded however much the server sends (issue 18: a 40 MB echo during a
    /// push was held to the end only to be counted).
    Discard,
    /// Written through as it arrives (`send --recv-out`); after a write error the rest is
    /// counted and dropped.
    WriteTo(Box<dyn std::io::Write + Send>),
}

/// What became of pushed data under [`InboundPolicy::Discard`] and [`InboundPolicy::WriteTo`].
#[derive(Debug, Default)]
pub struct InboundCounts {
    pub discarded: u64,
    pub written: u64,
    /// The first write error ([`InboundPolicy::WriteTo`]).
    pub write_error: Option<String>,
}

pub struct Session {
    port: Transport,
    tok: Tokenizer,
    tokens: VecDeque<Token>,
    urcs: VecDeque<Urc>,
    inbound: VecDeque<Inbound>,
    /// What becomes of pushed data ([`InboundPolicy`]), and what became of it.
    inbound_policy: InboundPolicy,
    inbound_counts: InboundCounts,
    recv_from: Option<String>,
    raw: Vec<u8>,
    echo_seen: bool,
    interrupt: Option<Arc<AtomicBool>>,
    /// While set, an interrupt does not end waits (a QISEND prompt/data phase must complete).
    hold_interrupt: bool,
    /// When an interrupt was first noticed inside a command.
    interrupt_seen: Option<Instant>,
    /// Lines of line noise (bytes outside printable ASCII) dropped so far.
    pub noise_lines: u64,
    /// The last command lines written (upper case), to recognise the echo of an older command.
    sent: VecDeque<String>,
    /// The shortest deadline of any command (`--cmd-timeout`).
    min_timeout: Duration,
    /// Bytes per second of the serial line, to stretch deadlines of long responses.
    line_rate: u32,
    dialect: &'static dyn Dialect,
    family: &'static dyn crate::family::Family,
    /// The context the ctx family's sockets use (`--context`, default 1).
    context_id: u8,
    /// ctx: open sockets in direct-push mode (else buffer mode).
    push_on_open: bool,
    rebooted: bool,
    /// A payload got no result in time: the module may still be counting payload bytes (a
    /// firmware that dropped one of them), so any byte written now would complete that payload
    /// shifted. Nothing more is written in this session.
    counting_payload: Option<String>,
    /// When the bytes of raw writes will have left the serial line (at `line_rate`), when the
    /// line is paced ([`SessionOptions::line_paced`]).
    line_free_at: Instant,
    line_paced: bool,
    /// Chapter 9's recovery: how to reset a hung module, if the user gave a way.
    pub reset: Option<crate::recovery::ResetPolicy>,
    /// Resets done in this session.
    pub resets: u32,
    /// Told when a long wait starts and ends (a spinner in the CLI).
    on_wait: Option<crate::progress::OnWait>,
}

/// How a session runs its commands.
#[derive(Clone)]
pub struct SessionOptions {
    /// The shortest deadline of any command (`--cmd-timeout`): a floor under the table's.
    pub min_timeout: Duration,
    /// Bytes per second of the serial line (baud / 10), to stretch deadlines of long responses.
    pub line_rate: u32,
    /// The user named the line's rate (`--baud`): raw writes are taken to leave at `line_rate`
    /// after a buffer the host cannot see took them (a pty behind a paced line), and the guard
    /// before `+++` waits for that. Otherwise what the port's own drain reports is the truth (a
    /// USB module has no baud rate at all).
    pub line_paced: bool,
    /// The module family: its per-step operations, and the command set it speaks.
    pub family: &'static dyn crate::family::Family,
    /// SIGINT/SIGTERM: long waits end early with [`ErrorClass::Interrupted`].
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Chapter 9's recovery: how to reset a hung module, if the user gave a way.
    pub reset: Option<crate::recovery::ResetPolicy>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            min_timeout: Duration::ZERO,
            line_rate: 11_520,
            line_paced: false,
            family: &crate::family::qi::QI_FAMILY,
            interrupt: None,
            reset: None,
        }
    }
}

impl Session {
    pub fn new(port: Transport, opts: SessionOptions) -> Session {
        let port_now = port.now();
        Session {
            port,
            tok: Tokenizer::new(),
            tokens: VecDeque::new(),
            urcs: VecDeque::new(),
            inbound: VecDeque::new(),
            inbound_policy: InboundPolicy::Keep,
            inbound_counts: InboundCounts::default(),
            recv_from: None,
            raw: Vec::new(),
            echo_seen: false,
            interrupt: opts.interrupt,
            hold_interrupt: false,
            interrupt_seen: None,
            noise_lines: 0,
            sent: VecDeque::new(),
            min_timeout: opts.min_timeout,
            line_rate: opts.line_rate.max(1),
            line_paced: opts.line_paced,
            dialect: opts.family.dialect(),
            family: opts.family,
            context_id: 1,
            push_on_open: false,
            rebooted: false,
            counting_payload: None,
            line_free_at: port_now,
            reset: opts.reset,
            resets: 0,
            on_wait: None,
        }
    }

    /// The module family's operations ([`crate::family::Family`]): copy the reference out, then
    /// pass the session to it (`let f = s.family(); f.read(s, id, len)`).
    pub fn family(&self) -> &'static dyn crate::family::Family {
        self.family
    }

    /// Speak another family from now on (after detection, [`crate::family::detect`]).
    pub fn set_family(&mut self, family: &'static dyn crate::family::Family) {
        self.family = family;
        self.dialect = family.dialect();
    }

    /// The context the ctx family's sockets use.
    pub fn context_id(&self) -> u8 {
        self.context_id
    }

    pub fn set_context_id(&mut self, cid: u8) {
        self.context_id = cid;
    }

    /// ctx: whether sockets opened from now on are in direct-push mode (else buffer mode).
    pub fn push_on_open(&self) -> bool {
        self.push_on_open
    }

    pub fn set_push_on_open(&mut self, on: bool) {
        self.push_on_open = on;
    }

    /// Be told when a long wait starts (`Some`) and ends (`None`): commands whose table
    /// deadline exceeds [`crate::progress::LONG_WAIT`], and waits procedures announce.
    pub fn set_on_wait(&mut self, hook: crate::progress::OnWait) {
        self.on_wait = Some(hook);
    }

    /// Announce that a wait starts (`Some`) or is over (`None`).
    pub fn waiting(&mut self, w: Option<&crate::progress::Waiting>) {
        if let Some(hook) = self.on_wait.as_mut() {
            hook(w);
        }
    }

    /// The clock every deadline of this session is measured by: the port's (see
    /// [`crate::transport::Link::now`]). Procedures take their time from here, never from the
    /// wall clock, so a module simulated in virtual time runs them without waiting.
    pub fn now(&self) -> Instant {
        self.port.now()
    }

    pub fn port_name(&self) -> &str {
        self.port.name()
    }

    /// Replace the interrupt flag (a procedure that must finish commands whatever happens swaps
    /// in a fresh one and watches the user's itself).
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    /// The interrupt flag, if any: a procedure that must finish a command whatever happens
    /// (a QIRD response carries data) swaps in a fresh flag and watches this one itself.
    pub fn interrupt_flag(&self) -> Option<Arc<AtomicBool>> {
        self.interrupt.clone()
    }

    pub fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Hold interrupts: while on, waits run to their end even after SIGINT/SIGTERM (used around
    /// the QISEND prompt and data phase, which must never be left half done).
    pub fn hold_interrupt(&mut self, on: bool) {
        self.hold_interrupt = on;
    }

    /// Whether the module echoed a command line (ATE1) in this session.
    pub fn echo_seen(&self) -> bool {
        self.echo_seen
    }

    /// Whether RDY (a reboot) was seen in this session.
    pub fn rebooted(&self) -> bool {
        self.rebooted
    }

    /// Forget a reboot once it has been dealt with (so a later one is noticed again).
    pub fn clear_rebooted(&mut self) {
        self.rebooted = false;
    }

    /// URCs collected so far, oldest first; taking them empties the queue.
    pub fn take_urcs(&mut self) -> Vec<Urc> {
        self.urcs.drain(..).collect()
    }

    /// Take the oldest URC that `wanted` accepts, leaving the others queued.
    pub fn take_urc(&mut self, wanted: impl Fn(&Urc) -> bool) -> Option<Urc> {
        let i = self.urcs.iter().position(wanted)?;
        self.urcs.remove(i)
    }

    pub fn urcs(&self) -> impl Iterator<Item = &Urc> {
        self.urcs.iter()
    }

    pub fn take_inbound(&mut self) -> Option<Inbound> {
        self.inbound.pop_front()
    }

    /// From now on, what becomes of data the module pushes ([`InboundPolicy`]). Records kept so
    /// far stay for [`Self::take_inbound`].
    pub fn set_inbound_policy(&mut self, p: InboundPolicy) {
        self.inbound_policy = p;
    }

    /// What became of pushed data not kept ([`InboundPolicy`]) since the last call.
    pub fn take_inbound_counts(&mut self) -> InboundCounts {
        std::mem::take(&mut self.inbound_counts)
    }

    fn push_inbound(&mut self, kind: PayloadKind, data: Vec<u8>) {
        let n = data.len() as u64;
        match &mut self.inbound_policy {
            InboundPolicy::Keep => {
                let from = self.recv_from.take();
                self.inbound.push_back(Inbound { kind, from, data });
            }
            InboundPolicy::Discard => {
                self.recv_from = None;
                self.inbound_counts.discarded += n;
            }
            InboundPolicy::WriteTo(w) => {
                self.recv_from = None;
                match w.write_all(&data) {
                    Ok(()) => self.inbound_counts.written += n,
                    Err(e) => {
                        self.inbound_counts.write_error = Some(e.to_string());
                        self.inbound_counts.discarded += n;
                        self.inbound_policy = InboundPolicy::Discard;
                    }
                }
            }
        }
    }

    /// Flush what [`InboundPolicy::WriteTo`] wrote (an error is recorded like a write's).
    pub fn flush_inbound(&mut self) {
        if let InboundPolicy::WriteTo(w) = &mut self.inbound_policy {
            if let Err(e) = w.flush() {
                self.inbound_counts.write_error = Some(e.to_string());
            }
        }
    }

    /// Bytes the module sent outside any framing (transparent data mode).
    pub fn take_raw(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.raw)
    }

    pub fn set_data_mode(&mut self, on: bool) {
        self.tok.set_data_mode(on);
    }

    /// Whether ctx socket `id` is in direct-push mode (its `+QIURC: "recv",<id>,<len>` lines
    /// carry data): see [`Tokenizer::set_push_socket`].
    pub fn set_push_socket(&mut self, id: u8, on: bool) {
        self.tok.set_push_socket(id, on);
    }

    /// See [`Tokenizer::set_data_mode_on_connect`]: a bare `CONNECT` switches data mode on.
    pub fn set_data_mode_on_connect(&mut self, on: bool) {
        self.tok.set_data_mode_on_connect(on);
    }

    /// Deadline for a command: the table's maximum response time plus slack plus the time the
    /// serial line needs for its response, never shorter than `--cmd-timeout`.
    pub fn deadline(&self, cmd: &At) -> Duration {
        match self.dialect.spec(cmd) {
            Some(spec) => self.deadline_of(&spec),
            None => SLACK.max(self.min_timeout),
        }
    }

    /// How the dialect writes `cmd`, or the typed "not supported" of a command it lacks.
    fn spec(&self, cmd: &At) -> Result<Spec> {
        self.dialect
            .spec(cmd)
            .ok_or_else(|| crate::family::not_supported(self.family.name(), &crate::command::name(cmd)))
    }

    fn deadline_of(&self, spec: &Spec) -> Duration {
        let line = Duration::from_secs_f64(spec.response_bytes as f64 / self.line_rate as f64);
        (spec.max_response + SLACK + line).max(self.min_timeout)
    }

    /// Write raw bytes (`+++`), and wait until they have left.
    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.refuse_if_counting()?;
        // No command's deadline bounds a raw write (`+++`, transparent data): the line time of
        // the bytes plus RAW_WRITE_HOLD of flow control holding the line (a module whose radio
        // is slower than the serial line), or `--cmd-timeout` if longer.
        let line_time = Duration::from_secs_f64(bytes.len() as f64 / self.line_rate as f64);
        let now = self.now();
        if self.line_paced {
            self.line_free_at = self.line_free_at.max(now) + line_time;
        }
        let deadline = now + RAW_WRITE_HOLD.max(self.min_timeout) + line_time;
        self.port.write(bytes, None, deadline)?;
        // Raw writes (`+++`) are timed by the caller: they must have left when this returns.
        self.port.drain(deadline)
    }

    /// How long the bytes of raw writes may still be on their way over the serial line, at its
    /// rate: a driver or pty buffer takes them at once, but a guard time of silence on the line
    /// (`+++`) starts only when they have left.
    pub fn line_busy_for(&self) -> Duration {
        self.line_free_at.saturating_duration_since(self.now())
    }

    /// Run a command with its deadline from the table.
    pub fn run(&mut self, cmd: &At) -> Result<Response> {
        let spec = self.spec(cmd)?;
        let t = self.deadline_of(&spec);
        self.command(&spec, t)
    }

    /// Run a command with a deadline of the caller's (`AT` while synchronising, `AT+QIOPEN`
    /// with `--timeout`).
    pub fn run_within(&mut self, cmd: &At, timeout: Duration) -> Result<Response> {
        let spec = self.spec(cmd)?;
        self.command(&spec, timeout)
    }

    /// Run a command and expect `OK`; anything else is an error of class `class`.
    pub fn run_ok(&mut self, cmd: &At, class: ErrorClass) -> Result<Response> {
        let spec = self.spec(cmd)?;
        let t = self.deadline_of(&spec);
        let r = self.command(&spec, t)?;
        if r.is_ok() {
            Ok(r)
        } else {
            let name = spec.secret.as_ref().map_or(spec.line.as_str(), |_| {
                spec.line.split('=').next().unwrap_or_default()
            });
            Err(Error::new(
                class,
                format!("{name}: the module answered {}", describe(r.outcome())),
            ))
        }
    }

    /// The line of a command (for reports that say what was done).
    pub fn line(&self, cmd: &At) -> String {
        self.dialect
            .spec(cmd)
            .map_or_else(|| crate::command::name(cmd), |s| s.line)
    }

    /// Write the command line of `spec`, ended by a bare CR, and wait for its response shape
    /// until `timeout`. Its secret (a password inside the line) is redacted
    /// in the trace. A command the table says may take seconds has its wait announced
    /// ([`Self::set_on_wait`]).
    fn command(&mut self, spec: &Spec, timeout: Duration) -> Result<Response> {
        let cmd = spec.line.as_str();
        let secret = spec.secret.as_deref();
        self.refuse_if_counting()?;
        let mut line = Vec::with_capacity(cmd.len() + 1);
        line.extend_from_slice(cmd.as_bytes());
        // A bare CR, also before a data phase (QISEND, QIOPEN in transparent mode, ATO): what
        // Quectel's documents send [DOC], and right whichever way a firmware reads a LF after
        // the CR. A firmware that takes that LF as the first payload byte would shift the whole
        // payload by one (issue 18); one that drops a LF however late is caught by
        // `send_payload` (no SEND OK) without a shifted byte written.
        line.push(b'\r');
        // What a `+QIRD:` line in this response announces (ctx: a count, or counters).
        self.tok.set_counted_read(spec.counted_read);
        // The line may wait for room (flow control) until the command's own deadline.
        self.port
            .write(&line, secret.map(str::as_bytes), self.now() + timeout)?;
        if self.sent.len() >= 16 {
            self.sent.pop_front();
        }
        self.sent.push_back(cmd.trim().to_ascii_uppercase());
        let long =
            self.on_wait.is_some() && secret.is_none() && spec.max_response > crate::progress::LONG_WAIT;
        if long {
            let w = crate::progress::Waiting {
                wait: crate::progress::Wait::Command(cmd.trim().to_string()),
                timeout,
            };
            self.waiting(Some(&w));
        }
        let r = self.await_response(cmd, spec.shape, timeout);
        self.tok.set_counted_read(false);
        if long {
            self.waiting(None);
        }
        r
    }

    /// Wait for the response to a command already written (or to the data after a prompt).
    pub fn await_response(&mut self, cmd: &str, expect: Expect, timeout: Duration) -> Result<Response> {
        let deadline = self.now() + timeout;
        let info_prefix = info_prefix(cmd);
        let mut r = Response::default();
        // With echo on, the echo of an older command (one that timed out, or was cut short by
        // a reboot) means what follows is its late response, not ours: skip it until our own
        // echo. Without this every later command read its predecessor's answer.
        let mut skipping = false;
        let ours = cmd.trim().to_ascii_uppercase();
        loop {
            // Once AT+QISEND=<n> is written the module will prompt and then count <n> bytes:
            // an interrupt must not abandon it there (the caller completes the chunk), so the
            // prompt is awaited like the data phase, to its deadline.
            let next = if expect == Expect::Prompt {
                self.next_token_uninterruptible(deadline)?
            } else {
                // An interrupt does not abandon a response half-read (its tail would become the
                // next process's answer): the command gets a short grace to complete.
                let graced = match self.interrupt_seen {
                    Some(at) => deadline.min(at + INTERRUPT_GRACE),
                    None => deadline,
                };
                match self.next_token_in_command(graced)? {
                    None if self.interrupt_seen.is_some() => {
                        return Err(Error::new(ErrorClass::Interrupted, "interrupted"))
                    }
                    next => next,
                }
            };
            let tok = match next {
                Some(t) => t,
                None => {
                    return Err(Error::silent(format!(
                        "no answer to {cmd} within {}",
                        humantime::format_duration(round_ms(timeout))
                    ))
                    .with_cause(Cause::NoAnswer {
                        command: cmd.to_string(),
                    }))
                }
            };
            match tok {
                Token::Echo(e) => {
                    self.echo_seen = true;
                    let e = String::from_utf8_lossy(&e).trim().to_ascii_uppercase();
                    if e == ours {
                        skipping = false;
                    } else if self.sent.contains(&e) {
                        skipping = true;
                    } else {
                        continue;
                    }
                    // Anything before an echo belonged to an older command (payloads are kept).
                    r = Response {
                        payloads: std::mem::take(&mut r.payloads),
                        ..Response::default()
                    };
                }
                Token::Line(bytes) if is_noise(&bytes) => {
                    // Line noise: no response of the QI set holds such bytes. Taking it for an
                    // information line would shift every field after it.
                    self.noise_lines += 1;
                }
                Token::Line(bytes) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    let expected_info = info_prefix.as_deref().is_some_and(|p| text.starts_with(p))
                        && !crate::tokenizer::is_registration_urc(&bytes);
                    if !expected_info {
                        if let Some(urc) = classify_urc(&bytes) {
                            if matches!(urc, Urc::Rdy) {
                                self.rebooted = true;
                                self.urcs.push_back(urc);
                                return Err(Error::silent(format!(
                                    "the module rebooted (RDY) while {cmd} was in flight"
                                ))
                                .with_cause(Cause::Rebooted {
                                    command: cmd.to_string(),
                                }));
                            }
                            if matches!(urc, Urc::AppRdy) {
                                // The restart's second word (ctx): the command may still be
                                // answered; what follows sees the session rebooted.
                                self.rebooted = true;
                            }
                            self.urcs.push_back(urc);
                            continue;
                        }
                    }
                    if skipping {
                        continue;
                    }
                    match expect {
                        Expect::Line => {
                            r.outcome = Some(Outcome::Line(text));
                            return Ok(r);
                        }
                        Expect::OkThenLine if r.saw_ok => {
                            r.outcome = Some(Outcome::Line(text));
                            return Ok(r);
                        }
                        Expect::OkThenState if r.saw_ok && text.starts_with("STATE:") => {
                            r.lines.push(text);
                            r.outcome = Some(Outcome::Ok);
                            return Ok(r);
                        }
                        _ => r.lines.push(text),
                    }
                }
                Token::Final(_) | Token::Qi { .. } | Token::Prompt if skipping => {}
                Token::Final(f) => {
                    let outcome = match f {
                        Final::Ok => Outcome::Ok,
                        Final::Error => Outcome::Error,
                        Final::CmeError(s) => Outcome::CmeError(s),
                        Final::CmsError(s) => Outcome::CmsError(s),
                    };
                    let waits_after_ok = matches!(expect, Expect::Open | Expect::OkThenLine)
                        || (expect == Expect::OkThenState && r.lines.is_empty());
                    if outcome == Outcome::Ok && waits_after_ok && !r.saw_ok {
                        r.saw_ok = true;
                        continue;
                    }
                    if expect == Expect::Open && r.saw_ok && outcome == Outcome::Ok {
                        // A second OK (e.g. after ALREADY CONNECT on some firmware): ignore.
                        continue;
                    }
                    r.outcome = Some(outcome);
                    return Ok(r);
                }
                Token::Qi { index, result } => {
                    let ends = match expect {
                        Expect::QiResult => true,
                        Expect::Open => matches!(
                            result,
                            QiResult::ConnectOk
                                | QiResult::ConnectFail
                                | QiResult::Connect
                                | QiResult::AlreadyConnect
                        ),
                        Expect::Final | Expect::Prompt => {
                            matches!(result, QiResult::SendOk | QiResult::SendFail)
                                && expect == Expect::Final
                                && cmd.is_empty()
                        }
                        _ => false,
                    };
                    if ends {
                        r.outcome = Some(Outcome::Qi { index, result });
                        return Ok(r);
                    }
                    // A QI result that is not ours (a late CONNECT OK, CLOSE OK): a URC, never a
                    // line of this response (it was kept as a Rust Debug name; issue 18).
                    self.urcs.push_back(Urc::Late { index, result });
                }
                Token::Prompt => {
                    if expect == Expect::Prompt {
                        r.outcome = Some(Outcome::Prompt);
                        return Ok(r);
                    }
                }
                Token::RecvFrom(addr) => self.recv_from = Some(addr),
                Token::Payload { kind, data } => match kind {
                    PayloadKind::Qird { .. } | PayloadKind::Read { .. } => r.payloads.push((kind, data)),
                    _ => self.push_inbound(kind, data),
                },
                Token::Raw(bytes) => self.raw.extend_from_slice(&bytes),
            }
        }
    }

    /// After the `> ` prompt: write exactly `data` and wait for `SEND OK` / `SEND FAIL` / `ERROR`.
    /// If `echoed`, the module echoes the payload (ATE1 with QISDE=1): those bytes are taken
    /// by count so they can never be mistaken for a response.
    pub fn send_payload(&mut self, data: &[u8], echoed: bool) -> Result<Outcome> {
        self.refuse_if_counting()?;
        if echoed {
            self.tok.expect_raw(data.len());
        }
        let t = self.family.payload_result_time()
            + SLACK
            + Duration::from_secs_f64(data.len() as f64 / self.line_rate.max(1) as f64);
        let deadline = self.now() + t;
        self.port.write(data, None, deadline)?;
        loop {
            match self.next_token_uninterruptible(deadline)? {
                None => {
                    // The module answered the command with its prompt, took the payload and
                    // said nothing: it may still be waiting for payload bytes (a firmware that
                    // dropped a LF at the start of it). Whatever qtcp wrote next would complete
                    // that payload shifted, so it writes nothing more.
                    let why = format!(
                        "no SEND OK within {} of the {}-byte payload: the module may still be \
                         waiting for payload bytes (a firmware that drops a LF after the prompt); \
                         nothing more was written to it, so no shifted payload was sent; reset \
                         the module (power-cycle it, or --reset-cmd) before anything else is \
                         written to it: its next byte, even a command's, would complete the \
                         payload shifted",
                        humantime::format_duration(round_ms(t)),
                        data.len()
                    );
                    self.counting_payload = Some(why.clone());
                    return Err(Error::new(ErrorClass::SendRefused, why));
                }
                Some(Token::Qi {
                    result: r @ (QiResult::SendOk | QiResult::SendFail),
                    index,
                }) => return Ok(Outcome::Qi { index, result: r }),
                // `+CME ERROR` after a payload is a refusal like `ERROR` (issue 18: it waited out
                // the deadline).
                Some(Token::Final(Final::Error | Final::CmeError(_) | Final::CmsError(_))) => {
                    return Ok(Outcome::Error)
                }
                Some(Token::Line(bytes)) => {
                    if let Some(urc) = classify_urc(&bytes) {
                        if matches!(urc, Urc::Rdy | Urc::AppRdy) {
                            self.rebooted = true;
                            self.urcs.push_back(urc);
                            return Err(Error::silent("the module rebooted (RDY) during QISEND"));
                        }
                        self.urcs.push_back(urc);
                    }
                }
                Some(Token::Payload { kind, data }) => self.push_inbound(kind, data),
                Some(Token::RecvFrom(a)) => self.recv_from = Some(a),
                Some(Token::Qi { index, result }) => self.urcs.push_back(Urc::Late { index, result }),
                Some(_) => {}
            }
        }
    }

    /// Refuse to write while the module may still be counting the bytes of a payload that got
    /// no result ([`Self::send_payload`]): any byte would complete it shifted.
    fn refuse_if_counting(&self) -> Result<()> {
        match &self.counting_payload {
            None => Ok(()),
            Some(why) => Err(Error::new(ErrorClass::SendRefused, why.clone())),
        }
    }

    /// Wait for anything unsolicited (URC, pushed data, raw bytes) until `deadline`. Returns
    /// false when the deadline passed with nothing new.
    pub fn pump(&mut self, deadline: Instant) -> Result<bool> {
        let before = self.news();
        match self.next_token(deadline)? {
            None => Ok(false),
            Some(tok) => {
                match tok {
                    Token::Line(bytes) => {
                        if let Some(urc) = classify_urc(&bytes) {
                            // `APP RDY` (ctx) says a restart as much as `RDY` does.
                            if matches!(urc, Urc::Rdy | Urc::AppRdy) {
                                self.rebooted = true;
                            }
                            self.urcs.push_back(urc);
                        }
                    }
                    Token::Payload { kind, data } => self.push_inbound(kind, data),
                    Token::RecvFrom(a) => self.recv_from = Some(a),
                    Token::Raw(b) => self.raw.extend_from_slice(&b),
                    // A QI result outside any command (a late CONNECT OK, CLOSE OK): kept as a
                    // URC, as in a response (it was dropped; issue 18).
                    Token::Qi { index, result } => self.urcs.push_back(Urc::Late { index, result }),
                    _ => {}
                }
                Ok(self.news() != before)
            }
        }
    }

    /// What [`Self::pump`] compares to tell whether anything new arrived.
    fn news(&self) -> (usize, usize, usize, u64) {
        let c = &self.inbound_counts;
        (
            self.urcs.len(),
            self.inbound.len(),
            self.raw.len(),
            c.discarded.wrapping_add(c.written),
        )
    }

    fn next_token(&mut self, deadline: Instant) -> Result<Option<Token>> {
        loop {
            if let Some(t) = self.tokens.pop_front() {
                return Ok(Some(t));
            }
            if self.interrupted() && !self.hold_interrupt {
                return Err(Error::new(ErrorClass::Interrupted, "interrupted"));
            }
            let now = self.now();
            if now >= deadline {
                return Ok(None);
            }
            // Wake at least every 100 ms to notice an interrupt.
            let step = deadline.min(now + Duration::from_millis(100));
            if let Some(bytes) = self.port.read(step)? {
                self.feed(&bytes);
            }
        }
    }

    /// Like [`Self::next_token`] but an interrupt only starts the grace period: waiting goes on
    /// (re-checked every 100 ms) until `deadline`.
    fn next_token_in_command(&mut self, mut deadline: Instant) -> Result<Option<Token>> {
        loop {
            if let Some(t) = self.tokens.pop_front() {
                return Ok(Some(t));
            }
            let now = self.now();
            if self.interrupted() && !self.hold_interrupt && self.interrupt_seen.is_none() {
                self.interrupt_seen = Some(now);
                deadline = deadline.min(now + INTERRUPT_GRACE);
            }
            if now >= deadline {
                return Ok(None);
            }
            let step = deadline.min(now + Duration::from_millis(100));
            if let Some(bytes) = self.port.read(step)? {
                self.feed(&bytes);
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut out = Vec::new();
        self.tok.feed(bytes, &mut out);
        self.tokens.extend(out);
    }

    fn next_token_uninterruptible(&mut self, deadline: Instant) -> Result<Option<Token>> {
        loop {
            if let Some(t) = self.tokens.pop_front() {
                return Ok(Some(t));
            }
            if self.now() >= deadline {
                return Ok(None);
            }
            if let Some(bytes) = self.port.read(deadline)? {
                self.feed(&bytes);
            }
        }
    }
}

/// For a read/test command (`AT+CREG?`, `AT+QIMUX?`), the prefix of its information line
/// (`+CREG:`), so such lines are not mistaken for URCs of the same name.
fn info_prefix(cmd: &str) -> Option<String> {
    let upper = cmd.to_ascii_uppercase();
    let rest = upper.strip_prefix("AT")?;
    if !rest.starts_with('+') {
        return None;
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '+')
        .collect();
    Some(format!("{name}:"))
}

fn round_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

#[cfg(test)]
mod tests;
