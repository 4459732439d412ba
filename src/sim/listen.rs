//! `qtcp sim --listen ADDR`: the module's serial line offered over raw TCP, the way a serial
//! server (ser2net in raw mode) offers a real module's UART. The engine does not know: host bytes
//! reach it as [`Ev::Host`] and its output leaves through the same [`WMsg`] channel as on a pty,
//! with the same pacing (`--line-baud`) and fragmentation (`--fault fragment=...`).
//!
//! One client at a time. A connection that arrives while another one is alive is closed at once
//! (the client sees the server close before the module said anything: `port_unavailable`, exit
//! 3). A client may disconnect and reconnect any number of times; the module's state persists.
//! What the module sends while no client is connected is lost, as on a serial server.
//!
//! Threads: an acceptor (non-blocking accept, polled), one reader per connection (paced) and
//! one writer (paced, fragmented) that writes to whichever connection is current.

use super::line::{read_host, HostWriter, Next, WMsg, WriteEnd};
use super::EvTx;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a new connection waits for the current one to turn out dead (its peer already hung
/// up, but its reader has not noticed yet) before it is refused as busy.
const BUSY_GRACE: Duration = Duration::from_millis(200);

/// How long the acceptor sleeps waiting for a connection before it looks at the stop flags.
const ACCEPT_WAIT: Duration = Duration::from_millis(50);

/// The connection that currently owns the line: a generation number and the socket.
type Current = Arc<Mutex<Option<(u64, Arc<TcpStream>)>>>;

/// Bind `addr` (a `HOST:PORT`; port 0 picks a free one) and start the acceptor and writer.
/// Returns the bound address and the threads. The acceptor stops (and the listening socket is
/// closed, so later connections are refused) when `stop` or `reader_stop` is set; the writer
/// stops when `stop` is set or on [`WMsg::Vanish`], which also closes the current connection.
pub fn spawn(
    addr: &str,
    ev_tx: EvTx,
    w_rx: Receiver<WMsg>,
    stop: Arc<AtomicBool>,
    reader_stop: Arc<AtomicBool>,
    baud: Option<u32>,
    writer: HostWriter,
) -> io::Result<(SocketAddr, Vec<JoinHandle<()>>)> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--listen {addr}: {e}")))?
        .collect();
    let listener = TcpListener::bind(&addrs[..])
        .map_err(|e| io::Error::new(e.kind(), format!("--listen {addr}: {e}")))?;
    super::pty::set_cloexec(listener.as_raw_fd());
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    let current: Current = Arc::new(Mutex::new(None));
    let mut threads = Vec::new();
    {
        let current = current.clone();
        let stop = stop.clone();
        threads.push(
            thread::Builder::new()
                .name("sim-listen".into())
                .spawn(move || accept_loop(listener, current, ev_tx, stop, reader_stop, baud))?,
        );
    }
    threads.push(
        thread::Builder::new()
            .name("sim-tcp-wr".into())
            .spawn(move || write_loop(w_rx, current, stop, writer))?,
    );
    Ok((bound, threads))
}

fn stopped(stop: &AtomicBool, reader_stop: &AtomicBool) -> bool {
    stop.load(Ordering::Relaxed) || reader_stop.load(Ordering::Relaxed)
}

/// Whether the peer of `s` has hung up, waiting at most `grace` for it to do so.
fn peer_gone(s: &TcpStream, grace: Duration) -> bool {
    let mut pfd = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd for a socket we hold open for the duration of the call.
    let n = unsafe { libc::poll(&mut pfd, 1, grace.as_millis().min(i32::MAX as u128) as i32) };
    n > 0 && pfd.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

fn accept_loop(
    listener: TcpListener,
    current: Current,
    ev_tx: EvTx,
    stop: Arc<AtomicBool>,
    reader_stop: Arc<AtomicBool>,
    baud: Option<u32>,
) {
    let mut gen = 0u64;
    let mut readers: Vec<JoinHandle<()>> = Vec::new();
    while !stopped(&stop, &reader_stop) {
        let (stream, peer) = match listener.accept() {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::Interrupted => {
                // Wait for the next connection without polling every few ms: an idle
                // simulator costs a wake-up per ACCEPT_WAIT, and a stop is noticed within it.
                let mut pfd = libc::pollfd {
                    fd: listener.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd for the listening socket we own.
                unsafe { libc::poll(&mut pfd, 1, ACCEPT_WAIT.as_millis() as i32) };
                readers.retain(|h| !h.is_finished());
                continue;
            }
            Err(_) => {
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        super::pty::set_cloexec(stream.as_raw_fd());
        let busy = {
            let cur = current
                .lock()
                .ok()
                .and_then(|c| c.as_ref().map(|(_, s)| s.clone()));
            match cur {
                Some(s) => !peer_gone(&s, BUSY_GRACE),
                None => false,
            }
        };
        if busy {
            // Like a serial server whose port is in use: close at once, say nothing.
            let _ = stream.shutdown(std::net::Shutdown::Both);
            drop(stream);
            continue;
        }
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_nodelay(true);
        let stream = Arc::new(stream);
        gen += 1;
        let old = current
            .lock()
            .ok()
            .and_then(|mut c| c.replace((gen, stream.clone())));
        if let Some((_, old)) = old {
            let _ = old.shutdown(std::net::Shutdown::Both);
        }
        let _ = peer;
        let (tx, cur, st, rst) = (ev_tx.clone(), current.clone(), stop.clone(), reader_stop.clone());
        let me = gen;
        match thread::Builder::new()
            .name("sim-tcp-rd".into())
            .spawn(move || read_loop(stream, me, cur, tx, st, rst, baud))
        {
            Ok(h) => readers.push(h),
            Err(_) => {
                if let Ok(mut c) = current.lock() {
                    c.take();
                }
            }
        }
    }
    // Vanished or stopping: no more connections (the listening socket closes here), and the
    // current one is cut.
    drop(listener);
    if let Ok(mut c) = current.lock() {
        if let Some((_, s)) = c.take() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
    for h in readers {
        let _ = h.join();
    }
}

fn read_loop(
    stream: Arc<TcpStream>,
    gen: u64,
    current: Current,
    tx: EvTx,
    stop: Arc<AtomicBool>,
    reader_stop: Arc<AtomicBool>,
    baud: Option<u32>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let is_current = || {
        current
            .lock()
            .map(|c| c.as_ref().is_some_and(|(g, _)| *g == gen))
            .unwrap_or(false)
    };
    read_host(
        &*stream,
        stream.as_raw_fd(),
        &tx,
        &reader_stop,
        baud,
        true,
        || !stop.load(Ordering::Relaxed) && is_current(),
    );
    // The client left: the line is free again (unless another connection already took it).
    if let Ok(mut c) = current.lock() {
        if c.as_ref().is_some_and(|(g, _)| *g == gen) {
            c.take();
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn write_loop(rx: Receiver<WMsg>, current: Current, stop: Arc<AtomicBool>, mut writer: HostWriter) {
    loop {
        let (at, data) = match writer.next(&rx) {
            Next::Data(at, data) => (at, data),
            Next::End => return,
            Next::Vanish => {
                if let Ok(mut c) = current.lock() {
                    if let Some((_, s)) = c.take() {
                        let _ = s.shutdown(std::net::Shutdown::Both);
                    }
                }
                return;
            }
        };
        let target = current.lock().ok().and_then(|c| c.clone());
        // Nobody connected: the bytes go nowhere, as on a serial server without a client.
        let Some((gen, sock)) = target else {
            writer.discard(&data);
            continue;
        };
        let _ = sock.set_write_timeout(Some(Duration::from_millis(100)));
        let still_current = || {
            current
                .lock()
                .map(|c| c.as_ref().is_some_and(|(g, _)| *g == gen))
                .unwrap_or(false)
        };
        let mut out = &*sock;
        if writer.write(&mut out, at, &data, &stop, still_current) == WriteEnd::Stopped {
            return;
        }
    }
}
