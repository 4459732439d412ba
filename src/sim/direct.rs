//! The pty front without threads, for an unpaced line with no fragment fault: the engine thread
//! reads the pty master itself and writes the module's output to it directly. A thread hand-off
//! per host write and per module answer (reader -> channel -> engine -> channel -> writer) cost
//! more CPU than the module model itself on an unpaced push (perf: ~50 % of the simulator's
//! samples in futex wait/wake, ~4 % in the engine), and nothing needs them when no byte has to
//! wait for its line time. Paced lines and `--listen` keep the threaded [`super::line`] path.
//!
//! The engine sleeps in ppoll(2) on the master and on an eventfd that every [`super::EvTx`] send
//! signals (socket threads, connects, stop). Output the host has not taken yet stays queued here
//! and counts as [`Backlog`], exactly as it does in the writer thread's channel.

use super::line::Backlog;
use serialport::TTYPort;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

/// An eventfd: the engine's wake-up for events that come through the channel.
pub struct WakeFd(OwnedFd);

impl WakeFd {
    pub fn new() -> io::Result<WakeFd> {
        // SAFETY: eventfd returns a new fd we own, or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is valid and owned by nobody else.
        Ok(WakeFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    pub fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a u64 to our eventfd; a full counter (EAGAIN) is still awake.
        unsafe {
            libc::write(self.0.as_raw_fd(), (&one as *const u64).cast(), 8);
        }
    }

    /// Reset the counter (after poll said it was signalled).
    fn clear(&self) {
        let mut v: u64 = 0;
        // SAFETY: reads 8 bytes into a u64 from our non-blocking eventfd.
        unsafe {
            libc::read(self.0.as_raw_fd(), (&mut v as *mut u64).cast(), 8);
        }
    }
}

/// What one wait on the pty and the wake-up fd saw.
#[derive(Default)]
pub struct Ready {
    /// Host bytes were read into the buffer: how many.
    pub host: usize,
    /// Output drained far enough that the engine should look at the link again.
    pub drained: bool,
}

/// The pty master as the engine thread holds it.
pub struct Pty {
    /// None once the module vanished and its last output went out (or was lost).
    master: Option<TTYPort>,
    out: Vec<u8>,
    /// How much of `out` is written.
    sent: usize,
    backlog: Arc<Backlog>,
    /// The module vanished: no more reading; the master closes once `out` is written.
    vanishing: bool,
    buf: Vec<u8>,
}

impl Pty {
    pub fn new(master: TTYPort, backlog: Arc<Backlog>) -> io::Result<Pty> {
        let fd = master.as_raw_fd();
        // SAFETY: fcntl on the master fd we own.
        unsafe {
            let fl = libc::fcntl(fd, libc::F_GETFL);
            if fl < 0 || libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(Pty {
            master: Some(master),
            out: Vec::new(),
            sent: 0,
            backlog,
            vanishing: false,
            buf: vec![0u8; 16384],
        })
    }

    fn fd(&self) -> Option<RawFd> {
        self.master.as_ref().map(|m| m.as_raw_fd())
    }

    /// The host bytes the last [`Pty::wait`] read.
    pub fn host_bytes(&self, n: usize) -> &[u8] {
        &self.buf[..n]
    }

    /// Output for the host; [`Pty::flush`] writes it. After the module vanished it goes nowhere.
    pub fn queue(&mut self, data: &[u8]) {
        if self.vanishing || self.master.is_none() {
            return;
        }
        self.backlog.add(data.len());
        self.out.extend_from_slice(data);
    }

    /// The module vanished: what it said before still goes out, then the master closes (the
    /// writer thread does the same on [`super::line::WMsg::Vanish`]).
    pub fn vanish(&mut self) {
        self.vanishing = true;
    }

    /// Write as much queued output as the pty takes without blocking: whether the backlog fell
    /// far enough to wake the engine.
    pub fn flush(&mut self) -> bool {
        let mut drained = false;
        while let Some(fd) = self.fd() {
            if self.sent == self.out.len() {
                break;
            }
            let rest = &self.out[self.sent..];
            // SAFETY: writes from a live slice to the master fd we own.
            let r = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
            if r > 0 {
                self.sent += r as usize;
                drained |= self.backlog.drained(r as usize);
                continue;
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock => break,
                // nobody can read: the rest of this output is lost
                _ => {
                    drained |= self.backlog.drained(rest.len());
                    self.sent = self.out.len();
                }
            }
        }
        if self.sent == self.out.len() {
            self.out.clear();
            self.sent = 0;
            if self.vanishing {
                self.master = None;
            }
        } else if self.sent >= 65536 {
            self.out.drain(..self.sent);
            self.sent = 0;
        }
        drained
    }

    /// Sleep until host bytes arrive, the pty takes more output, the channel is signalled or
    /// `timeout` passes (None: until something happens); read the host bytes and write output.
    pub fn wait(&mut self, wake: &WakeFd, timeout: Option<Duration>) -> Ready {
        let mut fds = [
            libc::pollfd {
                fd: wake.0.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: -1,
                events: 0,
                revents: 0,
            },
        ];
        if let Some(fd) = self.fd() {
            fds[1].fd = fd;
            if !self.vanishing {
                fds[1].events |= libc::POLLIN;
            }
            if self.sent < self.out.len() {
                fds[1].events |= libc::POLLOUT;
            }
            if fds[1].events == 0 {
                fds[1].fd = -1;
            }
        }
        let ts = timeout.map(|t| libc::timespec {
            tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
            tv_nsec: t.subsec_nanos() as libc::c_long,
        });
        let tsp = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: two pollfds in a live array; tsp is null or points to a live timespec.
        let r = unsafe { libc::ppoll(fds.as_mut_ptr(), 2, tsp, std::ptr::null()) };
        let mut ready = Ready::default();
        if r <= 0 {
            return ready;
        }
        // the channel is drained by the caller after every wait: only the wake-up is cleared here
        if fds[0].revents != 0 {
            wake.clear();
        }
        let rev = fds[1].revents;
        if rev & libc::POLLOUT != 0 {
            ready.drained |= self.flush();
        } else if self.vanishing && rev & (libc::POLLHUP | libc::POLLERR) != 0 {
            // the module vanished and nobody holds the port: its last words are lost
            ready.drained |= self.backlog.drained(self.out.len() - self.sent);
            self.out.clear();
            self.sent = 0;
            self.master = None;
        }
        if rev & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 && !self.vanishing {
            if let Some(fd) = self.fd() {
                // SAFETY: reads into our live buffer from the master fd we own.
                let n = unsafe { libc::read(fd, self.buf.as_mut_ptr().cast(), self.buf.len()) };
                if n > 0 {
                    ready.host = n as usize;
                } else if rev & libc::POLLHUP != 0 {
                    // no slave open (cannot happen while the simulator holds one): back off
                    // rather than spin on the hang-up, as the reader thread does
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        ready
    }
}
