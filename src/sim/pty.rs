//! The pseudo-terminal: one reader thread on the master (host -> module, paced), one writer
//! thread (module -> host, paced and optionally fragmented).

use super::Ev;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Messages for the writer thread.
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
    pub fn new(rate: f64) -> Line {
        Line {
            rate,
            free_at: Instant::now(),
            batch: ((rate * 0.002) as usize).max(1),
        }
    }

    /// Largest batch worth taking at once.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// When the line finishes the bytes already on it.
    pub fn free_at(&self) -> Instant {
        self.free_at
    }

    /// How long `n` bytes occupy the line.
    pub fn span(&self, n: usize) -> Duration {
        Duration::from_secs_f64(n as f64 / self.rate)
    }

    /// `n` bytes were handed to the line at `now`: when the last of them arrives.
    pub fn carry(&mut self, n: usize, now: Instant) -> Instant {
        let start = self.free_at.max(now);
        self.free_at = start + Duration::from_secs_f64(n as f64 / self.rate);
        self.free_at
    }
}

/// Bytes ready to read on `fd` (FIONREAD); 0 when unknown.
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

pub fn set_cloexec(fd: i32) {
    // SAFETY: fcntl on an fd we own; failure is harmless (only inheritance by children).
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        }
    }
}

/// Create the pair; both fds close-on-exec.
pub fn open_pair() -> std::io::Result<(TTYPort, TTYPort)> {
    let (master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
    set_cloexec(master.as_raw_fd());
    set_cloexec(slave.as_raw_fd());
    Ok((master, slave))
}

pub fn spawn_reader(
    master: &TTYPort,
    tx: Sender<Ev>,
    stop: Arc<AtomicBool>,
    baud: Option<u32>,
) -> std::io::Result<thread::JoinHandle<()>> {
    let mut rd = master.try_clone_native().map_err(std::io::Error::other)?;
    set_cloexec(rd.as_raw_fd());
    rd.set_timeout(Duration::from_millis(50))
        .map_err(std::io::Error::other)?;
    thread::Builder::new().name("sim-pty-rd".into()).spawn(move || {
        let mut line = baud.map(|b| Line::new(b as f64 / 10.0));
        let mut buf = vec![0u8; 4096];
        let mut waiting = false;
        while !stop.load(Ordering::Relaxed) {
            let lim = line.as_ref().map_or(buf.len(), |l| l.batch().min(buf.len()));
            match rd.read(&mut buf[..lim]) {
                Ok(0) => thread::sleep(Duration::from_millis(20)),
                Ok(n) => {
                    let mut at = Instant::now();
                    if let Some(l) = line.as_mut() {
                        // Bytes that were already waiting follow the previous ones without a
                        // gap, however late this thread woke up.
                        let at_start = if waiting { l.free_at } else { at };
                        at = l.carry(n, at_start);
                        waiting = pending_input(rd.as_raw_fd()) > 0;
                        if !sleep_until(at, &stop) {
                            break;
                        }
                    }
                    if tx.send(Ev::Host(at, buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
                Err(e) => match e.kind() {
                    std::io::ErrorKind::TimedOut
                    | std::io::ErrorKind::Interrupted
                    | std::io::ErrorKind::WouldBlock => {}
                    // all slave fds closed (cannot happen while we hold one): back off
                    _ => thread::sleep(Duration::from_millis(20)),
                },
            }
        }
    })
}

pub fn spawn_writer(
    master: TTYPort,
    rx: Receiver<WMsg>,
    stop: Arc<AtomicBool>,
    baud: Option<u32>,
    fragment: Option<(usize, Duration)>,
) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("sim-pty-wr".into()).spawn(move || {
        let mut master = master;
        let _ = master.set_timeout(Duration::from_millis(100));
        let mut line = baud.map(|b| Line::new(b as f64 / 10.0));
        let piece = fragment.map_or(usize::MAX, |f| f.0.max(1));
        let mut pending: Option<WMsg> = None;
        loop {
            let msg = match pending.take() {
                Some(m) => m,
                None => match rx.recv() {
                    Ok(m) => m,
                    Err(_) => return,
                },
            };
            let (mut at, mut data) = match msg {
                WMsg::Data(t, d) => (t, d),
                WMsg::Vanish => return,
            };
            // Whatever else is already queued goes out in the same write (one wake-up of the
            // host, not one per echoed byte); a fragment fault keeps message boundaries.
            if fragment.is_none() {
                while let Ok(m) = rx.try_recv() {
                    match m {
                        WMsg::Data(_, d) => data.extend_from_slice(&d),
                        other => {
                            pending = Some(other);
                            break;
                        }
                    }
                }
            }
            let mut off = 0;
            while off < data.len() {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut n = (data.len() - off).min(piece);
                if let Some(l) = line.as_mut() {
                    // The rest of a buffer follows on the line without a gap, however late this
                    // thread woke up: `at` only matters for the first piece.
                    n = n.min(l.batch());
                    at = l.carry(n, at);
                    if !sleep_until(at, &stop) {
                        return;
                    }
                }
                let mut done = 0;
                while done < n {
                    match master.write(&data[off + done..off + n]) {
                        Ok(k) => done += k,
                        Err(e) => match e.kind() {
                            std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                            | std::io::ErrorKind::WouldBlock => {
                                if stop.load(Ordering::Relaxed) {
                                    return;
                                }
                            }
                            _ => {
                                // nobody can read: drop this output
                                done = n;
                            }
                        },
                    }
                }
                off += n;
                if let Some((_, d)) = fragment {
                    if off < data.len() && !d.is_zero() {
                        thread::sleep(d);
                    }
                }
            }
            let _ = master.flush();
        }
    })
}
