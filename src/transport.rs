//! The byte pipe to the module: a serial device (serialport, exclusively locked, raw), a serial
//! server over TCP (`tcp://HOST:PORT`), or the in-process simulator (`sim`, `sim:ARGS`).
//! One reader thread per port feeds a channel; the session waits on it with deadlines.

use crate::error::{Error, ErrorClass, Result};
use crate::sim::{SimArgs, Simulator};
use crate::trace::{Dir, Tracer};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the reader thread wakes to check whether it should stop.
const READER_POLL: Duration = Duration::from_millis(50);

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
}

enum Rx {
    Bytes(Vec<u8>),
    Closed(String),
}

/// An open port: write side, the reader thread's channel, and the trace.
pub struct Transport {
    name: String,
    writer: Box<dyn Write + Send>,
    rx: Receiver<Rx>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    closed: Option<String>,
    /// A serial server (`tcp://`): a connection it closes before the module said anything was
    /// refused (busy), not lost: `port_unavailable` rather than `io`.
    tcp: bool,
    heard: bool,
    pub tracer: Tracer,
    // Declared last: dropped after the port handles, so the simulator outlives the client side.
    sim: Option<Simulator>,
}

impl Transport {
    pub fn open(spec: &PortSpec, baud: u32, tracer: Tracer) -> Result<Transport> {
        match spec {
            PortSpec::Device(path) => Self::open_device(path, path.clone(), baud, tracer, None),
            PortSpec::Sim(args) => {
                let args =
                    SimArgs::parse_inline(args).map_err(|e| Error::usage(format!("--port sim: {e}")))?;
                let sim = Simulator::start(&args).map_err(|e| {
                    Error::new(
                        ErrorClass::PortUnavailable,
                        format!("cannot start the simulator: {e}"),
                    )
                })?;
                if let Some(addr) = sim.listen_addr() {
                    // `sim:--listen ADDR`: the in-process simulator behind a TCP server
                    return Self::open_tcp(&addr.to_string(), tracer, Some(sim));
                }
                let path = sim.port().to_string_lossy().into_owned();
                Self::open_device(&path, "sim".into(), baud, tracer, Some(sim))
            }
            PortSpec::Tcp(addr) => Self::open_tcp(addr, tracer, None),
        }
    }

    fn open_device(
        path: &str,
        name: String,
        baud: u32,
        tracer: Tracer,
        sim: Option<Simulator>,
    ) -> Result<Transport> {
        let port = serialport::new(path, baud)
            .timeout(READER_POLL)
            .open_native()
            .map_err(|e| port_error(path, e))?;
        // Stale bytes from before we opened (a previous session's tail, boot noise) would be
        // mistaken for answers to our first command: drop them once, here, and never again
        // (later flushes would eat URCs).
        let _ = serialport::SerialPort::clear(&port, serialport::ClearBuffer::Input);
        let reader = port
            .try_clone_native()
            .map_err(|e| Error::new(ErrorClass::PortUnavailable, format!("{path}: {e}")))?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let handle = std::thread::Builder::new()
            .name("qtcp-reader".into())
            .spawn(move || read_loop(reader, tx, stop2))
            .map_err(|e| Error::new(ErrorClass::Internal, e.to_string()))?;
        Ok(Transport {
            name,
            writer: Box::new(port),
            rx,
            stop,
            reader: Some(handle),
            closed: None,
            tcp: false,
            heard: false,
            tracer,
            sim,
        })
    }

    fn open_tcp(addr: &str, tracer: Tracer, sim: Option<Simulator>) -> Result<Transport> {
        let stream = connect_tcp(addr)?;
        let _ = stream.set_nodelay(true);
        let mut reader = stream
            .try_clone()
            .map_err(|e| Error::new(ErrorClass::PortUnavailable, format!("tcp://{addr}: {e}")))?;
        reader
            .set_read_timeout(Some(READER_POLL))
            .map_err(|e| Error::new(ErrorClass::PortUnavailable, e.to_string()))?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let handle = std::thread::Builder::new()
            .name("qtcp-reader".into())
            .spawn(move || {
                let mut buf = vec![0u8; 16384];
                loop {
                    if stop2.load(Ordering::Relaxed) {
                        break;
                    }
                    match reader.read(&mut buf) {
                        Ok(0) => {
                            let _ = tx.send(Rx::Closed("the serial server closed the connection".into()));
                            break;
                        }
                        Ok(n) => {
                            if tx.send(Rx::Bytes(buf[..n].to_vec())).is_err() {
                                break;
                            }
                        }
                        Err(e)
                            if matches!(
                                e.kind(),
                                io::ErrorKind::WouldBlock
                                    | io::ErrorKind::TimedOut
                                    | io::ErrorKind::Interrupted
                            ) => {}
                        Err(e) => {
                            let _ = tx.send(Rx::Closed(e.to_string()));
                            break;
                        }
                    }
                }
            })
            .map_err(|e| Error::new(ErrorClass::Internal, e.to_string()))?;
        Ok(Transport {
            name: format!("tcp://{addr}"),
            writer: Box::new(stream),
            rx,
            stop,
            reader: Some(handle),
            closed: None,
            tcp: true,
            heard: false,
            tracer,
            sim,
        })
    }

    /// The port's name as the user gave it (`sim` for the in-process simulator).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Write all bytes; `secret` is redacted in the trace.
    pub fn write(&mut self, bytes: &[u8], secret: Option<&[u8]>) -> Result<()> {
        self.tracer.record(Dir::Tx, bytes, secret);
        let r = self.writer.write_all(bytes).and_then(|_| self.writer.flush());
        r.map_err(|e| self.lost(format!("{}: write failed: {e}", self.name)))
    }

    /// The error for a port that closed or failed: `io`, except a serial server that hung up
    /// before the module sent a byte, which is a busy port (`port_unavailable`).
    fn lost(&self, msg: String) -> Error {
        if self.tcp && !self.heard {
            Error::new(
                ErrorClass::PortUnavailable,
                format!("{msg} before the module said anything: port busy (another client connected?)"),
            )
        } else {
            Error::io(msg)
        }
    }

    /// Wait until `deadline` for bytes. `Ok(None)` means the deadline passed; a vanished device
    /// is an I/O error, never a hang.
    pub fn read(&mut self, deadline: Instant) -> Result<Option<Vec<u8>>> {
        if let Some(why) = &self.closed {
            return Err(self.lost(format!("{}: {why}", self.name)));
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(wait) {
            Ok(Rx::Bytes(b)) => {
                self.heard = true;
                self.tracer.record(Dir::Rx, &b, None);
                Ok(Some(b))
            }
            Ok(Rx::Closed(why)) => {
                self.closed = Some(why.clone());
                Err(self.lost(format!("{}: {why}", self.name)))
            }
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = Some("the reader stopped".into());
                Err(Error::io(format!("{}: the device vanished", self.name)))
            }
        }
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        if let Some(sim) = self.sim.take() {
            sim.shutdown();
        }
    }
}

fn read_loop(mut port: serialport::TTYPort, tx: mpsc::Sender<Rx>, stop: Arc<AtomicBool>) {
    let mut buf = vec![0u8; 16384];
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        match port.read(&mut buf) {
            // Ok(0) is EOF on a tty: the device is gone (USB unplugged, pty master closed).
            Ok(0) => {
                let _ = tx.send(Rx::Closed("the device vanished (end of file)".into()));
                break;
            }
            Ok(n) => {
                if tx.send(Rx::Bytes(buf[..n].to_vec())).is_err() {
                    break;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                ) => {}
            Err(e) => {
                let _ = tx.send(Rx::Closed(format!("the device vanished ({e})")));
                break;
            }
        }
    }
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
