//! The serial line between host and module, as both fronts (the pty and `--listen` TCP) carry it:
//! paced at `--line-baud` in both directions and cut by `--fault fragment=SIZE/DUR` towards the
//! host. One reader and one writer, so the two fronts cannot drift apart.

use super::{Ev, EvTx};
use std::io::{self, Read, Write};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::thread;
use std::time::{Duration, Instant};

/// Bytes the engine has handed to the line writer that have not reached the host yet. A host
/// that stops reading in push mode lets this grow; the engine counts it against the module's
/// receive buffer (so the server sees backpressure instead of the simulator piling the
/// download up in memory), and the writer wakes the engine when it has drained to
/// `low_water` and again when it is empty.
pub struct Backlog {
    bytes: AtomicUsize,
    low_water: usize,
    wake: EvTx,
}

impl Backlog {
    pub fn new(low_water: usize, wake: EvTx) -> Backlog {
        Backlog {
            bytes: AtomicUsize::new(0),
            low_water,
            wake,
        }
    }

    /// The engine produced `n` bytes for the host.
    pub fn add(&self, n: usize) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// `n` bytes left the writer (written, or lost with the host).
    pub fn taken(&self, n: usize) {
        if self.drained(n) {
            let _ = self.wake.send(Ev::Wake);
        }
    }

    /// `n` bytes left (written, or lost with the host): whether the engine should look at the
    /// link again (the backlog fell to `low_water`, or to nothing). The engine thread, when it
    /// writes the host itself ([`super::direct`]), asks this instead of waking itself up.
    pub fn drained(&self, n: usize) -> bool {
        if n == 0 {
            return false;
        }
        let before = self
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(n))
            })
            .unwrap_or(0);
        let after = before.saturating_sub(n);
        (before > self.low_water && after <= self.low_water) || (before > 0 && after == 0)
    }

    pub fn get(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Messages for a writer.
pub enum WMsg {
    /// Bytes for the host, and when the module produced them.
    Data(Instant, Vec<u8>),
    Vanish,
}

/// A serial line in one direction: each byte occupies it for 10 bit times, and time it spends
/// idle is lost (a real UART cannot bank it). Bytes go in batches of at most about 2 ms of line
/// time, each delivered when its last byte would have been received, so the average rate is exact
/// and no burst ever runs ahead of the line.
pub struct Line {
    rate: f64,
    /// When the line finishes the bytes already on it.
    free_at: Instant,
    batch: usize,
}

impl Line {
    /// A line at `baud` bits per second (10 bits a byte).
    pub fn new(baud: u32) -> Line {
        let rate = baud as f64 / 10.0;
        Line {
            rate,
            free_at: Instant::now(),
            batch: ((rate * 0.002) as usize).max(1),
        }
    }

    /// `n` bytes were handed to the line at `now`: when the last of them arrives.
    pub fn carry(&mut self, n: usize, now: Instant) -> Instant {
        let start = self.free_at.max(now);
        self.free_at = start + Duration::from_secs_f64(n as f64 / self.rate);
        self.free_at
    }
}

/// Bytes ready to read on `fd` (FIONREAD, for a pty and a socket alike); 0 when unknown.
fn pending_input(fd: i32) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    if r == 0 {
        n.max(0) as usize
    } else {
        0
    }
}

/// Sleep until `t` (in short steps, so a stop request is noticed); false when stopped.
pub fn sleep_until(t: Instant, stop: &AtomicBool) -> bool {
    loop {
        let now = Instant::now();
        if now >= t {
            return true;
        }
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        thread::sleep((t - now).min(Duration::from_millis(50)));
    }
}

/// How many batches of line time the reader takes from the host at once. It hands them to the
/// engine at once, each stamped with the time its last byte arrives (the engine thread takes
/// each when its time comes), and sleeps until the last has arrived: one wake-up of the reader
/// per four batches, and the host still cannot run more than that ahead of the line.
const READ_AHEAD_BATCHES: usize = 4;

/// Why [`read_host`] returned.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadEnd {
    /// `stop` was set, or the engine is gone.
    Stopped,
    /// The source closed (a TCP client hung up) or failed.
    Closed,
}

/// Read host bytes from `src` (a pty, or `&TcpStream`; `fd` is its descriptor) until stopped, handing them to the engine as [`Ev::Host`] at the
/// time the line would have delivered them. `src` must have a read timeout (so `stop` is seen);
/// `keep_going` is asked between reads (a TCP front stops reading a connection that is no longer
/// current). With `eof_is_close`, a read of 0 bytes ends the loop (a socket); otherwise it is a
/// pause (a pty with no slave open).
pub fn read_host(
    mut src: impl Read,
    fd: RawFd,
    tx: &EvTx,
    stop: &AtomicBool,
    baud: Option<u32>,
    eof_is_close: bool,
    keep_going: impl Fn() -> bool,
) -> ReadEnd {
    let mut line = baud.map(Line::new);
    let mut buf = vec![0u8; 4096];
    // The previous read left bytes waiting: the next ones follow them on the line without a gap,
    // however late this thread woke up.
    let mut waiting = false;
    while !stop.load(Ordering::Relaxed) && keep_going() {
        let lim = line
            .as_ref()
            .map_or(buf.len(), |l| (l.batch * READ_AHEAD_BATCHES).min(buf.len()));
        match src.read(&mut buf[..lim]) {
            Ok(0) if eof_is_close => return ReadEnd::Closed,
            Ok(0) => thread::sleep(Duration::from_millis(20)),
            Ok(n) => {
                let now = Instant::now();
                let Some(l) = line.as_mut() else {
                    if tx.send(Ev::Host(now, buf[..n].to_vec())).is_err() {
                        return ReadEnd::Stopped;
                    }
                    continue;
                };
                let mut start = if waiting { l.free_at } else { now };
                for piece in buf[..n].chunks(l.batch.max(1)) {
                    start = l.carry(piece.len(), start);
                    if tx.send(Ev::Host(start, piece.to_vec())).is_err() {
                        return ReadEnd::Stopped;
                    }
                }
                waiting = pending_input(fd) > 0;
                if !sleep_until(start, stop) {
                    return ReadEnd::Stopped;
                }
            }
            Err(e) => match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => {}
                _ if eof_is_close => return ReadEnd::Closed,
                // a pty with all slave fds closed (cannot happen while we hold one): back off
                _ => thread::sleep(Duration::from_millis(20)),
            },
        }
    }
    ReadEnd::Stopped
}

/// The module's output towards the host: paced by the line, cut by the fragment fault.
pub struct HostWriter {
    line: Option<Line>,
    backlog: std::sync::Arc<Backlog>,
    fragment: Option<(usize, Duration)>,
    pending: Option<WMsg>,
}

/// One message from the engine, as [`HostWriter::next`] hands it out.
pub enum Next {
    Data(Instant, Vec<u8>),
    Vanish,
    /// The engine is gone.
    End,
}

/// Why [`HostWriter::write`] stopped early.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteEnd {
    Done,
    /// `stop` was set.
    Stopped,
    /// The sink is gone (or no longer current): the rest of this output is lost.
    Lost,
}

impl HostWriter {
    pub fn new(
        baud: Option<u32>,
        fragment: Option<(usize, Duration)>,
        backlog: std::sync::Arc<Backlog>,
    ) -> HostWriter {
        HostWriter {
            line: baud.map(Line::new),
            backlog,
            fragment,
            pending: None,
        }
    }

    /// The next output: whatever else is already queued joins it in the same write (one
    /// wake-up of the host, not one per echoed byte); a fragment fault keeps message boundaries.
    pub fn next(&mut self, rx: &Receiver<WMsg>) -> Next {
        let msg = match self.pending.take() {
            Some(m) => m,
            None => match rx.recv() {
                Ok(m) => m,
                Err(_) => return Next::End,
            },
        };
        let (at, mut data) = match msg {
            WMsg::Data(t, d) => (t, d),
            WMsg::Vanish => return Next::Vanish,
        };
        if self.fragment.is_none() {
            while let Ok(m) = rx.try_recv() {
                match m {
                    WMsg::Data(_, d) => data.extend_from_slice(&d),
                    other => {
                        self.pending = Some(other);
                        break;
                    }
                }
            }
        }
        Next::Data(at, data)
    }

    /// Write `data`, produced at `at`, to `out` (which has a write timeout): each piece when the
    /// line would have carried it, with the fragment fault's pause between pieces. `still_ok` is
    /// asked when a write times out (a TCP front gives up on a connection no longer current).
    pub fn write<W: Write>(
        &mut self,
        out: &mut W,
        at: Instant,
        data: &[u8],
        stop: &AtomicBool,
        still_ok: impl Fn() -> bool,
    ) -> WriteEnd {
        let mut written = 0;
        let end = self.write_pieces(out, at, data, stop, still_ok, &mut written);
        // what was not written is lost with the host, or with the simulator stopping
        self.backlog.taken(data.len() - written);
        end
    }

    /// Output that goes nowhere (no host connected): it no longer counts as backlog.
    pub fn discard(&self, data: &[u8]) {
        self.backlog.taken(data.len());
    }

    fn write_pieces<W: Write>(
        &mut self,
        out: &mut W,
        mut at: Instant,
        data: &[u8],
        stop: &AtomicBool,
        still_ok: impl Fn() -> bool,
        written: &mut usize,
    ) -> WriteEnd {
        let piece = self.fragment.map_or(usize::MAX, |f| f.0.max(1));
        let mut off = 0;
        while off < data.len() {
            if stop.load(Ordering::Relaxed) {
                return WriteEnd::Stopped;
            }
            let mut n = (data.len() - off).min(piece);
            if let Some(l) = self.line.as_mut() {
                // The rest of a buffer follows on the line without a gap, however late this
                // thread woke up: `at` only matters for the first piece.
                n = n.min(l.batch);
                at = l.carry(n, at);
                if !sleep_until(at, stop) {
                    return WriteEnd::Stopped;
                }
            }
            let mut done = 0;
            while done < n {
                match out.write(&data[off + done..off + n]) {
                    Ok(0) => return WriteEnd::Lost,
                    Ok(k) => done += k,
                    Err(e) => match e.kind() {
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => {
                            if stop.load(Ordering::Relaxed) {
                                return WriteEnd::Stopped;
                            }
                            if !still_ok() {
                                return WriteEnd::Lost;
                            }
                        }
                        // nobody can read: the rest of this output is lost
                        _ => return WriteEnd::Lost,
                    },
                }
            }
            off += n;
            *written += n;
            self.backlog.taken(n);
            if let Some((_, d)) = self.fragment {
                if off < data.len() && !d.is_zero() {
                    thread::sleep(d);
                }
            }
        }
        let _ = out.flush();
        WriteEnd::Done
    }
}

#[cfg(test)]
mod tests {
    use super::Line;
    use std::time::{Duration, Instant};

    #[test]
    fn a_line_carries_bytes_back_to_back_and_loses_idle_time() {
        // 9600 baud: 960 bytes a second, batches of about 2 ms (1 byte)
        let mut l = Line::new(9600);
        assert_eq!(l.batch, 1);
        let t0 = Instant::now();
        let a = l.carry(96, t0);
        assert_eq!(a - t0, Duration::from_millis(100));
        // handed over before the line is free: follows without a gap
        let b = l.carry(96, t0);
        assert_eq!(b - a, Duration::from_millis(100));
        // handed over after an idle second: starts then, the idle time is not banked
        let later = b + Duration::from_secs(1);
        assert_eq!(l.carry(96, later) - later, Duration::from_millis(100));
        assert_eq!(Line::new(921_600).batch, 184);
    }
}
