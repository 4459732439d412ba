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
    Data(Vec<u8>),
    Vanish,
}

/// Token bucket on elapsed time: accurate average rates without accumulating sleep error.
pub struct Bucket {
    rate: f64,
    tokens: f64,
    last: Instant,
    chunk: f64,
}

impl Bucket {
    pub fn new(rate: f64) -> Bucket {
        Bucket {
            rate,
            tokens: 0.0,
            last: Instant::now(),
            chunk: (rate * 0.01).max(1.0),
        }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.rate).min(self.chunk * 4.0);
    }

    /// Wait until some tokens are available and take up to `want` of them (at least 1).
    pub fn take(&mut self, want: usize, stop: &AtomicBool) -> usize {
        let want = want.max(1);
        let target = (want as f64).min(self.chunk).max(1.0);
        loop {
            self.refill();
            if self.tokens >= target {
                let n = (self.tokens.floor() as usize).min(want).max(1);
                self.tokens -= n as f64;
                return n;
            }
            if stop.load(Ordering::Relaxed) {
                return 0;
            }
            let wait = (target - self.tokens) / self.rate;
            thread::sleep(Duration::from_secs_f64(wait.clamp(0.0002, 0.05)));
        }
    }

    /// Give back tokens that were taken but not used.
    pub fn refund(&mut self, n: usize) {
        self.tokens += n as f64;
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
        let mut bucket = baud.map(|b| Bucket::new(b as f64 / 10.0));
        let mut buf = vec![0u8; 4096];
        while !stop.load(Ordering::Relaxed) {
            let lim = match bucket.as_mut() {
                Some(b) => b.take(buf.len(), &stop),
                None => buf.len(),
            };
            if lim == 0 {
                break;
            }
            match rd.read(&mut buf[..lim]) {
                Ok(0) => {
                    if let Some(b) = bucket.as_mut() {
                        b.refund(lim);
                    }
                    thread::sleep(Duration::from_millis(20));
                }
                Ok(n) => {
                    if let Some(b) = bucket.as_mut() {
                        b.refund(lim - n);
                    }
                    if tx.send(Ev::Host(Instant::now(), buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    if let Some(b) = bucket.as_mut() {
                        b.refund(lim);
                    }
                    match e.kind() {
                        std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                        | std::io::ErrorKind::WouldBlock => {}
                        // all slave fds closed (cannot happen while we hold one): back off
                        _ => thread::sleep(Duration::from_millis(20)),
                    }
                }
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
        let mut bucket = baud.map(|b| Bucket::new(b as f64 / 10.0));
        let piece = fragment.map_or(usize::MAX, |f| f.0.max(1));
        for msg in rx {
            let data = match msg {
                WMsg::Data(d) => d,
                WMsg::Vanish => return,
            };
            let mut off = 0;
            while off < data.len() {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut n = (data.len() - off).min(piece);
                if let Some(b) = bucket.as_mut() {
                    n = b.take(n, &stop);
                    if n == 0 {
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
