//! Send with acknowledgement flow control (recommended process, chapters 4 and 6).
//!
//! Always fixed-length QISEND (binary-safe) in chunks of at most 1460 bytes. The bytes the
//! module holds unacknowledged are kept under a window: our count of them is an upper bound
//! (bytes sent minus the last acknowledged count seen), so a window no larger than the module's
//! send buffer can never overflow it. The window is the send buffer itself unless the user fixed
//! it with `--window` (the document's literal rule is `--window 3000`): starting at 3000 and
//! growing only as acknowledgements came left the link idle for most of the first round trip
//! (GPRS-like push 0.90 of the bottleneck; 0.95 from the full buffer), and growth reached the
//! full buffer within the first round trips anyway, so the smaller start protected nothing.
//! QISACK is polled only when the window is full, first soon, then at the pace the observed
//! acknowledgement rate predicts, backing off towards the document's 5 s when nothing moves.
//! The stall rule is the document's: no progress for `ack_timeout` means the connection is
//! dead. Unacknowledged bytes stay in memory (at most the send buffer plus a chunk),
//! so a reconnect resends from the first unacknowledged byte whatever the source (stdin too).

use crate::command::At;
use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::proc::common::{
    await_network, close_quiet, connection_end, deact, sync, urc_end, StopReason, SyncOptions,
};
use crate::proc::connect::{connect, ConnectOptions};
use crate::proc::state::{qisack, qistat, IpState, Sack};
use crate::session::{describe, Outcome, Session};
use crate::tokenizer::QiResult;
use std::collections::VecDeque;
use std::io::Read;
use std::time::{Duration, Instant};

pub const MAX_CHUNK: usize = 1460;
pub const DEFAULT_SEND_BUFFER: usize = 7300;

#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Fixed window (`--window`); None: the whole `send_buffer`.
    pub window: Option<usize>,
    pub send_buffer: usize,
    pub chunk: usize,
    pub ack_timeout: Duration,
    pub wait_ack: bool,
    /// Reopen this destination after SEND FAIL, CLOSED or a stall.
    pub reconnect: Option<ConnectOptions>,
    pub max_reconnects: u32,
    /// Connection index (QIMUX=1).
    pub id: Option<u8>,
    /// UDP: no acknowledgements exist, so no flow control on them.
    pub udp: bool,
    /// Shortest and longest QISACK poll interval; the document's rule is a fixed 5 s.
    pub poll_min: Duration,
    pub poll_max: Duration,
    /// Source offset of the first byte (`--offset`), for reporting.
    pub offset: u64,
    /// Total source length when known (progress, ETA).
    pub total: Option<u64>,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            window: None,
            send_buffer: DEFAULT_SEND_BUFFER,
            chunk: MAX_CHUNK,
            ack_timeout: Duration::from_secs(120),
            wait_ack: false,
            reconnect: None,
            max_reconnects: 5,
            id: None,
            udp: false,
            // No floor between polls that find progress (those come at most once per window of
            // data); a poll that finds nothing is followed up no sooner than FOLLOW_UP. A 1-ms
            // floor cost an unpaced push a quarter of its throughput (8.1 -> 6.4 MB/s).
            poll_min: Duration::ZERO,
            poll_max: Duration::from_secs(5),
            offset: 0,
            total: None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Reconnect {
    /// Source offset sending resumed from (the first unacknowledged byte).
    pub resume_offset: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SendReport {
    /// Source offset of the first byte sent.
    pub offset: u64,
    /// Source offset up to which bytes were handed to the module (SEND OK).
    pub sent_offset: u64,
    /// Source offset up to which the peer acknowledged (None for UDP).
    pub acked_offset: Option<u64>,
    pub bytes_sent: u64,
    pub bytes_acked: Option<u64>,
    pub bytes_unacked: Option<u64>,
    /// Payload bytes written to the module, resends included.
    pub bytes_written: u64,
    pub chunks: u64,
    pub polls: u64,
    pub reconnects: Vec<Reconnect>,
    pub window_final: usize,
    pub complete: bool,
    pub duration_s: f64,
    /// Acknowledged (TCP) or sent (UDP) bytes per second.
    pub goodput_bps: f64,
}

/// What a progress bar needs.
#[derive(Debug, Clone, Copy)]
pub struct SendProgress {
    pub sent: u64,
    pub acked: u64,
    pub total: Option<u64>,
}

pub trait SendEvents {
    fn progress(&mut self, _p: SendProgress) {}
    fn reconnecting(&mut self, _r: &Reconnect) {}
}

pub struct NoEvents;
impl SendEvents for NoEvents {}

/// The module's counters for the current connection and how much of them is ours.
struct Flow {
    /// Module counters at the start of the current connection (earlier data of another process).
    base: Sack,
    /// Our bytes handed to the module on this connection.
    conn_sent: u64,
    /// Our bytes acknowledged on this connection.
    conn_acked: u64,
    /// Source offset where this connection's data starts.
    conn_start: u64,
    last_sack: Sack,
}

impl Flow {
    /// A new connection starting at source offset `start`: read its counters (QISACK).
    fn open(s: &mut Session, o: &SendOptions, start: u64) -> Result<Flow> {
        let base = if o.udp {
            Sack::default()
        } else {
            match qisack(s, o.id)? {
                Some(b) => b,
                None => {
                    return Err(Error::new(
                        ErrorClass::ConnectionLost,
                        "no open connection to send on (QISACK answered ERROR)",
                    )
                    .with_cause(Cause::NoConnection))
                }
            }
        };
        Ok(Flow {
            base,
            conn_sent: 0,
            conn_acked: 0,
            conn_start: start,
            last_sack: base,
        })
    }

    fn unacked_bound(&self) -> u64 {
        // Everything the module holds: older unacknowledged bytes plus ours.
        (self.base.sent + self.conn_sent).saturating_sub(self.last_sack.acked.max(self.base.acked))
    }

    /// Source offset up to which the peer acknowledged.
    fn acked_offset(&self) -> u64 {
        self.conn_start + self.conn_acked
    }

    /// Take a QISACK answer; returns the bytes of ours newly acknowledged.
    fn acknowledged(&mut self, sack: Sack) -> u64 {
        self.last_sack = sack;
        let ours = sack.acked.saturating_sub(self.base.sent).min(self.conn_sent);
        let progress = ours.saturating_sub(self.conn_acked);
        self.conn_acked = self.conn_acked.max(ours);
        progress
    }
}

/// The bytes read from the source and not yet acknowledged (or, for UDP, not yet sent): at most
/// the send buffer plus a chunk, so a reconnect can resend from any acknowledged offset.
struct Outbox {
    buffer: VecDeque<u8>,
    /// Source offset of `buffer[0]`.
    start: u64,
    /// Source offset of the next byte to hand to the module.
    next: u64,
    eof: bool,
}

impl Outbox {
    fn new(offset: u64, capacity: usize) -> Outbox {
        Outbox {
            buffer: VecDeque::with_capacity(capacity),
            start: offset,
            next: offset,
            eof: false,
        }
    }

    /// Bytes read but not handed to the module yet.
    fn unsent(&self) -> usize {
        (self.start + self.buffer.len() as u64 - self.next) as usize
    }

    /// Read from the source until a chunk and the byte after it are unsent (or the source ends).
    fn fill<R: Read>(&mut self, src: &mut R, chunk_max: usize) -> std::io::Result<()> {
        while !self.eof && self.unsent() <= chunk_max {
            let mut tmp = [0u8; MAX_CHUNK];
            let want = (chunk_max + 1 - self.unsent()).min(MAX_CHUNK);
            match read_some(src, &mut tmp[..want])? {
                0 => self.eof = true,
                n => self.buffer.extend(&tmp[..n]),
            }
        }
        Ok(())
    }

    /// At most `n`, and as close to it as possible: a chunk length after which the next chunk
    /// does not start with LF, where the bytes allow it. A firmware that drops any LF after a
    /// command line's CR (sim `--lf-after-cr always`) would drop that byte and wait for one
    /// more; only a payload whose very first byte is LF is then left to that failure.
    fn lf_safe_len(&self, n: usize) -> usize {
        let from = (self.next - self.start) as usize;
        let starts_with_lf = |len: usize| self.buffer.get(from + len) == Some(&b'\n');
        if !starts_with_lf(n) {
            return n;
        }
        (1..n).rev().find(|&len| !starts_with_lf(len)).unwrap_or(n)
    }

    /// The next `n` unsent bytes.
    fn peek(&self, n: usize, out: &mut Vec<u8>) {
        out.clear();
        let from = (self.next - self.start) as usize;
        out.extend(self.buffer.range(from..from + n));
    }

    /// `n` bytes were handed to the module; `forget` them at once when nothing will
    /// acknowledge them (UDP).
    fn sent(&mut self, n: usize, forget: bool) {
        self.next += n as u64;
        if forget {
            self.trim(self.next);
        }
    }

    /// Drop what is acknowledged up to source offset `acked`.
    fn trim(&mut self, acked: u64) {
        if acked > self.start {
            let n = ((acked - self.start) as usize).min(self.buffer.len());
            self.buffer.drain(..n);
            self.start += n as u64;
        }
    }

    /// Send again from source offset `to` (the first unacknowledged byte).
    fn rewind(&mut self, to: u64) {
        self.trim(to);
        self.next = to;
    }
}

/// Why a send stops: a lost connection (or an end the user asked for) that `--reconnect` may
/// resume from, or an error no reconnect can help.
enum Stop {
    Lost {
        reason: Loss,
        message: String,
    },
    /// Device gone, module silent, bad data source.
    Fatal(Error),
}

/// What ended the connection (or the send) as far as sending is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loss {
    /// The connection ended: CLOSED, +PDP DEACT, a reboot ([`StopReason`]).
    Ended(StopReason),
    /// The connection is gone without a URC saying why (QISACK/QISEND answered ERROR).
    Gone,
    /// No acknowledgement progress for `--ack-timeout`.
    AckStall,
    /// SEND FAIL while the connection is open.
    Refused,
    /// ERROR to `AT+QISEND=<n>` while the connection is open: nothing was taken, and the
    /// firmware's largest length may be below `n`.
    LengthRefused,
    /// SIGINT/SIGTERM.
    Interrupted,
}

impl Loss {
    fn class(self) -> ErrorClass {
        match self {
            Loss::Ended(StopReason::PdpDeact) => ErrorClass::PdpContext,
            Loss::Ended(_) | Loss::Gone => ErrorClass::ConnectionLost,
            Loss::AckStall => ErrorClass::NotAcknowledged,
            Loss::Refused | Loss::LengthRefused => ErrorClass::SendRefused,
            Loss::Interrupted => ErrorClass::Interrupted,
        }
    }
}

impl Stop {
    fn ended(reason: StopReason) -> Stop {
        Stop::Lost {
            reason: Loss::Ended(reason),
            message: reason.text().to_string(),
        }
    }
    fn lost(reason: Loss, message: impl Into<String>) -> Stop {
        Stop::Lost {
            reason,
            message: message.into(),
        }
    }
}

/// What a session error inside the send means: an interrupt or a reboot is a stop like a lost
/// connection; anything else ends the send as it is.
fn session_stop(s: &mut Session, e: Error) -> Stop {
    if e.class == ErrorClass::Interrupted {
        Stop::lost(Loss::Interrupted, "interrupted")
    } else if s.rebooted() {
        Stop::ended(StopReason::Rebooted)
    } else {
        Stop::Fatal(e)
    }
}

/// URCs that end the connection, taken from the session's queue.
fn ended_by_urc(s: &mut Session, id: Option<u8>) -> Option<Stop> {
    let end = connection_end(s, id)?;
    s.take_urcs();
    Some(Stop::ended(end))
}

pub fn send<R: Read>(
    s: &mut Session,
    src: R,
    o: &SendOptions,
    ev: &mut dyn SendEvents,
) -> Reported<SendReport> {
    let started = s.now();
    // Payload echo would come back with ATE1 and QISDE=1: switch it off; if the firmware does
    // not know QISDE, take the echo by count instead.
    let echoed = match s.run(&At::PayloadEcho(false)) {
        Ok(r) if r.is_ok() => false,
        Ok(_) => s.echo_seen(),
        Err(e) => return Err(e.into()),
    };
    let flow = Flow::open(s, o, o.offset).map_err(|e| {
        // Nothing was sent: the report says so (resume from where this run started).
        let nothing = SendReport {
            offset: o.offset,
            sent_offset: o.offset,
            acked_offset: (!o.udp).then_some(o.offset),
            bytes_acked: (!o.udp).then_some(0),
            bytes_unacked: (!o.udp).then_some(0),
            ..Default::default()
        };
        Failed::new(e, nothing)
    })?;
    let fixed_window = o.window.map(|w| w.clamp(1, o.send_buffer));
    // A fixed window below the chunk size would leave no room for any chunk: nothing would be
    // sent and the push would end in an acknowledgement stall.
    let chunk_max = o.chunk.clamp(1, MAX_CHUNK).min(fixed_window.unwrap_or(MAX_CHUNK));
    let now = s.now();
    let mut sender = Sender {
        s,
        o,
        ev,
        src,
        out: Outbox::new(o.offset, o.send_buffer + chunk_max),
        flow,
        rep: SendReport {
            offset: o.offset,
            ..Default::default()
        },
        fixed_window,
        window: fixed_window.unwrap_or(o.send_buffer),
        chunk_max,
        echoed,
        pacer: Pacer::new(now, chunk_max),
        last_progress: now,
        chunk: Vec::with_capacity(chunk_max),
    };
    let mut result = sender.run();
    if result.is_ok() && !o.udp && !o.wait_ack {
        // One last look so the report is current.
        if let Err(e) = sender.poll() {
            result = Err(session_stop(sender.s, e));
        }
    }
    sender.finish(result, started)
}

/// One send in progress: the session, the source, the outbox and the flow control.
struct Sender<'a, R> {
    s: &'a mut Session,
    o: &'a SendOptions,
    ev: &'a mut dyn SendEvents,
    src: R,
    out: Outbox,
    flow: Flow,
    rep: SendReport,
    /// `--window`; None: the whole send buffer.
    fixed_window: Option<usize>,
    window: usize,
    chunk_max: usize,
    /// The module echoes payloads (taken by count).
    echoed: bool,
    pacer: Pacer,
    last_progress: Instant,
    chunk: Vec<u8>,
}

/// What one turn of the loop did.
enum Turn {
    Again,
    Done,
}

impl<R: Read> Sender<'_, R> {
    /// Send until the source ends (and, with --wait-ack, everything is acknowledged). A lost
    /// connection is reconnected with --reconnect, from the first unacknowledged byte.
    fn run(&mut self) -> std::result::Result<(), Stop> {
        loop {
            match self.turn() {
                Ok(Turn::Again) => {}
                Ok(Turn::Done) => return Ok(()),
                Err(stop) => {
                    self.reconnect(stop)?;
                    self.last_progress = self.s.now();
                }
            }
        }
    }

    fn turn(&mut self) -> std::result::Result<Turn, Stop> {
        let o = self.o;
        if let Err(e) = self.out.fill(&mut self.src, self.chunk_max) {
            return Err(Stop::Fatal(Error::usage(format!("reading the data: {e}"))));
        }
        let unsent = self.out.unsent();
        if unsent == 0
            && self.out.eof
            && (o.udp || !o.wait_ack || self.flow.conn_acked >= self.flow.conn_sent)
        {
            return Ok(Turn::Done);
        }
        // With --wait-ack, everything handed over but not yet acknowledged: the wait below polls,
        // and a connection lost meanwhile is reconnected like one lost while sending.
        if self.s.interrupted() {
            return Err(Stop::lost(Loss::Interrupted, "interrupted"));
        }
        if let Some(stop) = ended_by_urc(self.s, o.id) {
            return Err(stop);
        }

        let held = if o.udp {
            0
        } else {
            self.flow.unacked_bound() as usize
        };
        let room = self.window.saturating_sub(held);
        let mut want = unsent.min(self.chunk_max);
        if room < want && self.fixed_window.is_none() && room >= self.chunk_max / 2 && room > 0 {
            // Not a user's fixed window: a shorter chunk now keeps the module's buffer full;
            // waiting for room for a whole one would let a link whose round trip holds most of
            // the buffer run dry.
            want = room;
        }
        if want > 0 && room >= want {
            if !o.udp {
                // A datagram's bounds are the user's; a stream's chunks are ours to cut.
                want = self.out.lf_safe_len(want);
            }
            self.send_chunk(want)?;
            return Ok(Turn::Again);
        }

        // Window full (or everything sent and --wait-ack): ask how far the peer has
        // acknowledged when the acknowledgement rate says there will be room (at once when it
        // already should be), never sooner than --poll-min after the previous poll.
        let needed = if want == 0 {
            held as u64
        } else {
            (held + want).saturating_sub(self.window) as u64
        };
        let at = self.pacer.next_poll(o, needed);
        if self.s.now() < at {
            let r = self.s.pump(at);
            r.map_err(|e| session_stop(self.s, e))?;
            return Ok(Turn::Again);
        }
        if self.s.urcs().any(|u| urc_end(u, o.id).is_some()) {
            // The next turn handles it.
            return Ok(Turn::Again);
        }
        let polled = self.poll().map_err(|e| session_stop(self.s, e))?;
        self.pacer
            .polled(o, self.s.now(), polled.unwrap_or(0), self.flow.conn_acked);
        match polled {
            Some(progress) if progress > 0 => {
                self.last_progress = self.s.now();
                self.out.trim(self.flow.acked_offset());
                self.progress();
                Ok(Turn::Again)
            }
            Some(_) if self.s.now().saturating_duration_since(self.last_progress) >= o.ack_timeout => {
                Err(Stop::lost(
                    Loss::AckStall,
                    format!(
                        "{} bytes still unacknowledged after {} without progress",
                        self.flow.conn_sent - self.flow.conn_acked,
                        humantime::format_duration(o.ack_timeout)
                    ),
                ))
            }
            Some(_) => Ok(Turn::Again),
            // QISACK answered ERROR: the connection is gone.
            None => Err(ended_by_urc(self.s, o.id)
                .unwrap_or_else(|| Stop::lost(Loss::Gone, "the connection is gone (QISACK answered ERROR)"))),
        }
    }

    fn send_chunk(&mut self, n: usize) -> std::result::Result<(), Stop> {
        self.out.peek(n, &mut self.chunk);
        match qisend(self.s, self.o.id, &self.chunk, self.echoed) {
            // Firmware differs in its largest QISEND (1460 on an M95; less on others [INF], sim
            // --qisend-max): ERROR to the length with the connection open took nothing, so
            // halve the chunk and go on. Below SMALLEST_CHUNK it is a refusal after all.
            Err(Stop::Lost {
                reason: Loss::LengthRefused,
                ..
            }) if n > SMALLEST_CHUNK => {
                self.chunk_max = (n / 2).max(SMALLEST_CHUNK);
                return Ok(());
            }
            r => r?,
        }
        self.out.sent(n, self.o.udp);
        self.flow.conn_sent += n as u64;
        self.rep.chunks += 1;
        self.rep.bytes_written += n as u64;
        self.progress();
        Ok(())
    }

    fn progress(&mut self) {
        self.ev.progress(SendProgress {
            sent: self.out.next,
            acked: self.flow.acked_offset(),
            total: self.o.total,
        });
    }

    /// Poll QISACK: `Some(newly acknowledged bytes of ours)`, `None` when the connection is gone.
    fn poll(&mut self) -> Result<Option<u64>> {
        self.rep.polls += 1;
        Ok(qisack(self.s, self.o.id)?.map(|sack| self.flow.acknowledged(sack)))
    }

    /// With `--reconnect`: close, reopen the same destination and rewind to the first
    /// unacknowledged byte. Returns the stop to report when reconnecting is not allowed or fails.
    fn reconnect(&mut self, stop: Stop) -> std::result::Result<(), Stop> {
        let o = self.o;
        let (Stop::Lost { reason, message }, Some(copts)) = (&stop, &o.reconnect) else {
            return Err(stop);
        };
        if *reason == Loss::Interrupted || self.rep.reconnects.len() as u32 >= o.max_reconnects {
            return Err(stop);
        }
        // One last QISACK may still tell how far the peer got (not after a close: counters reset).
        if matches!(reason, Loss::AckStall | Loss::Refused | Loss::LengthRefused) {
            let _ = self.poll();
        }
        let resume = self.flow.acked_offset();
        let r = Reconnect {
            resume_offset: resume,
            reason: message.clone(),
        };
        self.ev.reconnecting(&r);
        self.rep.reconnects.push(r);
        let failed = |e: Error| Stop::Lost {
            reason: *reason,
            message: format!("{message}; reconnect failed: {}", e.message),
        };
        if self.s.rebooted() {
            // The module rebooted: wait until it answers and is back on the network (its
            // settings are the saved ones again: payload echo on).
            self.s.clear_rebooted();
            after_reboot(self.s).map_err(failed)?;
        } else {
            close_quiet(self.s, o.id);
        }
        self.s.take_urcs();
        if connect(self.s, copts).is_err() {
            // Try once more from a clean context (chapter 3: QIDEACT, then open again).
            let _ = deact(self.s);
            connect(self.s, copts).map_err(failed)?;
        }
        self.out.rewind(resume);
        self.flow = Flow::open(self.s, o, resume).map_err(Stop::Fatal)?;
        Ok(())
    }

    /// The report, and the error for a stop.
    fn finish(self, result: std::result::Result<(), Stop>, started: Instant) -> Reported<SendReport> {
        let o = self.o;
        let mut rep = self.rep;
        let next = self.out.next;
        rep.sent_offset = next;
        rep.bytes_sent = next - o.offset;
        if o.udp {
            rep.acked_offset = None;
        } else {
            let acked = self.flow.acked_offset();
            rep.acked_offset = Some(acked);
            rep.bytes_acked = Some(acked - o.offset);
            rep.bytes_unacked = Some(next - acked);
        }
        rep.window_final = self.window;
        rep.duration_s = self.s.now().saturating_duration_since(started).as_secs_f64();
        let good = if o.udp {
            rep.bytes_sent
        } else {
            rep.bytes_acked.unwrap_or(0)
        };
        rep.goodput_bps = good as f64 / rep.duration_s.max(1e-6);
        let (class, msg) = match result {
            Ok(()) => {
                rep.complete = o.udp || !o.wait_ack || rep.bytes_unacked == Some(0);
                return Ok(rep);
            }
            Err(Stop::Lost { reason, message }) => (reason.class(), message),
            Err(Stop::Fatal(e)) => (e.class, e.message),
        };
        let resume = rep.acked_offset.unwrap_or(rep.sent_offset);
        let e = Error::new(class, format!("{msg}; acknowledged up to offset {resume}"));
        Err(Failed::new(e, rep))
    }
}

/// When to poll QISACK: when the acknowledgement rate predicts the bytes we wait for (counted
/// from the last poll that saw progress), never sooner than `poll_min` after the previous poll,
/// never later than `poll_max`, and backing off (doubling from `max(poll_min, 5 ms)`) while polls
/// show no progress.
///
/// The rate is measured only once acknowledgements flow, over at least a chunk's worth of them,
/// and the highest of the last few samples is used, not an average: while the sender waits for
/// a poll the link may idle, so an average would measure the sender's own pace and slow it
/// further; the peak measures what the link can acknowledge.
/// The fraction of the predicted wait after which the pacer polls (see [`Pacer::next_poll`]).
const EARLY: f64 = 0.7;

/// The shortest interval between polls after one that found nothing, and the floor of
/// `--poll-max` (0 would poll back to back). See [`Pacer::next_poll`].
const FOLLOW_UP: Duration = Duration::from_millis(5);

struct Pacer {
    last_poll: Instant,
    /// The last poll that found progress: the predicted wait counts from the acknowledgements
    /// seen then, not from a later poll that found nothing (that would push the next poll a
    /// whole predicted interval past an early miss: on EDGE-like, every other poll missed and
    /// the module's buffer waited ~40 ms per acknowledgement step).
    anchor: Instant,
    /// Until when the step the last prediction waited for is still due (twice the full
    /// predicted wait after `anchor`): misses before then are followed up every `follow_every`.
    due_until: Option<Instant>,
    /// A tenth of the full predicted wait, at least [`FOLLOW_UP`]: a step is seen at most that
    /// late, for a few polls per step (a fixed 5 ms polled 5-6 times as often on GPRS-like).
    follow_every: Duration,
    backoff: Duration,
    rates: [f64; 8],
    n: usize,
    /// (time, acknowledged bytes on this connection) where the current rate sample started.
    sample: Option<(Instant, u64)>,
    min_sample: u64,
}

impl Pacer {
    fn new(now: Instant, min_sample: usize) -> Pacer {
        Pacer {
            last_poll: now,
            anchor: now,
            due_until: None,
            follow_every: FOLLOW_UP,
            backoff: Duration::ZERO,
            rates: [0.0; 8],
            n: 0,
            sample: None,
            min_sample: min_sample.max(1) as u64,
        }
    }

    fn rate(&self) -> Option<f64> {
        let r = self.rates.iter().copied().fold(0.0, f64::max);
        (r > 0.0).then_some(r)
    }

    /// When to poll next, waiting for `needed` more acknowledged bytes.
    fn next_poll(&mut self, o: &SendOptions, needed: u64) -> Instant {
        let full = self
            .rate()
            .map(|r| Duration::from_secs_f64((needed as f64 / r).min(3600.0)));
        // A little early: acknowledgements come in steps (one per TCP segment), and a poll that
        // lands just after a step keeps the module's buffer fuller than one that trails it by a
        // constant phase.
        let predicted = full.map_or(Duration::ZERO, |f| f.mul_f64(EARLY));
        // A poll that finds nothing is followed up shortly while the step is still due (up to
        // twice the full predicted wait); only after that does the back-off grow. Doubling from
        // the first miss left the step found up to 20 ms late on EDGE-like (0.90 of the
        // bottleneck).
        self.due_until = full.map(|f| self.anchor + f * 2);
        self.follow_every = full.map_or(FOLLOW_UP, |f| (f / 10).max(FOLLOW_UP));
        let follow_up = self.last_poll + self.backoff.max(o.poll_min);
        (self.anchor + predicted)
            .max(follow_up)
            .min(self.last_poll + o.poll_max.max(o.poll_min).max(FOLLOW_UP))
    }

    /// A poll answered at `now` with `progress` newly acknowledged bytes of ours.
    fn polled(&mut self, o: &SendOptions, now: Instant, progress: u64, conn_acked: u64) {
        self.last_poll = now;
        if progress > 0 {
            self.anchor = now;
        }
        if self.sample.is_some_and(|(_, a)| conn_acked < a) {
            // a new connection: its counters start again
            self.sample = None;
        }
        let first = o.poll_min.max(FOLLOW_UP);
        if progress == 0 {
            let due = self.due_until.is_some_and(|d| now < d);
            self.backoff = if due {
                self.follow_every.max(o.poll_min)
            } else if self.backoff.is_zero() {
                first
            } else {
                self.backoff * 2
            }
            .min(o.poll_max.max(o.poll_min).max(FOLLOW_UP));
            return;
        }
        match self.sample {
            None => {
                // acknowledgements start flowing: measure from here
                self.sample = Some((now, conn_acked));
                self.backoff = if self.rate().is_some() {
                    Duration::ZERO
                } else {
                    first
                };
            }
            Some((t, a)) if conn_acked - a >= self.min_sample => {
                let dt = now.duration_since(t).as_secs_f64().max(1e-4);
                self.rates[self.n % self.rates.len()] = (conn_acked - a) as f64 / dt;
                self.n += 1;
                self.sample = Some((now, conn_acked));
                self.backoff = Duration::ZERO;
            }
            Some(_) => {
                if self.rate().is_none() {
                    self.backoff = first;
                } else {
                    self.backoff = Duration::ZERO;
                }
            }
        }
    }
}

fn read_some<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// The shortest chunk tried when the module refuses a QISEND length.
const SMALLEST_CHUNK: usize = 64;

/// One QISEND: command, prompt, exactly the chunk, SEND OK.
fn qisend(s: &mut Session, id: Option<u8>, chunk: &[u8], echoed: bool) -> std::result::Result<(), Stop> {
    let cmd = At::Send { id, len: chunk.len() };
    // From the command on, the module may count bytes: prompt and data are never interrupted.
    s.hold_interrupt(true);
    let r = qisend_phases(s, id, &cmd, chunk, echoed);
    s.hold_interrupt(false);
    r
}

fn qisend_phases(
    s: &mut Session,
    id: Option<u8>,
    cmd: &At,
    chunk: &[u8],
    echoed: bool,
) -> std::result::Result<(), Stop> {
    let r = s.run(cmd).map_err(|e| session_stop(s, e))?;
    match r.outcome() {
        Outcome::Prompt => {}
        Outcome::Error => {
            let stop = refused(
                s,
                id,
                "the module refused AT+QISEND (ERROR): is the connection open?".into(),
            );
            return Err(match stop {
                Stop::Lost {
                    reason: Loss::Refused,
                    message,
                } => Stop::lost(Loss::LengthRefused, message),
                other => other,
            });
        }
        o => {
            let e = Error::protocol(format!("{}: unexpected {}", s.line(cmd), describe(o)));
            return Err(session_stop(s, e));
        }
    }
    // From here the module counts bytes: the chunk is always completed, even when interrupted.
    match s.send_payload(chunk, echoed) {
        Ok(Outcome::Qi {
            result: QiResult::SendOk,
            ..
        }) => Ok(()),
        Ok(Outcome::Qi {
            result: QiResult::SendFail,
            ..
        }) => Err(refused(
            s,
            id,
            "SEND FAIL: the module's send buffer is full or the connection is failing".into(),
        )),
        Ok(o) => Err(refused(
            s,
            id,
            format!("the module answered {} to the data", describe(&o)),
        )),
        Err(e) => Err(session_stop(s, e)),
    }
}

/// SEND FAIL or ERROR to QISEND: a lost connection when a URC or (single mode) QISTAT says so —
/// the `CLOSED` URC may come after the refusal — otherwise a refusal.
fn refused(s: &mut Session, id: Option<u8>, why: String) -> Stop {
    if let Some(stop) = ended_by_urc(s, id) {
        return stop;
    }
    if id.is_none() {
        let st = match qistat(s) {
            Ok(st) => st,
            Err(e) => return session_stop(s, e),
        };
        match st.state {
            IpState::ConnectOk => {}
            IpState::PdpDeact => {
                return Stop::lost(
                    Loss::Ended(StopReason::PdpDeact),
                    format!("{why}; the context is deactivated (PDP DEACT)"),
                )
            }
            // A connection that is gone is "connection lost", not "refused".
            _ => {
                return ended_by_urc(s, id).unwrap_or_else(|| {
                    Stop::lost(
                        Loss::Gone,
                        format!("{why}; no open connection (the module is in state {:?})", st.text),
                    )
                })
            }
        }
    }
    Stop::lost(Loss::Refused, why)
}

/// After a reboot: synchronise, switch payload echo off again, and wait (at most a minute) for
/// registration and GPRS attach.
fn after_reboot(s: &mut Session) -> Result<()> {
    sync(s, &SyncOptions::default())?;
    let _ = s.run(&At::PayloadEcho(false))?;
    await_network(s, Duration::from_secs(60), Duration::from_millis(200))
        .map(|_| ())
        .map_err(|f| Error::new(f.error.class, format!("{} after the reboot", f.error.message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(min_ms: u64, max_ms: u64) -> SendOptions {
        SendOptions {
            poll_min: Duration::from_millis(min_ms),
            poll_max: Duration::from_millis(max_ms),
            ..Default::default()
        }
    }

    #[test]
    fn pacer_backs_off_while_nothing_moves() {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1460);
        // No rate yet: poll at once (after poll_min).
        assert_eq!(p.next_poll(&o, 1000), t0 + Duration::from_millis(1));
        let mut waits = Vec::new();
        for _ in 0..12 {
            p.polled(&o, t0, 0, 0);
            waits.push(p.next_poll(&o, 1000) - t0);
        }
        assert_eq!(waits[0], Duration::from_millis(5));
        assert_eq!(waits[1], Duration::from_millis(10));
        assert_eq!(waits[2], Duration::from_millis(20));
        assert_eq!(
            *waits.last().unwrap(),
            Duration::from_millis(5000),
            "capped at poll_max"
        );
    }

    /// A pacer that has seen acknowledgements start flowing, then 10 000 bytes in 1 s (10 kB/s):
    /// it, its options and the time of its last poll.
    fn pacer_at_10_kbps() -> (Pacer, SendOptions, Instant) {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1000);
        p.polled(&o, t0, 500, 500);
        let t1 = t0 + Duration::from_secs(1);
        p.polled(&o, t1, 10_000, 10_500);
        (p, o, t1)
    }

    #[test]
    fn pacer_predicts_from_the_acknowledgement_rate() {
        let (mut p, o, t1) = pacer_at_10_kbps();
        // 5000 more bytes at 10 kB/s: half a second after this poll, polled a little early.
        assert_eq!(p.next_poll(&o, 5000), t1 + Duration::from_secs_f64(0.5 * EARLY));
        // Never later than poll_max, never sooner than poll_min.
        assert_eq!(p.next_poll(&o, 10_000_000), t1 + Duration::from_millis(5000));
        assert_eq!(p.next_poll(&o, 0), t1 + Duration::from_millis(1));
    }

    #[test]
    fn pacer_follows_an_early_miss_up_shortly() {
        let (mut p, o, t1) = pacer_at_10_kbps();
        // 1000 bytes are predicted 0.1 s after t1, polled at 0.07 s; that poll finds
        // nothing, so the next follows a tenth of the prediction (10 ms) later, not another
        // 0.07 s, and so on while the step is due (up to 0.2 s after t1).
        let early = p.next_poll(&o, 1000);
        assert_eq!(early, t1 + Duration::from_secs_f64(0.1 * EARLY));
        let mut t = early;
        for _ in 0..4 {
            p.polled(&o, t, 0, 10_500);
            let next = p.next_poll(&o, 1000);
            assert_eq!(next, t + Duration::from_millis(10));
            t = next;
        }
        // Overdue (past twice the prediction): the back-off grows again.
        let late = t1 + Duration::from_millis(200);
        p.polled(&o, late, 0, 10_500);
        assert!(p.next_poll(&o, 1000) - late > Duration::from_millis(5));
    }

    #[test]
    fn pacer_follow_ups_respect_poll_min_and_a_zero_poll_max() {
        // --poll-min 50ms: a miss is followed up no sooner than that.
        let (mut p, _, _) = pacer_at_10_kbps();
        let slow = opts(50, 5000);
        let early = p.next_poll(&slow, 1000);
        p.polled(&slow, early, 0, 10_500);
        assert_eq!(p.next_poll(&slow, 1000), early + Duration::from_millis(50));
        // --poll-max 0: polls come at most every FOLLOW_UP, not back to back.
        let (mut p, _, t1) = pacer_at_10_kbps();
        let zero = opts(0, 0);
        let at = p.next_poll(&zero, 1000);
        assert_eq!(at, t1 + FOLLOW_UP);
        p.polled(&zero, at, 0, 10_500);
        assert_eq!(p.next_poll(&zero, 1000), at + FOLLOW_UP);
    }

    #[test]
    fn pacer_keeps_the_peak_rate_not_the_average() {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1000);
        p.polled(&o, t0, 1, 1);
        // 20 kB/s, then 2 kB/s while the sender idled: the link can do 20.
        p.polled(&o, t0 + Duration::from_secs(1), 20_000, 20_001);
        let t2 = t0 + Duration::from_secs(2);
        p.polled(&o, t2, 2_000, 22_001);
        assert_eq!(p.next_poll(&o, 2000), t2 + Duration::from_secs_f64(0.1 * EARLY));
    }

    #[test]
    fn outbox_keeps_what_is_unacknowledged_and_rewinds() {
        let mut src = std::io::Cursor::new((0..=255u8).cycle().take(5000).collect::<Vec<_>>());
        let mut out = Outbox::new(100, 4000);
        out.fill(&mut src, 1460).unwrap();
        assert_eq!(out.unsent(), 1461, "a chunk and the byte after it");
        let mut c = Vec::new();
        out.peek(1000, &mut c);
        assert_eq!(c[0], 0);
        out.sent(1000, false);
        assert_eq!(out.next, 1100);
        out.trim(600); // acknowledged up to source offset 600
        assert_eq!(out.start, 600);
        out.rewind(600);
        out.peek(10, &mut c);
        assert_eq!(
            c[0],
            (500 % 256) as u8,
            "resends from the first unacknowledged byte"
        );
        out.sent(10, true); // UDP: forgotten once sent
        assert_eq!(out.start, 610);
    }

    #[test]
    fn chunks_are_cut_so_the_next_does_not_start_with_lf() {
        let mut data = vec![b'x'; 20];
        data[10] = b'\n';
        data[9] = b'\n';
        let mut out = Outbox::new(0, 100);
        out.fill(&mut std::io::Cursor::new(data), 10).unwrap();
        assert_eq!(
            out.lf_safe_len(10),
            8,
            "bytes 9 and 10 are LF: the next chunk starts at 8"
        );
        assert_eq!(out.lf_safe_len(5), 5);
        let mut all_lf = Outbox::new(0, 100);
        all_lf
            .fill(&mut std::io::Cursor::new(vec![b'\n'; 20]), 10)
            .unwrap();
        assert_eq!(all_lf.lf_safe_len(10), 10, "nothing better exists");
    }
}
