//! The module itself as a pure state machine: host bytes, socket events and the clock go in;
//! bytes for the host, socket commands and host-log lines come out. No I/O, no threads, so it is
//! testable without a pty (and fuzzed by a property test).

use super::args::{
    AlreadyConnect, CloseUrc, Delays, Fault, OkError, OnOff, QiactFailState, QirdiMode, SimArgs, SimFault,
};
use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

/// Where a QIOPEN goes on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `host:port`, resolved by the network layer.
    HostPort(String),
    /// The built-in echo service (220.180.239.212:8063 TCP / 8062 UDP).
    Echo,
}

/// What the engine asks its surroundings to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Bytes for the host (one response block or URC, never split by another).
    Host(Vec<u8>),
    Connect {
        slot: usize,
        gen: u64,
        target: Target,
        udp: bool,
        timeout: Duration,
    },
    Send {
        slot: usize,
        gen: u64,
        data: Vec<u8>,
    },
    Close {
        slot: usize,
        gen: u64,
    },
    /// One JSON line for `--host-log`.
    Log(String),
    /// The device vanishes (close the pty).
    Vanish,
}

/// Socket events from the network layer.
#[derive(Debug, Clone, PartialEq)]
pub enum NetEvent {
    Connected { slot: usize, gen: u64, ok: bool },
    Data { slot: usize, gen: u64, data: Vec<u8> },
    Eof { slot: usize, gen: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Initial,
    Start,
    Activating,
    GprsAct,
    Status,
    PdpDeact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SockStatus {
    Connecting,
    Connected,
    Closed,
}

#[derive(Debug)]
struct Sock {
    gen: u64,
    udp: bool,
    ip: String,
    port: u16,
    status: SockStatus,
    txq: VecDeque<u8>,
    sent: u64,
    left: u64,
    acked: u64,
    left_log: VecDeque<(Instant, u64)>,
    stall_at: Option<u64>,
    rx: VecDeque<Vec<u8>>,
    rx_len: usize,
    notified: bool,
    down_q: VecDeque<Vec<u8>>,
    peer_eof: bool,
    /// set when data has been read out so QIRD on a drained closed socket errors
    ever_data: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Power {
    On,
    Booting,
    Off,
}

#[derive(Debug)]
enum Mode {
    Command,
    SendFixed {
        slot: usize,
        gen: u64,
        remaining: usize,
        buf: Vec<u8>,
    },
    SendVar {
        gen: u64,
        buf: Vec<u8>,
        overflow: bool,
    },
    Data,
}

#[derive(Debug, Clone, PartialEq)]
enum Timer {
    QiactDone,
    QideactDone,
    CgattDone(bool),
    OpenStart {
        slot: usize,
        gen: u64,
    },
    DnsDone(Option<String>),
    BootRdy,
    BootCallReady,
    PdpDeactFault,
    RebootFault,
    VanishFault,
    GuardAfter(u64),
    /// The end of a `sim=busy:DUR` window: `+CPIN: READY` as a URC.
    SimReady,
}

#[derive(Debug, Clone, Copy)]
enum R {
    Ok,
    Err,
    Cme(u16),
    Done,
}

#[derive(Debug, Clone, Copy)]
struct Saved {
    echo: bool,
    verbose: bool,
    cmee: u8,
    ipr: u32,
}

struct Param {
    s: String,
    quoted: bool,
}

const MAX_LINE: usize = 1024;
const LOCAL_IP: &str = "10.0.0.2";
const ECHO_IP: &str = "220.180.239.212";

/// The simulated module.
pub struct Engine {
    args: SimArgs,
    delays: Delays,
    start: Instant,
    now: Instant,
    actions: Vec<Action>,
    rng: u64,
    // persistent and volatile settings
    saved: Saved,
    echo: bool,
    verbose: bool,
    cmee: u8,
    ipr: u32,
    creg_n: u8,
    cgreg_n: u8,
    qiurc: bool,
    cfun: bool,
    cgatt: bool,
    net_up: bool,
    power: Power,
    // line assembly
    line: Vec<u8>,
    line_overflow: bool,
    after_cr: bool,
    held_echo: Vec<u8>,
    last_line: Option<Vec<u8>>,
    sync_left: u32,
    silent: Vec<String>,
    busy: bool,
    pending_in: VecDeque<u8>,
    mode: Mode,
    block: Vec<u8>,
    held_urcs: VecDeque<Vec<u8>>,
    timers: Vec<(Instant, Timer)>,
    // TCP/IP
    ctx: Ctx,
    mux: bool,
    transparent: bool,
    qindi: u8,
    qihead: bool,
    qishowra: bool,
    qishowpt: bool,
    qishowla: bool,
    qisde: bool,
    qiprompt: u8,
    qidnsip: bool,
    qisrvc: u8,
    fgcnt: u8,
    csgp_mode: u8,
    apn: (String, String, String),
    dns: (String, String),
    qitcfg: (u32, u32, u32, u32),
    lport: (u16, u16),
    socks: [Option<Sock>; 6],
    gen: u64,
    synth: Vec<String>,
    pending_targets: Vec<(usize, u64, Option<Target>)>,
    // link model
    up_credit: f64,
    down_credit: f64,
    link_at: Instant,
    /// The uplink / downlink had nothing to carry at the last step: idle time earns no credit.
    up_idle: bool,
    down_idle: bool,
    server_bytes: u64,
    connect_fail_left: u32,
    fired: Vec<bool>,
    pdp_deact_pending: bool,
    // transparent data mode
    tbuf: Vec<u8>,
    tflush_at: Option<Instant>,
    last_host_at: Instant,
    plus_count: u8,
    plus_first: Instant,
    plus_seq: u64,
    data_suspended: bool,
    /// End of the `sim=busy:DUR` window of the current power-on.
    sim_ready_at: Option<Instant>,
}

fn cme_text(n: u16) -> &'static str {
    match n {
        3 => "operation not allowed",
        4 => "operation not supported",
        10 => "SIM not inserted",
        11 => "SIM PIN required",
        12 => "SIM PUK required",
        13 => "SIM failure",
        14 => "SIM busy",
        30 => "no network service",
        107 => "GPRS services not allowed",
        _ => "unknown",
    }
}

fn split_params(b: &str) -> Option<Vec<Param>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut inq = false;
    for c in b.chars() {
        if inq {
            if c == '"' {
                inq = false;
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            if quoted || !cur.trim().is_empty() {
                return None;
            }
            cur.clear();
            inq = true;
            quoted = true;
        } else if c == ',' {
            out.push(Param {
                s: if quoted {
                    std::mem::take(&mut cur)
                } else {
                    cur.trim().to_string()
                },
                quoted,
            });
            cur.clear();
            quoted = false;
        } else if quoted {
            if !c.is_whitespace() {
                return None;
            }
        } else {
            cur.push(c);
        }
    }
    if inq {
        return None;
    }
    out.push(Param {
        s: if quoted { cur } else { cur.trim().to_string() },
        quoted,
    });
    Some(out)
}

fn pint(p: &Param) -> Option<i64> {
    if p.quoted || p.s.is_empty() || p.s.len() > 12 || !p.s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    p.s.parse().ok()
}

fn port_of(p: &Param) -> Option<u16> {
    let s = p.s.trim();
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match s.parse::<u32>() {
        Ok(v) if (1..=65535).contains(&v) => Some(v as u16),
        _ => None,
    }
}

enum Kind {
    Exec,
    Read,
    Test,
    Write(String),
}

/// A numeric setting command (`AT+X?`, `AT+X=?`, `AT+X=<0..max>`): read, test and write forms
/// answered the same way for every such setting; the execution form is an error.
macro_rules! numeric_setting {
    ($self:ident, $kind:expr, $value:expr, $field:expr, $label:expr, $max:expr) => {{
        match $kind {
            Kind::Read => {
                let v = $field as u32;
                $self.info(&format!("+{}: {}", $label, v));
                R::Ok
            }
            Kind::Test => {
                $self.info(&format!("+{}: (0-{})", $label, $max));
                R::Ok
            }
            Kind::Write(_) => match $value {
                Some(v) if (0..=$max).contains(&v) => {
                    $field = FromI64::from_i64(v);
                    R::Ok
                }
                _ => R::Err,
            },
            Kind::Exec => R::Err,
        }
    }};
}

impl Engine {
    pub fn new(args: &SimArgs, now: Instant) -> Engine {
        let saved = Saved {
            echo: args.echo == OnOff::On,
            verbose: true,
            cmee: args.cmee,
            ipr: args.ipr,
        };
        let mut e = Engine {
            args: args.clone(),
            delays: args.delays(),
            start: now,
            now,
            actions: Vec::new(),
            rng: args.seed ^ 0x9E37_79B9_7F4A_7C15 | 1,
            saved,
            echo: saved.echo,
            verbose: true,
            cmee: saved.cmee,
            ipr: saved.ipr,
            creg_n: 0,
            cgreg_n: 0,
            qiurc: true,
            cfun: true,
            cgatt: true,
            net_up: true,
            power: Power::On,
            line: Vec::new(),
            line_overflow: false,
            after_cr: false,
            held_echo: Vec::new(),
            last_line: None,
            sync_left: 0,
            silent: Vec::new(),
            busy: false,
            pending_in: VecDeque::new(),
            mode: Mode::Command,
            block: Vec::new(),
            held_urcs: VecDeque::new(),
            timers: Vec::new(),
            ctx: Ctx::Initial,
            mux: false,
            transparent: false,
            qindi: 0,
            qihead: false,
            qishowra: false,
            qishowpt: false,
            qishowla: false,
            qisde: true,
            qiprompt: 1,
            qidnsip: false,
            qisrvc: 1,
            fgcnt: 0,
            csgp_mode: 1,
            apn: (String::from("CMNET"), String::new(), String::new()),
            dns: (String::from("0.0.0.0"), String::from("0.0.0.0")),
            qitcfg: (3, 2, 1460, 1),
            lport: (0, 0),
            socks: Default::default(),
            gen: 0,
            synth: Vec::new(),
            pending_targets: Vec::new(),
            up_credit: 0.0,
            down_credit: 0.0,
            link_at: now,
            up_idle: true,
            down_idle: true,
            server_bytes: 0,
            connect_fail_left: 0,
            fired: vec![false; args.faults.len()],
            pdp_deact_pending: false,
            tbuf: Vec::new(),
            tflush_at: None,
            last_host_at: now,
            plus_count: 0,
            plus_first: now,
            plus_seq: 0,
            data_suspended: false,
            sim_ready_at: None,
        };
        e.start_sim_busy_window(now);
        for f in &args.faults {
            match f {
                Fault::SyncAfter(n) => e.sync_left = e.sync_left.saturating_add(*n),
                Fault::Silent(p) => e.silent.push(p.to_ascii_uppercase()),
                Fault::ConnectFail(n) => e.connect_fail_left = e.connect_fail_left.saturating_add(*n),
                Fault::PdpDeactAfter(d) => e.timers.push((now + *d, Timer::PdpDeactFault)),
                Fault::RebootAfter(d) => e.timers.push((now + *d, Timer::RebootFault)),
                Fault::VanishAfter(d) => e.timers.push((now + *d, Timer::VanishFault)),
                _ => {}
            }
        }
        if args.boot {
            e.boot(false);
        }
        e
    }

    // ------------------------------------------------------------------ public interface

    /// Bytes from the host, all received at `now`.
    pub fn host_bytes(&mut self, now: Instant, bytes: &[u8]) {
        self.set_now(now);
        for &b in bytes {
            self.host_byte(b);
        }
        if !bytes.is_empty() {
            self.last_host_at = now;
        }
        self.after_step();
    }

    /// A socket event.
    pub fn net_event(&mut self, now: Instant, ev: NetEvent) {
        self.set_now(now);
        match ev {
            NetEvent::Connected { slot, gen, ok } => self.on_connected(slot, gen, ok),
            NetEvent::Data { slot, gen, data } => {
                if let Some(s) = self.sock_gen(slot, gen) {
                    if s.status != SockStatus::Closed && !data.is_empty() {
                        s.down_q.push_back(data);
                    }
                }
            }
            NetEvent::Eof { slot, gen } => {
                if let Some(s) = self.sock_gen(slot, gen) {
                    s.peer_eof = true;
                }
            }
        }
        self.after_step();
    }

    /// The clock advanced; fire due timers.
    pub fn tick(&mut self, now: Instant) {
        self.set_now(now);
        self.after_step();
    }

    /// When `tick` must be called next.
    pub fn next_deadline(&self) -> Option<Instant> {
        let mut d: Option<Instant> = self.timers.iter().map(|t| t.0).min();
        let mut upd = |t: Instant| d = Some(d.map_or(t, |x| x.min(t)));
        if let Some(t) = self.tflush_at {
            upd(t);
        }
        let tick = self.now + Duration::from_millis(4);
        for s in self.socks.iter().flatten() {
            if !s.txq.is_empty() && s.status == SockStatus::Connected {
                upd(tick);
            }
            if let Some(&(t, _)) = s.left_log.front() {
                upd(t + self.args.rtt);
            }
            if !s.down_q.is_empty() || s.peer_eof && s.status != SockStatus::Closed {
                upd(tick);
            }
        }
        d
    }

    /// Everything produced since the last call.
    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    // ------------------------------------------------------------------ plumbing

    fn set_now(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    fn rand(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn after_step(&mut self) {
        // Timers and link may trigger each other; iterate a bounded number of times.
        for _ in 0..64 {
            let due = self.fire_timers();
            self.pump();
            if !due {
                break;
            }
        }
        self.flush_held();
    }

    fn fire_timers(&mut self) -> bool {
        let mut any = false;
        loop {
            let now = self.now;
            let idx = self
                .timers
                .iter()
                .enumerate()
                .filter(|(_, t)| t.0 <= now)
                .min_by_key(|(_, t)| t.0)
                .map(|(i, _)| i);
            let Some(i) = idx else { break };
            let (_, t) = self.timers.remove(i);
            any = true;
            self.on_timer(t);
        }
        if let Some(t) = self.tflush_at {
            if t <= self.now {
                self.tflush_at = None;
                self.transparent_flush(true);
                any = true;
            }
        }
        any
    }

    fn emit(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        // Consecutive output (an echo byte by byte, then the answer) is one write to the pty;
        // with a fragment fault each piece of output keeps its own pacing, as it always had.
        let fragmenting = self.args.faults.iter().any(|f| matches!(f, Fault::Fragment(..)));
        if let (false, Some(Action::Host(last))) = (fragmenting, self.actions.last_mut()) {
            last.extend_from_slice(&bytes);
        } else {
            self.actions.push(Action::Host(bytes));
        }
    }

    /// Emit a response block, maybe preceded by noise.
    fn emit_block(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.noise();
        self.emit(bytes);
    }

    fn noise(&mut self) {
        let p = self.args.faults.iter().find_map(|f| match f {
            Fault::Noise(p) => Some(*p),
            _ => None,
        });
        if let Some(p) = p {
            let r = (self.rand() >> 11) as f64 / (1u64 << 53) as f64;
            if r < p {
                let n = 1 + (self.rand() % 6) as usize;
                let mut v = b"\r\n".to_vec();
                for _ in 0..n {
                    let mut b = (self.rand() & 0xff) as u8;
                    if (0x20..0x7f).contains(&b) || b == b'\r' || b == b'\n' {
                        b = 0x80 | (b & 0x7f);
                    }
                    v.push(b);
                }
                v.extend_from_slice(b"\r\n");
                self.emit(v);
            }
        }
    }

    fn framed(&self, text: &str) -> Vec<u8> {
        if self.verbose {
            format!("\r\n{text}\r\n").into_bytes()
        } else {
            format!("{text}\r\n").into_bytes()
        }
    }

    fn info(&mut self, text: &str) {
        let f = self.framed(text);
        self.block.extend_from_slice(&f);
    }

    fn result_bytes(&self, verbose: &str, num: u8) -> Vec<u8> {
        if self.verbose {
            format!("\r\n{verbose}\r\n").into_bytes()
        } else {
            format!("{num}\r").into_bytes()
        }
    }

    fn push_ok(&mut self) {
        let b = self.result_bytes("OK", 0);
        self.block.extend_from_slice(&b);
    }

    fn push_error(&mut self) {
        let b = self.result_bytes("ERROR", 4);
        self.block.extend_from_slice(&b);
    }

    /// An unsolicited line: emitted now, or held until the data phase ends.
    fn urc(&mut self, text: &str) {
        let f = self.framed(text);
        self.urc_bytes(f);
    }

    fn urc_bytes(&mut self, bytes: Vec<u8>) {
        if self.power != Power::On {
            return;
        }
        if self.can_emit_urc() {
            self.emit_block(bytes);
        } else {
            self.held_urcs.push_back(bytes);
        }
    }

    fn can_emit_urc(&self) -> bool {
        matches!(self.mode, Mode::Command) && self.held_urcs.is_empty()
    }

    fn flush_held(&mut self) {
        if matches!(self.mode, Mode::Command) && self.power == Power::On {
            while let Some(b) = self.held_urcs.pop_front() {
                self.emit_block(b);
            }
        }
    }

    fn log_line(&mut self, line: &[u8]) {
        if self.args.host_log.is_none() {
            return;
        }
        let t = self.now.duration_since(self.start).as_millis() as u64;
        let v = serde_json::json!({"t_ms": t, "line": String::from_utf8_lossy(line)});
        self.actions.push(Action::Log(v.to_string()));
    }

    fn log_data(&mut self, n: usize) {
        if self.args.host_log.is_none() {
            return;
        }
        let t = self.now.duration_since(self.start).as_millis() as u64;
        let v = serde_json::json!({"t_ms": t, "data_len": n});
        self.actions.push(Action::Log(v.to_string()));
    }

    fn sock_gen(&mut self, slot: usize, gen: u64) -> Option<&mut Sock> {
        match self.socks.get_mut(slot) {
            Some(Some(s)) if s.gen == gen => Some(s),
            _ => None,
        }
    }

    fn sim_fault(&self) -> Option<SimFault> {
        self.args.faults.iter().find_map(|f| match f {
            Fault::Sim(SimFault::BusyFor(_)) => match self.sim_ready_at {
                Some(t) if self.now < t => Some(SimFault::Busy),
                _ => None,
            },
            Fault::Sim(s) => Some(*s),
            _ => None,
        })
    }

    /// A `sim=busy:DUR` SIM starts over at every power-on: busy until `from + DUR`.
    fn start_sim_busy_window(&mut self, from: Instant) {
        let busy_for = self.args.faults.iter().find_map(|f| match f {
            Fault::Sim(SimFault::BusyFor(d)) => Some(*d),
            _ => None,
        });
        if let Some(d) = busy_for {
            self.sim_ready_at = Some(from + d);
            self.timers.retain(|t| !matches!(t.1, Timer::SimReady));
            self.timers.push((from + d, Timer::SimReady));
        }
    }

    fn has_fault(&self, want: &Fault) -> bool {
        self.args.faults.iter().any(|f| f == want)
    }

    fn creg_stat(&self) -> u8 {
        if !self.cfun || self.sim_fault().is_some() {
            0
        } else if self.has_fault(&Fault::NoRegister) || !self.net_up {
            2
        } else {
            1
        }
    }

    fn cgreg_stat(&self) -> u8 {
        match self.creg_stat() {
            1 if self.has_fault(&Fault::NoAttach) => 2,
            s => s,
        }
    }

    fn attached(&self) -> bool {
        self.creg_stat() == 1 && !self.has_fault(&Fault::NoAttach) && self.cgatt
    }

    fn ctx_active(&self) -> bool {
        matches!(self.ctx, Ctx::GprsAct | Ctx::Status)
    }

    fn reg_changed(&mut self, old_creg: u8, old_cgreg: u8) {
        let c = self.creg_stat();
        if c != old_creg && self.creg_n > 0 {
            self.urc(&format!("+CREG: {c}"));
        }
        let g = self.cgreg_stat();
        if g != old_cgreg && self.cgreg_n > 0 {
            self.urc(&format!("+CGREG: {g}"));
        }
    }

    // ------------------------------------------------------------------ host input

    fn host_byte(&mut self, b: u8) {
        match self.power {
            Power::On => {}
            _ => return,
        }
        if self.busy {
            if self.pending_in.len() < 65536 {
                self.pending_in.push_back(b);
            }
            return;
        }
        match self.mode {
            Mode::Command => self.cmd_byte(b),
            Mode::SendFixed { .. } => self.send_fixed_byte(b),
            Mode::SendVar { .. } => self.send_var_byte(b),
            Mode::Data => self.data_byte(b),
        }
    }

    fn end_busy(&mut self) {
        self.busy = false;
        while !self.busy && self.power == Power::On {
            let Some(b) = self.pending_in.pop_front() else {
                break;
            };
            self.host_byte(b);
        }
    }

    fn silent_match(&self, line: &[u8], partial: bool) -> bool {
        let up = line.to_ascii_uppercase();
        self.silent.iter().any(|p| {
            if p == "*" {
                return true;
            }
            let pb = p.as_bytes();
            up.starts_with(pb) || (partial && pb.starts_with(&up))
        })
    }

    fn echo_byte(&mut self, b: u8) {
        if !self.echo {
            return;
        }
        if self.sync_left > 0 || self.silent_match(&self.line, true) {
            self.held_echo.push(b);
        } else {
            let mut v = std::mem::take(&mut self.held_echo);
            v.push(b);
            self.emit(v);
        }
    }

    fn cmd_byte(&mut self, b: u8) {
        if self.after_cr && b == b'\n' {
            self.after_cr = false;
            return;
        }
        self.after_cr = false;
        match b {
            b'\r' => {
                self.after_cr = true;
                let line = std::mem::take(&mut self.line);
                let overflow = std::mem::replace(&mut self.line_overflow, false);
                let held = std::mem::take(&mut self.held_echo);
                let trimmed = line.iter().any(|c| !c.is_ascii_whitespace());
                if trimmed {
                    self.log_line(&line);
                }
                if self.sync_left > 0 {
                    if trimmed {
                        self.sync_left -= 1;
                    }
                    return;
                }
                if self.silent_match(&line, false) {
                    return;
                }
                if self.echo {
                    let mut v = held;
                    v.push(b'\r');
                    self.emit(v);
                }
                if overflow {
                    self.push_error();
                    let blk = std::mem::take(&mut self.block);
                    self.emit_block(blk);
                } else {
                    self.exec_line(line);
                }
            }
            0x08 => {
                self.line.pop();
                self.echo_byte(b);
            }
            _ => {
                if self.line.len() >= MAX_LINE {
                    self.line_overflow = true;
                } else {
                    self.line.push(b);
                }
                self.echo_byte(b);
                if self.line.len() == 2 && self.line.eq_ignore_ascii_case(b"A/") {
                    self.line.clear();
                    self.held_echo.clear();
                    if let Some(l) = self.last_line.clone() {
                        self.exec_line(l);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ command execution

    fn exec_line(&mut self, line: Vec<u8>) {
        self.block.clear();
        let mut l: &[u8] = &line;
        while let Some((last, rest)) = l.split_last() {
            if last.is_ascii_whitespace() {
                l = rest;
            } else {
                break;
            }
        }
        if l.is_empty() {
            return;
        }
        if l.len() < 2 || !l[..2].eq_ignore_ascii_case(b"AT") {
            self.push_error();
            let blk = std::mem::take(&mut self.block);
            self.emit_block(blk);
            return;
        }
        self.last_line = Some(l.to_vec());
        let text = String::from_utf8_lossy(&l[2..]).into_owned();
        let cmds = match parse_commands(&text) {
            Some(c) => c,
            None => {
                self.push_error();
                let blk = std::mem::take(&mut self.block);
                self.emit_block(blk);
                return;
            }
        };
        let mut r = R::Ok;
        for (name, kind) in cmds {
            r = self.dispatch(&name, kind);
            if !matches!(r, R::Ok) {
                break;
            }
        }
        match r {
            R::Ok => self.push_ok(),
            R::Err => self.push_error(),
            R::Cme(n) => self.push_cme(n),
            R::Done => {}
        }
        let blk = std::mem::take(&mut self.block);
        self.emit_block(blk);
    }

    fn push_cme(&mut self, n: u16) {
        match self.cmee {
            0 => self.push_error(),
            1 => self.info(&format!("+CME ERROR: {n}")),
            _ => self.info(&format!("+CME ERROR: {}", cme_text(n))),
        }
    }

    fn dispatch(&mut self, name: &str, kind: Kind) -> R {
        let params = |k: &Kind| -> Option<Vec<Param>> {
            match k {
                Kind::Write(s) => split_params(s),
                _ => None,
            }
        };
        let one_int = |k: &Kind| -> Option<i64> {
            let p = params(k)?;
            if p.len() != 1 {
                return None;
            }
            pint(&p[0])
        };
        macro_rules! flag {
            ($field:expr, $label:expr, $max:expr) => {
                numeric_setting!(self, &kind, one_int(&kind), $field, $label, $max)
            };
        }
        match name {
            "" => R::Ok,
            "E" | "V" | "Q" => {
                let v = match &kind {
                    Kind::Write(s) if s.is_empty() => 0,
                    Kind::Write(s) => match s.parse::<u8>() {
                        Ok(v) => v,
                        Err(_) => return R::Err,
                    },
                    _ => 0,
                };
                match (name, v) {
                    ("E", 0) => self.echo = false,
                    ("E", 1) => self.echo = true,
                    ("V", 0) => self.verbose = false,
                    ("V", 1) => self.verbose = true,
                    ("Q", 0) => {}
                    _ => return R::Err,
                }
                R::Ok
            }
            "Z" => {
                self.echo = self.saved.echo;
                self.verbose = self.saved.verbose;
                self.cmee = self.saved.cmee;
                R::Ok
            }
            "&F" => {
                self.echo = true;
                self.verbose = true;
                self.cmee = self.args.cmee;
                R::Ok
            }
            "&W" => {
                self.saved = Saved {
                    echo: self.echo,
                    verbose: self.verbose,
                    cmee: self.cmee,
                    ipr: self.ipr,
                };
                R::Ok
            }
            "&V" => {
                self.info(&format!(
                    "ACTIVE PROFILE:\r\nE{} V{} +CMEE: {} +IPR: {}",
                    self.echo as u8, self.verbose as u8, self.cmee, self.ipr
                ));
                R::Ok
            }
            "&D" | "&C" | "X" | "H" => R::Ok,
            "I" => {
                self.info("Quectel_Ltd\r\nQuectel_M95\r\nRevision: M95FAR02A08");
                R::Ok
            }
            "O" => self.cmd_ato(),
            "+GSN" | "+CGSN" => {
                self.info("867451020123456");
                R::Ok
            }
            "+CGMR" | "+GMR" | "+QGMR" => {
                self.info("Revision: M95FAR02A08");
                R::Ok
            }
            "+CGMI" | "+GMI" => {
                self.info("Quectel_Ltd");
                R::Ok
            }
            "+CGMM" | "+GMM" => {
                self.info("Quectel_M95");
                R::Ok
            }
            "+CSQ" => {
                if matches!(kind, Kind::Test) {
                    self.info("+CSQ: (0-31,99),(0-7,99)");
                } else if self.creg_stat() == 0 && !self.cfun {
                    self.info("+CSQ: 99,99");
                } else {
                    self.info("+CSQ: 21,0");
                }
                R::Ok
            }
            "+CMEE" => flag!(self.cmee, "CMEE", 2),
            "+IPR" => match &kind {
                Kind::Read => {
                    self.info(&format!("+IPR: {}", self.ipr));
                    R::Ok
                }
                Kind::Test => {
                    self.info(
                        "+IPR: (),(0,300,600,1200,2400,4800,9600,14400,19200,28800,38400,57600,115200)",
                    );
                    R::Ok
                }
                Kind::Write(_) => match one_int(&kind) {
                    Some(v) if (0..=4_000_000).contains(&v) => {
                        self.ipr = v as u32;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Exec => R::Err,
            },
            "+CPIN" => match kind {
                Kind::Read => match self.sim_fault() {
                    Some(SimFault::Absent) => R::Cme(10),
                    Some(SimFault::Busy | SimFault::BusyFor(_)) => R::Cme(14),
                    Some(SimFault::Pin) => {
                        self.info("+CPIN: SIM PIN");
                        R::Ok
                    }
                    None => {
                        self.info("+CPIN: READY");
                        R::Ok
                    }
                },
                Kind::Test => R::Ok,
                _ => match self.sim_fault() {
                    Some(SimFault::Absent) => R::Cme(10),
                    Some(SimFault::Busy | SimFault::BusyFor(_)) => R::Cme(14),
                    _ => R::Cme(3),
                },
            },
            "+CIMI" => match self.sim_fault() {
                Some(SimFault::Absent) => R::Cme(10),
                Some(SimFault::Busy | SimFault::BusyFor(_)) => R::Cme(14),
                Some(SimFault::Pin) => R::Cme(11),
                None => {
                    self.info("460001234567890");
                    R::Ok
                }
            },
            "+CREG" | "+CGREG" => {
                let is_c = name == "+CREG";
                let stat = if is_c { self.creg_stat() } else { self.cgreg_stat() };
                let label = &name[1..];
                match &kind {
                    Kind::Read => {
                        let n = if is_c { self.creg_n } else { self.cgreg_n };
                        if n == 2 && (stat == 1 || stat == 5) {
                            self.info(&format!("+{label}: 2,{stat},\"2842\",\"0426\""));
                        } else {
                            self.info(&format!("+{label}: {n},{stat}"));
                        }
                        R::Ok
                    }
                    Kind::Test => {
                        self.info(&format!("+{label}: (0-2)"));
                        R::Ok
                    }
                    Kind::Write(_) => match one_int(&kind) {
                        Some(v) if (0..=2).contains(&v) => {
                            if is_c {
                                self.creg_n = v as u8;
                            } else {
                                self.cgreg_n = v as u8;
                            }
                            R::Ok
                        }
                        _ => R::Cme(3),
                    },
                    Kind::Exec => R::Ok,
                }
            }
            "+CGATT" => match &kind {
                Kind::Read => {
                    let a = self.attached() as u8;
                    self.info(&format!("+CGATT: {a}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+CGATT: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => match one_int(&kind) {
                    Some(v @ 0..=1) => {
                        self.busy = true;
                        self.timers
                            .push((self.now + self.delays.cgatt, Timer::CgattDone(v == 1)));
                        R::Done
                    }
                    _ => R::Cme(3),
                },
                Kind::Exec => R::Err,
            },
            "+CFUN" => self.cmd_cfun(kind),
            "+QPOWD" => {
                let v = match &kind {
                    Kind::Exec => 1,
                    Kind::Write(_) => match one_int(&kind) {
                        Some(v @ 0..=2) => v,
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                };
                self.close_all_sockets();
                if v == 1 {
                    self.info("NORMAL POWER DOWN");
                } else {
                    self.push_ok();
                }
                self.power_off();
                R::Done
            }
            "+QIURC" => flag!(self.qiurc, "QIURC", 1),
            "+QINISTAT" => {
                let v = if self.net_up { 3 } else { 1 };
                self.info(&format!("+QINISTAT: {v}"));
                R::Ok
            }
            "+CMGF" | "+CNMI" | "+CSCS" | "+CLIP" | "+COLP" | "+CRC" | "+QSCLK" | "+CBC" | "+QNITZ"
            | "+CTZU" => R::Ok,
            n if n.starts_with("+QI") => self.dispatch_qi(n, kind),
            _ => R::Err,
        }
    }

    fn cmd_cfun(&mut self, kind: Kind) -> R {
        match &kind {
            Kind::Read => {
                self.info(&format!("+CFUN: {}", self.cfun as u8));
                R::Ok
            }
            Kind::Test => {
                self.info("+CFUN: (0,1,4),(0-1)");
                R::Ok
            }
            Kind::Write(s) => {
                let Some(p) = split_params(s) else {
                    return R::Err;
                };
                let fun = p.first().and_then(pint);
                let rst = match p.get(1) {
                    None => Some(0),
                    Some(x) => pint(x),
                };
                if p.len() > 2 {
                    return R::Cme(3);
                }
                match (fun, rst) {
                    (Some(f @ (0 | 1 | 4)), Some(r @ 0..=1)) => {
                        if r == 1 {
                            self.push_ok();
                            let blk = std::mem::take(&mut self.block);
                            self.emit_block(blk);
                            self.reboot();
                            return R::Done;
                        }
                        let (oc, og) = (self.creg_stat(), self.cgreg_stat());
                        if f == 1 {
                            self.cfun = true;
                            self.cgatt = true;
                        } else {
                            self.cfun = false;
                            self.drop_tcpip(false);
                        }
                        self.reg_changed(oc, og);
                        R::Ok
                    }
                    _ => R::Cme(3),
                }
            }
            Kind::Exec => R::Err,
        }
    }

    fn cmd_ato(&mut self) -> R {
        let ok = self.transparent
            && self.data_suspended
            && matches!(&self.socks[0], Some(s) if s.status == SockStatus::Connected);
        if !ok {
            let b = self.result_bytes("NO CARRIER", 3);
            self.block.extend_from_slice(&b);
            return R::Done;
        }
        let b = self.result_bytes("CONNECT", 1);
        self.block.extend_from_slice(&b);
        let blk = std::mem::take(&mut self.block);
        self.emit_block(blk);
        self.enter_data_mode();
        // Data that arrived while in command mode goes out now.
        if let Some(s) = self.socks[0].as_mut() {
            let v: Vec<u8> = s.rx.drain(..).flatten().collect();
            s.rx_len = 0;
            self.emit(v);
        }
        R::Done
    }

    fn enter_data_mode(&mut self) {
        self.mode = Mode::Data;
        self.data_suspended = false;
        self.plus_count = 0;
        self.tbuf.clear();
        self.tflush_at = None;
    }

    // ------------------------------------------------------------------ QI commands

    fn dispatch_qi(&mut self, name: &str, kind: Kind) -> R {
        let params = match &kind {
            Kind::Write(s) => match split_params(s) {
                Some(p) => Some(p),
                None => return R::Err,
            },
            _ => None,
        };
        let one = |p: &Option<Vec<Param>>| -> Option<i64> {
            match p {
                Some(v) if v.len() == 1 => pint(&v[0]),
                _ => None,
            }
        };
        macro_rules! qflag {
            ($field:expr, $label:expr, $max:expr) => {
                numeric_setting!(self, &kind, one(&params), $field, $label, $max)
            };
        }
        match name {
            "+QIFGCNT" => match &kind {
                Kind::Read => {
                    self.info(&format!("+QIFGCNT: {},0", self.fgcnt));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QIFGCNT: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        self.fgcnt = v as u8;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Exec => R::Err,
            },
            "+QICSGP" => match &kind {
                Kind::Read => {
                    let (a, u, p) = self.apn.clone();
                    self.info(&format!("+QICSGP: {},\"{a}\",\"{u}\",\"{p}\"", self.csgp_mode));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QICSGP: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    let mode = match p.first().and_then(pint) {
                        Some(m @ 0..=1) => m as u8,
                        _ => return R::Err,
                    };
                    if p.len() > 5 || p.iter().skip(1).any(|x| !x.quoted && !x.s.is_empty()) {
                        return R::Err;
                    }
                    self.csgp_mode = mode;
                    let g = |i: usize| p.get(i).map(|x| x.s.clone()).unwrap_or_default();
                    if p.len() > 1 {
                        self.apn = (g(1), g(2), g(3));
                    }
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QIREGAPP" => match &kind {
                Kind::Test => {
                    self.info("+QIREGAPP: \"APN\",\"USER\",\"PWD\"");
                    R::Ok
                }
                Kind::Read => {
                    let (a, u, p) = self.apn.clone();
                    self.info(&format!("+QIREGAPP: \"{a}\",\"{u}\",\"{p}\""));
                    R::Ok
                }
                Kind::Exec | Kind::Write(_) => {
                    if self.ctx != Ctx::Initial {
                        return R::Err;
                    }
                    if let Some(p) = &params {
                        if p.is_empty() || p.len() > 4 || p.iter().take(3).any(|x| !x.quoted) {
                            return R::Err;
                        }
                        let g = |i: usize| p.get(i).map(|x| x.s.clone()).unwrap_or_default();
                        self.apn = (g(0), g(1), g(2));
                    }
                    self.ctx = Ctx::Start;
                    R::Ok
                }
            },
            "+QIACT" => match &kind {
                Kind::Exec => {
                    match self.ctx {
                        Ctx::Start => {}
                        Ctx::Initial if !self.args.no_implicit_activation => {}
                        _ => return R::Err,
                    }
                    self.ctx = Ctx::Activating;
                    self.busy = true;
                    self.timers.push((self.now + self.delays.qiact, Timer::QiactDone));
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QILOCIP" => match &kind {
                Kind::Exec => {
                    match self.ctx {
                        Ctx::GprsAct => self.ctx = Ctx::Status,
                        Ctx::Status => {}
                        _ => return R::Err,
                    }
                    self.info(LOCAL_IP);
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIDEACT" => match &kind {
                Kind::Exec => {
                    if self.ctx == Ctx::Initial && self.args.qideact_in_initial == OkError::Error {
                        return R::Err;
                    }
                    self.busy = true;
                    self.timers
                        .push((self.now + self.delays.qideact, Timer::QideactDone));
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIDNSIP" => qflag!(self.qidnsip, "QIDNSIP", 1),
            "+QIDNSCFG" => match &kind {
                Kind::Read => {
                    let (a, b) = self.dns.clone();
                    self.info(&format!("PrimaryDns:{a}\r\nSecondaryDns:{b}"));
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.is_empty() || p.len() > 2 {
                        return R::Err;
                    }
                    if p.iter().any(|x| x.s.parse::<Ipv4Addr>().is_err()) {
                        return R::Err;
                    }
                    self.dns = (
                        p[0].s.clone(),
                        p.get(1).map(|x| x.s.clone()).unwrap_or(self.dns.1.clone()),
                    );
                    R::Ok
                }
                _ => R::Ok,
            },
            "+QIDNSGIP" => match &kind {
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.len() != 1 || p[0].s.is_empty() {
                        return R::Err;
                    }
                    if !self.ctx_active() {
                        return R::Err;
                    }
                    let name = p[0].s.clone();
                    let res = if self.has_fault(&Fault::DnsFail) {
                        None
                    } else {
                        self.dns_lookup(&name)
                    };
                    self.timers
                        .push((self.now + self.delays.dns, Timer::DnsDone(res)));
                    R::Ok
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIMUX" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        if self.ctx != Ctx::Initial || (v == 1 && self.transparent) {
                            return R::Err;
                        }
                        self.mux = v == 1;
                        R::Ok
                    }
                    _ => R::Err,
                },
                _ => qflag!(self.mux, "QIMUX", 1),
            },
            "+QIMODE" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        if self.ctx != Ctx::Initial || (v == 1 && self.mux) {
                            return R::Err;
                        }
                        self.transparent = v == 1;
                        R::Ok
                    }
                    _ => R::Err,
                },
                _ => qflag!(self.transparent, "QIMODE", 1),
            },
            "+QIOPEN" => self.cmd_qiopen(kind, params),
            "+QISTAT" => self.cmd_qistat(kind),
            "+QISTATE" => self.cmd_qistate(kind),
            "+QISEND" => self.cmd_qisend(kind, params),
            "+QISACK" => {
                let slot = match (&kind, self.mux) {
                    (Kind::Exec, false) => 0,
                    (Kind::Write(_), true) => match one(&params) {
                        Some(i @ 0..=5) => i as usize,
                        _ => return R::Err,
                    },
                    (Kind::Test, _) => return R::Ok,
                    _ => return R::Err,
                };
                match &self.socks[slot] {
                    Some(s) if s.status != SockStatus::Connecting => {
                        let t = format!(
                            "+QISACK: {}, {}, {}",
                            s.sent,
                            s.acked,
                            s.sent.saturating_sub(s.acked)
                        );
                        self.info(&t);
                        R::Ok
                    }
                    _ => R::Err,
                }
            }
            "+QICLOSE" => {
                let slot = match (&kind, self.mux) {
                    (Kind::Test, _) => return R::Ok,
                    (Kind::Exec, false) => 0,
                    (Kind::Exec, true) => return R::Err,
                    (Kind::Write(_), true) => match one(&params) {
                        Some(i @ 0..=5) => i as usize,
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                };
                let open = matches!(&self.socks[slot], Some(s) if s.status != SockStatus::Closed);
                if !open {
                    return R::Err;
                }
                self.close_sock(slot);
                if let Some(s) = self.socks[slot].as_mut() {
                    s.rx.clear();
                    s.rx_len = 0;
                    s.down_q.clear();
                }
                self.data_suspended = false;
                if self.mux {
                    self.info(&format!("{slot}, CLOSE OK"));
                } else {
                    self.info("CLOSE OK");
                }
                R::Done
            }
            "+QINDI" => qflag!(self.qindi, "QINDI", 2),
            "+QIRD" => self.cmd_qird(kind, params),
            "+QIHEAD" => qflag!(self.qihead, "QIHEAD", 1),
            "+QISHOWRA" => qflag!(self.qishowra, "QISHOWRA", 1),
            "+QISHOWPT" => qflag!(self.qishowpt, "QISHOWPT", 1),
            "+QISHOWLA" => qflag!(self.qishowla, "QISHOWLA", 1),
            "+QISDE" => qflag!(self.qisde, "QISDE", 1),
            "+QIPROMPT" => qflag!(self.qiprompt, "QIPROMPT", 3),
            "+QISRVC" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 1..=2) => {
                        self.qisrvc = v as u8;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Read => {
                    self.info(&format!("+QISRVC: {}", self.qisrvc));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QISRVC: (1,2)");
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QILPORT" => match &kind {
                Kind::Read => {
                    let t = format!("TCP: {}\r\nUDP: {}", self.lport.0, self.lport.1);
                    self.info(&t);
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.len() != 2 {
                        return R::Err;
                    }
                    let port = match pint(&p[1]) {
                        Some(v @ 0..=65535) => v as u16,
                        _ => return R::Err,
                    };
                    match p[0].s.to_ascii_uppercase().as_str() {
                        "TCP" => self.lport.0 = port,
                        "UDP" => self.lport.1 = port,
                        _ => return R::Err,
                    }
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QILPORT: (\"TCP\",\"UDP\"),(0-65535)");
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QITCFG" => match &kind {
                Kind::Read => {
                    let (a, b, c, d) = self.qitcfg;
                    self.info(&format!("+QITCFG: {a},{b},{c},{d}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QITCFG: (3-8),(1-10),(1-1460),(0,1)");
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    let v: Vec<Option<i64>> = p.iter().map(pint).collect();
                    match v.as_slice() {
                        [Some(a @ 3..=8), Some(b @ 1..=10), Some(c @ 1..=1460), Some(d @ 0..=1)] => {
                            self.qitcfg = (*a as u32, *b as u32, *c as u32, *d as u32);
                            R::Ok
                        }
                        _ => R::Err,
                    }
                }
                Kind::Exec => R::Err,
            },
            "+QISERVER" | "+QIAUTOS" => R::Err,
            _ => R::Err,
        }
    }

    /// Display IP for a name (a stable synthetic address for mapped names).
    fn synth_ip(&mut self, name: &str) -> String {
        let key = name.to_ascii_lowercase();
        let i = match self.synth.iter().position(|n| *n == key) {
            Some(i) => i,
            None => {
                self.synth.push(key);
                self.synth.len() - 1
            }
        };
        format!("10.99.{}.{}", (i / 250) % 250, i % 250 + 1)
    }

    fn map_lookup(&self, key: &str) -> Option<String> {
        let k = key.to_ascii_lowercase();
        self.args
            .map
            .iter()
            .rev()
            .find(|m| m.name == k)
            .map(|m| m.target.clone())
    }

    fn dns_lookup(&mut self, name: &str) -> Option<String> {
        if name.parse::<Ipv4Addr>().is_ok() {
            return Some(name.to_string());
        }
        if self.map_lookup(name).is_some() {
            return Some(self.synth_ip(name));
        }
        if name.eq_ignore_ascii_case("localhost") {
            return Some("127.0.0.1".into());
        }
        None
    }

    /// Resolve a QIOPEN address: (display ip, target), or None for a DNS failure.
    fn resolve(&mut self, host: &str, port: u16, udp: bool) -> Option<(String, Target)> {
        let is_ip = host.parse::<Ipv4Addr>().is_ok();
        if is_ip || self.qidnsip || host.eq_ignore_ascii_case("localhost") {
        } else {
            return None;
        }
        if self.has_fault(&Fault::DnsFail) && !is_ip {
            return None;
        }
        let display = if is_ip {
            host.to_string()
        } else if host.eq_ignore_ascii_case("localhost") && self.map_lookup(host).is_none() {
            "127.0.0.1".to_string()
        } else {
            self.synth_ip(host)
        };
        if let Some(t) = self.map_lookup(&format!("{host}:{port}")) {
            return Some((display, Target::HostPort(t)));
        }
        if let Some(t) = self.map_lookup(host) {
            return Some((display, Target::HostPort(t)));
        }
        // a synthetic address handed out by QIDNSGIP
        if let Some(rest) = host.strip_prefix("10.99.") {
            let mut it = rest.split('.');
            if let (Some(a), Some(b)) = (it.next(), it.next()) {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    if b >= 1 {
                        let i = a * 250 + b - 1;
                        if let Some(n) = self.synth.get(i).cloned() {
                            if let Some(t) = self.map_lookup(&format!("{n}:{port}")) {
                                return Some((display, Target::HostPort(t)));
                            }
                            if let Some(t) = self.map_lookup(&n) {
                                return Some((display, Target::HostPort(t)));
                            }
                        }
                    }
                }
            }
        }
        if host == ECHO_IP && ((port == 8063 && !udp) || (port == 8062 && udp)) {
            return Some((display, Target::Echo));
        }
        if is_ip {
            return Some((display, Target::HostPort(format!("{host}:{port}"))));
        }
        if host.eq_ignore_ascii_case("localhost") {
            return Some((display, Target::HostPort(format!("localhost:{port}"))));
        }
        None
    }

    fn cmd_qiopen(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        if matches!(kind, Kind::Test) {
            self.info("+QIOPEN: (\"TCP\",\"UDP\")");
            return R::Ok;
        }
        let Some(p) = params else { return R::Err };
        let (slot, rest) = if self.mux {
            if p.len() != 4 {
                return R::Err;
            }
            match pint(&p[0]) {
                Some(i @ 0..=5) => (i as usize, &p[1..]),
                _ => return R::Err,
            }
        } else {
            if p.len() != 3 {
                return R::Err;
            }
            (0, &p[..])
        };
        let udp = match rest[0].s.to_ascii_uppercase().as_str() {
            "TCP" => false,
            "UDP" => true,
            _ => return R::Err,
        };
        let host = rest[1].s.trim().to_string();
        if host.is_empty() || host.len() > 255 {
            return R::Err;
        }
        let Some(port) = port_of(&rest[2]) else {
            return R::Err;
        };
        // state checks
        match self.ctx {
            Ctx::PdpDeact | Ctx::Start | Ctx::Activating => return R::Err,
            Ctx::Initial if self.args.no_implicit_activation => return R::Err,
            _ => {}
        }
        if let Some(s) = &self.socks[slot] {
            match s.status {
                SockStatus::Connected => {
                    match (self.args.already_connect, self.mux) {
                        (AlreadyConnect::MuxConnectFail, true) => {
                            self.push_ok();
                            self.info(&format!("{slot}, CONNECT FAIL"));
                        }
                        (AlreadyConnect::WithError, _) => {
                            self.info("ALREADY CONNECT");
                            self.push_error();
                        }
                        _ => self.info("ALREADY CONNECT"),
                    }
                    return R::Done;
                }
                SockStatus::Connecting => return R::Err,
                SockStatus::Closed => {}
            }
        }
        if self.ctx == Ctx::Initial && !self.attached() {
            return R::Err;
        }
        self.gen += 1;
        let gen = self.gen;
        let resolved = if self.connect_fail_left > 0 {
            self.connect_fail_left -= 1;
            None
        } else {
            self.resolve(&host, port, udp)
        };
        let display = resolved
            .as_ref()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| host.clone());
        self.socks[slot] = Some(Sock {
            gen,
            udp,
            ip: display,
            port,
            status: SockStatus::Connecting,
            txq: VecDeque::new(),
            sent: 0,
            left: 0,
            acked: 0,
            left_log: VecDeque::new(),
            stall_at: None,
            rx: VecDeque::new(),
            rx_len: 0,
            notified: false,
            down_q: VecDeque::new(),
            peer_eof: false,
            ever_data: false,
        });
        let mut delay = self.delays.qiopen;
        if self.ctx == Ctx::Initial {
            // implicit QIREGAPP + QIACT
            self.ctx = Ctx::GprsAct;
            delay += self.delays.qiact;
        }
        self.timers
            .push((self.now + delay, Timer::OpenStart { slot, gen }));
        self.pending_targets.retain(|(s, _, _)| *s != slot);
        self.pending_targets.push((slot, gen, resolved.map(|r| r.1)));
        R::Ok
    }

    fn cmd_qistat(&mut self, kind: Kind) -> R {
        match kind {
            Kind::Test => R::Ok,
            Kind::Exec => {
                if self.mux {
                    for i in 0..6 {
                        let line = match &self.socks[i] {
                            Some(s) if s.status != SockStatus::Closed => format!(
                                "+QISTAT: {i}, \"{}\", \"{}\", {},",
                                if s.udp { "UDP" } else { "TCP" },
                                s.ip,
                                s.port
                            ),
                            _ => format!("+QISTAT: {i}, \"\", \"\","),
                        };
                        self.info(&line);
                    }
                    R::Ok
                } else {
                    self.push_ok();
                    let (n, s) = self.single_state();
                    if self.verbose {
                        self.info(&format!("STATE: {s}"));
                    } else {
                        self.block.extend_from_slice(format!("{n}\r\n").as_bytes());
                    }
                    R::Done
                }
            }
            _ => R::Err,
        }
    }

    fn single_state(&self) -> (u8, &'static str) {
        let ctx = |c: Ctx| match c {
            Ctx::Initial => (0, "IP INITIAL"),
            Ctx::Start => (1, "IP START"),
            Ctx::Activating => (2, "IP CONFIG"),
            Ctx::GprsAct => (4, "IP GPRSACT"),
            Ctx::Status => (5, "IP STATUS"),
            Ctx::PdpDeact => (9, "PDP DEACT"),
        };
        if self.ctx == Ctx::PdpDeact || self.mux {
            return ctx(self.ctx);
        }
        match &self.socks[0] {
            Some(s) => match s.status {
                SockStatus::Connecting if s.udp => (6, "UDP CONNECTING"),
                SockStatus::Connecting => (6, "TCP CONNECTING"),
                SockStatus::Connected => (8, "CONNECT OK"),
                SockStatus::Closed => (7, "IP CLOSE"),
            },
            None => ctx(self.ctx),
        }
    }

    fn cmd_qistate(&mut self, kind: Kind) -> R {
        match kind {
            Kind::Exec => {
                self.push_ok();
                let (n, s) = self.single_state();
                if self.verbose {
                    self.info(&format!("STATE: {s}"));
                } else {
                    self.block.extend_from_slice(format!("{n}\r\n").as_bytes());
                }
                for i in 0..6 {
                    let line = match &self.socks[i] {
                        Some(s) => format!(
                            "+QISTATE: {i}, \"{}\", \"{}\", {}, \"{}\"",
                            if s.udp { "UDP" } else { "TCP" },
                            s.ip,
                            s.port,
                            match s.status {
                                SockStatus::Connecting => "CONNECTING",
                                SockStatus::Connected => "CONNECTED",
                                SockStatus::Closed => "CLOSED",
                            }
                        ),
                        None => format!("+QISTATE: {i}, \"\", \"\", , \"INITIAL\""),
                    };
                    self.info(&line);
                }
                self.push_ok();
                R::Done
            }
            Kind::Test => R::Ok,
            _ => R::Err,
        }
    }

    fn cmd_qisend(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        let (slot, len) = match (&kind, self.mux) {
            (Kind::Test, _) => {
                self.info(&format!("+QISEND: <length>(1-{})", self.args.qisend_max));
                return R::Ok;
            }
            (Kind::Exec, false) => (0, None),
            (Kind::Write(_), _) => {
                let p = params.unwrap_or_default();
                match (self.mux, p.len()) {
                    (false, 1) => (0, pint(&p[0])),
                    (true, 2) => match pint(&p[0]) {
                        Some(i @ 0..=5) => (i as usize, pint(&p[1])),
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                }
            }
            _ => return R::Err,
        };
        let gen = match &self.socks[slot] {
            Some(s) if s.status == SockStatus::Connected => s.gen,
            _ => return R::Err,
        };
        if self.transparent {
            return R::Err;
        }
        if let Some(l) = len {
            if l < 1 || l as usize > self.args.qisend_max {
                return R::Err;
            }
        }
        if matches!(kind, Kind::Write(_)) && len.is_none() {
            return R::Err;
        }
        if self.qiprompt == 1 || self.qiprompt == 2 {
            self.block.extend_from_slice(b"\r\n> ");
        }
        self.mode = match len {
            Some(l) => Mode::SendFixed {
                slot,
                gen,
                remaining: l as usize,
                buf: Vec::new(),
            },
            None => Mode::SendVar {
                gen,
                buf: Vec::new(),
                overflow: false,
            },
        };
        R::Done
    }

    fn cmd_qird(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        if matches!(kind, Kind::Test) {
            return R::Ok;
        }
        let Some(p) = params else { return R::Err };
        if p.len() != 4 {
            return R::Err;
        }
        let v: Vec<Option<i64>> = p.iter().map(pint).collect();
        let (Some(id), Some(sc), Some(sid), Some(len)) = (v[0], v[1], v[2], v[3]) else {
            return R::Err;
        };
        if !(0..=1).contains(&id) || !(1..=2).contains(&sc) || !(0..=5).contains(&sid) {
            return R::Err;
        }
        if !self.mux && sid != 0 {
            return R::Err;
        }
        if !(1..=65535).contains(&len) {
            return R::Err;
        }
        if !self.ctx_active() {
            return R::Err;
        }
        let max = (len as usize).min(self.args.qird_max.max(1));
        let slot = sid as usize;
        let verbose = self.verbose;
        let Some(s) = self.socks[slot].as_mut() else {
            return R::Err;
        };
        if s.rx_len == 0 {
            if s.status == SockStatus::Connected {
                return R::Ok;
            }
            // closed (or never connected) and drained
            if s.status == SockStatus::Closed {
                self.socks[slot] = None;
            }
            return R::Err;
        }
        let mut data = Vec::new();
        // what leaves the buffer: a datagram's unread tail is dropped with it
        let mut removed = 0;
        if s.udp {
            if let Some(mut d) = s.rx.pop_front() {
                removed = d.len();
                d.truncate(max);
                data = d;
            }
        } else {
            while data.len() < max {
                let Some(front) = s.rx.front_mut() else { break };
                let take = (max - data.len()).min(front.len());
                data.extend(front.drain(..take));
                removed += take;
                if front.is_empty() {
                    s.rx.pop_front();
                }
            }
        }
        // (kept as a running total: summing the queue per read was O(queued pieces))
        s.rx_len -= removed;
        if s.rx_len == 0 {
            s.notified = false;
        }
        s.ever_data = true;
        let hdr = format!(
            "+QIRD: {}:{},{},{}",
            s.ip,
            s.port,
            if s.udp { "UDP" } else { "TCP" },
            data.len()
        );
        if verbose {
            self.block.extend_from_slice(b"\r\n");
        }
        self.block.extend_from_slice(hdr.as_bytes());
        self.block.extend_from_slice(b"\r\n");
        self.block.extend_from_slice(&data);
        R::Ok
    }

    // ------------------------------------------------------------------ QISEND data phase

    fn send_fixed_byte(&mut self, b: u8) {
        if let Mode::SendFixed { remaining, buf, .. } = &mut self.mode {
            buf.push(b);
            *remaining -= 1;
            let done = *remaining == 0;
            if self.echo && self.qisde {
                self.emit(vec![b]);
            }
            if done {
                if let Mode::SendFixed { slot, gen, buf, .. } =
                    std::mem::replace(&mut self.mode, Mode::Command)
                {
                    self.finish_send(slot, gen, buf);
                }
            }
        }
    }

    fn send_var_byte(&mut self, b: u8) {
        let max = self.args.qisend_max;
        let echo = self.echo && self.qisde;
        if let Mode::SendVar { buf, overflow, .. } = &mut self.mode {
            match b {
                0x1a => {
                    if let Mode::SendVar { gen, buf, .. } = std::mem::replace(&mut self.mode, Mode::Command) {
                        if echo {
                            self.emit(vec![b]);
                        }
                        if buf.is_empty() {
                            self.log_data(0);
                            let e = self.result_bytes("ERROR", 4);
                            self.emit_block(e);
                        } else {
                            self.finish_send(0, gen, buf);
                        }
                    }
                }
                0x1b => {
                    let n = buf.len();
                    self.mode = Mode::Command;
                    self.log_data(n);
                    let ok = self.result_bytes("OK", 0);
                    self.emit_block(ok);
                }
                0x08 => {
                    buf.pop();
                    if echo {
                        self.emit(vec![b]);
                    }
                }
                _ => {
                    if buf.len() < max {
                        buf.push(b);
                    } else {
                        *overflow = true;
                    }
                    if echo {
                        self.emit(vec![b]);
                    }
                }
            }
        }
    }

    fn finish_send(&mut self, slot: usize, gen: u64, data: Vec<u8>) {
        self.log_data(data.len());
        let limit = self.args.send_buffer;
        let prompt = self.qiprompt;
        let res = match self.sock_gen(slot, gen) {
            Some(s) if s.status == SockStatus::Connected => {
                let unacked = s.sent - s.acked;
                if unacked + data.len() as u64 > limit {
                    "SEND FAIL"
                } else {
                    s.sent += data.len() as u64;
                    s.txq.extend(data.iter().copied());
                    "SEND OK"
                }
            }
            _ => "SEND FAIL",
        };
        if prompt <= 1 || res == "SEND FAIL" {
            let f = self.framed(res);
            self.emit_block(f);
        }
        self.pump();
    }

    // ------------------------------------------------------------------ transparent data mode

    fn data_byte(&mut self, b: u8) {
        let esc = self.qitcfg.3 == 1;
        if b == b'+' && esc {
            if self.plus_count == 0 {
                if self.now.duration_since(self.last_host_at) >= self.args.guard_before
                    && self.tbuf.is_empty()
                {
                    self.plus_count = 1;
                    self.plus_first = self.now;
                    return;
                }
            } else if self.plus_count < 3
                && self.now.duration_since(self.plus_first) <= Duration::from_secs(1)
            {
                self.plus_count += 1;
                if self.plus_count == 3 {
                    self.plus_seq += 1;
                    let seq = self.plus_seq;
                    self.timers
                        .push((self.now + self.args.guard_after, Timer::GuardAfter(seq)));
                }
                return;
            }
        }
        if self.plus_count > 0 {
            let n = self.plus_count as usize;
            self.plus_count = 0;
            self.plus_seq += 1;
            self.tbuf.extend(std::iter::repeat_n(b'+', n));
        }
        self.tbuf.push(b);
        self.transparent_flush(false);
        if !self.tbuf.is_empty() {
            self.tflush_at = Some(self.now + Duration::from_millis(100 * self.qitcfg.1 as u64));
        }
    }

    fn transparent_flush(&mut self, all: bool) {
        let size = self.qitcfg.2.max(1) as usize;
        while self.tbuf.len() >= size || (all && !self.tbuf.is_empty()) {
            let n = self.tbuf.len().min(size);
            let chunk: Vec<u8> = self.tbuf.drain(..n).collect();
            self.log_data(chunk.len());
            if let Some(s) = self.socks[0].as_mut() {
                if s.status == SockStatus::Connected {
                    s.sent += chunk.len() as u64;
                    s.txq.extend(chunk);
                }
            }
        }
        if self.tbuf.is_empty() {
            self.tflush_at = None;
        }
    }

    // ------------------------------------------------------------------ timers

    fn on_timer(&mut self, t: Timer) {
        match t {
            Timer::QiactDone => {
                let ok = self.attached()
                    && self.csgp_mode == 1
                    && !self.has_fault(&Fault::QiactFail)
                    && self.ctx == Ctx::Activating;
                let r = if ok {
                    self.ctx = Ctx::GprsAct;
                    self.result_bytes("OK", 0)
                } else {
                    if self.ctx == Ctx::Activating {
                        self.ctx = match self.args.qiact_fail_state {
                            QiactFailState::PdpDeact => Ctx::PdpDeact,
                            QiactFailState::IpInitial => Ctx::Initial,
                        };
                    }
                    self.result_bytes("ERROR", 4)
                };
                self.emit_block(r);
                self.end_busy();
                if ok && self.pdp_deact_pending {
                    self.pdp_deact_pending = false;
                    self.pdp_deact();
                }
            }
            Timer::QideactDone => {
                self.drop_tcpip(false);
                let f = self.framed("DEACT OK");
                self.emit_block(f);
                self.end_busy();
            }
            Timer::CgattDone(attach) => {
                let r = if attach {
                    if self.creg_stat() == 1 && !self.has_fault(&Fault::NoAttach) {
                        self.cgatt = true;
                        self.result_bytes("OK", 0)
                    } else {
                        self.result_bytes("ERROR", 4)
                    }
                } else {
                    let was = self.cgatt;
                    self.cgatt = false;
                    if was && (self.ctx_active() || self.ctx == Ctx::Activating) {
                        let ok = self.result_bytes("OK", 0);
                        self.emit_block(ok);
                        self.pdp_deact();
                        self.end_busy();
                        return;
                    }
                    self.result_bytes("OK", 0)
                };
                self.emit_block(r);
                self.end_busy();
            }
            Timer::OpenStart { slot, gen } => {
                let target = self
                    .pending_targets
                    .iter()
                    .position(|(s, g, _)| *s == slot && *g == gen)
                    .map(|i| self.pending_targets.remove(i).2);
                if self.sock_gen(slot, gen).is_none() {
                    return;
                }
                match target.flatten() {
                    Some(target) => {
                        let udp = self.socks[slot].as_ref().is_some_and(|s| s.udp);
                        self.actions.push(Action::Connect {
                            slot,
                            gen,
                            target,
                            udp,
                            timeout: self.args.connect_timeout,
                        });
                    }
                    None => self.on_connected(slot, gen, false),
                }
            }
            Timer::DnsDone(r) => {
                if self.power != Power::On {
                    return;
                }
                let b = match r {
                    Some(ip) => self.framed(&ip),
                    None => self.result_bytes("ERROR", 4),
                };
                self.urc_bytes(b);
            }
            Timer::BootRdy => {
                self.power = Power::On;
                if self.ipr != 0 {
                    self.urc("RDY");
                    self.urc("+CFUN: 1");
                    match self.sim_fault() {
                        None => self.urc("+CPIN: READY"),
                        Some(SimFault::Pin) => self.urc("+CPIN: SIM PIN"),
                        Some(SimFault::Absent) => self.urc("+CPIN: NOT INSERTED"),
                        Some(SimFault::Busy | SimFault::BusyFor(_)) => {}
                    }
                }
            }
            Timer::BootCallReady => {
                let (oc, og) = (self.creg_stat(), self.cgreg_stat());
                self.net_up = true;
                if self.power == Power::On {
                    if self.qiurc {
                        self.urc("Call Ready");
                    }
                    self.urc("SMS Ready");
                }
                self.reg_changed(oc, og);
            }
            Timer::PdpDeactFault => {
                if self.ctx_active() {
                    self.pdp_deact();
                } else {
                    self.pdp_deact_pending = true;
                }
            }
            Timer::RebootFault => self.reboot(),
            Timer::SimReady => {
                if self.power == Power::On && self.ipr != 0 {
                    self.urc("+CPIN: READY");
                }
            }
            Timer::VanishFault => self.actions.push(Action::Vanish),
            Timer::GuardAfter(seq) => {
                if seq == self.plus_seq
                    && self.plus_count == 3
                    && matches!(self.mode, Mode::Data)
                    && self.now.duration_since(self.last_host_at) >= self.args.guard_after
                {
                    self.plus_count = 0;
                    self.transparent_flush(true);
                    self.mode = Mode::Command;
                    self.data_suspended = true;
                    let ok = self.result_bytes("OK", 0);
                    self.emit_block(ok);
                }
            }
        }
    }

    // ------------------------------------------------------------------ sockets

    fn on_connected(&mut self, slot: usize, gen: u64, ok: bool) {
        let mux = self.mux;
        let transparent = self.transparent;
        let Some(s) = self.sock_gen(slot, gen) else {
            if ok {
                self.actions.push(Action::Close { slot, gen });
            }
            return;
        };
        if s.status != SockStatus::Connecting {
            return;
        }
        if ok {
            s.status = SockStatus::Connected;
            if transparent && !mux {
                let b = self.result_bytes("CONNECT", 1);
                self.urc_bytes(b);
                if self.can_emit_urc() {
                    self.enter_data_mode();
                }
            } else if mux {
                self.urc(&format!("{slot}, CONNECT OK"));
            } else {
                self.urc("CONNECT OK");
            }
        } else {
            s.status = SockStatus::Closed;
            if mux {
                self.urc(&format!("{slot}, CONNECT FAIL"));
            } else {
                self.urc("CONNECT FAIL");
            }
        }
    }

    fn close_sock(&mut self, slot: usize) {
        if let Some(s) = self.socks[slot].as_mut() {
            if s.status != SockStatus::Closed {
                s.status = SockStatus::Closed;
                let gen = s.gen;
                s.txq.clear();
                self.actions.push(Action::Close { slot, gen });
            }
        }
        self.pending_targets.retain(|(s, _, _)| *s != slot);
    }

    fn close_all_sockets(&mut self) {
        for i in 0..6 {
            self.close_sock(i);
            self.socks[i] = None;
        }
        if matches!(self.mode, Mode::Data) {
            self.mode = Mode::Command;
        }
        self.data_suspended = false;
    }

    /// Context gone (QIDEACT, CFUN=0): sockets closed silently, state IP INITIAL.
    fn drop_tcpip(&mut self, _urcs: bool) {
        self.close_all_sockets();
        self.ctx = Ctx::Initial;
    }

    fn closed_urc_text(&self, slot: usize) -> String {
        if self.mux || self.args.close_urc == CloseUrc::Indexed {
            format!("{slot}, CLOSED")
        } else {
            "CLOSED".to_string()
        }
    }

    fn peer_closed(&mut self, slot: usize) {
        let Some(s) = self.socks[slot].as_mut() else {
            return;
        };
        if s.status == SockStatus::Closed {
            return;
        }
        s.status = SockStatus::Closed;
        s.txq.clear();
        let gen = s.gen;
        self.actions.push(Action::Close { slot, gen });
        if matches!(self.mode, Mode::Data) && slot == 0 {
            self.transparent_flush(true);
            self.mode = Mode::Command;
            self.data_suspended = false;
            let f = self.framed("CLOSED");
            self.emit_block(f);
            return;
        }
        if self.transparent {
            self.data_suspended = false;
        }
        let t = self.closed_urc_text(slot);
        self.urc(&t);
    }

    fn pdp_deact(&mut self) {
        for i in 0..6 {
            let open = matches!(&self.socks[i], Some(s) if s.status != SockStatus::Closed);
            if open {
                self.peer_closed(i);
            }
            self.close_sock(i);
            self.socks[i] = None;
        }
        self.ctx = Ctx::PdpDeact;
        self.urc("+PDP DEACT");
    }

    fn power_off(&mut self) {
        self.power = Power::Off;
        self.mode = Mode::Command;
        self.busy = false;
        self.pending_in.clear();
        self.held_urcs.clear();
        self.line.clear();
        self.held_echo.clear();
        self.timers.retain(|t| {
            matches!(
                t.1,
                Timer::VanishFault | Timer::PdpDeactFault | Timer::RebootFault
            )
        });
    }

    fn reboot(&mut self) {
        self.close_all_sockets();
        self.power_off();
        self.boot(true);
    }

    fn boot(&mut self, reset: bool) {
        if reset {
            self.echo = self.saved.echo;
            self.verbose = self.saved.verbose;
            self.cmee = self.saved.cmee;
            self.ipr = self.saved.ipr;
            self.creg_n = 0;
            self.cgreg_n = 0;
            self.qiurc = true;
            self.cfun = true;
            self.cgatt = true;
            self.ctx = Ctx::Initial;
            self.mux = false;
            self.transparent = false;
            self.qindi = 0;
            self.qihead = false;
            self.qishowra = false;
            self.qishowpt = false;
            self.qishowla = false;
            self.qisde = true;
            self.qiprompt = 1;
            self.qidnsip = false;
            self.qisrvc = 1;
            self.fgcnt = 0;
            self.csgp_mode = 1;
            self.apn = (String::from("CMNET"), String::new(), String::new());
            self.qitcfg = (3, 2, 1460, 1);
            self.pending_targets.clear();
            self.after_cr = false;
        }
        self.power = Power::Booting;
        self.net_up = false;
        self.timers.push((self.now + self.delays.rdy, Timer::BootRdy));
        let powered_on = self.now + self.delays.rdy;
        self.start_sim_busy_window(powered_on);
        self.timers
            .push((self.now + self.delays.call_ready, Timer::BootCallReady));
    }

    /// Link model: uplink drain, acknowledgements, downlink delivery, peer closes.
    #[allow(clippy::while_let_loop)]
    fn pump(&mut self) {
        let now = self.now;
        let dt = now.saturating_duration_since(self.link_at).as_secs_f64();
        self.link_at = now;
        // A radio link that had nothing to send cannot catch up later: credit accrues only
        // while something is queued (otherwise the first 50 ms of every burst would be free).
        if let Some(r) = self.args.uplink.0 {
            let cap = (r * 0.05).max(64.0);
            let dt = if self.up_idle { 0.0 } else { dt };
            self.up_credit = (self.up_credit + r * dt).min(cap);
        }
        if let Some(r) = self.args.downlink.0 {
            let cap = (r * 0.05).max(64.0);
            let dt = if self.down_idle { 0.0 } else { dt };
            self.down_credit = (self.down_credit + r * dt).min(cap);
        }
        // uplink
        for slot in 0..6 {
            loop {
                let Some(s) = self.socks[slot].as_ref() else {
                    break;
                };
                if s.status != SockStatus::Connected || s.txq.is_empty() {
                    break;
                }
                let mut n = s.txq.len();
                if self.args.uplink.0.is_some() {
                    n = n.min(self.up_credit.floor() as usize);
                }
                if n == 0 {
                    break;
                }
                // stop at the next byte-count fault threshold
                let stalled = s.stall_at.is_some();
                if !stalled {
                    if let Some(th) = self.next_threshold() {
                        n = n.min(th.max(1) as usize);
                    }
                }
                let gen = s.gen;
                let s = self.socks[slot].as_mut().unwrap();
                let data: Vec<u8> = s.txq.drain(..n).collect();
                s.left += n as u64;
                s.left_log.push_back((now, s.left));
                if self.args.uplink.0.is_some() {
                    self.up_credit -= n as f64;
                }
                if !stalled {
                    self.server_bytes += n as u64;
                    self.actions.push(Action::Send { slot, gen, data });
                    self.check_byte_faults(slot);
                }
            }
        }
        self.up_idle = !self
            .socks
            .iter()
            .flatten()
            .any(|s| s.status == SockStatus::Connected && !s.txq.is_empty());
        if self.up_idle {
            self.up_credit = self.up_credit.min(0.0);
        }
        // acknowledgements
        let rtt = self.args.rtt;
        for s in self.socks.iter_mut().flatten() {
            while let Some(&(t, cum)) = s.left_log.front() {
                if t + rtt <= now {
                    s.left_log.pop_front();
                    let lim = s.stall_at.unwrap_or(u64::MAX);
                    s.acked = s.acked.max(cum.min(lim));
                } else {
                    break;
                }
            }
        }
        // downlink
        for slot in 0..6 {
            loop {
                let Some(s) = self.socks[slot].as_mut() else {
                    break;
                };
                if s.status == SockStatus::Closed {
                    s.down_q.clear();
                    break;
                }
                let Some(front) = s.down_q.front_mut() else {
                    break;
                };
                let mut n = front.len();
                if self.args.downlink.0.is_some() {
                    n = n.min(self.down_credit.floor() as usize);
                }
                if n == 0 {
                    break;
                }
                let chunk: Vec<u8> = if n == front.len() {
                    s.down_q.pop_front().unwrap_or_default()
                } else {
                    front.drain(..n).collect()
                };
                if self.args.downlink.0.is_some() {
                    self.down_credit -= n as f64;
                }
                self.deliver(slot, chunk);
            }
            if let Some(s) = self.socks[slot].as_ref() {
                if s.peer_eof && s.down_q.is_empty() && s.status == SockStatus::Connected {
                    self.peer_closed(slot);
                }
            }
        }
        self.down_idle = self.socks.iter().flatten().all(|s| s.down_q.is_empty());
        if self.down_idle {
            self.down_credit = self.down_credit.min(0.0);
        }
    }

    fn next_threshold(&self) -> Option<u64> {
        let mut best: Option<u64> = None;
        for (i, f) in self.args.faults.iter().enumerate() {
            let n = match f {
                Fault::PeerCloseAfterBytes(n)
                | Fault::PdpDeactAfterBytes(n)
                | Fault::AckStallAfterBytes(n)
                | Fault::RebootAfterBytes(n) => *n,
                _ => continue,
            };
            if self.fired[i] || n < self.server_bytes {
                continue;
            }
            let d = n - self.server_bytes;
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        best
    }

    fn check_byte_faults(&mut self, slot: usize) {
        for i in 0..self.args.faults.len() {
            let f = self.args.faults[i].clone();
            let n = match f {
                Fault::PeerCloseAfterBytes(n)
                | Fault::PdpDeactAfterBytes(n)
                | Fault::AckStallAfterBytes(n)
                | Fault::RebootAfterBytes(n) => n,
                _ => continue,
            };
            if self.fired[i] || self.server_bytes < n {
                continue;
            }
            self.fired[i] = true;
            match f {
                Fault::PeerCloseAfterBytes(_) => self.peer_closed(slot),
                Fault::PdpDeactAfterBytes(_) => self.pdp_deact(),
                Fault::RebootAfterBytes(_) => self.reboot(),
                Fault::AckStallAfterBytes(_) => {
                    if let Some(s) = self.socks[slot].as_mut() {
                        s.stall_at = Some(s.left);
                    }
                }
                _ => {}
            }
        }
    }

    /// Data from the server reaches the module.
    fn deliver(&mut self, slot: usize, chunk: Vec<u8>) {
        if matches!(self.mode, Mode::Data) && slot == 0 {
            self.emit(chunk);
            return;
        }
        let push = self.qindi == 0 && !(self.transparent && self.data_suspended);
        let Some(s) = self.socks[slot].as_mut() else {
            return;
        };
        if push {
            let mut v = Vec::new();
            if self.mux {
                v.extend_from_slice(format!("\r\n+RECEIVE: {slot}, {}\r\n", chunk.len()).as_bytes());
            } else {
                if self.qishowra {
                    v.extend_from_slice(format!("RECV FROM:{}:{}\r\n", s.ip, s.port).as_bytes());
                }
                if self.qihead || self.qishowpt {
                    v.extend_from_slice(format!("IPD{}", chunk.len()).as_bytes());
                    if self.qishowpt {
                        v.extend_from_slice(if s.udp { b"UDP" } else { b"TCP" });
                    }
                    v.push(b':');
                }
            }
            v.extend_from_slice(&chunk);
            // no noise in front of pushed payload: raw push has no framing to resync on
            if self.power == Power::On && self.can_emit_urc() {
                self.emit(v);
            } else if self.power == Power::On {
                self.held_urcs.push_back(v);
            }
            return;
        }
        s.rx_len += chunk.len();
        s.rx.push_back(chunk);
        let per_packet = self.args.qirdi == QirdiMode::PerPacket;
        if self.qindi == 0 || (s.notified && !per_packet) {
            return;
        }
        s.notified = true;
        let text = if self.qindi == 2 {
            let cur = s.rx.front().map_or(0, |c| c.len());
            format!("+QIRDI: 0,1,{slot},{},{},{}", s.rx.len(), cur, s.rx_len)
        } else {
            format!("+QIRDI: 0,1,{slot}")
        };
        self.urc(&text);
    }
}

trait FromI64 {
    fn from_i64(v: i64) -> Self;
}

impl FromI64 for bool {
    fn from_i64(v: i64) -> Self {
        v != 0
    }
}

impl FromI64 for u8 {
    fn from_i64(v: i64) -> Self {
        v.clamp(0, 255) as u8
    }
}

/// Split the text after `AT` into commands: (canonical upper-case name, kind).
fn parse_commands(s: &str) -> Option<Vec<(String, Kind)>> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c == ';' || c == ' ' {
            i += 1;
            continue;
        }
        if c == '+' || c == '$' || c == '^' || c == '#' {
            let st = i;
            i += 1;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == st + 1 {
                return None;
            }
            let name: String = b[st..i].iter().collect::<String>().to_ascii_uppercase();
            let kind = if i + 1 < b.len() && b[i] == '=' && b[i + 1] == '?' {
                i += 2;
                Kind::Test
            } else if i < b.len() && b[i] == '=' {
                i += 1;
                let st = i;
                let mut inq = false;
                while i < b.len() {
                    let ch = b[i];
                    if ch == '"' {
                        inq = !inq;
                    } else if !inq
                        && (ch == ';' || (ch == '&' && i + 1 < b.len() && b[i + 1].is_ascii_alphabetic()))
                    {
                        break;
                    }
                    i += 1;
                }
                Kind::Write(b[st..i].iter().collect())
            } else if i < b.len() && b[i] == '?' {
                i += 1;
                Kind::Read
            } else {
                Kind::Exec
            };
            out.push((name, kind));
            continue;
        }
        if c == '&' {
            if i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
                return None;
            }
            let name = format!("&{}", b[i + 1].to_ascii_uppercase());
            i += 2;
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push((name, Kind::Write(b[st..i].iter().collect())));
            continue;
        }
        if c.is_ascii_alphabetic() {
            let name = c.to_ascii_uppercase().to_string();
            i += 1;
            if !matches!(name.as_str(), "E" | "V" | "Q" | "Z" | "I" | "O" | "X" | "H") {
                return None;
            }
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = b[st..i].iter().collect();
            if digits.len() > 3 {
                return None;
            }
            out.push((name, Kind::Write(digits)));
            continue;
        }
        return None;
    }
    if out.is_empty() {
        out.push((String::new(), Kind::Exec));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eng(flags: &str) -> (Engine, Instant) {
        let args = SimArgs::parse_inline(flags).unwrap();
        let t = Instant::now();
        (Engine::new(&args, t), t)
    }

    fn host_out(e: &mut Engine) -> Vec<u8> {
        e.take_actions()
            .into_iter()
            .filter_map(|a| match a {
                Action::Host(b) => Some(b),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[test]
    fn chained_and_errors() {
        let (mut e, t) = eng("--echo off");
        e.host_bytes(t, b"AT+IPR=115200&W\r");
        assert_eq!(host_out(&mut e), b"\r\nOK\r\n");
        e.host_bytes(t, b"AT+IPR?\r");
        assert_eq!(host_out(&mut e), b"\r\n+IPR: 115200\r\n\r\nOK\r\n");
        e.host_bytes(t, b"AT+CSQ;+BOGUS;+CSQ\r");
        assert_eq!(host_out(&mut e), b"\r\n+CSQ: 21,0\r\n\r\nERROR\r\n");
        e.host_bytes(t, b"garbage\r");
        assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
        e.host_bytes(t, b"ATV0\r");
        assert_eq!(host_out(&mut e), b"0\r");
        e.host_bytes(t, b"AT+QISTAT\r");
        assert_eq!(host_out(&mut e), b"0\r0\r\n");
        e.host_bytes(t, b"AT+FOO\r");
        assert_eq!(host_out(&mut e), b"4\r");
        e.host_bytes(t, b"ATV1\r");
        host_out(&mut e);
        let long = vec![b'A'; 2000];
        e.host_bytes(t, &long);
        e.host_bytes(t, b"\r");
        assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
        e.host_bytes(t, b"at+cmee=2;+cpin?\r");
        assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
        e.host_bytes(t, b"A/");
        assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    }

    #[test]
    fn sim_busy_for_a_window_then_ready_urc() {
        let (mut e, t) = eng("--echo off --cmee 1 --fault sim=busy:3s");
        e.host_bytes(t, b"AT+CPIN?\r");
        assert_eq!(host_out(&mut e), b"\r\n+CME ERROR: 14\r\n");
        let later = t + Duration::from_millis(2999);
        e.tick(later);
        e.host_bytes(later, b"AT+CPIN?\r");
        assert_eq!(host_out(&mut e), b"\r\n+CME ERROR: 14\r\n");
        let ready = t + Duration::from_secs(3);
        e.tick(ready);
        assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n");
        e.host_bytes(ready, b"AT+CPIN?\r");
        assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    }

    #[test]
    fn qisend_variable_and_escape() {
        let (mut e, t) = eng("--echo off --delays fast");
        // not connected
        e.host_bytes(t, b"AT+QISEND\r");
        assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
        e.host_bytes(t, b"AT+QISEND=0\r");
        assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn never_panics(
            chunks in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..40),
                    proptest::sample::select(vec![
                        b"AT+QIREGAPP\r".to_vec(), b"AT+QIACT\r".to_vec(), b"AT+QIMUX=1\r".to_vec(),
                        b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r".to_vec(),
                        b"AT+QIOPEN=1,\"UDP\",\"localhost\",\"9\"\r".to_vec(),
                        b"AT+QISEND=3\r".to_vec(), b"AT+QISEND\r".to_vec(), b"AT+QISEND=1,3\r".to_vec(),
                        b"AT+QIRD=0,1,0,1500\r".to_vec(), b"AT+QICLOSE\r".to_vec(), b"AT+QIDEACT\r".to_vec(),
                        b"AT+QIMODE=1\r".to_vec(), b"+++".to_vec(), b"ATO\r".to_vec(), b"AT+QINDI=2\r".to_vec(),
                        b"ATV0\r".to_vec(), b"AT+CFUN=1,1\r".to_vec(), b"A/".to_vec(), b"\x1a".to_vec(),
                        b"\x1b".to_vec(), b"AT+QISTATE\r".to_vec(), b"AT+QISACK\r".to_vec(),
                        b"AT+QIDNSGIP=\"x\"\r".to_vec(), b"AT+QPOWD=1\r".to_vec(),
                    ]),
                ],
                0..40,
            ),
            net in proptest::collection::vec((0usize..7, 0u64..4, 0u8..3, 0u64..50), 0..20),
            flags in proptest::sample::select(vec![
                "--delays fast", "--delays fast --echo off --qirdi per-packet",
                "--delays fast --uplink 100 --downlink 50 --rtt 10ms --fault ack-stall-after-bytes=2",
                "--delays fast --fault noise=0.5 --fault silent=AT+QI --fault sync-after=2",
                "--delays fast --fault peer-close-after-bytes=1 --fault reboot-after-bytes=5",
            ]),
        ) {
            let (mut e, t0) = eng(flags);
            let mut t = t0;
            for (i, c) in chunks.iter().enumerate() {
                t += Duration::from_millis(3);
                e.host_bytes(t, c);
                if let Some(&(slot, gen, k, adv)) = net.get(i) {
                    t += Duration::from_millis(adv);
                    let ev = match k {
                        0 => NetEvent::Connected { slot: slot.min(5), gen, ok: adv % 2 == 0 },
                        1 => NetEvent::Data { slot: slot.min(5), gen, data: c.clone() },
                        _ => NetEvent::Eof { slot: slot.min(5), gen },
                    };
                    e.net_event(t, ev);
                }
                // answer connects like the network layer would
                for a in e.take_actions() {
                    if let Action::Connect { slot, gen, .. } = a {
                        e.net_event(t, NetEvent::Connected { slot, gen, ok: true });
                    }
                }
                t += Duration::from_millis(5);
                e.tick(t);
                let _ = e.next_deadline();
            }
        }
    }
}
