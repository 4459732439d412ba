//! The simulated module without a pty, threads or sockets: the [`Engine`] driven directly in
//! virtual time, with an in-memory network of scripted peers. A host (the client's session, a
//! test) writes bytes and waits for bytes with a deadline; while it waits, virtual time jumps to
//! whatever is due next (an engine timer, a peer's answer) or to the deadline, so a test of a
//! fault that fires "after 300 ms of sending" runs in microseconds and always hits the same
//! byte. Nothing here sleeps and nothing reads the wall clock after construction.
//!
//! The serial line has no speed here (bytes arrive the instant they are written): the link model
//! (`--uplink`, `--rtt`, ...) still applies, because it lives in the engine.

use super::engine::{Action, Engine, EngineConfig, NetEvent, Target};
use crate::transport::{Link, LinkKind};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What answers a connection in the virtual network.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// Sends every byte (or datagram) back.
    Echo,
    /// Keeps every byte; see [`VirtualModule::received`].
    Sink,
    /// Sends `data` as soon as the connection is up, then closes if `close` is set.
    Source { data: Vec<u8>, close: bool },
    /// Keeps every byte and closes the connection after `after` bytes.
    CloseAfter { after: usize },
    /// Refuses the connection (the module answers CONNECT FAIL).
    Refuse,
}

/// One open connection of the virtual network.
struct Conn {
    target: String,
    peer: Peer,
    got: usize,
    open: bool,
    udp: bool,
    /// What the peer has sent that the module has no room for yet (TCP flow control: the
    /// engine opens the window with [`Action::Window`]).
    pending: VecDeque<Vec<u8>>,
    /// Bytes handed to the module, and how many it allows in all.
    delivered: u64,
    allowed: u64,
    /// The peer closes once `pending` is delivered.
    closing: bool,
}

/// The simulated module and its network, in virtual time.
pub struct VirtualModule {
    engine: Engine,
    now: Instant,
    /// Bytes the module wrote that the host has not read yet. Unlike the pty's line, they do not
    /// count against the module's receive buffer (the engine's host backlog stays 0): the
    /// virtual host reads whenever it waits, so an unread backlog never builds up [INF].
    to_host: Vec<u8>,
    /// Network events due at an instant, in order of scheduling within one instant.
    due: BTreeMap<(Instant, u64), NetEvent>,
    seq: u64,
    peers: HashMap<String, Peer>,
    conns: HashMap<(usize, u64), Conn>,
    received: HashMap<String, Vec<u8>>,
    host_log: Vec<String>,
    vanished: bool,
}

/// How long the virtual network takes to answer (connect, echo): short and fixed, so runs are
/// reproducible; the engine's own link model adds the radio's delays on top.
const NET_LATENCY: Duration = Duration::from_millis(1);

/// Name of the built-in echo service in [`VirtualModule::received`].
pub const ECHO: &str = "echo";

impl VirtualModule {
    /// A module configured by `cfg`; virtual time starts at `start`.
    pub fn new(cfg: EngineConfig, start: Instant) -> VirtualModule {
        let mut m = VirtualModule {
            engine: Engine::new(cfg, start),
            now: start,
            to_host: Vec::new(),
            due: BTreeMap::new(),
            seq: 0,
            peers: HashMap::new(),
            conns: HashMap::new(),
            received: HashMap::new(),
            host_log: Vec::new(),
            vanished: false,
        };
        m.run_actions();
        m
    }

    /// Who answers connections to `host_port` (as the engine names the target after `--map`).
    pub fn peer(&mut self, host_port: &str, peer: Peer) {
        self.peers.insert(host_port.to_string(), peer);
    }

    /// The current virtual time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Everything the peers at `host_port` received (all connections, in order).
    pub fn received(&self, host_port: &str) -> &[u8] {
        self.received.get(host_port).map_or(&[], Vec::as_slice)
    }

    /// The `--host-log` lines so far (when the config asked for them).
    pub fn host_log(&self) -> &[String] {
        &self.host_log
    }

    /// The host writes `bytes` at the current virtual time.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.vanished {
            return Err(gone());
        }
        self.engine.host_bytes(self.now, bytes);
        self.run_actions();
        Ok(())
    }

    /// The host waits until `deadline` for bytes: returns what the module wrote as soon as there
    /// is something (virtual time advanced to that moment), or `None` with time at `deadline`.
    pub fn read(&mut self, deadline: Instant) -> io::Result<Option<Vec<u8>>> {
        Ok(self
            .wait_output(deadline)?
            .then(|| std::mem::take(&mut self.to_host)))
    }

    /// Like [`read`](Self::read), into `buf`: how many bytes, 0 when the deadline passed.
    pub fn read_into(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        if !self.wait_output(deadline)? {
            return Ok(0);
        }
        let n = buf.len().min(self.to_host.len());
        buf[..n].copy_from_slice(&self.to_host[..n]);
        self.to_host.drain(..n);
        Ok(n)
    }

    /// Advance virtual time until the module has written something (true) or `deadline` (false).
    fn wait_output(&mut self, deadline: Instant) -> io::Result<bool> {
        loop {
            if !self.to_host.is_empty() {
                return Ok(true);
            }
            if self.vanished {
                return Err(gone());
            }
            let next_net = self.due.keys().next().map(|k| k.0);
            let next = match (self.engine.next_deadline(), next_net) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match next {
                Some(t) if t <= deadline => self.advance_to(t),
                _ => {
                    self.advance_to(deadline);
                    return Ok(false);
                }
            }
        }
    }

    /// Let virtual time pass until `t`, running what falls due on the way.
    pub fn advance_to(&mut self, t: Instant) {
        // Never backwards; a timer already due runs at the current time.
        let t = t.max(self.now);
        loop {
            let net_due = self.due.keys().next().copied().filter(|k| k.0 <= t);
            let eng_due = self.engine.next_deadline().filter(|d| *d <= t);
            match (net_due, eng_due) {
                (Some(k), e) if e.is_none_or(|e| k.0 <= e) => {
                    self.now = self.now.max(k.0);
                    let ev = self.due.remove(&k).expect("key just seen");
                    self.engine.net_event(self.now, ev);
                }
                (_, Some(e)) => {
                    let before = self.now;
                    self.now = self.now.max(e);
                    self.engine.tick(self.now);
                    if self.engine.next_deadline() == Some(e) && self.now == before {
                        // A deadline that does not move when it is served would stop time:
                        // step past it rather than loop.
                        self.now += Duration::from_micros(100);
                    }
                }
                _ => break,
            }
            self.run_actions();
        }
        self.now = self.now.max(t);
        self.engine.tick(self.now);
        self.run_actions();
    }

    /// Hand the module what the peer sent, as far as its receive window allows (UDP: whole
    /// datagrams, no window), then the peer's close once everything is delivered.
    fn deliver(&mut self, slot: usize, gen: u64) {
        let mut events = Vec::new();
        if let Some(c) = self.conns.get_mut(&(slot, gen)) {
            while let Some(front) = c.pending.front_mut() {
                let room = if c.udp {
                    front.len()
                } else {
                    c.allowed.saturating_sub(c.delivered) as usize
                };
                if room == 0 {
                    break;
                }
                let data = if room >= front.len() {
                    c.pending.pop_front().unwrap_or_default()
                } else {
                    front.drain(..room).collect()
                };
                c.delivered += data.len() as u64;
                events.push(NetEvent::Data { slot, gen, data });
            }
            if c.pending.is_empty() && std::mem::take(&mut c.closing) {
                events.push(NetEvent::Eof { slot, gen });
            }
        }
        for ev in events {
            self.schedule(NET_LATENCY, ev);
        }
    }

    fn schedule(&mut self, after: Duration, ev: NetEvent) {
        self.seq += 1;
        self.due.insert((self.now + after, self.seq), ev);
    }

    fn run_actions(&mut self) {
        loop {
            let actions = self.engine.take_actions();
            if actions.is_empty() {
                return;
            }
            for a in actions {
                self.act(a);
            }
        }
    }

    fn act(&mut self, a: Action) {
        match a {
            Action::Host(b) => {
                if !self.vanished {
                    self.to_host.extend_from_slice(&b);
                }
            }
            Action::Log(line) => self.host_log.push(line),
            Action::Vanish => {
                self.vanished = true;
                self.to_host.clear();
            }
            Action::Connect {
                slot,
                gen,
                target,
                udp,
                ..
            } => {
                let (name, peer) = match target {
                    Target::Echo => (ECHO.to_string(), Peer::Echo),
                    Target::HostPort(hp) => {
                        let p = self.peers.get(&hp).cloned().unwrap_or(Peer::Refuse);
                        (hp, p)
                    }
                };
                let ok = peer != Peer::Refuse;
                self.schedule(NET_LATENCY, NetEvent::Connected { slot, gen, ok });
                if !ok {
                    return;
                }
                let mut conn = Conn {
                    target: name,
                    peer: peer.clone(),
                    got: 0,
                    open: true,
                    udp,
                    pending: VecDeque::new(),
                    delivered: 0,
                    allowed: 0,
                    closing: false,
                };
                if let Peer::Source { data, close } = peer {
                    if !data.is_empty() {
                        conn.pending.push_back(data);
                    }
                    conn.closing = close;
                }
                self.conns.insert((slot, gen), conn);
                self.deliver(slot, gen);
            }
            Action::Window { slot, gen, allowed } => {
                if let Some(c) = self.conns.get_mut(&(slot, gen)) {
                    c.allowed = c.allowed.max(allowed);
                }
                self.deliver(slot, gen);
            }
            Action::Send { slot, gen, data } => {
                let Some(c) = self.conns.get_mut(&(slot, gen)) else {
                    return;
                };
                if !c.open {
                    return;
                }
                self.received
                    .entry(c.target.clone())
                    .or_default()
                    .extend_from_slice(&data);
                c.got += data.len();
                match c.peer.clone() {
                    Peer::Echo => {
                        c.pending.push_back(data);
                        self.deliver(slot, gen);
                    }
                    Peer::CloseAfter { after } if c.got >= after => {
                        c.open = false;
                        self.schedule(NET_LATENCY, NetEvent::Eof { slot, gen });
                    }
                    _ => {}
                }
            }
            Action::Close { slot, gen } => {
                self.conns.remove(&(slot, gen));
            }
        }
    }
}

/// A [`VirtualModule`] as a session's [`Link`]: the session's deadlines are virtual time, and
/// waiting on it is what lets virtual time move. Clones share the module, so a test can look at
/// what the peers received while (or after) a procedure runs.
#[derive(Clone)]
pub struct VirtualLink(pub Arc<Mutex<VirtualModule>>);

impl VirtualLink {
    pub fn new(module: VirtualModule) -> VirtualLink {
        VirtualLink(Arc::new(Mutex::new(module)))
    }

    /// The module, locked (never held across a session call).
    pub fn module(&self) -> std::sync::MutexGuard<'_, VirtualModule> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Link for VirtualLink {
    fn kind(&self) -> LinkKind {
        LinkKind::Virtual
    }
    fn write_all(&mut self, bytes: &[u8], _deadline: Instant) -> io::Result<()> {
        self.module().write(bytes)
    }
    fn drain(&mut self, _deadline: Instant) -> io::Result<()> {
        Ok(())
    }
    fn read(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        match self.module().read_into(buf, deadline)? {
            0 => Err(io::ErrorKind::TimedOut.into()),
            n => Ok(n),
        }
    }
    fn now(&self) -> Instant {
        self.module().now()
    }
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the simulated device vanished")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimArgs;

    fn module(flags: &str) -> VirtualModule {
        let args = SimArgs::parse_inline(flags).unwrap();
        VirtualModule::new(args.engine_config(), Instant::now())
    }

    /// Send `cmd`, collect the answer until `want` appears (or 200 s of virtual time pass).
    fn ask(m: &mut VirtualModule, cmd: &str, want: &str) -> String {
        m.write(format!("{cmd}\r").as_bytes()).unwrap();
        wait_for(m, cmd, want)
    }

    fn wait_for(m: &mut VirtualModule, cmd: &str, want: &str) -> String {
        let end = m.now() + Duration::from_secs(200);
        let mut got = Vec::new();
        while !String::from_utf8_lossy(&got).contains(want) {
            match m.read(end).unwrap() {
                Some(b) => got.extend_from_slice(&b),
                None => panic!("no {want:?} after {cmd}: {:?}", String::from_utf8_lossy(&got)),
            }
        }
        String::from_utf8_lossy(&got).into_owned()
    }

    #[test]
    fn time_jumps_to_what_is_due() {
        // QIACT takes 1 s with the default delays: the answer arrives at exactly +1 s of
        // virtual time, however long the host said it would wait.
        let mut m = module("--echo off");
        let t0 = m.now();
        ask(&mut m, "AT+QIREGAPP", "OK");
        ask(&mut m, "AT+QIACT", "OK");
        assert_eq!(m.now() - t0, Duration::from_secs(1));
        // Nothing due: a read waits exactly until its deadline.
        let t1 = m.now();
        assert_eq!(m.read(t1 + Duration::from_secs(5)).unwrap(), None);
        assert_eq!(m.now() - t1, Duration::from_secs(5));
    }

    #[test]
    fn echo_peer_and_sink_peer() {
        let mut m = module("--echo off --delays fast");
        m.peer("10.0.0.1:9", Peer::Sink);
        ask(&mut m, "AT+QIOPEN=\"TCP\",\"10.0.0.1\",9", "CONNECT OK");
        ask(&mut m, "AT+QISEND=5", "> ");
        m.write(b"hello").unwrap();
        wait_for(&mut m, "hello", "SEND OK");
        assert_eq!(m.received("10.0.0.1:9"), b"hello");
    }

    #[test]
    fn a_timed_fault_fires_at_its_virtual_moment() {
        let mut m = module("--echo off --fault vanish-after=2s");
        let t0 = m.now();
        assert!(m.read(t0 + Duration::from_secs(10)).is_err());
        assert_eq!(m.now() - t0, Duration::from_secs(2));
        assert!(m.write(b"AT\r").is_err());
    }
}
