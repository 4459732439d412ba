//! Transparent mode (recommended process, chapter 8; module.md §3.15).
//!
//! Setup is the module family's ([`crate::family::Family::enter_transparent`]; QI: QIMODE=1,
//! accepted only in IP INITIAL with QIMUX=0, so the context is deactivated first when needed,
//! and the report says so; QITCFG=3,<wait>,<packet size>,1; then QIOPEN through
//! [`crate::proc::connect::connect`] expecting `CONNECT`). An open transparent connection left
//! in command mode by an earlier run (QIMODE=1, CONNECT OK) is resumed with `ATO`.
//!
//! Bridge: input chunks go to the module as they come; the module's bytes go to the output.
//! The module's own reports in data mode (`CLOSED`, `+PDP DEACT`) look exactly like server data,
//! so a tail that could be one is held back ([`Holdback`]). When a complete one sits at the end
//! of the stream, chapter 8.2's check runs: `+++` with the guard times. `OK` means the module
//! was still in data mode and the words were the server's (they are output, and `ATO` resumes);
//! no `OK` means the module had already left data mode and they were its report (dropped).
//!
//! End: on input EOF (after `linger` of quiet), an interrupt or `duration`, leave data mode with
//! `+++` and the guard times and confirm `OK`; optionally QICLOSE. When the connection is gone
//! (closed by us, the peer or the network) QIMODE=0 is restored (QIDEACT first: QIMODE can only
//! change in IP INITIAL), so a later `send` finds non-transparent mode.

use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::family::{Closed, DataMode};
use crate::session::Session;
use crate::validate::Destination;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The QI family's reports that can appear in the data stream (single mode); each family names
/// its own ([`crate::family::Family::data_mode_markers`]).
pub const MARKERS: &[&[u8]] = &[b"\r\nCLOSED\r\n", b"\r\n0, CLOSED\r\n", b"\r\n+PDP DEACT\r\n"];

/// Markers: the module's reports that look like data.
pub type Markers = &'static [&'static [u8]];

/// The answer to a recognised `+++`.
const ESC_OK: &[u8] = b"\r\nOK\r\n";

/// An incomplete marker prefix (e.g. a trailing `\r\n`) is released after this long without
/// new bytes: the module writes its report in one go.
const PREFIX_HOLD: Duration = Duration::from_millis(200);

/// At most this many input bytes are taken from the input channel ahead of the module.
const INPUT_HELD: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct TransparentOptions {
    pub dest: Destination,
    pub udp: bool,
    /// Deadline for `CONNECT`; `None`: the family's own limit.
    pub connect_timeout: Option<Duration>,
    /// QITCFG WaitTm: send a partial packet after this long (100 ms units, 1..=10).
    pub wait: Duration,
    /// QITCFG SendSz: send at once when this many bytes collected (1..=1460).
    pub packet_size: u16,
    /// Silence before and after `+++`.
    pub guard: Duration,
    /// QICLOSE after leaving data mode.
    pub close: bool,
    /// End the session after this long.
    pub duration: Option<Duration>,
    /// After input EOF, keep reading until nothing arrived for this long.
    pub linger: Duration,
}

impl TransparentOptions {
    /// QITCFG's WaitTm in 100 ms units.
    pub fn wait_units(&self) -> u32 {
        ((self.wait.as_millis() + 50) / 100).clamp(1, 10) as u32
    }
}

/// Why a transparent session ended: one of [`StopReason`]'s `eof`, `duration`, `interrupted`,
/// `output_closed`, `closed`, `pdp_deact`.
pub use crate::proc::common::StopReason as EndReason;

/// The outcome of one chapter 8.2 check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MarkerCheck {
    /// The words seen (`CLOSED`, `+PDP DEACT`).
    pub markers: Vec<String>,
    /// `data`: `+++` got OK, they were the server's bytes; `module`: the module's report.
    pub verdict: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TransparentReport {
    pub host: String,
    pub port: u16,
    pub protocol: String,
    pub state_before: String,
    /// Server bytes written to the output.
    pub bytes_in: u64,
    /// Input bytes written to the module.
    pub bytes_out: u64,
    /// Input bytes not sent (arrived after the session ended or the connection was lost).
    pub bytes_unsent: u64,
    pub reason: Option<EndReason>,
    pub marker_checks: Vec<MarkerCheck>,
    /// Times data mode was resumed with ATO (after a check found the words were data).
    pub resumed: u32,
    /// The connection is still open (command mode, QIMODE=1) at the end.
    pub connection_open: bool,
    /// QIMODE is back to 0 (QI); null on ctx, where transparent mode is the socket's access
    /// mode and the socket is in buffer access after `+++`.
    pub qimode_restored: Option<bool>,
    /// Everything done to the module's settings and state, in order.
    pub actions: Vec<String>,
    pub duration_s: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TransparentEvent {
    /// In data mode; the bridge runs.
    Connected {
        resumed: bool,
    },
    /// Possible module report in the stream: running the `+++` check.
    Checking {
        markers: Vec<String>,
    },
    Checked(MarkerCheck),
    /// Leaving data mode (`+++`).
    Escaping {
        reason: EndReason,
    },
}

pub trait TransparentIo {
    /// Server bytes, in order. An error ends the session ([`EndReason::OutputClosed`]).
    fn data(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    fn event(&mut self, _e: &TransparentEvent) {}
}

// ---------------------------------------------------------------------------------------------
// Holding back what could be the module's report.

/// The bytes not yet output: the tail that could be (the start of) a module report.
#[derive(Debug)]
pub struct Holdback {
    pending: Vec<u8>,
    last_push: Option<Instant>,
    markers: Markers,
}

impl Default for Holdback {
    /// The QI family's markers.
    fn default() -> Self {
        Holdback::new(MARKERS)
    }
}

/// If `tail` is zero or more complete markers followed by a proper prefix of one (possibly
/// empty), the number of complete markers.
fn marker_tail(tail: &[u8], markers: Markers) -> Option<usize> {
    let mut p = 0;
    let mut n = 0;
    'outer: while p < tail.len() {
        let rest = &tail[p..];
        for m in markers {
            if rest.starts_with(m) {
                p += m.len();
                n += 1;
                continue 'outer;
            }
        }
        if markers.iter().any(|m| m.starts_with(rest)) {
            return Some(n);
        }
        return None;
    }
    Some(n)
}

fn marker_names(mut tail: &[u8], markers: Markers) -> Vec<String> {
    let mut out = Vec::new();
    'outer: while !tail.is_empty() {
        for m in markers {
            if tail.starts_with(m) {
                out.push(String::from_utf8_lossy(m).trim().to_string());
                tail = &tail[m.len()..];
                continue 'outer;
            }
        }
        break;
    }
    out
}

impl Holdback {
    pub fn new(markers: Markers) -> Holdback {
        Holdback {
            pending: Vec::new(),
            last_push: None,
            markers,
        }
    }

    /// Add bytes; returns what can be output now.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<u8> {
        if bytes.is_empty() {
            return Vec::new();
        }
        self.pending.extend_from_slice(bytes);
        self.last_push = Some(now);
        let cut = self.suspicious_start();
        let rest = self.pending.split_off(cut);
        std::mem::replace(&mut self.pending, rest)
    }

    /// Where the longest suspicious tail starts (`pending.len()` when there is none).
    fn suspicious_start(&self) -> usize {
        let longest: usize = self.markers.iter().map(|m| m.len()).sum::<usize>() * 2;
        let from = self.pending.len().saturating_sub(longest);
        (from..self.pending.len())
            .find(|&i| marker_tail(&self.pending[i..], self.markers).is_some())
            .unwrap_or(self.pending.len())
    }

    /// Complete markers in the held tail.
    pub fn complete(&self) -> usize {
        marker_tail(&self.pending, self.markers).unwrap_or(0)
    }

    pub fn names(&self) -> Vec<String> {
        marker_names(&self.pending, self.markers)
    }

    /// An incomplete prefix held for [`PREFIX_HOLD`] without news is data: release it.
    pub fn tick(&mut self, now: Instant) -> Vec<u8> {
        match self.last_push {
            Some(t) if self.complete() == 0 && now >= t + PREFIX_HOLD => std::mem::take(&mut self.pending),
            _ => Vec::new(),
        }
    }

    /// Everything held, as data.
    pub fn release(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending)
    }

    pub fn held(&self) -> &[u8] {
        &self.pending
    }
}

// ---------------------------------------------------------------------------------------------

struct Bridge<'a> {
    s: &'a mut Session,
    o: &'a TransparentOptions,
    io: &'a mut dyn TransparentIo,
    input: &'a Receiver<Vec<u8>>,
    user_flag: Option<Arc<AtomicBool>>,
    rep: TransparentReport,
    hold: Holdback,
    queue: VecDeque<Vec<u8>>,
    eof: bool,
    last_write: Instant,
    last_rx: Instant,
    interrupted: bool,
    output_closed: bool,
}

enum Escape {
    /// `+++` answered OK: command mode, connection open.
    Ok,
    /// The words were data after all (more data followed before `+++` was sent).
    Resolved,
    /// No OK and the module had reported these markers: it left data mode by itself.
    Lost(Vec<String>),
}

impl Bridge<'_> {
    fn interrupted(&mut self) -> bool {
        if !self.interrupted && self.user_flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed)) {
            self.interrupted = true;
        }
        self.interrupted
    }

    fn output(&mut self, bytes: &[u8]) {
        if bytes.is_empty() || self.output_closed {
            return;
        }
        if self.io.data(bytes).is_err() {
            self.output_closed = true;
        } else {
            self.rep.bytes_in += bytes.len() as u64;
        }
    }

    /// Take input chunks while less than [`INPUT_HELD`] bytes wait to be written: stdin is read
    /// only as fast as the module takes it (the reader blocks on a bounded channel), so memory
    /// stays bounded whatever the input size (issue 18).
    fn take_input(&mut self) {
        while self.queue.iter().map(Vec::len).sum::<usize>() < INPUT_HELD {
            match self.input.try_recv() {
                Ok(d) => self.queue.push_back(d),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.eof = true;
                    break;
                }
            }
        }
    }

    /// Read what the module sent until `until`, through the holdback.
    fn read(&mut self, until: Instant) -> Result<()> {
        self.s.pump(until)?;
        let raw = self.s.take_raw();
        let now = self.s.now();
        if !raw.is_empty() {
            self.last_rx = now;
            let out = self.hold.push(&raw, now);
            self.output(&out);
        }
        let out = self.hold.tick(now);
        self.output(&out);
        Ok(())
    }

    fn end_reason(&mut self, started: Instant) -> Option<EndReason> {
        if self.interrupted() {
            return Some(EndReason::Interrupted);
        }
        if self.output_closed {
            return Some(EndReason::OutputClosed);
        }
        if self
            .o
            .duration
            .is_some_and(|d| self.s.now().saturating_duration_since(started) >= d)
        {
            return Some(EndReason::Duration);
        }
        if self.eof
            && self.queue.is_empty()
            && self.s.now().saturating_duration_since(self.last_rx) >= self.o.linger
            && self.s.now().saturating_duration_since(self.last_write) >= self.o.linger
        {
            return Some(EndReason::Eof);
        }
        None
    }

    /// Chapter 8.2 / leaving data mode: guard silence, `+++`, guard, `OK`?
    fn escape(&mut self, marker_only: bool) -> Result<Escape> {
        // Silence before: nothing written for `guard`. Keep reading meanwhile: more data after a
        // complete marker proves the marker was data.
        loop {
            let now = self.s.now();
            let end = self.last_write + self.o.guard;
            if now >= end {
                break;
            }
            self.take_input();
            self.read(end.min(now + Duration::from_millis(50)))?;
            if marker_only && self.hold.complete() == 0 {
                return Ok(Escape::Resolved);
            }
        }
        let names = self.hold.names();
        self.s.write_raw(b"+++")?;
        let sent = self.s.now();
        self.last_write = sent;
        // The module answers OK `guard` after the last '+' (it may use a shorter guard): wait
        // for a stream that ends with OK and stays quiet, up to guard + slack.
        let deadline = sent + self.o.guard + Duration::from_millis(1500);
        let mut post: Vec<u8> = Vec::new();
        let mut ok_at: Option<Instant> = None;
        loop {
            let now = self.s.now();
            if let Some(t) = ok_at {
                if now >= t + Duration::from_millis(100) {
                    break;
                }
            }
            if now >= deadline {
                break;
            }
            self.take_input();
            self.s.pump((now + Duration::from_millis(20)).min(deadline))?;
            let raw = self.s.take_raw();
            if !raw.is_empty() {
                post.extend_from_slice(&raw);
                ok_at = post.ends_with(ESC_OK).then(|| self.s.now());
            }
        }
        self.s.set_data_mode(false);
        if ok_at.is_some() {
            // Still in data mode until now: everything before OK is the server's.
            let data_len = post.len() - ESC_OK.len();
            let out = self.hold.push(&post[..data_len], self.s.now());
            self.output(&out);
            let out = self.hold.release();
            self.output(&out);
            if !names.is_empty() {
                self.record(names, "data");
            }
            return Ok(Escape::Ok);
        }
        // No OK: the module was already in command mode (it may echo "+++"). The module's report
        // is the last marker run before that; what precedes it is data.
        let mut all = self.hold.release();
        all.extend_from_slice(&post);
        let (data, markers) = split_report(&all, self.hold.markers);
        self.output(data);
        if markers.is_empty() {
            // Nothing says the module left data mode: anything more we write may go to the
            // server, so write nothing.
            return Err(Error::protocol(format!(
                "no OK to +++ within {} (is --guard at least the module's guard time?); the module may still be in data mode",
                humantime::format_duration(self.o.guard + Duration::from_millis(1500))
            )));
        }
        // The module is in command mode: end the "+++" it may hold as a command line and drain
        // the answer.
        let _ = self.s.write_raw(b"\r");
        let end = self.s.now() + Duration::from_millis(300);
        while self.s.now() < end {
            self.s.pump(end)?;
        }
        self.s.take_urcs();
        self.record(markers.clone(), "module");
        Ok(Escape::Lost(markers))
    }

    fn record(&mut self, markers: Vec<String>, verdict: &str) {
        let c = MarkerCheck {
            markers,
            verdict: verdict.into(),
        };
        self.io.event(&TransparentEvent::Checked(c.clone()));
        self.rep.marker_checks.push(c);
    }
}

/// Split the stream seen when `+++` got no OK: data, then the module's report (a run of
/// markers), then possibly the echo of `+++` and line ends.
fn split_report(all: &[u8], markers: Markers) -> (&[u8], Vec<String>) {
    let is_junk = |t: &[u8]| t.iter().all(|b| matches!(b, b'+' | b'\r' | b'\n'));
    for i in 0..all.len() {
        let rest = &all[i..];
        if markers.iter().any(|m| rest.starts_with(m)) {
            let names = marker_names(rest, markers);
            let len: usize = names
                .iter()
                .map(|n| {
                    markers
                        .iter()
                        .find(|m| String::from_utf8_lossy(m).trim() == n)
                        .map_or(0, |m| m.len())
                })
                .sum();
            if is_junk(&rest[len..]) {
                return (&all[..i], names);
            }
        }
    }
    (all, Vec::new())
}

/// Put the module back in non-transparent mode ([`crate::family::Family::leave_transparent`]).
/// QI: whether QIMODE=0 is back; ctx: null (the mode is the socket's, in buffer access after
/// `+++`, and the actions say so).
fn restore(s: &mut Session, actions: &mut Vec<String>) -> Option<bool> {
    let f = s.family();
    let back = f.leave_transparent(s, actions);
    (!f.has_contexts()).then_some(back)
}

/// Run a transparent session: setup, bridge `input` (chunks; a disconnected channel is EOF)
/// and the module, leave data mode. Success for EOF, `duration` and a closed output; errors
/// (with the report as their partial report) for an interrupt (130), the peer's close (9),
/// `+PDP DEACT` (7).
pub fn transparent(
    s: &mut Session,
    o: &TransparentOptions,
    input: &Receiver<Vec<u8>>,
    io: &mut dyn TransparentIo,
) -> Reported<TransparentReport> {
    let started = s.now();
    let mut rep = TransparentReport {
        host: o.dest.host.clone(),
        port: o.dest.port,
        protocol: if o.udp { "UDP" } else { "TCP" }.into(),
        // QI: not restored until it is; ctx: null (see the field).
        qimode_restored: (!s.family().has_contexts()).then_some(false),
        ..Default::default()
    };
    // A failed setup reports what it did (and whether QIMODE was restored).
    let f = s.family();
    let resumed = match f.enter_transparent(s, o, &mut rep) {
        Ok(resumed) => resumed,
        Err(e) => {
            rep.duration_s = s.now().saturating_duration_since(started).as_secs_f64();
            return Err(Failed::new(e, rep));
        }
    };
    s.set_data_mode(true);
    io.event(&TransparentEvent::Connected { resumed });
    // From here every exchange is finished whatever happens; the user's flag is watched.
    let user_flag = s.interrupt_flag();
    s.set_interrupt(Arc::new(AtomicBool::new(false)));
    let now = s.now();
    let markers = s.family().data_mode_markers();
    let mut b = Bridge {
        s,
        o,
        io,
        input,
        user_flag: user_flag.clone(),
        rep,
        hold: Holdback::new(markers),
        queue: VecDeque::new(),
        eof: false,
        last_write: now,
        last_rx: now,
        interrupted: false,
        output_closed: false,
    };
    let r = bridge(&mut b, started);
    let mut rep = std::mem::take(&mut b.rep);
    let unsent: usize = b.queue.iter().map(Vec::len).sum();
    rep.bytes_unsent += unsent as u64;
    let s = b.s;
    if let Some(f) = user_flag {
        s.set_interrupt(f);
    }
    s.set_data_mode_on_connect(false);
    rep.duration_s = s.now().saturating_duration_since(started).as_secs_f64();
    let reason = match r {
        Ok(reason) => reason,
        Err(e) => {
            rep.duration_s = s.now().saturating_duration_since(started).as_secs_f64();
            return Err(Failed::new(e, rep));
        }
    };
    rep.reason = Some(reason);
    let e = match reason {
        // (`bytes`, `idle` and `timeout` end receives, never a transparent session.)
        EndReason::Eof
        | EndReason::Duration
        | EndReason::OutputClosed
        | EndReason::Bytes
        | EndReason::Idle
        | EndReason::Timeout => return Ok(rep),
        EndReason::Rebooted => Error::new(
            ErrorClass::ConnectionLost,
            format!(
                "the module rebooted (RDY); {} bytes in, {} bytes out",
                rep.bytes_in, rep.bytes_out
            ),
        ),
        EndReason::Interrupted => Error::new(
            ErrorClass::Interrupted,
            format!(
                "interrupted; {} bytes in, {} bytes out",
                rep.bytes_in, rep.bytes_out
            ),
        ),
        EndReason::Closed => Error::new(
            ErrorClass::ConnectionLost,
            format!(
                "{}; {} bytes in, {} bytes out",
                EndReason::Closed.said(s.family().words()),
                rep.bytes_in,
                rep.bytes_out
            ),
        ),
        EndReason::PdpDeact => Error::new(
            ErrorClass::PdpContext,
            format!(
                "{}; {} bytes in, {} bytes out",
                EndReason::PdpDeact.said(s.family().words()),
                rep.bytes_in,
                rep.bytes_out
            ),
        ),
    };
    Err(Failed::new(e, rep))
}

fn bridge(b: &mut Bridge, started: Instant) -> Result<EndReason> {
    loop {
        b.take_input();
        let end = b.end_reason(started);
        let marker = b.hold.complete() > 0;
        if end.is_some() || marker {
            if let Some(reason) = end {
                b.io.event(&TransparentEvent::Escaping { reason });
            } else {
                let markers = b.hold.names();
                b.io.event(&TransparentEvent::Checking { markers });
            }
            match b.escape(end.is_none())? {
                Escape::Resolved => continue,
                Escape::Lost(markers) => {
                    let reason = if markers
                        .iter()
                        .any(|m| m.contains("PDP") || m.contains("pdpdeact"))
                    {
                        EndReason::PdpDeact
                    } else {
                        EndReason::Closed
                    };
                    b.rep.connection_open = false;
                    b.rep.qimode_restored = restore(b.s, &mut b.rep.actions);
                    return Ok(reason);
                }
                Escape::Ok => {
                    // An interrupt during the check also ends the session.
                    let end = end.or_else(|| b.end_reason(started).filter(|r| *r != EndReason::Eof));
                    match end {
                        None => {
                            // The words were data: back to data mode.
                            let f = b.s.family();
                            if let DataMode::Refused(answer) = f.resume_data(b.s)? {
                                b.rep.connection_open = true;
                                return Err(Error::protocol(format!(
                                    "cannot resume data mode: ATO answered {answer}; the connection is open in command mode"
                                ))
                                .with_cause(Cause::MustClose));
                            }
                            b.s.set_data_mode(true);
                            b.rep.resumed += 1;
                            b.last_write = b.s.now();
                            b.io.event(&TransparentEvent::Connected { resumed: true });
                            continue;
                        }
                        Some(reason) => {
                            finish_open(b)?;
                            return Ok(reason);
                        }
                    }
                }
            }
        }
        // Input to the module.
        while let Some(d) = b.queue.pop_front() {
            b.s.write_raw(&d)?;
            b.rep.bytes_out += d.len() as u64;
            // The guard before `+++` counts from when the bytes have left the serial line, not
            // from when a pty or driver buffer took them (a slow line holds seconds of them).
            b.last_write = b.s.now() + b.s.line_busy_for();
        }
        let now = b.s.now();
        b.read(now + Duration::from_millis(10))?;
    }
}

/// In command mode after `+++` answered OK: close if asked, then restore QIMODE=0.
fn finish_open(b: &mut Bridge) -> Result<()> {
    if !b.o.close {
        b.rep.connection_open = true;
        if let Some(note) = b.s.family().kept_open_note() {
            b.rep.actions.push(note.into());
        }
        return Ok(());
    }
    let f = b.s.family();
    match f.close(b.s, None) {
        Ok(Closed::Closed) => b.rep.actions.push("QICLOSE".into()),
        Ok(Closed::Refused { answer, .. }) => b
            .rep
            .actions
            .push(format!("QICLOSE answered {answer} (already closed?)")),
        Err(e) if e.class == ErrorClass::Protocol => b
            .rep
            .actions
            .push(format!("QICLOSE: {} (already closed?)", e.message)),
        Err(e) => return Err(e),
    }
    b.s.take_urcs();
    b.rep.connection_open = false;
    b.rep.qimode_restored = restore(b.s, &mut b.rep.actions);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(h: &mut Holdback, parts: &[&[u8]]) -> Vec<u8> {
        let now = Instant::now();
        let mut out = Vec::new();
        for p in parts {
            out.extend(h.push(p, now));
        }
        out
    }

    #[test]
    fn holds_a_complete_marker_at_the_end() {
        let mut h = Holdback::default();
        let out = feed(&mut h, &[b"hello\r\nCLO", b"SED\r\n"]);
        assert_eq!(out, b"hello");
        assert_eq!(h.complete(), 1);
        assert_eq!(h.names(), vec!["CLOSED"]);
    }

    #[test]
    fn marker_followed_by_data_is_data() {
        let mut h = Holdback::default();
        let out = feed(&mut h, &[b"a\r\nCLOSED\r\n", b"b"]);
        assert_eq!(out, b"a\r\nCLOSED\r\nb");
        assert_eq!(h.complete(), 0);
        assert!(h.held().is_empty());
    }

    #[test]
    fn two_markers_and_a_prefix() {
        let mut h = Holdback::default();
        let out = feed(&mut h, &[b"x\r\n\r\nCLOSED\r\n\r\n+PDP DEACT\r\n"]);
        assert_eq!(out, b"x\r\n");
        assert_eq!(h.names(), vec!["CLOSED", "+PDP DEACT"]);
        let out = feed(&mut h, &[b"\r\n"]);
        assert!(out.is_empty());
        assert_eq!(h.complete(), 2);
    }

    #[test]
    fn a_trailing_prefix_is_released_after_the_hold_time() {
        let mut h = Holdback::default();
        let t = Instant::now();
        assert_eq!(h.push(b"line\r\n", t), b"line");
        assert!(h.tick(t).is_empty());
        assert_eq!(h.tick(t + PREFIX_HOLD), b"\r\n");
    }

    #[test]
    fn report_split_after_no_ok() {
        let (d, m) = split_report(b"data\r\nCLOSED\r\n+++", MARKERS);
        assert_eq!(d, b"data");
        assert_eq!(m, vec!["CLOSED"]);
        let (d, m) = split_report(b"\r\nCLOSED\r\nmore\r\n0, CLOSED\r\n", MARKERS);
        assert_eq!(d, b"\r\nCLOSED\r\nmore");
        assert_eq!(m, vec!["0, CLOSED"]);
        let (d, m) = split_report(b"nothing", MARKERS);
        assert_eq!(d, b"nothing");
        assert!(m.is_empty());
    }

    #[test]
    fn wait_units() {
        let mut o = TransparentOptions {
            dest: crate::validate::destination("1.2.3.4:80").unwrap(),
            udp: false,
            connect_timeout: None,
            wait: Duration::from_millis(200),
            packet_size: 512,
            guard: Duration::from_secs(1),
            close: false,
            duration: None,
            linger: Duration::from_secs(1),
        };
        assert_eq!(o.wait_units(), 2);
        o.wait = Duration::from_millis(10);
        assert_eq!(o.wait_units(), 1);
        o.wait = Duration::from_secs(5);
        assert_eq!(o.wait_units(), 10);
    }
}
