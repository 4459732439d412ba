//! What the engine is configured with: plain values, no command-line parsing. The `qtcp sim`
//! flags ([`crate::sim::SimArgs`]) are turned into an [`EngineConfig`] by the front end.

use std::time::Duration;

/// Single-mode peer-close URC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloseUrc {
    /// `CLOSED`
    #[default]
    Plain,
    /// `0, CLOSED`
    Indexed,
}

/// Answer to QIOPEN on an open connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlreadyConnect {
    /// `ALREADY CONNECT`
    #[default]
    Plain,
    /// `ALREADY CONNECT` then `ERROR`
    WithError,
    /// mux mode: `OK` then `<i>, CONNECT FAIL` (single mode: plain)
    MuxConnectFail,
}

/// QIDEACT answer in IP INITIAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OkError {
    #[default]
    Ok,
    Error,
}

/// State after a failed QIACT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QiactFailState {
    #[default]
    PdpDeact,
    IpInitial,
}

/// +QIRDI repetition rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QirdiMode {
    /// One URC per packet received.
    PerPacket,
    /// One URC when the buffer goes from empty to non-empty.
    #[default]
    Once,
}

/// SIM fault kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimFault {
    Absent,
    Pin,
    /// Busy for good (a SIM that never finishes starting).
    Busy,
    /// Busy for this long after power-on, then `+CPIN: READY`: what a real module does for the
    /// first seconds after boot [LOG, module.md correction 8].
    BusyFor(Duration),
}

/// One injected fault (`--fault SPEC`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    PeerCloseAfterBytes(u64),
    PdpDeactAfter(Duration),
    PdpDeactAfterBytes(u64),
    AckStallAfterBytes(u64),
    ConnectFail(u32),
    DnsFail,
    Sim(SimFault),
    NoRegister,
    NoAttach,
    QiactFail,
    Silent(String),
    SyncAfter(u32),
    RebootAfter(Duration),
    RebootAfterBytes(u64),
    Noise(f64),
    Fragment(usize, Duration),
    VanishAfter(Duration),
}

/// Bytes per second; `None` = unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rate(pub Option<f64>);

/// `NAME=HOST:PORT`: where QIOPEN/QIDNSGIP of NAME go.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    /// Lower case: a domain name, an IP or `IP:PORT`.
    pub name: String,
    pub target: String,
}

/// How long the module takes for the slow operations.
#[derive(Debug, Clone, Copy)]
pub struct Delays {
    pub qiact: Duration,
    pub qiopen: Duration,
    pub qideact: Duration,
    pub dns: Duration,
    pub rdy: Duration,
    pub call_ready: Duration,
    pub cgatt: Duration,
}

/// Everything the engine is configured with.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Echo (ATE) at power-on.
    pub echo: bool,
    /// AT+CMEE at power-on (0..=2).
    pub cmee: u8,
    /// Stored AT+IPR; boot URCs are shown only when it is not 0.
    pub ipr: u32,
    /// Start powered off and boot (URCs) instead of already booted.
    pub boot: bool,
    pub map: Vec<MapEntry>,
    pub delays: Delays,
    /// Real TCP connect timeout (then CONNECT FAIL).
    pub connect_timeout: Duration,
    /// Per-socket send buffer for unacknowledged bytes.
    pub send_buffer: u64,
    pub uplink: Rate,
    pub downlink: Rate,
    pub rtt: Duration,
    /// Largest TCP segment the link carries, each way (bytes).
    pub mss: usize,
    /// The module's receive buffer per socket: server data on the downlink or unread by the
    /// host; the simulator reads the socket only while it has room.
    pub recv_buffer: u64,
    pub close_urc: CloseUrc,
    pub already_connect: AlreadyConnect,
    pub qideact_in_initial: OkError,
    pub no_implicit_activation: bool,
    pub qiact_fail_state: QiactFailState,
    pub qirdi: QirdiMode,
    pub qird_max: usize,
    pub qisend_max: usize,
    /// Silence required before / after `+++`.
    pub guard_before: Duration,
    pub guard_after: Duration,
    pub seed: u64,
    /// Produce [`super::Action::Log`] lines for a host log.
    pub host_log: bool,
    pub faults: Vec<Fault>,
}
