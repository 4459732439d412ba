//! Send with acknowledgement flow control (recommended process, chapters 4 and 6).
//!
//! Always fixed-length QISEND (binary-safe) in chunks of at most 1460 bytes. The bytes the
//! module holds unacknowledged are kept under a window: our count of them is an upper bound
//! (bytes sent minus the last acknowledged count seen), so a window no larger than the module's
//! send buffer can never overflow it. The window starts at the document's 3000 and grows one
//! chunk at a time up to the send buffer while the link keeps acknowledging (unless the user fixed
//! it with `--window`). QISACK is polled only when the window is full, first soon, then at the
//! pace the observed acknowledgement rate predicts, backing off towards the document's 5 s when
//! nothing moves. The stall rule is the document's: no progress for `ack_timeout` means the
//! connection is dead. Unacknowledged bytes stay in memory (at most the send buffer plus a chunk),
//! so a reconnect resends from the first unacknowledged byte whatever the source (stdin too).

use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::proc::connect::{close_quiet, connect, ConnectOptions};
use crate::proc::state::{qisack, Sack};
use crate::session::{describe, Expect, Outcome, Session};
use crate::tokenizer::{QiResult, Urc};
use std::collections::VecDeque;
use std::io::Read;
use std::time::{Duration, Instant};

pub const MAX_CHUNK: usize = 1460;
pub const RECOMMENDED_WINDOW: usize = 3000;
pub const DEFAULT_SEND_BUFFER: usize = 7300;

#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Fixed window (`--window`); None adapts from 3000 up to `send_buffer`.
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
            poll_min: Duration::from_millis(1),
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
    fn unacked_bound(&self) -> u64 {
        // Everything the module holds: older unacknowledged bytes plus ours.
        (self.base.sent + self.conn_sent).saturating_sub(self.last_sack.acked.max(self.base.acked))
    }
}

enum Stop {
    /// The connection is lost (or the send must end) for this reason; `--reconnect` may resume.
    Lost(ErrorClass, String),
    /// An error no reconnect can help (device gone, module silent, bad data source).
    Fatal(Error),
}

/// What a session error inside the send means: an interrupt or a reboot is a stop like a lost
/// connection; anything else ends the send as it is.
fn session_stop(s: &mut Session, e: Error) -> Stop {
    if e.class == ErrorClass::Interrupted {
        Stop::Lost(ErrorClass::Interrupted, "interrupted".into())
    } else if s.rebooted() {
        Stop::Lost(ErrorClass::ConnectionLost, "the module rebooted (RDY)".into())
    } else {
        Stop::Fatal(e)
    }
}

/// Whether a URC that ends the connection is waiting (the loop's next turn handles it).
fn check_urcs_pending(s: &Session, id: Option<u8>) -> bool {
    s.urcs().any(|u| match u {
        Urc::Closed { index } => id.is_none() || *index == id || index.is_none(),
        Urc::PdpDeact | Urc::Rdy => true,
        _ => false,
    })
}

pub fn send<R: Read>(
    s: &mut Session,
    mut src: R,
    o: &SendOptions,
    ev: &mut dyn SendEvents,
) -> Reported<SendReport> {
    let started = Instant::now();
    let mut rep = SendReport {
        offset: o.offset,
        ..Default::default()
    };
    // Payload echo would come back with ATE1 and QISDE=1: switch it off; if the firmware does
    // not know QISDE, take the echo by count instead.
    let echoed = match s.cmd("AT+QISDE=0", Expect::Final) {
        Ok(r) if r.is_ok() => false,
        Ok(_) => s.echo_seen(),
        Err(e) => return Err(e.into()),
    };
    let fixed_window = o.window.map(|w| w.clamp(1, o.send_buffer));
    let mut window = fixed_window.unwrap_or(RECOMMENDED_WINDOW.min(o.send_buffer));
    let chunk_max = o.chunk.clamp(1, MAX_CHUNK);

    // Unacknowledged (or not yet sent) bytes: buffer[0] is at source offset `buf_start`.
    let mut buffer: VecDeque<u8> = VecDeque::with_capacity(o.send_buffer + chunk_max);
    let mut buf_start = o.offset;
    let mut next = o.offset; // source offset of the next byte to hand to the module
    let mut eof = false;

    let mut flow = new_flow(s, o, o.offset).map_err(|e| {
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
    let mut last_progress = Instant::now();
    let mut pacer = Pacer::new(Instant::now(), chunk_max);
    let mut chunk = Vec::with_capacity(chunk_max);

    // A session error inside the loop (no answer, device gone, interrupt, RDY) ends the send
    // through the same path as a lost connection, so the report (acknowledged offset) is kept;
    // a reboot may be reconnected from like CLOSED.
    macro_rules! reconnect_call {
        ($stop:expr) => {
            try_reconnect(
                s,
                o,
                &mut rep,
                &mut flow,
                &mut buffer,
                &mut buf_start,
                &mut next,
                $stop,
                ev,
            )
        };
    }
    // With --reconnect, reopen and go on from the first unacknowledged byte; else stop.
    macro_rules! reconnect_or_stop {
        ($l:lifetime, $stop:expr) => {
            match tri!($l, reconnect_call!($stop)) {
                Some(stop) => break $l Err(stop),
                None => {
                    last_progress = Instant::now();
                    continue $l;
                }
            }
        };
    }
    macro_rules! tri {
        ($l:lifetime, $e:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) => match session_stop(s, e) {
                    Stop::Fatal(e) => break $l Err(Stop::Fatal(e)),
                    stop => {
                        match reconnect_call!(stop) {
                            Ok(Some(stop)) => break $l Err(stop),
                            Ok(None) => {
                                last_progress = Instant::now();
                                continue $l;
                            }
                            Err(e) => break $l Err(Stop::Fatal(e)),
                        }
                    }
                },
            }
        };
    }

    let result: std::result::Result<(), Stop> = 'outer: loop {
        // Fill the buffer up to one chunk beyond what is unsent.
        let unsent = (buf_start + buffer.len() as u64 - next) as usize;
        if !eof && unsent < chunk_max {
            let mut tmp = [0u8; MAX_CHUNK];
            let want = chunk_max - unsent;
            match read_some(&mut src, &mut tmp[..want]) {
                Ok(0) => eof = true,
                Ok(n) => buffer.extend(&tmp[..n]),
                Err(e) => break 'outer Err(Stop::Fatal(Error::usage(format!("reading the data: {e}")))),
            }
            continue;
        }
        let unsent = (buf_start + buffer.len() as u64 - next) as usize;
        if unsent == 0 && eof && (o.udp || !o.wait_ack || flow.conn_acked >= flow.conn_sent) {
            break Ok(());
        }
        // With --wait-ack, everything handed over but not yet acknowledged: the wait below polls,
        // and a connection lost meanwhile is reconnected like one lost while sending.
        if s.interrupted() {
            break Err(Stop::Lost(ErrorClass::Interrupted, "interrupted".into()));
        }
        if let Some(stop) = check_urcs(s, o.id) {
            reconnect_or_stop!('outer, stop)
        }

        let held = if o.udp { 0 } else { flow.unacked_bound() as usize };
        let room = window.saturating_sub(held);
        let mut want = unsent.min(chunk_max);
        if room < want && fixed_window.is_none() && room >= chunk_max / 2 && room > 0 {
            // Adaptive window: a shorter chunk now keeps the module's buffer full; waiting for
            // room for a whole one would let a link whose round trip holds most of the buffer
            // run dry.
            want = room;
        }
        if want > 0 && room >= want {
            // Send one chunk.
            chunk.clear();
            let from = (next - buf_start) as usize;
            chunk.extend(buffer.range(from..from + want));
            match tri!('outer, qisend(s, o.id, &chunk, echoed)) {
                Ok(()) => {
                    next += want as u64;
                    flow.conn_sent += want as u64;
                    rep.chunks += 1;
                    rep.bytes_written += want as u64;
                    if o.udp {
                        // Nothing will acknowledge UDP: forget the bytes once sent.
                        buffer.drain(..want.min(buffer.len()));
                        buf_start += want as u64;
                    }
                    ev.progress(SendProgress {
                        sent: next,
                        acked: acked_offset(&flow),
                        total: o.total,
                    });
                }
                Err(stop) => {
                    reconnect_or_stop!('outer, stop)
                }
            }
            continue;
        }

        // Window full (or everything sent and --wait-ack): ask how far the peer has
        // acknowledged when the acknowledgement rate says there will be room (at once when it
        // already should be), never sooner than --poll-min after the previous poll.
        let needed = if want == 0 {
            held as u64
        } else {
            (held + want).saturating_sub(window) as u64
        };
        let at = pacer.next_poll(o, needed);
        if Instant::now() < at {
            tri!('outer, s.pump(at));
            continue;
        }
        if check_urcs_pending(s, o.id) {
            continue;
        }
        let polled = tri!('outer, poll(s, o, &mut flow, &mut rep));
        pacer.polled(o, Instant::now(), polled.unwrap_or(0), flow.conn_acked);
        match polled {
            Some(progress) if progress > 0 => {
                let now = Instant::now();
                last_progress = now;
                trim(&mut buffer, &mut buf_start, o.offset, &flow);
                if fixed_window.is_none() && window < o.send_buffer {
                    // The window, not the link, was the limit: let it grow (exact accounting
                    // keeps it within the module's buffer).
                    window = (window + chunk_max).min(o.send_buffer);
                }
                ev.progress(SendProgress {
                    sent: next,
                    acked: acked_offset(&flow),
                    total: o.total,
                });
            }
            Some(_) => {
                if last_progress.elapsed() >= o.ack_timeout {
                    let stop = Stop::Lost(
                        ErrorClass::NotAcknowledged,
                        format!(
                            "{} bytes still unacknowledged after {} without progress",
                            flow.conn_sent - flow.conn_acked,
                            humantime::format_duration(o.ack_timeout)
                        ),
                    );
                    reconnect_or_stop!('outer, stop)
                }
            }
            None => {
                // QISACK answered ERROR: the connection is gone.
                let stop = check_urcs(s, o.id).unwrap_or_else(|| {
                    Stop::Lost(
                        ErrorClass::ConnectionLost,
                        "the connection is gone (QISACK answered ERROR)".into(),
                    )
                });
                reconnect_or_stop!('outer, stop)
            }
        }
    };

    let mut result = result;
    if result.is_ok() && !o.udp && !o.wait_ack {
        // One last look so the report is current.
        if let Err(e) = poll(s, o, &mut flow, &mut rep) {
            result = Err(session_stop(s, e));
        }
    }

    rep.sent_offset = next;
    rep.bytes_sent = next - o.offset;
    if o.udp {
        rep.acked_offset = None;
    } else {
        let acked = acked_offset(&flow);
        rep.acked_offset = Some(acked);
        rep.bytes_acked = Some(acked - o.offset);
        rep.bytes_unacked = Some(next - acked);
    }
    rep.window_final = window;
    rep.duration_s = started.elapsed().as_secs_f64();
    let good = if o.udp {
        rep.bytes_sent
    } else {
        rep.bytes_acked.unwrap_or(0)
    };
    rep.goodput_bps = good as f64 / rep.duration_s.max(1e-6);
    match result {
        Ok(()) => {
            rep.complete = o.udp || !o.wait_ack || rep.bytes_unacked == Some(0);
            Ok(rep)
        }
        Err(stop) => {
            let (class, msg) = match stop {
                Stop::Lost(class, msg) => (class, msg),
                Stop::Fatal(e) => (e.class, e.message),
            };
            let resume = rep.acked_offset.unwrap_or(rep.sent_offset);
            let e = Error::new(class, format!("{msg}; acknowledged up to offset {resume}"));
            Err(Failed::new(e, rep))
        }
    }
}

/// When to poll QISACK: when the acknowledgement rate predicts the bytes we wait for, never
/// sooner than `poll_min` after the previous poll, never later than `poll_max`, and backing off
/// (doubling from `max(poll_min, 20 ms)`) while polls show no progress.
///
/// The rate is measured only once acknowledgements flow, over at least a chunk's worth of them,
/// and the highest of the last few samples is used, not an average: while the sender waits for
/// a poll the link may idle, so an average would measure the sender's own pace and slow it
/// further; the peak measures what the link can acknowledge.
struct Pacer {
    last_poll: Instant,
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
    fn next_poll(&self, o: &SendOptions, needed: u64) -> Instant {
        let predicted = match self.rate() {
            Some(r) => Duration::from_secs_f64((needed as f64 / r).min(3600.0)),
            None => Duration::ZERO,
        };
        let wait = predicted.min(o.poll_max).max(self.backoff).max(o.poll_min);
        self.last_poll + wait
    }

    /// A poll answered at `now` with `progress` newly acknowledged bytes of ours.
    fn polled(&mut self, o: &SendOptions, now: Instant, progress: u64, conn_acked: u64) {
        self.last_poll = now;
        if self.sample.is_some_and(|(_, a)| conn_acked < a) {
            // a new connection: its counters start again
            self.sample = None;
        }
        let first = o.poll_min.max(Duration::from_millis(20));
        if progress == 0 {
            self.backoff = if self.backoff.is_zero() {
                first
            } else {
                self.backoff * 2
            }
            .min(o.poll_max.max(o.poll_min));
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

fn acked_offset(f: &Flow) -> u64 {
    f.conn_start + f.conn_acked
}

fn read_some<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn new_flow(s: &mut Session, o: &SendOptions, start: u64) -> Result<Flow> {
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

/// Drop acknowledged bytes from the front of the buffer.
fn trim(buffer: &mut VecDeque<u8>, buf_start: &mut u64, _origin: u64, f: &Flow) {
    let acked = acked_offset(f);
    if acked > *buf_start {
        let n = ((acked - *buf_start) as usize).min(buffer.len());
        buffer.drain(..n);
        *buf_start += n as u64;
    }
}

/// Poll QISACK; `Some(newly acknowledged bytes of ours)`, `None` when the connection is gone.
fn poll(s: &mut Session, o: &SendOptions, f: &mut Flow, rep: &mut SendReport) -> Result<Option<u64>> {
    rep.polls += 1;
    let Some(sack) = qisack(s, o.id)? else {
        return Ok(None);
    };
    f.last_sack = sack;
    let ours = sack.acked.saturating_sub(f.base.sent).min(f.conn_sent);
    let progress = ours.saturating_sub(f.conn_acked);
    f.conn_acked = f.conn_acked.max(ours);
    Ok(Some(progress))
}

/// URCs that end the connection.
fn check_urcs(s: &mut Session, id: Option<u8>) -> Option<Stop> {
    let mut stop = None;
    for u in s.urcs() {
        match u {
            Urc::Closed { index } if id.is_none() || *index == id || index.is_none() => {
                stop = Some(Stop::Lost(
                    ErrorClass::ConnectionLost,
                    "the peer closed the connection (CLOSED)".into(),
                ));
            }
            Urc::PdpDeact => {
                stop = Some(Stop::Lost(
                    ErrorClass::PdpContext,
                    "the network deactivated the context (+PDP DEACT)".into(),
                ));
                break;
            }
            Urc::Rdy => {
                stop = Some(Stop::Lost(
                    ErrorClass::ConnectionLost,
                    "the module rebooted (RDY)".into(),
                ));
                break;
            }
            _ => {}
        }
    }
    if stop.is_some() {
        s.take_urcs();
    }
    // `CLOSED` comes before `+PDP DEACT` when the context goes: ask which it was.
    if id.is_none()
        && matches!(&stop, Some(Stop::Lost(ErrorClass::ConnectionLost, m)) if m.contains("CLOSED"))
    {
        if let Ok(st) = crate::proc::state::qistat(s) {
            if st.state == crate::proc::state::IpState::PdpDeact {
                s.take_urcs();
                stop = Some(Stop::Lost(
                    ErrorClass::PdpContext,
                    "the network deactivated the context (+PDP DEACT)".into(),
                ));
            }
        }
    }
    stop
}

/// One QISEND: command, prompt, exactly the chunk, SEND OK. `Ok(Err(stop))` when the module
/// refused it in a way that ends the connection.
fn qisend(
    s: &mut Session,
    id: Option<u8>,
    chunk: &[u8],
    echoed: bool,
) -> Result<std::result::Result<(), Stop>> {
    let cmd = match id {
        Some(i) => format!("AT+QISEND={i},{}", chunk.len()),
        None => format!("AT+QISEND={}", chunk.len()),
    };
    // From the command on, the module may count bytes: prompt and data are never interrupted.
    s.hold_interrupt(true);
    let r = qisend_phases(s, id, &cmd, chunk, echoed);
    s.hold_interrupt(false);
    r
}

fn qisend_phases(
    s: &mut Session,
    id: Option<u8>,
    cmd: &str,
    chunk: &[u8],
    echoed: bool,
) -> Result<std::result::Result<(), Stop>> {
    let r = match s.cmd(cmd, Expect::Prompt) {
        Ok(r) => r,
        Err(e) if e.class == ErrorClass::ModuleSilent && s.rebooted() => {
            return Ok(Err(Stop::Lost(
                ErrorClass::ConnectionLost,
                "the module rebooted (RDY)".into(),
            )))
        }
        Err(e) => return Err(e),
    };
    match r.outcome() {
        Outcome::Prompt => {}
        Outcome::Error => {
            return refused(
                s,
                id,
                "the module refused AT+QISEND (ERROR): is the connection open?".into(),
            )
            .map(Err)
        }
        o => return Err(Error::protocol(format!("{cmd}: unexpected {}", describe(o)))),
    }
    // From here the module counts bytes: the chunk is always completed, even when interrupted.
    match s.send_payload(chunk, echoed) {
        Ok(Outcome::Qi {
            result: QiResult::SendOk,
            ..
        }) => Ok(Ok(())),
        Ok(Outcome::Qi {
            result: QiResult::SendFail,
            ..
        }) => refused(
            s,
            id,
            "SEND FAIL: the module's send buffer is full or the connection is failing".into(),
        )
        .map(Err),
        Ok(o) => refused(s, id, format!("the module answered {} to the data", describe(&o))).map(Err),
        Err(e) if s.rebooted() => {
            let _ = e;
            Ok(Err(Stop::Lost(
                ErrorClass::ConnectionLost,
                "the module rebooted (RDY)".into(),
            )))
        }
        Err(e) => Err(e),
    }
}

/// SEND FAIL or ERROR to QISEND: a lost connection when a URC or (single mode) QISTAT says so —
/// the `CLOSED` URC may come after the refusal — otherwise a refusal.
fn refused(s: &mut Session, id: Option<u8>, why: String) -> Result<Stop> {
    if let Some(stop) = check_urcs(s, id) {
        return Ok(stop);
    }
    if id.is_none() {
        use crate::proc::state::{qistat, IpState};
        let st = qistat(s)?;
        match st.state {
            IpState::ConnectOk => {}
            IpState::PdpDeact => {
                return Ok(Stop::Lost(
                    ErrorClass::PdpContext,
                    format!("{why}; the context is deactivated (PDP DEACT)"),
                ))
            }
            // A connection that is gone is "connection lost", not "refused".
            _ => {
                return Ok(check_urcs(s, id).unwrap_or_else(|| {
                    Stop::Lost(
                        ErrorClass::ConnectionLost,
                        format!("{why}; no open connection (the module is in state {:?})", st.text),
                    )
                }))
            }
        }
    }
    Ok(Stop::Lost(ErrorClass::SendRefused, why))
}

/// With `--reconnect`: close, reopen the same destination and rewind to the first
/// unacknowledged byte. Returns the stop to report when reconnecting is not allowed or fails.
#[allow(clippy::too_many_arguments)]
fn try_reconnect(
    s: &mut Session,
    o: &SendOptions,
    rep: &mut SendReport,
    flow: &mut Flow,
    buffer: &mut VecDeque<u8>,
    buf_start: &mut u64,
    next: &mut u64,
    stop: Stop,
    ev: &mut dyn SendEvents,
) -> Result<Option<Stop>> {
    let Stop::Lost(class, reason) = &stop else {
        return Ok(Some(stop));
    };
    let Some(copts) = &o.reconnect else {
        return Ok(Some(stop));
    };
    if *class == ErrorClass::Interrupted || rep.reconnects.len() as u32 >= o.max_reconnects {
        return Ok(Some(stop));
    }
    // One last QISACK may still tell how far the peer got (not after a close: counters reset).
    if *class == ErrorClass::NotAcknowledged || *class == ErrorClass::SendRefused {
        let _ = poll(s, o, flow, rep);
    }
    trim(buffer, buf_start, o.offset, flow);
    let resume = acked_offset(flow);
    let r = Reconnect {
        resume_offset: resume,
        reason: reason.clone(),
    };
    ev.reconnecting(&r);
    rep.reconnects.push(r);
    if s.rebooted() {
        // The module rebooted: wait until it answers and is back on the network (its settings
        // are the saved ones again: payload echo on).
        s.clear_rebooted();
        if let Err(e) = await_ready(s) {
            return Ok(Some(Stop::Lost(
                class.to_owned(),
                format!("{reason}; reconnect failed: {}", e.message),
            )));
        }
    } else {
        close_quiet(s, o.id);
    }
    s.take_urcs();
    if let Err(e) = connect(s, copts) {
        let _ = e;
        // Try once more from a clean context (chapter 3: QIDEACT, then open again).
        let _ = crate::proc::attach::deact(s);
        if let Err(e) = connect(s, copts) {
            return Ok(Some(Stop::Lost(
                class.to_owned(),
                format!("{reason}; reconnect failed: {}", e.message),
            )));
        }
    }
    *next = resume;
    *flow = new_flow(s, o, resume)?;
    Ok(None)
}

/// After a reboot: synchronise, switch payload echo off again, and wait (at most a minute) for
/// registration and GPRS attach.
fn await_ready(s: &mut Session) -> Result<()> {
    use crate::proc::probe::{gprs_attached, reg_stat, registration, sync, SyncOptions};
    sync(s, &SyncOptions::default())?;
    let _ = s.cmd("AT+QISDE=0", Expect::Final)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let creg = reg_stat(s, "AT+CREG?", "+CREG:")?;
        let att = gprs_attached(s)?.unwrap_or(false);
        if registration(creg).registered && att {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::new(
                ErrorClass::Network,
                "not registered and attached within 1 min after the reboot",
            ));
        }
        s.pump(Instant::now() + Duration::from_millis(200))?;
    }
}
