//! Receive (recommended process, chapter 5; module.md §3.14, §3.16).
//!
//! **Retrieve mode** (QINDI=1 or 2): the data waits in the module. We read with
//! `AT+QIRD=0,1,<sid>,<chunk>` until the module answers a bare `OK` (nothing buffered), always
//! first and whether or not a `+QIRDI` was seen (it may have been sent while no process held the
//! port), then wait for the next `+QIRDI` (and poll now and then in case one is missed). `ERROR`
//! means the socket is drained and gone.
//!
//! **Direct mode** (QINDI=0): the module pushes data between command responses; the session
//! keeps it as [`Inbound`](crate::session::Inbound) records. Only framed data is accepted:
//! `IPD<len>` (QIHEAD=1) in single mode, `+RECEIVE: <i>, <len>` in multi-connection mode. Raw
//! unframed bytes cannot be told from responses and URCs, so headerless single-mode direct
//! reception is refused with a usage error that says why.
//!
//! Stops on `--bytes`, `--idle`, `--timeout`, the peer's close (after draining), `+PDP DEACT`
//! (after draining), an interrupt, or the output closing. Every wait has a deadline.

use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::family::{Event, ReadOutcome, SocketState};
use crate::proc::attach::RecvMode;
use crate::proc::common::urc_end;
use crate::session::Session;
use crate::tokenizer::{PayloadKind, Urc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest `AT+QIRD` length accepted (what drivers use; the module's limit is undocumented).
pub const MAX_QIRD: usize = 1500;

/// After a read that drained the module's buffer: read again after this long even without a
/// `+QIRDI` (one may be lost to line noise, or sent while the buffer was not quite empty).
const SHORT_READ_FALLBACK: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Ask the module (AT+QINDI?): 1 or 2 is retrieve, 0 is direct
    Auto,
    /// Data waits in the module; read with AT+QIRD (QINDI=1/2)
    Retrieve,
    /// Data is pushed by the module as it arrives (QINDI=0)
    Direct,
}

#[derive(Debug, Clone)]
pub struct RecvOptions {
    pub mode: Mode,
    /// Connection index (QIMUX=1); the QIRD `<sid>`.
    pub id: Option<u8>,
    /// Largest QIRD read.
    pub chunk: usize,
    /// Direct mode: switch on (and rely on) the IPD framing (QIHEAD, QISHOWRA, QISHOWPT).
    pub headers: bool,
    /// Stop after this many bytes (retrieve mode never reads beyond it).
    pub bytes: Option<u64>,
    /// Stop after this long without data.
    pub idle: Option<Duration>,
    /// Stop after this long overall.
    pub timeout: Option<Duration>,
    /// Retrieve: read even without +QIRDI this often. Direct: check QISTAT this often.
    pub poll: Duration,
}

impl Default for RecvOptions {
    fn default() -> Self {
        RecvOptions {
            mode: Mode::Auto,
            id: None,
            chunk: MAX_QIRD,
            headers: false,
            bytes: None,
            idle: None,
            timeout: None,
            poll: Duration::from_secs(2),
        }
    }
}

/// Why reception stopped: one of [`StopReason`]'s `bytes`, `idle`, `timeout`, `closed`,
/// `pdp_deact`, `interrupted`, `output_closed`.
pub use crate::proc::common::StopReason;

/// One piece of received data.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    pub data: &'a [u8],
    /// `ip:port` of the sender when the module said (QIRD header, `RECV FROM:`).
    pub from: Option<&'a str>,
    /// `TCP` / `UDP` when the module said.
    pub protocol: Option<&'a str>,
    /// Connection index of `+RECEIVE: <i>, <n>` (mux direct mode).
    pub id: Option<u8>,
}

/// Something worth reporting that is not data.
#[derive(Debug, Clone, PartialEq)]
pub enum RecvEvent {
    /// Setup done; reception starts (mode resolved, settings applied).
    Ready { mode: Mode, actions: Vec<String> },
    /// A URC that arrived during the receive (not `+QIRDI`, which only says data is waiting).
    Urc { name: &'static str, text: String },
}

pub trait RecvSink {
    /// Deliver data; an error means the output is gone (reception stops).
    fn data(&mut self, c: &Chunk) -> std::io::Result<()>;
    fn event(&mut self, _e: &RecvEvent) {}
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RecvReport {
    pub mode: String,
    pub reason: StopReason,
    pub bytes: u64,
    /// `--bytes`, when given.
    pub bytes_requested: Option<u64>,
    pub chunks: u64,
    /// Direct mode: bytes pushed after `--bytes` was reached (they cannot be left in the module).
    pub bytes_dropped: u64,
    /// Multi-connection direct mode with `--id`: bytes pushed for the other connections
    /// (`+RECEIVE: <other id>`), counted and discarded (they were dropped without a word;
    /// issue 18).
    pub bytes_other_connections: u64,
    /// `CLOSED` was seen (or the module reported the socket gone).
    pub closed: bool,
    pub duration_s: f64,
    /// Settings recv changed (direct mode headers).
    pub actions: Vec<String>,
}

/// Short name and text of a URC for events.
pub fn urc_event(u: &Urc) -> (&'static str, String) {
    match u {
        Urc::Qirdi(v) => (
            "qirdi",
            format!(
                "+QIRDI: {}",
                v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
            ),
        ),
        Urc::Closed { index: Some(i) } => ("closed", format!("{i}, CLOSED")),
        Urc::Closed { index: None } => ("closed", "CLOSED".into()),
        Urc::PdpDeact => ("pdp_deact", "+PDP DEACT".into()),
        Urc::Creg(s) => ("creg", format!("+CREG: {s}")),
        Urc::Cgreg(s) => ("cgreg", format!("+CGREG: {s}")),
        Urc::Cpin(s) => ("cpin", format!("+CPIN: {s}")),
        Urc::Cfun(s) => ("cfun", format!("+CFUN: {s}")),
        Urc::Rdy => ("rdy", "RDY".into()),
        Urc::CallReady => ("call_ready", "Call Ready".into()),
        Urc::SmsReady => ("sms_ready", "SMS Ready".into()),
        Urc::PowerDown(s) => ("power_down", s.clone()),
        Urc::Network(s) => ("network", s.clone()),
        Urc::SocketData { id, len: Some(n) } => ("recv", format!("+QIURC: \"recv\",{id},{n}")),
        Urc::SocketData { id, len: None } => ("recv", format!("+QIURC: \"recv\",{id}")),
        Urc::SocketClosed { id } => ("closed", format!("+QIURC: \"closed\",{id}")),
        Urc::ContextDeact { cid } => ("pdp_deact", format!("+QIURC: \"pdpdeact\",{cid}")),
        Urc::OpenResult { id, err } => ("open", format!("+QIOPEN: {id},{err}")),
        Urc::AppRdy => ("app_rdy", "APP RDY".into()),
        Urc::Cereg(s) => ("cereg", format!("+CEREG: {s}")),
        Urc::Late { index, result } => (
            "late_result",
            crate::session::describe(&crate::session::Outcome::Qi {
                index: *index,
                result: *result,
            }),
        ),
    }
}

struct Run<'a> {
    o: &'a RecvOptions,
    sink: &'a mut dyn RecvSink,
    user_flag: Option<Arc<AtomicBool>>,
    started: Instant,
    last_data: Instant,
    rep: RecvReport,
    pdp: bool,
    /// A +QIRDI (for our socket) arrived since the last read.
    qirdi: bool,
    rebooted: bool,
    /// The most one AT+QIRD returns on this firmware, once learnt (see `retrieve`).
    qird_cap: Option<usize>,
    /// The socket is a UDP one (where the family says so apart from its records): a short
    /// read ends a datagram, not the buffer.
    udp: bool,
}

impl Run<'_> {
    fn interrupted(&self) -> bool {
        self.user_flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    fn remaining(&self) -> Option<u64> {
        self.o.bytes.map(|b| b.saturating_sub(self.rep.bytes))
    }

    /// Deliver a payload, cut at `--bytes`. False when the output is gone.
    /// Hand `data`, received at `now` (the session's clock), to the sink.
    fn deliver(&mut self, now: Instant, kind: &PayloadKind, from: Option<&str>, data: &[u8]) -> bool {
        let take = match self.remaining() {
            Some(r) => (r as usize).min(data.len()),
            None => data.len(),
        };
        self.rep.bytes_dropped += (data.len() - take) as u64;
        if take == 0 && !data.is_empty() {
            return true;
        }
        let (from, protocol, id) = match kind {
            PayloadKind::Qird { addr, proto } => (Some(addr.as_str()), Some(proto.as_str()), None),
            PayloadKind::Ipd { proto } => (from, proto.as_deref(), None),
            PayloadKind::Receive { index } => (from, None, Some(*index)),
            // ctx: the protocol is the socket's (read from its state when it is UDP).
            PayloadKind::Read { peer } => (peer.as_deref().or(from), self.udp.then_some("UDP"), None),
            PayloadKind::Push { id, peer } => (peer.as_deref().or(from), None, Some(*id)),
        };
        self.last_data = now;
        self.rep.bytes += take as u64;
        self.rep.chunks += 1;
        let c = Chunk {
            data: &data[..take],
            from,
            protocol,
            id,
        };
        self.sink.data(&c).is_ok()
    }

    /// Take the session's URCs: report them, note the ones that end the connection.
    fn urcs(&mut self, s: &mut Session) {
        for u in s.take_urcs() {
            match crate::family::event(&u) {
                Some(Event::DataReady { id }) => {
                    // Only our socket matters.
                    if id.unwrap_or(0) == self.o.id.unwrap_or(0) {
                        self.qirdi = true;
                    }
                    continue;
                }
                _ => match urc_end(&u, self.o.id) {
                    Some(StopReason::Closed) => self.rep.closed = true,
                    Some(StopReason::PdpDeact) => self.pdp = true,
                    Some(_) => self.rebooted = true,
                    None => {}
                },
            }
            let (name, text) = urc_event(&u);
            self.sink.event(&RecvEvent::Urc { name, text });
        }
        if s.rebooted() {
            self.rebooted = true;
        }
    }

    /// `now`: the session's clock.
    fn check_reboot(&self, now: Instant) -> Reported<(), RecvReport> {
        if self.rebooted {
            let mut rep = self.rep.clone();
            rep.duration_s = now.saturating_duration_since(self.started).as_secs_f64();
            let e = Error::new(
                ErrorClass::ConnectionLost,
                format!(
                    "the module rebooted (RDY) after {} bytes: the connection is gone",
                    rep.bytes
                ),
            );
            return Err(Failed::new(e, rep));
        }
        Ok(())
    }

    /// The stop that applies now, if any (not counting connection state).
    fn limit(&self, now: Instant) -> Option<StopReason> {
        if self.interrupted() {
            return Some(StopReason::Interrupted);
        }
        if self.remaining() == Some(0) {
            return Some(StopReason::Bytes);
        }
        if let Some(t) = self.o.timeout {
            if now >= self.started + t {
                return Some(StopReason::Timeout);
            }
        }
        if let Some(i) = self.o.idle {
            if now >= self.last_data + i {
                return Some(StopReason::Idle);
            }
        }
        None
    }

    /// How long to wait at most from `now` (deadlines of the limits, and 100 ms so an
    /// interrupt is noticed).
    fn wait_until(&self, now: Instant, other: Instant) -> Instant {
        let mut d = other.min(now + Duration::from_millis(100));
        if let Some(t) = self.o.timeout {
            d = d.min(self.started + t);
        }
        if let Some(i) = self.o.idle {
            d = d.min(self.last_data + i);
        }
        d.max(now)
    }
}

/// Receive until a stop condition. Returns the report when the stop counts as success (see
/// [`finish`]); otherwise an error with the report when reception had begun.
pub fn recv(s: &mut Session, o: &RecvOptions, sink: &mut dyn RecvSink) -> Reported<RecvReport> {
    // QIRD responses carry data: never abandon one half-read. Commands run with a fresh flag;
    // the user's flag is watched between them.
    let user_flag = s.interrupt_flag();
    s.set_interrupt(Arc::new(AtomicBool::new(false)));
    let r = recv_inner(s, o, sink, user_flag.clone());
    if let Some(f) = user_flag {
        s.set_interrupt(f);
    }
    // A reboot that cut a command short surfaces as "no answer": it is the connection that is
    // gone (exit 9), as for send.
    r.map_err(|mut f| {
        if f.error.class == ErrorClass::ModuleSilent && s.rebooted() {
            f.error = Error::new(
                ErrorClass::ConnectionLost,
                format!("{}: the connection is gone", f.error.message),
            );
        }
        f
    })
}

fn recv_inner(
    s: &mut Session,
    o: &RecvOptions,
    sink: &mut dyn RecvSink,
    user_flag: Option<Arc<AtomicBool>>,
) -> Reported<RecvReport> {
    if o.chunk == 0 || o.chunk > MAX_QIRD {
        return Err(Error::usage(format!("--chunk must be 1..={MAX_QIRD}")).into());
    }
    let now = s.now();
    let mut run = Run {
        o,
        sink,
        user_flag,
        started: now,
        last_data: now,
        rep: RecvReport {
            mode: String::new(),
            reason: StopReason::Closed,
            bytes: 0,
            bytes_requested: o.bytes,
            chunks: 0,
            bytes_dropped: 0,
            bytes_other_connections: 0,
            closed: false,
            duration_s: 0.0,
            actions: Vec::new(),
        },
        pdp: false,
        qirdi: false,
        rebooted: false,
        qird_cap: None,
        udp: false,
    };
    let f = s.family();
    let mux = f.check_id(s, o.id)?;
    let mode = match o.mode {
        // A module that does not say is taken to be in retrieve mode, the safe reading.
        Mode::Auto => match f.recv_mode(s, o.id)? {
            Some(RecvMode::Direct) => Mode::Direct,
            _ => Mode::Retrieve,
        },
        m => m,
    };
    run.rep.mode = match mode {
        Mode::Direct => "direct".into(),
        _ => "retrieve".into(),
    };
    let reason = match mode {
        Mode::Direct => direct(s, &mut run, mux)?,
        _ => retrieve(s, &mut run)?,
    };
    // Anything that came with the last response.
    run.urcs(s);
    let now = s.now();
    finish(run.rep_with(reason, now), s.family().words())
}

impl Run<'_> {
    fn rep_with(mut self, reason: StopReason, now: Instant) -> RecvReport {
        self.rep.reason = reason;
        self.rep.duration_s = now.saturating_duration_since(self.started).as_secs_f64();
        self.rep
    }
}

/// Map the stop to success or an error with its class (the exit code):
/// - `bytes`: success;
/// - `idle`, `timeout`: success when no `--bytes` was asked, else `Timeout` (14);
/// - `closed`: success when no `--bytes` was asked, else `ConnectionLost` (9);
/// - `pdp_deact`: `PdpContext` (7); `interrupted`: `Interrupted` (130);
/// - `output_closed`: success (the reader chose to stop).
pub fn finish(rep: RecvReport, w: &crate::family::Words) -> Reported<RecvReport> {
    let class_msg = match rep.reason {
        // (`eof` and `duration` end transparent sessions, never a receive.)
        StopReason::Bytes | StopReason::OutputClosed | StopReason::Eof | StopReason::Duration => None,
        StopReason::Idle | StopReason::Timeout | StopReason::Closed if !bytes_asked(&rep) => None,
        StopReason::Idle | StopReason::Timeout => Some((
            ErrorClass::Timeout,
            format!(
                "{} before the requested bytes arrived ({} received)",
                rep.reason.text(),
                rep.bytes
            ),
        )),
        StopReason::Closed => Some((
            ErrorClass::ConnectionLost,
            format!(
                "the peer closed the connection before the requested bytes arrived ({} received)",
                rep.bytes
            ),
        )),
        StopReason::PdpDeact => Some((
            ErrorClass::PdpContext,
            format!("{} after {} bytes", StopReason::PdpDeact.said(w), rep.bytes),
        )),
        StopReason::Interrupted => Some((
            ErrorClass::Interrupted,
            format!("interrupted after {} bytes", rep.bytes),
        )),
        StopReason::Rebooted => Some((
            ErrorClass::ConnectionLost,
            format!(
                "the module rebooted (RDY) after {} bytes: the connection is gone",
                rep.bytes
            ),
        )),
    };
    match class_msg {
        None => Ok(rep),
        Some((class, msg)) => {
            let mut e = Error::new(class, msg);
            if rep.reason == StopReason::PdpDeact {
                e = e.with_cause(Cause::ContextLost);
            }
            Err(Failed::new(e, rep))
        }
    }
}

/// Whether the run had `--bytes` (the stop is then judged against it).
fn bytes_asked(rep: &RecvReport) -> bool {
    rep.bytes_requested.is_some()
}

enum Read {
    /// As many bytes as asked were read: the buffer may hold more.
    Data,
    /// Fewer bytes than asked (this many): the module's buffer is empty now (TCP), and the
    /// next arrival will be announced by `+QIRDI` — unless the firmware reads less than asked
    /// at most (see `Run::qird_cap`).
    Short(usize),
    /// `OK` alone: nothing buffered.
    Empty,
    /// `ERROR`: drained and gone (or never there).
    Gone,
    /// Whoever reads our output went away: reception ends (successfully).
    OutputClosed,
}

/// One read of the socket's buffer ([`crate::family::Family::read`]), delivered.
fn read(s: &mut Session, run: &mut Run, id: Option<u8>) -> Result<Read> {
    let chunk = run.qird_cap.unwrap_or(run.o.chunk).min(run.o.chunk);
    let len = match run.remaining() {
        Some(r) => (r as usize).min(chunk),
        None => chunk,
    };
    let f = s.family();
    let r = f.read(s, id, len)?;
    run.qirdi = false;
    match r {
        ReadOutcome::Empty => Ok(Read::Empty),
        ReadOutcome::Data(records) => {
            let mut ok = true;
            let mut got = 0;
            let mut udp = run.udp;
            for (kind, data) in &records {
                got += data.len();
                udp |= matches!(kind, PayloadKind::Qird { proto, .. } if proto.eq_ignore_ascii_case("UDP"));
                ok &= run.deliver(s.now(), kind, None, data);
            }
            // UDP answers end at a datagram boundary, so a short one says nothing about what
            // is left: read again at once.
            Ok(if !ok {
                Read::OutputClosed
            } else if got < len && !udp {
                Read::Short(got)
            } else {
                Read::Data
            })
        }
        ReadOutcome::Gone(records) => {
            // Data before the refusal is still data.
            for (kind, data) in &records {
                if !run.deliver(s.now(), kind, None, data) {
                    return Ok(Read::OutputClosed);
                }
            }
            Ok(Read::Gone)
        }
    }
}

fn retrieve(s: &mut Session, run: &mut Run) -> Reported<StopReason, RecvReport> {
    let id = run.o.id;
    let f = s.family();
    run.udp = f.is_udp(s, id)?.unwrap_or(false);
    run.sink.event(&RecvEvent::Ready {
        mode: Mode::Retrieve,
        actions: Vec::new(),
    });
    // Read first: data (and +QIRDI) may have arrived while no process held the port.
    let mut read_now = true;
    let mut next_poll = s.now();
    // The length of the last short read, while no +QIRDI has come since.
    let mut last_short: Option<usize> = None;
    loop {
        run.urcs(s);
        run.check_reboot(s.now())?;
        let now = s.now();
        if let Some(stop) = run.limit(now) {
            return Ok(stop);
        }
        if read_now || run.qirdi || run.rep.closed || run.pdp || now >= next_poll {
            let announced = read_now || run.qirdi;
            // The timer's poll (modules forget the URC): where the family can count the unread
            // bytes without reading them (ctx QIRD=<id>,0), nothing waiting is another wait.
            if !announced && !run.rep.closed && !run.pdp {
                let f = s.family();
                if f.unread(s, id)? == Some(0) {
                    run.urcs(s);
                    // Nothing waits: is the socket still there? A peer's close whose URC
                    // went to an earlier process (or was forgotten) shows only in its state.
                    match f.socket_state(s, id)?.map(|st| st.state) {
                        Some(SocketState::PeerClosed) => run.rep.closed = true,
                        Some(SocketState::ContextLost) => run.pdp = true,
                        Some(SocketState::NotOpen) => match gone(s, run)? {
                            Gone::Ended(reason) => return Ok(reason),
                            Gone::ReadLess => {}
                        },
                        _ => {}
                    }
                    run.urcs(s);
                    next_poll = s.now() + run.o.poll;
                    continue;
                }
            }
            let res = read(s, run, id)?;
            run.urcs(s);
            // Data found by the fallback poll, without a +QIRDI, right after a short read:
            // that read had not drained the buffer, so this firmware returns at most that
            // much per read [INF; sim --qird-max]. Ask for that much from now on, so full
            // reads follow each other at once.
            if let (false, Some(prev), Read::Data | Read::Short(_)) = (announced, last_short, &res) {
                run.qird_cap = Some(prev);
            }
            last_short = None;
            match res {
                Read::Data => {
                    read_now = true;
                    continue;
                }
                // The buffer is drained: reading again at once would return the few bytes
                // that arrived meanwhile, one QIRD per handful of bytes on a slow downlink.
                // Wait for the +QIRDI of the next arrival instead, with a short fallback poll
                // in case it is missed.
                Read::Short(got) => {
                    last_short = Some(got);
                    read_now = false;
                    next_poll = s.now() + run.o.poll.min(SHORT_READ_FALLBACK);
                }
                Read::Empty => {
                    read_now = false;
                    next_poll = s.now() + run.o.poll;
                    if run.pdp {
                        return Ok(StopReason::PdpDeact);
                    }
                    if run.rep.closed {
                        return Ok(StopReason::Closed);
                    }
                }
                Read::Gone => match gone(s, run)? {
                    Gone::Ended(reason) => return Ok(reason),
                    Gone::ReadLess => read_now = true,
                },
                Read::OutputClosed => return Ok(StopReason::OutputClosed),
            }
        }
        let now = s.now();
        let until = run.wait_until(now, next_poll);
        s.pump(until)?;
    }
}

/// What a refused read means.
enum Gone {
    /// The receive ends, for this reason.
    Ended(StopReason),
    /// The socket is open and the family refuses reads that long (a ctx firmware whose QIRD
    /// maximum is below 1500 answers ERROR, 552): read again, asking for less.
    ReadLess,
}

/// The smallest read asked for before a refusal counts as one.
const MIN_READ: usize = 64;

/// QIRD answered ERROR: the socket is drained and gone. Say why from what we saw and the
/// module's state.
fn gone(s: &mut Session, run: &mut Run) -> Result<Gone> {
    Ok(match gone_reason(s, run) {
        Err(e) if e.cause == Cause::NotRetrieveMode && s.family().has_contexts() => {
            // The next power of two below what was asked (1024, 512, ...): a firmware's maximum
            // is one, and a UDP read shorter than its datagram would cut it.
            let asked = run.qird_cap.unwrap_or(run.o.chunk);
            if asked <= MIN_READ {
                return Err(e);
            }
            let less = 1usize << (usize::BITS - 1 - (asked - 1).leading_zeros());
            run.qird_cap = Some(less.max(MIN_READ));
            Gone::ReadLess
        }
        r => Gone::Ended(r?),
    })
}

fn gone_reason(s: &mut Session, run: &mut Run) -> Result<StopReason> {
    if run.pdp {
        return Ok(StopReason::PdpDeact);
    }
    if run.rep.closed {
        return Ok(StopReason::Closed);
    }
    let f = s.family();
    let state = f.socket_state(s, run.o.id).ok().flatten();
    run.urcs(s);
    if run.pdp {
        return Ok(StopReason::PdpDeact);
    }
    match state.map(|st| (st.state, st.text)) {
        Some((SocketState::ContextLost, _)) => {
            run.pdp = true;
            Ok(StopReason::PdpDeact)
        }
        Some((SocketState::PeerClosed, _)) => {
            run.rep.closed = true;
            Ok(StopReason::Closed)
        }
        Some((SocketState::Connected, text)) | Some((SocketState::Opening, text)) => Err(Error::protocol(
            format!("AT+QIRD answered ERROR while the connection is open (STATE: {text})"),
        )
        .with_cause(Cause::NotRetrieveMode)),
        Some((_, text)) if run.rep.bytes == 0 => Err(Error::new(
            ErrorClass::ConnectionLost,
            format!("no connection to receive from (AT+QIRD answered ERROR, STATE: {text})"),
        )
        .with_cause(Cause::NoConnection)),
        _ => {
            run.rep.closed = true;
            Ok(StopReason::Closed)
        }
    }
}

fn direct(s: &mut Session, run: &mut Run, mux: bool) -> Reported<StopReason, RecvReport> {
    let f = s.family();
    let mut actions = Vec::new();
    if let Some(done) = f.direct_framing(s, mux, run.o.headers)? {
        actions.push(done);
    }
    run.rep.actions = actions.clone();
    // Is there a connection at all?
    if let Some(st) = f.socket_state(s, run.o.id)? {
        match st.state {
            SocketState::Connected | SocketState::Opening => {}
            SocketState::PeerClosed => run.rep.closed = true,
            SocketState::ContextLost => run.pdp = true,
            _ => {
                return Err(Error::new(
                    ErrorClass::ConnectionLost,
                    format!("no connection to receive from (STATE: {})", st.text),
                )
                .with_cause(Cause::NoConnection)
                .into())
            }
        }
    }
    run.sink.event(&RecvEvent::Ready {
        mode: Mode::Direct,
        actions,
    });
    let mut next_check = s.now() + run.o.poll;
    loop {
        while let Some(inb) = s.take_inbound() {
            if let PayloadKind::Receive { index } | PayloadKind::Push { id: index, .. } = inb.kind {
                if run.o.id.is_some_and(|id| id != index) {
                    run.rep.bytes_other_connections += inb.data.len() as u64;
                    continue;
                }
            }
            if !run.deliver(s.now(), &inb.kind, inb.from.as_deref(), &inb.data) {
                return Ok(StopReason::OutputClosed);
            }
        }
        run.urcs(s);
        run.check_reboot(s.now())?;
        let now = s.now();
        if let Some(stop) = run.limit(now) {
            return Ok(stop);
        }
        // Data precedes the URC on the line: everything pushed before CLOSED is in by now.
        if run.pdp {
            return Ok(StopReason::PdpDeact);
        }
        if run.rep.closed {
            return Ok(StopReason::Closed);
        }
        if !mux && now >= next_check {
            // A CLOSED sent while no process held the port is lost: ask.
            if let Some(st) = f.socket_state(s, run.o.id)? {
                match st.state {
                    SocketState::Connected | SocketState::Opening => {}
                    SocketState::ContextLost => run.pdp = true,
                    _ => run.rep.closed = true,
                }
            }
            next_check = s.now() + run.o.poll;
            continue;
        }
        let until = run.wait_until(now, if mux { now + run.o.poll } else { next_check });
        s.pump(until)?;
    }
}
