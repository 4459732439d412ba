//! The module itself as a pure state machine: host bytes, socket events and the clock go in;
//! bytes for the host, socket commands and host-log lines come out. No I/O, no threads, so it is
//! testable without a pty (and fuzzed by a property test).
//!
//! The engine is split along the module's own seams:
//! - `grammar`: the AT command grammar (pure);
//! - `input`: line assembly, echo, `A/`, command-line execution;
//! - `output`: framing (ATV), result codes, URCs held during a data phase, the host log;
//! - `basic`: V.250 / 27.007 commands, SIM and registration state;
//! - `everyday`: the other commands provisioning scripts send (operator, clock, SMS store ...);
//! - `qi` and `qiconn`: the QI settings, and the connection commands (open, state, send, read);
//! - `resolve`: names and `--map`;
//! - `data`: the QISEND data phase and transparent mode;
//! - `sockets` and `link`: connections, and the radio link model (rates, RTT, byte faults);
//! - `timers`: delayed answers, boot and power;
//! - `config`: the plain [`EngineConfig`] (knobs, delays, faults, `--model` presets);
//! - `ctx`, `ctxsock` and `ctxdata`: the context dialect of the LTE-era models (`--model bg96`
//!   ...): its commands, its sockets' signals, its data modes. The model decides the dialect;
//!   both share the line, the link model, the sockets, the timers and the faults.

pub mod config;
mod grammar;

pub use config::{
    AlreadyConnect, CloseUrc, ConnectedState, Delays, EngineConfig, Fault, MapEntry, Model, MuxIndex,
    OkError, Preset, QiactFailState, QicsgpRead, QirdGap, QirdTrailer, QirdUdp, QirdiMode, Rate, SimFault,
    TransparentClose, TypeAhead, UrcPort,
};

use std::collections::VecDeque;
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
    /// The module's receive buffer has room again: the network side may take server data on
    /// this connection up to `allowed` bytes in total since it opened (TCP flow control).
    Window {
        slot: usize,
        gen: u64,
        allowed: u64,
    },
    /// One JSON line for `--host-log`.
    Log(String),
    /// The device vanishes (close the pty).
    Vanish,
}

impl Action {
    /// The bytes for the host in `actions`, in order (tests of anything that emits actions).
    #[cfg(test)]
    pub(crate) fn host_bytes(actions: Vec<Action>) -> Vec<u8> {
        actions
            .into_iter()
            .filter_map(|a| match a {
                Action::Host(b) => Some(b),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

/// Why a real connect failed (the context dialect reports each with its own code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectError {
    /// Refused, unreachable, or anything else (566).
    Refused,
    /// No answer within the connect timeout (569).
    Timeout,
    /// The name did not resolve on this machine (565).
    Dns,
}

/// Socket events from the network layer.
#[derive(Debug, Clone, PartialEq)]
pub enum NetEvent {
    Connected {
        slot: usize,
        gen: u64,
        ok: bool,
    },
    /// A connect failed, and why (`Connected { ok: false }` without the reason).
    ConnectFailed {
        slot: usize,
        gen: u64,
        why: ConnectError,
    },
    Data {
        slot: usize,
        gen: u64,
        data: Vec<u8>,
    },
    Eof {
        slot: usize,
        gen: u64,
    },
}

/// The PDP context, as AT+QISTAT reports it.
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

/// One of the six connections.
#[derive(Debug)]
struct Sock {
    gen: u64,
    udp: bool,
    ip: String,
    port: u16,
    status: SockStatus,
    /// Accepted by QISEND, not yet on the radio.
    txq: VecDeque<u8>,
    /// Since when `txq` has been waiting for the radio.
    txq_since: Option<Instant>,
    /// UDP: the lengths of the datagrams in `txq` (each QISEND is one datagram).
    datagrams: VecDeque<usize>,
    /// Bytes accepted by QISEND (QISACK `<sent>`).
    sent: u64,
    /// Bytes that left on the radio, and when (for acknowledgement after the RTT).
    left: u64,
    acked: u64,
    left_log: VecDeque<(Instant, u64)>,
    /// An ack stall fault: acknowledgements stop at this count.
    stall_at: Option<u64>,
    /// Received, unread (retrieve mode): packets as they arrived.
    rx: VecDeque<Vec<u8>>,
    rx_len: usize,
    /// +QIRDI sent for the current unread data.
    notified: bool,
    /// From the server, not yet through the downlink: when each piece reaches the radio's far
    /// end of the link (read from the socket + rtt/2), and the bytes.
    down_q: VecDeque<(Instant, Vec<u8>)>,
    peer_eof: bool,
    /// When the server's FIN has crossed the link (it follows the data).
    eof_at: Option<Instant>,
    /// Bytes taken from the server's socket, and how far the network side may read
    /// ([`Action::Window`]).
    from_net: u64,
    window_sent: u64,
    /// The peer closed while data was unread (retrieve mode): the close URC waits until the
    /// host has read the last byte, and until then the host is told the connection is up.
    close_held: bool,
    /// Context dialect: the socket's context, access mode (0 buffer, 1 direct push, 2
    /// transparent), local port (as QISTATE shows it), received and read byte counts (QIRD
    /// `<id>,0`), the code a failed open reports, and whether the open failed (the id stays
    /// claimed until QICLOSE).
    cid: u8,
    access: u8,
    lport: u16,
    rx_total: u64,
    rx_read: u64,
    open_err: u16,
    failed: bool,
}

impl Sock {
    /// The status the host is told: a close it has not been told of yet is not visible.
    fn reported_status(&self) -> SockStatus {
        if self.close_held {
            SockStatus::Connected
        } else {
            self.status
        }
    }

    fn new(gen: u64, udp: bool, ip: String, port: u16) -> Sock {
        Sock {
            gen,
            udp,
            ip,
            port,
            status: SockStatus::Connecting,
            txq: VecDeque::new(),
            txq_since: None,
            datagrams: VecDeque::new(),
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
            eof_at: None,
            from_net: 0,
            window_sent: 0,
            close_held: false,
            cid: 1,
            access: 0,
            lport: 0,
            rx_total: 0,
            rx_read: 0,
            open_err: 566,
            failed: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Power {
    On,
    Booting,
    Off,
}

/// What host bytes are: command lines, or a data phase.
#[derive(Debug)]
enum Mode {
    Command,
    /// `AT+QISEND=<n>`: exactly `remaining` more bytes.
    SendFixed {
        slot: usize,
        gen: u64,
        remaining: usize,
        buf: Vec<u8>,
    },
    /// `AT+QISEND`: until Ctrl-Z (send) or ESC (cancel).
    SendVar {
        slot: usize,
        gen: u64,
        buf: Vec<u8>,
        overflow: bool,
    },
    /// Transparent mode, online.
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
    BootCfun,
    BootCallReady,
    BootSmsReady,
    PdpDeactFault,
    RebootFault,
    VanishFault,
    GuardAfter(u64),
    /// The end of the SIM's busy window: `+CPIN: READY` (or what the SIM faults say) as a URC.
    SimReady,
    /// Context dialect: QIACT / QIDEACT of a context done; a QIDNSGIP lookup done.
    CtxActDone(u8),
    CtxDeactDone(u8),
    DnsGip(Option<String>),
}

/// How a command ended: the final result code to add, or `Done` when the command wrote its own
/// (or answers later).
#[derive(Debug, Clone, Copy)]
enum R {
    Ok,
    Err,
    Cme(u16),
    Done,
}

/// The settings AT&W stores and ATZ / a reboot restores.
#[derive(Debug, Clone, Copy)]
struct Saved {
    echo: bool,
    verbose: bool,
    cmee: u8,
    ipr: u32,
}

/// The V.250 / 27.007 settings in effect.
#[derive(Debug, Clone, Copy)]
struct Settings {
    echo: bool,
    verbose: bool,
    cmee: u8,
    ipr: u32,
    creg_n: u8,
    cgreg_n: u8,
    qiurc: bool,
}

impl Settings {
    /// What a power-on starts with.
    fn from_saved(s: Saved) -> Settings {
        Settings {
            echo: s.echo,
            verbose: s.verbose,
            cmee: s.cmee,
            ipr: s.ipr,
            creg_n: 0,
            cgreg_n: 0,
            qiurc: true,
        }
    }
}

/// Power and the radio.
#[derive(Debug)]
struct Radio {
    power: Power,
    cfun: bool,
    cgatt: bool,
    /// Registered (after Call Ready).
    net_up: bool,
    /// Autobauding (AT+IPR=0) after a power-on, before the host's first command: the boot URCs
    /// that wait for it (`+CFUN: 1`, `+CPIN: READY`); `None` once the rate is known.
    autobaud_held: Option<Vec<String>>,
}

/// The QI stack's settings: what a power-on starts with is their [`Default`] (volatile: no
/// QI setting is stored by AT&W).
#[derive(Debug, Clone)]
struct QiConfig {
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
    /// APN, user, password.
    apn: (String, String, String),
    /// Primary and secondary DNS server.
    dns: (String, String),
    /// AT+QITCFG: escape guard (unused), wait time (100 ms units), send size, escape `+++` on.
    qitcfg: (u32, u32, u32, u32),
    /// AT+QILPORT: TCP, UDP.
    lport: (u16, u16),
}

impl Default for QiConfig {
    fn default() -> Self {
        QiConfig {
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
        }
    }
}

/// Command-line assembly.
#[derive(Debug)]
struct LineInput {
    line: Vec<u8>,
    /// The line grew past [`MAX_LINE`]: it answers ERROR.
    overflow: bool,
    /// When the CR of the last command line arrived, until the next byte (a LF right after it
    /// is not data).
    cr_at: Option<Instant>,
    /// When the bytes being processed arrived on the line.
    arrival: Instant,
    /// Echo withheld while the line may still match a `silent=` fault or during `sync-after`.
    held_echo: Vec<u8>,
    /// For `A/`.
    last_line: Option<Vec<u8>>,
    /// A command is executing (its answer comes later): input waits in `pending` (or is
    /// dropped, `--type-ahead drop`).
    busy: bool,
    /// `--type-ahead drop`: a command line ended in this host write, so the rest of the write
    /// was typed before its result.
    answered_in_write: bool,
    pending: VecDeque<u8>,
}

/// A TCP segment that has left the module and is crossing the link to the server.
#[derive(Debug)]
struct Flight {
    /// When it reaches the server.
    at: Instant,
    slot: usize,
    gen: u64,
    data: Vec<u8>,
    /// The connection's bytes on the radio once this segment has left.
    cum: u64,
}

/// The radio link model's state (one radio for all six connections).
#[derive(Debug)]
struct LinkState {
    /// When the uplink / downlink finished the last packet it carried.
    up_free_at: Instant,
    down_free_at: Instant,
    /// Segments on their way to servers, in order of arrival.
    up_flight: VecDeque<Flight>,
    /// Output the line has not yet delivered to the host (see [`Engine::host_backlog`]).
    host_backlog: usize,
}

/// Transparent data mode.
#[derive(Debug)]
struct TransparentState {
    /// Host bytes not yet sent (QITCFG send size / wait time).
    buf: Vec<u8>,
    flush_at: Option<Instant>,
    last_host_at: Instant,
    /// `+` of a possible `+++` seen so far, and when the first came.
    plus_count: u8,
    plus_first: Instant,
    plus_seq: u64,
    /// Left with `+++`: ATO may resume.
    suspended: bool,
    /// The connection in transparent mode (always 0 in the QI dialect).
    slot: usize,
}

/// The state of injected faults.
#[derive(Debug, Default)]
struct Injected {
    /// Bytes delivered to servers (byte-count faults count these).
    server_bytes: u64,
    connect_fail_left: u32,
    /// Per entry of [`EngineConfig::faults`]: a byte-count fault already fired.
    fired: Vec<bool>,
    pdp_deact_pending: bool,
    sync_left: u32,
    /// `silent=` prefixes, upper case.
    silent: Vec<String>,
    /// End of the SIM's busy window of the current power-on (`--sim-busy`, `sim=busy:DUR`).
    sim_ready_at: Option<Instant>,
}

const MAX_LINE: usize = 1024;
const LOCAL_IP: &str = "10.0.0.2";
const ECHO_IP: &str = "220.180.239.212";

/// The simulated module.
pub struct Engine {
    cfg: EngineConfig,
    start: Instant,
    now: Instant,
    actions: Vec<Action>,
    rng: u64,
    saved: Saved,
    settings: Settings,
    radio: Radio,
    input: LineInput,
    mode: Mode,
    /// The response being built for the current command line.
    block: Vec<u8>,
    /// URCs that wait for the end of a data phase.
    held_urcs: VecDeque<Vec<u8>>,
    /// URCs that follow the response of the command line being executed.
    after_response: Vec<String>,
    timers: Vec<(Instant, Timer)>,
    ctx: Ctx,
    qi: QiConfig,
    /// Six connections in the QI dialect, twelve in the context dialect.
    socks: [Option<Sock>; 12],
    /// Connection generation: events of an older connection on a slot are ignored.
    gen: u64,
    /// Names given synthetic addresses by QIDNSGIP (index = address).
    synth: Vec<String>,
    pending_targets: Vec<(usize, u64, Option<Target>)>,
    link: LinkState,
    tdata: TransparentState,
    injected: Injected,
    everyday: everyday::Everyday,
    /// The context dialect's state (unused by the QI models).
    ctxd: ctx::CtxState,
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
                    $field = grammar::FromI64::from_i64(v);
                    R::Ok
                }
                _ => R::Err,
            },
            Kind::Exec => R::Err,
        }
    }};
}

mod basic;
mod ctx;
mod ctxdata;
mod ctxsock;
mod data;
mod everyday;
mod input;
mod link;
mod output;
mod qi;
mod qiconn;
mod resolve;
mod sockets;
#[cfg(test)]
mod tests;
mod timers;

impl Engine {
    pub fn new(cfg: EngineConfig, now: Instant) -> Engine {
        let saved = Saved {
            echo: cfg.echo,
            verbose: true,
            cmee: cfg.cmee,
            ipr: cfg.ipr,
        };
        let mut e = Engine {
            start: now,
            now,
            actions: Vec::new(),
            rng: cfg.seed ^ 0x9E37_79B9_7F4A_7C15 | 1,
            saved,
            settings: Settings::from_saved(saved),
            radio: Radio {
                power: Power::On,
                cfun: true,
                cgatt: true,
                net_up: true,
                autobaud_held: None,
            },
            input: LineInput {
                line: Vec::new(),
                overflow: false,
                cr_at: None,
                arrival: now,
                held_echo: Vec::new(),
                last_line: None,
                busy: false,
                answered_in_write: false,
                pending: VecDeque::new(),
            },
            mode: Mode::Command,
            block: Vec::new(),
            held_urcs: VecDeque::new(),
            after_response: Vec::new(),
            timers: Vec::new(),
            ctx: Ctx::Initial,
            qi: QiConfig::default(),
            socks: Default::default(),
            gen: 0,
            synth: Vec::new(),
            pending_targets: Vec::new(),
            link: LinkState {
                up_free_at: now,
                down_free_at: now,
                up_flight: VecDeque::new(),
                host_backlog: 0,
            },
            tdata: TransparentState {
                buf: Vec::new(),
                flush_at: None,
                last_host_at: now,
                plus_count: 0,
                plus_first: now,
                plus_seq: 0,
                suspended: false,
                slot: 0,
            },
            injected: Injected {
                fired: vec![false; cfg.faults.len()],
                ..Injected::default()
            },
            everyday: everyday::Everyday::new(now),
            ctxd: ctx::CtxState::new(&cfg, now),
            cfg,
        };
        for f in e.cfg.faults.clone() {
            match f {
                Fault::SyncAfter(n) => e.injected.sync_left = e.injected.sync_left.saturating_add(n),
                Fault::Silent(p) => e.injected.silent.push(p.to_ascii_uppercase()),
                Fault::ConnectFail(n) => {
                    e.injected.connect_fail_left = e.injected.connect_fail_left.saturating_add(n)
                }
                Fault::PdpDeactAfter(d) => e.timers.push((now + d, Timer::PdpDeactFault)),
                Fault::RebootAfter(d) => e.timers.push((now + d, Timer::RebootFault)),
                Fault::VanishAfter(d) => e.timers.push((now + d, Timer::VanishFault)),
                _ => {}
            }
        }
        if e.cfg.boot {
            e.boot(false);
        } else if let Some(d) = e.sim_busy_fault() {
            // already booted, but the SIM is still starting
            e.sim_busy_until(now + d);
        }
        e
    }

    // ------------------------------------------------------------------ public interface

    /// Bytes from the host, all received at `now` (when their last byte arrived on the line; the
    /// engine's clock never goes back, but the arrival time is kept as given).
    pub fn host_bytes(&mut self, now: Instant, bytes: &[u8]) {
        self.set_now(now);
        self.input.arrival = now;
        self.input.answered_in_write = false;
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            let run = self.send_fixed_run(rest);
            if run > 0 {
                rest = &rest[run..];
                continue;
            }
            self.host_byte(b);
            rest = tail;
        }
        if !bytes.is_empty() {
            self.tdata.last_host_at = now;
        }
        self.after_step();
    }

    /// A socket event.
    pub fn net_event(&mut self, now: Instant, ev: NetEvent) {
        self.set_now(now);
        match ev {
            NetEvent::Connected { slot, gen, ok } => self.on_connected(slot, gen, ok),
            NetEvent::ConnectFailed { slot, gen, why } => {
                if let Some(s) = self.sock_gen(slot, gen) {
                    s.open_err = match why {
                        ConnectError::Refused => 566,
                        ConnectError::Timeout => 569,
                        ConnectError::Dns => 565,
                    };
                }
                self.on_connected(slot, gen, false)
            }
            NetEvent::Data { slot, gen, data } => {
                // [INF] the server's bytes cross the link in half a round trip
                let at = now + self.cfg.rtt / 2;
                if let Some(s) = self.sock_gen(slot, gen) {
                    s.from_net += data.len() as u64;
                    if s.status != SockStatus::Closed && !data.is_empty() {
                        s.down_q.push_back((at, data));
                    }
                }
            }
            NetEvent::Eof { slot, gen } => {
                let at = now + self.cfg.rtt / 2;
                if let Some(s) = self.sock_gen(slot, gen) {
                    s.peer_eof = true;
                    s.eof_at = Some(at);
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
        if let Some(t) = self.tdata.flush_at {
            upd(t);
        }
        // The link: exactly when its next packet is due, never a polling tick.
        if let Some(t) = self.link_deadline() {
            upd(t);
        }
        d
    }

    /// How many bytes of its output the line has not delivered to the host yet: the module's
    /// UART buffer. It counts against the receive buffer, so a host that does not read pushed
    /// data holds the server back. [INF]
    pub fn host_backlog(&mut self, bytes: usize) {
        self.link.host_backlog = bytes;
    }

    /// Everything produced since the last call.
    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    // ------------------------------------------------------------------ plumbing

    pub(super) fn set_now(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    pub(super) fn rand(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    pub(super) fn after_step(&mut self) {
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
}
