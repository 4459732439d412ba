//! Real sockets behind the simulated TCP/IP stack: one connect thread per QIOPEN, one reader and
//! one writer thread per connection, and the built-in echo service.

use super::engine::{ConnectError, NetEvent, Target};
use super::{Ev, EvTx};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// A connected socket handed from a connect thread to the engine thread.
pub enum Stream {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

struct Conn {
    writer: Sender<Vec<u8>>,
    /// Buffers given to the writer thread and not yet written: while there are none, the engine
    /// thread writes the socket itself (no thread hand-off per send); after, order is kept by
    /// queueing behind them.
    queued: Arc<AtomicUsize>,
    closed: Arc<AtomicBool>,
    tcp: Option<TcpStream>,
    flow: Arc<Flow>,
}

/// TCP flow control between the engine and a socket's reader: the reader takes at most
/// `allowed` bytes in total from the socket (the module's receive buffer has room for no more),
/// and sleeps while it has.
#[derive(Default)]
struct Flow {
    allowed: Mutex<u64>,
    more: Condvar,
}

impl Flow {
    /// Wait until more than `taken` bytes are allowed (or `closed`): how many more.
    fn room(&self, taken: u64, closed: &AtomicBool) -> Option<u64> {
        let mut a = self.allowed.lock().ok()?;
        loop {
            if closed.load(Ordering::Relaxed) {
                return None;
            }
            if *a > taken {
                return Some(*a - taken);
            }
            // the timeout only bounds how late a close is noticed
            a = self.more.wait_timeout(a, Duration::from_millis(500)).ok()?.0;
        }
    }

    fn allow(&self, allowed: u64) {
        if let Ok(mut a) = self.allowed.lock() {
            if allowed > *a {
                *a = allowed;
                self.more.notify_all();
            }
        }
    }
}

/// The kernel's receive buffer for a connection to a server. The module's own receive buffer is
/// modelled by the engine (`--recv-buffer`); this keeps the host's buffer from hiding the
/// backpressure a server would see from a real module. [INF]
const SOCKET_RCVBUF: libc::c_int = 32 * 1024;

fn set_rcvbuf(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    let v = SOCKET_RCVBUF;
    // SAFETY: setsockopt with a plain int on a socket we own; failure leaves the default.
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            &v as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// The network side, owned by the engine thread.
pub struct Net {
    tx: EvTx,
    conns: HashMap<(usize, u64), Conn>,
    echo: Option<(SocketAddr, SocketAddr)>,
    stop: Arc<AtomicBool>,
}

impl Net {
    pub fn new(tx: EvTx) -> Net {
        Net {
            tx,
            conns: HashMap::new(),
            echo: None,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    fn echo_addrs(&mut self) -> std::io::Result<(SocketAddr, SocketAddr)> {
        if let Some(a) = self.echo {
            return Ok(a);
        }
        let l = TcpListener::bind("127.0.0.1:0")?;
        l.set_nonblocking(true)?;
        let u = UdpSocket::bind("127.0.0.1:0")?;
        u.set_read_timeout(Some(Duration::from_millis(100)))?;
        let addrs = (l.local_addr()?, u.local_addr()?);
        let stop = self.stop.clone();
        thread::Builder::new()
            .name("sim-echo-tcp".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match l.accept() {
                        Ok((mut s, _)) => {
                            let _ = s.set_nonblocking(false);
                            let stop = stop.clone();
                            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                            thread::spawn(move || {
                                let mut buf = [0u8; 4096];
                                while !stop.load(Ordering::Relaxed) {
                                    match s.read(&mut buf) {
                                        Ok(0) => break,
                                        Ok(n) => {
                                            if s.write_all(&buf[..n]).is_err() {
                                                break;
                                            }
                                        }
                                        Err(e)
                                            if matches!(
                                                e.kind(),
                                                std::io::ErrorKind::WouldBlock
                                                    | std::io::ErrorKind::TimedOut
                                                    | std::io::ErrorKind::Interrupted
                                            ) => {}
                                        Err(_) => break,
                                    }
                                }
                            });
                        }
                        Err(_) => thread::sleep(Duration::from_millis(20)),
                    }
                }
            })?;
        let stop = self.stop.clone();
        thread::Builder::new()
            .name("sim-echo-udp".into())
            .spawn(move || {
                let mut buf = [0u8; 65536];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, from)) = u.recv_from(&mut buf) {
                        let _ = u.send_to(&buf[..n], from);
                    }
                }
            })?;
        self.echo = Some(addrs);
        Ok(addrs)
    }

    /// Start a connect in the background; the result comes back as `Ev::Stream`.
    pub fn connect(&mut self, slot: usize, gen: u64, target: Target, udp: bool, timeout: Duration) {
        let tx = self.tx.clone();
        let addr: Result<String, ConnectError> = match target {
            Target::HostPort(s) => Ok(s),
            Target::Echo => match self.echo_addrs() {
                Ok((t, u)) => Ok(if udp { u } else { t }.to_string()),
                Err(_) => Err(ConnectError::Refused),
            },
        };
        let _ = thread::Builder::new().name("sim-connect".into()).spawn(move || {
            let res = addr.and_then(|a| open(&a, udp, timeout));
            let _ = tx.send(Ev::Stream(slot, gen, res));
        });
    }

    /// Register a connected stream; returns whether it is usable.
    pub fn register(&mut self, slot: usize, gen: u64, stream: Stream) -> bool {
        let closed = Arc::new(AtomicBool::new(false));
        let (wtx, wrx) = channel::<Vec<u8>>();
        let tx = self.tx.clone();
        match stream {
            Stream::Tcp(s) => {
                let (Ok(r), Ok(w), Ok(keep)) = (s.try_clone(), s.try_clone(), s.try_clone()) else {
                    return false;
                };
                let _ = s.set_nodelay(true);
                set_rcvbuf(&s);
                let c2 = closed.clone();
                let flow = Arc::new(Flow::default());
                let f2 = flow.clone();
                let queued = Arc::new(AtomicUsize::new(0));
                let q2 = queued.clone();
                let _ = thread::Builder::new()
                    .name("sim-sock-rd".into())
                    .spawn(move || tcp_reader(r, slot, gen, tx, c2, &f2));
                let _ = thread::Builder::new().name("sim-sock-wr".into()).spawn(move || {
                    let mut w = w;
                    for d in wrx {
                        let r = w.write_all(&d);
                        q2.fetch_sub(1, Ordering::AcqRel);
                        if r.is_err() {
                            break;
                        }
                    }
                    let _ = w.shutdown(Shutdown::Both);
                });
                self.conns.insert(
                    (slot, gen),
                    Conn {
                        writer: wtx,
                        queued,
                        closed,
                        tcp: Some(keep),
                        flow,
                    },
                );
            }
            Stream::Udp(u) => {
                let Ok(r) = u.try_clone() else {
                    return false;
                };
                let _ = r.set_read_timeout(Some(Duration::from_millis(100)));
                let c2 = closed.clone();
                let _ = thread::Builder::new().name("sim-udp-rd".into()).spawn(move || {
                    let mut buf = vec![0u8; 65536];
                    while !c2.load(Ordering::Relaxed) {
                        match r.recv(&mut buf) {
                            Ok(n) => {
                                let ev = NetEvent::Data {
                                    slot,
                                    gen,
                                    data: buf[..n].to_vec(),
                                };
                                if tx.send(Ev::Net(ev)).is_err() {
                                    break;
                                }
                            }
                            Err(e)
                                if matches!(
                                    e.kind(),
                                    std::io::ErrorKind::WouldBlock
                                        | std::io::ErrorKind::TimedOut
                                        | std::io::ErrorKind::Interrupted
                                ) => {}
                            // ICMP port unreachable and the like: keep the socket
                            Err(_) => thread::sleep(Duration::from_millis(20)),
                        }
                    }
                });
                let c3 = closed.clone();
                let _ = thread::Builder::new().name("sim-udp-wr".into()).spawn(move || {
                    for d in wrx {
                        if c3.load(Ordering::Relaxed) {
                            break;
                        }
                        let _ = u.send(&d);
                    }
                    c3.store(true, Ordering::Relaxed);
                });
                self.conns.insert(
                    (slot, gen),
                    Conn {
                        writer: wtx,
                        // unused: a datagram always goes through the writer thread
                        queued: Arc::new(AtomicUsize::new(0)),
                        closed,
                        tcp: None,
                        flow: Arc::new(Flow::default()),
                    },
                );
            }
        }
        true
    }

    pub fn send(&mut self, slot: usize, gen: u64, mut data: Vec<u8>) {
        if let Some(c) = self.conns.get(&(slot, gen)) {
            if let (Some(t), 0) = (&c.tcp, c.queued.load(Ordering::Acquire)) {
                let n = send_now(t, &data);
                if n == data.len() {
                    return;
                }
                data.drain(..n);
            }
            // what the socket does not take now (or an error, which the writer meets itself)
            if c.tcp.is_some() {
                c.queued.fetch_add(1, Ordering::AcqRel);
            }
            let _ = c.writer.send(data);
        }
    }

    /// The module's receive buffer has room: read the connection up to `allowed` bytes in all.
    pub fn window(&mut self, slot: usize, gen: u64, allowed: u64) {
        if let Some(c) = self.conns.get(&(slot, gen)) {
            c.flow.allow(allowed);
        }
    }

    /// Close after the queued data is written (the writer thread shuts the socket down).
    pub fn close(&mut self, slot: usize, gen: u64) {
        if let Some(c) = self.conns.remove(&(slot, gen)) {
            c.closed.store(true, Ordering::Relaxed);
            c.flow.more.notify_all();
            drop(c.writer);
        }
    }

    /// Tear everything down now.
    pub fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for (_, c) in self.conns.drain() {
            c.closed.store(true, Ordering::Relaxed);
            c.flow.more.notify_all();
            if let Some(t) = c.tcp {
                let _ = t.shutdown(Shutdown::Both);
            }
        }
    }
}

/// Write what the socket takes without blocking: how many bytes.
fn send_now(s: &TcpStream, data: &[u8]) -> usize {
    use std::os::fd::AsRawFd;
    // SAFETY: sends from a live slice on a socket we own; MSG_DONTWAIT never blocks.
    let r = unsafe {
        libc::send(
            s.as_raw_fd(),
            data.as_ptr().cast(),
            data.len(),
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        )
    };
    r.max(0) as usize
}

/// Connect to `addr` (resolved here: a name that does not resolve is [`ConnectError::Dns`]).
fn open(addr: &str, udp: bool, timeout: Duration) -> Result<Stream, ConnectError> {
    let addrs: Vec<SocketAddr> = match addr.to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(_) => return Err(ConnectError::Dns),
    };
    if addrs.is_empty() {
        return Err(ConnectError::Dns);
    }
    let why = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => ConnectError::Timeout,
        _ => ConnectError::Refused,
    };
    let mut last = ConnectError::Refused;
    for a in addrs {
        if udp {
            let bind = if a.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
            let u = UdpSocket::bind(bind).map_err(why)?;
            match u.connect(a) {
                Ok(()) => return Ok(Stream::Udp(u)),
                Err(e) => last = why(e),
            }
        } else {
            match TcpStream::connect_timeout(&a, timeout.max(Duration::from_millis(1))) {
                Ok(s) => return Ok(Stream::Tcp(s)),
                Err(e) => last = why(e),
            }
        }
    }
    Err(last)
}

/// Read what the server sends, as far as the module's receive buffer has room ([`Flow`]): when
/// the host does not read, the socket is not read either and the server's writes block.
fn tcp_reader(mut r: TcpStream, slot: usize, gen: u64, tx: EvTx, closed: Arc<AtomicBool>, flow: &Flow) {
    let mut buf = vec![0u8; 16384];
    let mut taken = 0u64;
    loop {
        let Some(room) = flow.room(taken, &closed) else {
            return;
        };
        let lim = buf.len().min(room.min(usize::MAX as u64) as usize);
        match r.read(&mut buf[..lim]) {
            Ok(0) => break,
            Ok(n) => {
                taken += n as u64;
                if closed.load(Ordering::Relaxed) {
                    break;
                }
                let ev = NetEvent::Data {
                    slot,
                    gen,
                    data: buf[..n].to_vec(),
                };
                if tx.send(Ev::Net(ev)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = tx.send(Ev::Net(NetEvent::Eof { slot, gen }));
}
