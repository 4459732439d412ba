//! The byte pipe to the module: a [`Link`] — a serial device (serialport, exclusively locked,
//! raw), a serial server over TCP (`tcp://HOST:PORT`), or anything else that carries bytes (the
//! CLI wires `--port sim` to an in-process simulator's pty; tests drive a simulated module in
//! virtual time) — with the trace and the classification of failures.
//! The session's own thread reads the port, waiting in poll(2) with the command's deadline: no
//! reader thread, so an answer costs one wake-up, not a hand-over between two threads, and
//! closing the port never waits for a reader to notice.

use crate::error::{Error, ErrorClass, Result};
use crate::trace::{Dir, Tracer};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

/// serialport's own timeout (unused: reads and writes go through poll(2) with the caller's
/// deadline).
const SERIALPORT_TIMEOUT: Duration = Duration::from_millis(50);
/// Size of one read from the port.
const READ_BUF: usize = 16384;

/// What the user named with `--port`.
#[derive(Debug, Clone, PartialEq)]
pub enum PortSpec {
    Device(String),
    Tcp(String),
    Sim(String),
}

impl PortSpec {
    pub fn parse(s: &str) -> PortSpec {
        if s == "sim" {
            PortSpec::Sim(String::new())
        } else if let Some(args) = s.strip_prefix("sim:") {
            PortSpec::Sim(args.to_string())
        } else if let Some(addr) = s.strip_prefix("tcp://") {
            PortSpec::Tcp(addr.to_string())
        } else {
            PortSpec::Device(s.to_string())
        }
    }

    /// The port as the user writes it (`/dev/ttyUSB0`, `tcp://HOST:PORT`, `sim`, `sim:ARGS`).
    pub fn name(&self) -> String {
        match self {
            PortSpec::Device(p) => p.clone(),
            PortSpec::Tcp(a) => format!("tcp://{a}"),
            PortSpec::Sim(a) if a.is_empty() => "sim".into(),
            PortSpec::Sim(a) => format!("sim:{a}"),
        }
    }
}

impl std::fmt::Display for PortSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Flow control on a serial device (`--flow-control`). It must match the module's `AT+IFC`:
/// hardware is RTS/CTS (`AT+IFC=2,2`), software is XON/XOFF (`AT+IFC=1,1`), which cannot carry
/// binary payloads (0x11 and 0x13 in the data would be taken as flow control). A serial server
/// (`tcp://`) carries no such setting (configure the server). On the simulator's pty, hardware
/// flow control changes nothing (a pty has no RTS/CTS lines); XON/XOFF is applied by the
/// kernel as on a real port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowControl {
    /// No flow control (the module's default, AT+IFC=0,0)
    #[default]
    None,
    /// RTS/CTS (AT+IFC=2,2 on the module)
    Hardware,
    /// XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)
    Software,
}

impl FlowControl {
    fn serialport(self) -> serialport::FlowControl {
        match self {
            FlowControl::None => serialport::FlowControl::None,
            FlowControl::Hardware => serialport::FlowControl::Hardware,
            FlowControl::Software => serialport::FlowControl::Software,
        }
    }
}

/// What kind of pipe a [`Link`] is: it decides how a failure is told to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A serial device (or a pty).
    Serial,
    /// A serial server over TCP (`tcp://`): a hang-up before the module said anything means
    /// the server refused us (busy), not that the module went away.
    SerialServer,
    /// A simulated module in this process (tests).
    Virtual,
}

/// A byte pipe to a module, and the clock it is read by. The session neither knows nor cares
/// whether the module is a serial device, a serial server or an engine in virtual time: it
/// writes, waits with deadlines taken from [`Link::now`], and reads.
pub trait Link: Send {
    fn kind(&self) -> LinkKind;
    /// Write every byte (handed to the driver, not necessarily on the wire yet: see `drain`),
    /// waiting for room until `deadline`: a line held by flow control (CTS low, a serial server
    /// that stopped reading) is `ErrorKind::TimedOut` once it passes, never a hang.
    fn write_all(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()>;
    /// Wait until everything written has left (tcdrain), at most until `deadline`: for guard
    /// times around `+++`.
    fn drain(&mut self, deadline: Instant) -> io::Result<()>;
    /// Wait until `deadline` for bytes and read what is there into `buf`. `Ok(0)` is the end
    /// of the stream (the device vanished); a deadline that passes is `ErrorKind::TimedOut`.
    /// At or past the deadline this still looks once, without waiting.
    fn read(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize>;
    /// The time deadlines are measured in: the wall clock, except for a module simulated in
    /// virtual time, whose clock jumps to whatever is due while the session waits.
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A serial device or pty (serialport, exclusively locked, raw, non-blocking) read in poll(2).
struct SerialLink {
    port: serialport::TTYPort,
}

impl Link for SerialLink {
    fn kind(&self) -> LinkKind {
        LinkKind::Serial
    }
    fn write_all(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()> {
        write_fd(self.port.as_raw_fd(), bytes, deadline)
    }
    fn drain(&mut self, deadline: Instant) -> io::Result<()> {
        // tcdrain(3) waits without a bound while flow control holds the line: wait for the
        // output queue to empty instead, sleeping about as long as the queue takes to leave.
        use serialport::SerialPort;
        loop {
            let queued = self.port.bytes_to_write().map_err(io::Error::other)?;
            if queued == 0 {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "the line did not drain"));
            }
            let baud = self.port.baud_rate().unwrap_or(115_200).max(300);
            let leave = Duration::from_secs_f64(queued as f64 * 10.0 / baud as f64);
            std::thread::sleep(leave.clamp(Duration::from_micros(100), deadline - now));
        }
    }
    fn read(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        let wait = deadline.saturating_duration_since(Instant::now());
        read_fd(self.port.as_raw_fd(), buf, wait)
    }
}

/// A serial server (ser2net raw mode, `qtcp sim --listen`) over TCP.
struct TcpLink {
    stream: TcpStream,
}

impl Link for TcpLink {
    fn kind(&self) -> LinkKind {
        LinkKind::SerialServer
    }
    fn write_all(&mut self, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
        // A serial server that stops reading (stalled, or its device held by flow control)
        // fills the socket's buffers; without a timeout the write would block for ever.
        while !bytes.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the serial server takes no data",
                ));
            }
            self.stream.set_write_timeout(Some(left))?;
            match self.stream.write(bytes) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
    fn drain(&mut self, _deadline: Instant) -> io::Result<()> {
        Ok(())
    }
    fn read(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        let wait = deadline.saturating_duration_since(Instant::now());
        self.stream
            .set_read_timeout(Some(wait.max(Duration::from_micros(1))))?;
        self.stream.read(buf)
    }
}

/// An open port, read and written by the session's thread, and the trace.
pub struct Transport {
    name: String,
    link: Box<dyn Link>,
    buf: Vec<u8>,
    closed: Option<String>,
    heard: bool,
    pub tracer: Tracer,
    // Declared last: dropped after the link, so whatever serves the other end (an in-process
    // simulator) outlives the client side.
    #[allow(dead_code)] // held only to be dropped last
    keep_alive: Option<Box<dyn Send>>,
}

impl Transport {
    /// A serial device (or pty) at `path`, reported as `name`.
    pub fn open_device(path: &str, name: String, baud: u32, tracer: Tracer) -> Result<Transport> {
        Self::open_device_with_flow(path, name, baud, FlowControl::None, tracer)
    }

    /// [`Transport::open_device`] with the device's flow control set (`--flow-control`).
    pub fn open_device_with_flow(
        path: &str,
        name: String,
        baud: u32,
        flow: FlowControl,
        tracer: Tracer,
    ) -> Result<Transport> {
        let port = serialport::new(path, baud)
            .flow_control(flow.serialport())
            .timeout(SERIALPORT_TIMEOUT)
            .open_native()
            .map_err(|e| port_error(path, e))?;
        // Stale bytes from before we opened (a previous session's tail, boot noise) would be
        // mistaken for answers to our first command: drop them once, here, and never again
        // (later flushes would eat URCs).
        let _ = serialport::SerialPort::clear(&port, serialport::ClearBuffer::Input);
        // Non-blocking: a write that finds room costs one system call, and poll(2) is used only
        // when it does not (reads always wait in poll first).
        set_nonblocking(port.as_raw_fd());
        Ok(Self::from_link(name, Box::new(SerialLink { port }), tracer))
    }

    /// A serial server at `addr` (`HOST:PORT`).
    pub fn open_tcp(addr: &str, tracer: Tracer) -> Result<Transport> {
        let stream = connect_tcp(addr)?;
        let _ = stream.set_nodelay(true);
        Ok(Self::from_link(
            format!("tcp://{addr}"),
            Box::new(TcpLink { stream }),
            tracer,
        ))
    }

    /// Any other link (a module simulated in this process, a test double).
    pub fn from_link(name: String, link: Box<dyn Link>, tracer: Tracer) -> Transport {
        Transport {
            name,
            link,
            buf: vec![0u8; READ_BUF],
            closed: None,
            heard: false,
            tracer,
            keep_alive: None,
        }
    }

    /// Keep `owner` (what serves the other end of the link) alive as long as this port, and
    /// drop it after the link is closed.
    pub fn keep_alive(mut self, owner: Box<dyn Send>) -> Transport {
        self.keep_alive = Some(owner);
        self
    }

    /// The port's name as the user gave it (`sim` for the in-process simulator).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The clock of this port's deadlines (see [`Link::now`]).
    pub fn now(&self) -> Instant {
        self.link.now()
    }

    /// Write all bytes (handed to the driver, not necessarily on the wire yet: see [`drain`]),
    /// waiting for room until `deadline` (the deadline of the command they belong to);
    /// `secret` is redacted in the trace.
    ///
    /// [`drain`]: Transport::drain
    pub fn write(&mut self, bytes: &[u8], secret: Option<&[u8]>, deadline: Instant) -> Result<()> {
        self.tracer.record(Dir::Tx, bytes, secret);
        let r = self.link.write_all(bytes, deadline);
        r.map_err(|e| self.write_failed(e))
    }

    /// A write that could not finish by its deadline is a module that takes no data (flow
    /// control holding the line, a stalled serial server): `module_silent`, not a device that
    /// vanished. Anything else is the port failing.
    fn write_failed(&self, e: io::Error) -> Error {
        if e.kind() == io::ErrorKind::TimedOut {
            Error::silent(format!(
                "{}: the module took no data until the command's deadline (the line is held by \
                 flow control, or the serial server stopped reading)",
                self.name
            ))
        } else {
            self.lost(format!("{}: write failed: {e}", self.name))
        }
    }

    /// The error for a port that closed or failed: `io`, except a serial server that hung up
    /// before the module sent a byte, which is a busy port (`port_unavailable`).
    fn lost(&self, msg: String) -> Error {
        if self.link.kind() == LinkKind::SerialServer && !self.heard {
            Error::new(
                ErrorClass::PortUnavailable,
                format!("{msg} before the module said anything: port busy (another client connected?)"),
            )
        } else {
            Error::io(msg)
        }
    }

    /// Wait until everything written has left (tcdrain), at most until `deadline`: for guard
    /// times around `+++`.
    pub fn drain(&mut self, deadline: Instant) -> Result<()> {
        let r = self.link.drain(deadline);
        r.map_err(|e| self.write_failed(e))
    }

    /// Wait until `deadline` for bytes. `Ok(None)` means the deadline passed; a vanished device
    /// is an I/O error, never a hang.
    pub fn read(&mut self, deadline: Instant) -> Result<Option<Vec<u8>>> {
        if let Some(why) = &self.closed {
            return Err(self.lost(format!("{}: {why}", self.name)));
        }
        let r = self.link.read(&mut self.buf, deadline);
        let server = self.link.kind() == LinkKind::SerialServer;
        match r {
            // Ok(0) is EOF on a tty: the device is gone (USB unplugged, pty master closed).
            Ok(0) => {
                let why = if server {
                    "the serial server closed the connection".to_string()
                } else {
                    "the device vanished (end of file)".to_string()
                };
                self.closed = Some(why.clone());
                Err(self.lost(format!("{}: {why}", self.name)))
            }
            Ok(n) => {
                self.heard = true;
                let b = self.buf[..n].to_vec();
                self.tracer.record(Dir::Rx, &b, None);
                Ok(Some(b))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                ) =>
            {
                Ok(None)
            }
            Err(e) => {
                let why = if server {
                    e.to_string()
                } else {
                    format!("the device vanished ({e})")
                };
                self.closed = Some(why.clone());
                Err(self.lost(format!("{}: {why}", self.name)))
            }
        }
    }
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

/// poll(2) one fd for `events` up to `timeout`: Ok(true) when ready (or hung up: the read or
/// write that follows reports it), Ok(false) on timeout.
fn poll_fd(fd: RawFd, events: libc::c_short, timeout: Duration) -> io::Result<bool> {
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // ppoll, not poll: poll's whole milliseconds turned every sub-millisecond wait into a full
    // one (a send paced to `--poll-min 1ms` slept ~1.1 ms once per window on an unpaced line,
    // more than the five chunks it waited behind).
    let ts = libc::timespec {
        tv_sec: timeout.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: one valid pollfd and a live timespec; no signal mask.
    let r = unsafe { libc::ppoll(&mut p, 1, &ts, std::ptr::null()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    if r > 0 && p.revents & libc::POLLNVAL != 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    Ok(r > 0)
}

/// Read what is there within `timeout`; a hang-up (pty master gone, USB unplugged) is EOF or
/// an error, never a timeout.
fn read_fd(fd: RawFd, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
    if !poll_fd(fd, libc::POLLIN, timeout)? {
        return Err(io::ErrorKind::TimedOut.into());
    }
    // SAFETY: reading into our own buffer.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::WouldBlock {
            return Err(io::ErrorKind::TimedOut.into());
        }
        return Err(e);
    }
    Ok(n as usize)
}

/// Write everything, waiting for room in the driver until `deadline`.
fn write_fd(fd: RawFd, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        // SAFETY: writing from our own buffer.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n >= 0 {
            bytes = &bytes[n as usize..];
            continue;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() || !poll_fd(fd, libc::POLLOUT, left)? {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the device takes no data",
                    ));
                }
            }
            _ => return Err(e),
        }
    }
    Ok(())
}

/// How long one connection attempt to a serial server may take.
const TCP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connect to a serial server; every failure is `port_unavailable` (exit 3), like a device that
/// is missing or held, except an address without a port (`usage`).
fn connect_tcp(addr: &str) -> Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let unavailable = |m: String| Error::new(ErrorClass::PortUnavailable, format!("tcp://{addr}: {m}"));
    if addr
        .rsplit_once(':')
        .is_none_or(|(h, p)| h.is_empty() || p.parse::<u16>().is_err())
    {
        return Err(Error::usage(format!("tcp://{addr}: expected tcp://HOST:PORT")));
    }
    let addrs: Vec<_> = addr
        .to_socket_addrs()
        .map_err(|e| unavailable(format!("cannot resolve: {e}")))?
        .collect();
    let mut last = None;
    for a in &addrs {
        match TcpStream::connect_timeout(a, TCP_CONNECT_TIMEOUT) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            unavailable("connection refused (is the serial server running, is the port right?)".into())
        }
        Some(e) if e.kind() == io::ErrorKind::TimedOut => unavailable(format!(
            "no answer within {}",
            humantime::format_duration(TCP_CONNECT_TIMEOUT)
        )),
        Some(e) => unavailable(e.to_string()),
        None => unavailable("the name resolves to no address".into()),
    })
}

fn port_error(path: &str, e: serialport::Error) -> Error {
    use serialport::ErrorKind as K;
    let msg = match e.kind() {
        K::NoDevice if e.description.contains("lock") => match holder(path) {
            Some((pid, name)) if name.contains("ModemManager") => format!(
                "{path}: port busy: held by ModemManager (pid {pid}); keep it away with the udev property \
                 ID_MM_DEVICE_IGNORE=1 (see README)"
            ),
            Some((pid, name)) => format!("{path}: port busy: held by {name} (pid {pid})"),
            None => format!("{path}: port busy: another process holds it ({})", e.description),
        },
        K::NoDevice => format!("{path}: no such device ({})", e.description),
        K::Io(io::ErrorKind::NotFound) => format!("{path}: no such device"),
        K::Io(io::ErrorKind::PermissionDenied) => {
            format!("{path}: permission denied (add yourself to the dialout group)")
        }
        _ => format!("{path}: cannot open: {}", e.description),
    };
    Error::new(ErrorClass::PortUnavailable, msg)
}

/// Which process has `path` open (Linux: scan /proc/*/fd), to name it in the "busy" error.
fn holder(path: &str) -> Option<(u32, String)> {
    let target = std::fs::canonicalize(path).ok()?;
    let me = std::process::id();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| l == target) {
                let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
                return Some((pid, name.trim().to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18: a serial server that stops reading (stalled, or its device held by flow
    /// control) made a `tcp://` write block for ever. The write now ends at its deadline as
    /// "module silent" (4), not as a vanished device.
    #[test]
    fn a_stalled_serial_server_ends_a_write_at_its_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let mut t = Transport::open_tcp(&addr, Tracer::disabled()).unwrap();
        let (_held, _) = listener.accept().unwrap(); // accepted, never read
        let big = vec![b'x'; 64 << 20]; // more than any socket buffer holds
        let deadline = Instant::now() + Duration::from_millis(300);
        let e = t.write(&big, None, deadline).unwrap_err();
        assert_eq!(e.class, ErrorClass::ModuleSilent, "{}", e.message);
        assert!(Instant::now() >= deadline);
    }
}
