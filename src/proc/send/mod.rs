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

mod outbox;
mod pacer;

use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::family::{connection_status, Acked, Sent, SocketState, Status};
use crate::proc::common::{
    await_network, close_quiet, connection_end, frame_direct_mode, sync, urc_end, StopReason, SyncOptions,
};
use crate::proc::connect::{connect, ConnectOptions};
use crate::proc::state::Sack;
use crate::session::Session;
use outbox::Outbox;
use pacer::Pacer;
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
    /// What was done to the module's settings (headers switched on in direct mode).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
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
            let f = s.family();
            match f.acknowledged(s, o.id)? {
                Acked::Counters(b) => b,
                Acked::NoSocket => {
                    let refused = format!("{} answered ERROR", f.words().counters);
                    // Gone because the network took its context (said to an earlier process, or
                    // to nobody): 7, as a refused chunk's reading of the state says ([`refused`]).
                    let lost = matches!(
                        connection_status(s, o.id, true),
                        Ok(Status::Ended(StopReason::PdpDeact))
                            | Ok(Status::State(crate::family::SocketStatus {
                                state: SocketState::ContextLost,
                                ..
                            }))
                    );
                    return Err(if lost {
                        Error::new(
                            ErrorClass::PdpContext,
                            format!(
                                "no open connection to send on ({refused}): the context is deactivated ({})",
                                f.words().context_lost
                            ),
                        )
                        .with_cause(Cause::ContextLost)
                    } else {
                        Error::new(
                            ErrorClass::ConnectionLost,
                            format!("no open connection to send on ({refused})"),
                        )
                        .with_cause(Cause::NoConnection)
                    });
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
    /// SEND FAIL on a family whose SEND FAIL means "the send buffer is full, retry later" (ctx,
    /// research §1.7) while the connection is open: backed off and retried.
    BufferFull,
    /// SIGINT/SIGTERM.
    Interrupted,
}

impl Loss {
    fn class(self) -> ErrorClass {
        match self {
            Loss::Ended(StopReason::PdpDeact) => ErrorClass::PdpContext,
            Loss::Ended(_) | Loss::Gone => ErrorClass::ConnectionLost,
            Loss::AckStall => ErrorClass::NotAcknowledged,
            Loss::Refused | Loss::LengthRefused | Loss::BufferFull => ErrorClass::SendRefused,
            Loss::Interrupted => ErrorClass::Interrupted,
        }
    }
}

impl Stop {
    fn ended(reason: StopReason, w: &crate::family::Words) -> Stop {
        Stop::Lost {
            reason: Loss::Ended(reason),
            message: reason.said(w),
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
        Stop::ended(StopReason::Rebooted, s.family().words())
    } else {
        Stop::Fatal(e)
    }
}

/// URCs that end the connection, taken from the session's queue.
fn ended_by_urc(s: &mut Session, id: Option<u8>) -> Option<Stop> {
    let end = connection_end(s, id)?;
    s.take_urcs();
    Some(Stop::ended(end, s.family().words()))
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
    // Payloads must not come back (ATE1 with QISDE=1); where they do anyway, they are taken
    // by count.
    let f = s.family();
    let echoed = f.prepare_send(s)?;
    let framed = frame_direct_mode(s)?;
    let flow = Flow::open(s, o, o.offset).map_err(|e| {
        // Nothing was sent: the report says so (resume from where this run started).
        let nothing = SendReport {
            offset: o.offset,
            sent_offset: o.offset,
            acked_offset: (!o.udp).then_some(o.offset),
            bytes_acked: (!o.udp).then_some(0),
            bytes_unacked: (!o.udp).then_some(0),
            actions: framed.iter().cloned().collect(),
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
            actions: framed.into_iter().collect(),
            ..Default::default()
        },
        fixed_window,
        window: fixed_window.unwrap_or(o.send_buffer),
        chunk_max,
        echoed,
        pacer: Pacer::new(now, chunk_max),
        full_backoff: Duration::ZERO,
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
    /// The wait after the last SEND FAIL of a full buffer (zero once a chunk went through).
    full_backoff: Duration,
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
            None => Err(ended_by_urc(self.s, o.id).unwrap_or_else(|| {
                let counters = self.s.family().words().counters;
                Stop::lost(
                    Loss::Gone,
                    format!("the connection is gone ({counters} answered ERROR)"),
                )
            })),
        }
    }

    fn send_chunk(&mut self, n: usize) -> std::result::Result<(), Stop> {
        self.out.peek(n, &mut self.chunk);
        match send_one(self.s, self.o.id, &self.chunk, self.echoed) {
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
            Err(Stop::Lost {
                reason: Loss::BufferFull,
                message,
            }) => return self.back_off_full(message),
            r => r?,
        }
        self.full_backoff = Duration::ZERO;
        self.out.sent(n, self.o.udp);
        self.flow.conn_sent += n as u64;
        self.rep.chunks += 1;
        self.rep.bytes_written += n as u64;
        self.progress();
        Ok(())
    }

    /// The module's send buffer is full: wait (doubling from [`FULL_BACKOFF_MIN`] up to
    /// `--poll-max`), read the counters, and let the next turn try the chunk again; no
    /// acknowledgement progress for `--ack-timeout` makes it a refusal (10).
    fn back_off_full(&mut self, message: String) -> std::result::Result<(), Stop> {
        if self.s.now().saturating_duration_since(self.last_progress) >= self.o.ack_timeout {
            return Err(Stop::lost(Loss::Refused, message));
        }
        self.full_backoff =
            (self.full_backoff * 2).clamp(FULL_BACKOFF_MIN, self.o.poll_max.max(FULL_BACKOFF_MIN));
        let until = self.s.now() + self.full_backoff;
        while self.s.now() < until {
            self.s.pump(until).map_err(|e| session_stop(self.s, e))?;
            if self.s.urcs().any(|u| urc_end(u, self.o.id).is_some()) {
                // The next turn says why the connection ended.
                return Ok(());
            }
        }
        if let Some(progress) = self.poll().map_err(|e| session_stop(self.s, e))? {
            if progress > 0 {
                self.last_progress = self.s.now();
                self.out.trim(self.flow.acked_offset());
                self.progress();
            }
        }
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
        let f = self.s.family();
        Ok(match f.acknowledged(self.s, self.o.id)? {
            Acked::Counters(sack) => Some(self.flow.acknowledged(sack)),
            Acked::NoSocket => None,
        })
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
            let f = self.s.family();
            let _ = f.deactivate(self.s);
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

/// The first wait after a SEND FAIL of a full buffer ([`Loss::BufferFull`]).
const FULL_BACKOFF_MIN: Duration = Duration::from_millis(50);

/// The shortest chunk tried when the module refuses a QISEND length.
const SMALLEST_CHUNK: usize = 64;

/// Hand one chunk to the module ([`crate::family::Family::send_chunk`]); a refusal is read
/// against the connection's state ([`refused`]).
fn send_one(s: &mut Session, id: Option<u8>, chunk: &[u8], echoed: bool) -> std::result::Result<(), Stop> {
    let f = s.family();
    let why = match f.send_chunk(s, id, chunk, echoed) {
        Ok(Sent::Sent) => return Ok(()),
        Err(e) => return Err(session_stop(s, e)),
        Ok(Sent::Refused(answer)) => {
            let answer = answer.unwrap_or_else(|| "ERROR".into());
            let stop = held(s, |s| {
                refused(
                    s,
                    id,
                    format!("the module refused AT+QISEND ({answer}): is the connection open?"),
                )
            });
            return Err(match stop {
                Stop::Lost {
                    reason: Loss::Refused,
                    message,
                } => Stop::lost(Loss::LengthRefused, message),
                other => other,
            });
        }
        Ok(Sent::BufferFull) => {
            let why = "SEND FAIL: the module's send buffer is full or the connection is failing".to_string();
            let stop = held(s, |s| refused(s, id, why));
            return Err(match stop {
                Stop::Lost {
                    reason: Loss::Refused,
                    message,
                } if f.send_fail_is_transient() => Stop::lost(Loss::BufferFull, message),
                other => other,
            });
        }
        Ok(Sent::DataRefused(answer)) => format!("the module answered {answer} to the data"),
    };
    Err(held(s, |s| refused(s, id, why)))
}

/// Run `f` with interrupts held: the reading of a refusal completes whatever happens.
fn held<T>(s: &mut Session, f: impl FnOnce(&mut Session) -> T) -> T {
    s.hold_interrupt(true);
    let r = f(s);
    s.hold_interrupt(false);
    r
}

/// A refused chunk: a lost connection when a URC or the socket's state says so (the `CLOSED`
/// URC may come after the refusal), otherwise a refusal.
fn refused(s: &mut Session, id: Option<u8>, why: String) -> Stop {
    match connection_status(s, id, true) {
        Err(e) => session_stop(s, e),
        Ok(Status::Ended(end)) => {
            s.take_urcs();
            Stop::ended(end, s.family().words())
        }
        Ok(Status::Unknown) => Stop::lost(Loss::Refused, why),
        Ok(Status::State(st)) => match st.state {
            SocketState::Connected => Stop::lost(Loss::Refused, why),
            SocketState::ContextLost => Stop::lost(
                Loss::Ended(StopReason::PdpDeact),
                format!(
                    "{why}; the context is deactivated ({})",
                    s.family().words().context_lost
                ),
            ),
            // A connection that is gone is "connection lost", not "refused".
            _ => Stop::lost(
                Loss::Gone,
                format!("{why}; no open connection (the module is in state {:?})", st.text),
            ),
        },
    }
}

/// After a reboot: synchronise, switch payload echo off again, and wait (at most a minute) for
/// registration and GPRS attach.
fn after_reboot(s: &mut Session) -> Result<()> {
    sync(s, &SyncOptions::default())?;
    let f = s.family();
    f.prepare_send(s)?;
    // Framing switched on before the reboot may be gone with it.
    frame_direct_mode(s)?;
    await_network(s, Duration::from_secs(60), Duration::from_millis(200))
        .map(|_| ())
        .map_err(|f| Error::new(f.error.class, format!("{} after the reboot", f.error.message)))
}
