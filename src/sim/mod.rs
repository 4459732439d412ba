//! `qtcp sim`: a simulator of an M95-family module on a pseudo-terminal, whose TCP/IP stack is
//! real sockets on this machine. It parses what the host sends with its own parser (it shares
//! nothing with the client's tokenizer), so each side checks the other.
//!
//! Threads: a pty reader (host bytes -> engine channel, paced), the engine thread (owns the
//! [`engine::Engine`] state machine and the sockets, sleeps until the next timer), a pty writer
//! (paced, fragmented) and per-socket reader/writer threads. On an unpaced line with no fragment
//! fault there is no pty reader or writer: the engine thread reads and writes the master itself
//! ([`direct`]).

pub mod args;
pub mod direct;
pub mod engine;
pub mod line;
pub mod listen;
pub mod net;
pub mod pty;
pub mod replay;
pub mod virtual_port;

pub use args::SimArgs;

use engine::{Action, ConnectError, Engine, NetEvent};
use serialport::{SerialPort, TTYPort};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, SendError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Events for the engine thread.
pub enum Ev {
    Host(Instant, Vec<u8>),
    Net(NetEvent),
    Stream(usize, u64, Result<net::Stream, ConnectError>),
    /// The line towards the host has drained ([`line::Backlog`]): look at the link again.
    Wake,
    Stop,
}

/// The sending end of the engine's event channel. When the engine thread sleeps in poll(2) on
/// the pty ([`direct`]) rather than on the channel, each send also signals its wake-up fd.
#[derive(Clone)]
pub struct EvTx {
    tx: Sender<Ev>,
    wake: Option<Arc<direct::WakeFd>>,
}

impl EvTx {
    pub fn send(&self, ev: Ev) -> Result<(), SendError<Ev>> {
        self.tx.send(ev)?;
        if let Some(w) = &self.wake {
            w.signal();
        }
        Ok(())
    }
}

/// Where the module's output for the host goes: the line writer thread's channel (None once the
/// module vanished), or the pty master the engine thread writes itself.
enum HostOut {
    Writer(Option<Sender<line::WMsg>>),
    Direct(direct::Pty),
}

/// What the engine thread drives: the simulated module ([`Engine`]) or a recorded one
/// ([`replay::Replay`], `--replay`).
trait Module {
    fn host_bytes(&mut self, now: Instant, bytes: &[u8]);
    fn net_event(&mut self, now: Instant, ev: NetEvent);
    fn tick(&mut self, now: Instant);
    fn next_deadline(&self) -> Option<Instant>;
    fn take_actions(&mut self) -> Vec<Action>;
    /// Bytes given to the line writer that the host has not taken yet.
    fn host_backlog(&mut self, _bytes: usize) {}
}

impl Module for Engine {
    fn host_bytes(&mut self, now: Instant, bytes: &[u8]) {
        Engine::host_bytes(self, now, bytes)
    }
    fn net_event(&mut self, now: Instant, ev: NetEvent) {
        Engine::net_event(self, now, ev)
    }
    fn tick(&mut self, now: Instant) {
        Engine::tick(self, now)
    }
    fn next_deadline(&self) -> Option<Instant> {
        Engine::next_deadline(self)
    }
    fn take_actions(&mut self) -> Vec<Action> {
        Engine::take_actions(self)
    }
    fn host_backlog(&mut self, bytes: usize) {
        Engine::host_backlog(self, bytes)
    }
}

impl Module for replay::Replay {
    fn host_bytes(&mut self, now: Instant, bytes: &[u8]) {
        replay::Replay::host_bytes(self, now, bytes)
    }
    fn net_event(&mut self, _now: Instant, _ev: NetEvent) {}
    fn tick(&mut self, now: Instant) {
        replay::Replay::tick(self, now)
    }
    fn next_deadline(&self) -> Option<Instant> {
        replay::Replay::next_deadline(self)
    }
    fn take_actions(&mut self) -> Vec<Action> {
        replay::Replay::take_actions(self)
    }
}

/// A running simulator: the engine thread owns the pty master; this handle keeps a slave fd open
/// so clients can open and close the port any number of times without a hang-up. With
/// `--listen` there is no pty: the line is a TCP server ([`listen`]).
pub struct Simulator {
    port: PathBuf,
    link: Option<PathBuf>,
    listen: Option<std::net::SocketAddr>,
    replay: Option<Arc<Mutex<replay::Status>>>,
    stop: Arc<AtomicBool>,
    reader_stop: Arc<AtomicBool>,
    ev_tx: EvTx,
    threads: Vec<JoinHandle<()>>,
    _slave: Arc<Mutex<Option<TTYPort>>>,
}

impl Simulator {
    pub fn start(args: &SimArgs) -> std::io::Result<Simulator> {
        let script = if args.replay.is_empty() {
            None
        } else {
            Some(replay::Script::load(&args.replay)?)
        };
        let replay = script.map(|s| replay::Replay::new(s, args.replay_timing));
        let replay_status = replay.as_ref().map(replay::Replay::status);
        let pair = match args.listen {
            Some(_) => None,
            None => Some(pty::open_pair()?),
        };
        let log = match &args.host_log {
            Some(p) => Some(OpenOptions::new().create(true).append(true).open(p)?),
            None => None,
        };
        if let (Some(l), Some((_, slave))) = (&args.link, &pair) {
            let port = slave
                .name()
                .ok_or_else(|| std::io::Error::other("pty slave has no name"))?;
            if std::fs::symlink_metadata(l).is_ok() {
                if is_stale_link(l) {
                    std::fs::remove_file(l)?;
                } else {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        format!(
                            "--link {}: it exists and is not a stale link to a pty that is gone \
                             (a file, a link to one, or a running simulator's link): not replaced",
                            l.display()
                        ),
                    ));
                }
            }
            std::os::unix::fs::symlink(port, l)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let fragment = args.faults.iter().find_map(|f| match f {
            args::Fault::Fragment(n, d) => Some((*n, *d)),
            _ => None,
        });
        // No byte waits for its line time and none is cut: the engine thread can own the pty.
        let direct = pair.is_some() && args.line_baud.is_none() && fragment.is_none();
        let wake = if direct {
            Some(Arc::new(direct::WakeFd::new()?))
        } else {
            None
        };
        let (tx, ev_rx) = channel::<Ev>();
        let ev_tx = EvTx {
            tx,
            wake: wake.clone(),
        };
        let (w_tx, w_rx) = channel::<line::WMsg>();
        let reader_stop = Arc::new(AtomicBool::new(false));
        let backlog = Arc::new(line::Backlog::new((args.recv_buffer / 2) as usize, ev_tx.clone()));
        let mut threads = Vec::new();
        let mut host_out = HostOut::Writer(Some(w_tx));
        let (port, listen, slave) = match pair {
            Some((master, slave)) if direct => {
                let port = PathBuf::from(
                    slave
                        .name()
                        .ok_or_else(|| std::io::Error::other("pty slave has no name"))?,
                );
                host_out = HostOut::Direct(direct::Pty::new(master, backlog.clone())?);
                (port, None, Some(slave))
            }
            Some((master, slave)) => {
                let port = PathBuf::from(
                    slave
                        .name()
                        .ok_or_else(|| std::io::Error::other("pty slave has no name"))?,
                );
                threads.push(pty::spawn_reader(
                    &master,
                    ev_tx.clone(),
                    reader_stop.clone(),
                    args.line_baud,
                )?);
                threads.push(pty::spawn_writer(
                    master,
                    w_rx,
                    stop.clone(),
                    line::HostWriter::new(args.line_baud, fragment, backlog.clone()),
                )?);
                (port, None, Some(slave))
            }
            None => {
                let addr = args.listen.as_deref().unwrap_or_default();
                let (bound, t) = listen::spawn(
                    addr,
                    ev_tx.clone(),
                    w_rx,
                    stop.clone(),
                    reader_stop.clone(),
                    args.line_baud,
                    line::HostWriter::new(args.line_baud, fragment, backlog.clone()),
                )?;
                threads.extend(t);
                (PathBuf::from(format!("tcp://{bound}")), Some(bound), None)
            }
        };
        let slave = Arc::new(Mutex::new(slave));
        let slave2 = slave.clone();
        let args2 = args.clone();
        let reader_stop2 = reader_stop.clone();
        let tx2 = ev_tx.clone();
        let start = Instant::now();
        let engine_thread = std::thread::Builder::new()
            .name("sim-engine".into())
            .spawn(move || {
                let mut engine: Box<dyn Module> = match replay {
                    Some(r) => Box::new(r),
                    None => Box::new(Engine::new(args2.engine_config(), start)),
                };
                let mut net = net::Net::new(tx2);
                let mut log = log;
                let mut out = host_out;
                let lines = Lines {
                    backlog: &backlog,
                    slave: &slave2,
                    reader_stop: &reader_stop2,
                };
                match wake {
                    Some(w) => direct_loop(&mut *engine, &mut net, &mut log, &mut out, &ev_rx, &w, &lines),
                    None => threaded_loop(&mut *engine, &mut net, &mut log, &mut out, &ev_rx, &lines),
                }
                net.shutdown();
            })?;
        threads.push(engine_thread);
        Ok(Simulator {
            port,
            link: args.link.clone(),
            listen,
            replay: replay_status,
            stop,
            reader_stop,
            ev_tx,
            threads,
            _slave: slave,
        })
    }

    /// What clients pass to `--port`: the slave device path (`/dev/pts/N`), or with `--listen`
    /// `tcp://HOST:PORT`.
    pub fn port(&self) -> &Path {
        &self.port
    }

    /// With `--listen`: the bound address (the real port when 0 was asked for).
    pub fn listen_addr(&self) -> Option<std::net::SocketAddr> {
        self.listen
    }

    /// With `--replay`: how the replay went so far.
    pub fn replay_status(&self) -> Option<replay::Status> {
        self.replay
            .as_ref()
            .and_then(|s| s.lock().ok().map(|s| s.clone()))
    }

    /// The `--link` symlink, if any.
    pub fn link(&self) -> Option<&Path> {
        self.link.as_deref()
    }

    /// Stop the engine, close sockets and the pty, remove the `--link` symlink.
    pub fn shutdown(mut self) {
        self.stop_all();
    }

    fn stop_all(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.reader_stop.store(true, Ordering::Relaxed);
        let _ = self.ev_tx.send(Ev::Stop);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // Only our own link: whatever replaced it since belongs to someone else.
        if let Some(l) = self.link.take() {
            if std::fs::read_link(&l).is_ok_and(|t| t == self.port) {
                let _ = std::fs::remove_file(&l);
            }
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// What the engine thread needs of the line besides the module's output.
struct Lines<'a> {
    backlog: &'a line::Backlog,
    slave: &'a Arc<Mutex<Option<TTYPort>>>,
    reader_stop: &'a Arc<AtomicBool>,
}

/// A network event from the channel, for the module.
fn network(engine: &mut dyn Module, net: &mut net::Net, ev: Ev) {
    match ev {
        Ev::Net(e) => engine.net_event(Instant::now(), e),
        Ev::Stream(slot, gen, Ok(s)) => {
            let ok = net.register(slot, gen, s);
            engine.net_event(Instant::now(), NetEvent::Connected { slot, gen, ok });
        }
        Ev::Stream(slot, gen, Err(why)) => {
            engine.net_event(Instant::now(), NetEvent::ConnectFailed { slot, gen, why });
        }
        Ev::Host(..) | Ev::Wake | Ev::Stop => {}
    }
}

/// The engine thread with the line's reader and writer threads: it sleeps on the channel.
fn threaded_loop(
    engine: &mut dyn Module,
    net: &mut net::Net,
    log: &mut Option<std::fs::File>,
    out: &mut HostOut,
    ev_rx: &Receiver<Ev>,
    lines: &Lines,
) {
    // Host bytes handed over ahead of the time they arrive on the line
    // ([`line::read_host`]): each is given to the module when its time comes.
    let mut host_q: std::collections::VecDeque<(Instant, Vec<u8>)> = std::collections::VecDeque::new();
    loop {
        run_actions(engine.take_actions(), net, log, out, lines);
        let now = Instant::now();
        let due = match (engine.next_deadline(), host_q.front()) {
            (Some(d), Some((t, _))) => Some(d.min(*t)),
            (d, h) => d.or(h.map(|x| x.0)),
        };
        let wait = due
            .map(|d| d.saturating_duration_since(now))
            .unwrap_or(Duration::from_secs(1));
        let ev = ev_rx.recv_timeout(wait);
        let mut wake = false;
        engine.host_backlog(lines.backlog.get());
        match ev {
            // the time the bytes arrived on the line, however late this thread
            // woke up (the engine's own clock never goes back)
            Ok(Ev::Host(t, b)) => host_q.push_back((t, b)),
            Ok(Ev::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            // the line drained: the receive window may open
            Ok(Ev::Wake) => wake = true,
            Ok(ev) => network(engine, net, ev),
            Err(RecvTimeoutError::Timeout) => {}
        }
        // host bytes whose time has come, then whatever else is due
        let now = Instant::now();
        while host_q.front().is_some_and(|(t, _)| *t <= now) {
            if let Some((t, b)) = host_q.pop_front() {
                engine.host_bytes(t, &b);
            }
        }
        if wake || engine.next_deadline().is_some_and(|d| d <= now) {
            engine.tick(now);
        }
    }
}

/// The engine thread owning the pty master ([`direct`]): it sleeps in poll(2) on the master and
/// the wake-up fd, takes host bytes as it reads them and writes its output itself.
fn direct_loop(
    engine: &mut dyn Module,
    net: &mut net::Net,
    log: &mut Option<std::fs::File>,
    out: &mut HostOut,
    ev_rx: &Receiver<Ev>,
    wake: &direct::WakeFd,
    lines: &Lines,
) {
    loop {
        // the output written far enough: the receive window may open (and what the module
        // does about it is carried out before this thread sleeps)
        let ticked = run_actions(engine.take_actions(), net, log, out, lines);
        engine.host_backlog(lines.backlog.get());
        if ticked {
            engine.tick(Instant::now());
        }
        let HostOut::Direct(pty) = out else {
            return;
        };
        let mut drained = false;
        // what the channel holds already, without sleeping (nor while the tick's actions wait)
        let mut busy = ticked;
        loop {
            match ev_rx.try_recv() {
                Ok(Ev::Stop) | Err(TryRecvError::Disconnected) => return,
                Ok(Ev::Host(t, b)) => {
                    busy = true;
                    engine.host_bytes(t, &b);
                }
                Ok(Ev::Wake) => {
                    busy = true;
                    drained = true;
                }
                Ok(ev) => {
                    busy = true;
                    network(engine, net, ev);
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        let now = Instant::now();
        let wait = if busy {
            Duration::ZERO
        } else {
            engine
                .next_deadline()
                .map(|d| d.saturating_duration_since(now))
                .unwrap_or(Duration::from_secs(1))
        };
        let ready = pty.wait(wake, Some(wait));
        drained |= ready.drained;
        if ready.host > 0 {
            engine.host_bytes(Instant::now(), pty.host_bytes(ready.host));
        }
        let now = Instant::now();
        if drained || engine.next_deadline().is_some_and(|d| d <= now) {
            // the backlog as it is now: the engine read it before the output drained, and a
            // tick with the old value left the receive window shut until the next event (a
            // download stalled for good when the host took the last bytes)
            engine.host_backlog(lines.backlog.get());
            engine.tick(now);
        }
    }
}

/// Carry out the module's actions; true when its output drained far enough to look at the link
/// again ([`line::Backlog::drained`]).
fn run_actions(
    actions: Vec<Action>,
    net: &mut net::Net,
    log: &mut Option<std::fs::File>,
    out: &mut HostOut,
    lines: &Lines,
) -> bool {
    for a in actions {
        match a {
            Action::Host(b) => match out {
                HostOut::Writer(Some(w)) => {
                    lines.backlog.add(b.len());
                    let _ = w.send(line::WMsg::Data(Instant::now(), b));
                }
                HostOut::Writer(None) => {}
                HostOut::Direct(p) => p.queue(&b),
            },
            Action::Connect {
                slot,
                gen,
                target,
                udp,
                timeout,
            } => net.connect(slot, gen, target, udp, timeout),
            Action::Send { slot, gen, data } => net.send(slot, gen, data),
            Action::Close { slot, gen } => net.close(slot, gen),
            Action::Window { slot, gen, allowed } => net.window(slot, gen, allowed),
            Action::Log(line) => {
                if let Some(f) = log {
                    let _ = writeln!(f, "{line}");
                    let _ = f.flush();
                }
            }
            Action::Vanish => {
                lines.reader_stop.store(true, Ordering::Relaxed);
                match out {
                    HostOut::Writer(w) => {
                        if let Some(w) = w.take() {
                            let _ = w.send(line::WMsg::Vanish);
                        }
                    }
                    HostOut::Direct(p) => p.vanish(),
                }
                if let Ok(mut s) = lines.slave.lock() {
                    s.take();
                }
            }
        }
    }
    match out {
        HostOut::Direct(p) => p.flush(),
        HostOut::Writer(_) => false,
    }
}

/// A `--link` left behind by a simulator that did not clean up: a symlink to a pty slave
/// (`/dev/pts/N`) that no longer exists. Anything else at that path is someone's and stays.
fn is_stale_link(l: &Path) -> bool {
    let Ok(target) = std::fs::read_link(l) else {
        return false;
    };
    let pty_kind = target.strip_prefix("/dev/pts").is_ok_and(|n| {
        n.to_str()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    });
    pty_kind && std::fs::symlink_metadata(&target).is_err()
}
