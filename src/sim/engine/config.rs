//! What the engine is configured with: plain values, no command-line parsing. The `qtcp sim`
//! flags ([`crate::sim::SimArgs`]) are turned into an [`EngineConfig`] by the front end.

use std::time::Duration;

/// Single-mode peer-close URC. Real M95s say `0, CLOSED` (three captures) \[LOG, module.md
/// correction 3\]; `CLOSED` is what the manual shows \[DOC\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloseUrc {
    /// `CLOSED`
    Plain,
    /// `0, CLOSED`
    #[default]
    Indexed,
}

/// Answer to QIOPEN on an open connection. A real M95 follows `ALREADY CONNECT` with `ERROR`
/// on every attempt \[LOG, module.md correction 2\]; the manual shows it alone \[DOC\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlreadyConnect {
    /// `ALREADY CONNECT`
    Plain,
    /// `ALREADY CONNECT` then `ERROR`
    #[default]
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

/// Which LF after the CR of a command line the module drops. Field drivers that end lines with
/// CR LF see their payloads intact [CODE, field use; module.md correction 1], which fits a module
/// that drops the LF that came with the CR; whether it also drops a LF that comes later (the
/// first byte of a payload written after the `> ` prompt), or drops none and takes it as data,
/// is not known [INF]: the three readings are a setting, and the client must be right under
/// each (it ends every line with a bare CR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LfAfterCr {
    /// Only a LF that came with the CR (within two byte times on the line).
    #[default]
    WithCr,
    /// Any LF that is the next byte after the CR, however late it comes.
    Always,
    /// None: a LF right after the CR of a line that starts a data phase is the first payload
    /// byte (between command lines a LF is still a line ending's tail) [INF: no capture
    /// settles it; issue 18].
    None,
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

/// What one AT+QIRD returns of a UDP socket's datagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QirdUdp {
    /// One `+QIRD:` record per datagram, as many whole datagrams as fit in the length asked for
    #[default]
    Several,
    /// One datagram per AT+QIRD
    One,
}

/// How a connection index is joined to a mux result or URC (`<n>, SEND OK`, `<n>, CLOSED` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MuxIndex {
    /// `2, SEND OK`, as the manual shows \[DOC\]
    #[default]
    Spaced,
    /// `2,SEND OK`, as a GC65 says \[LOG\]
    Compact,
}

/// What a command line written before the previous one's final result becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TypeAhead {
    /// Dropped: an MC60 given two lines typed ahead answered one, and a QIREGAPP sent early
    /// got no answer at all \[LOG, issue 18\]. What every `--model` preset does.
    #[default]
    Drop,
    /// Queued and executed once the command in progress has answered (a V.250 DCE's buffer
    /// \[STD\]).
    Queue,
}

/// What separates two `+QIRD:` UDP records of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QirdGap {
    /// `\r\n` before each header, as before `OK` \[DOC\]
    #[default]
    Crlf,
    /// Nothing: the next `+QIRD:` header follows the previous datagram's last byte, as a real
    /// GC65 sent it \[LOG, issue 18\]
    None,
}

/// What `AT+QICSGP?` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QicsgpRead {
    /// `+QICSGP: <mode>,"<apn>","<user>","<pwd>"` \[INF, module.md §3.2\]
    #[default]
    Full,
    /// `+QICSGP: <mode>` only, as a real MC60 answered \[LOG, issue 18\]
    Mode,
}

/// The context dialect's socket state for a connected client in AT+QISTATE: a real BG96 said
/// 3 \[LOG TG#475\], the manual says 2 \[DOC AN-BG96 p=18\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectedState {
    Two,
    #[default]
    Three,
}

/// What follows the payload of a context-dialect `+QIRD: <n>` before the final result: the
/// manual's layout has the data on its own line, so CR LF then `\r\nOK\r\n` \[DOC AN-BG96
/// p=22\]; one capture reads as the data then `\r\nOK\r\n` directly \[LOG AZS#381, as
/// transcribed\] (new-dialect.md §6.6 question 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QirdTrailer {
    /// `<data>\r\n\r\nOK\r\n`
    #[default]
    Crlf,
    /// `<data>\r\nOK\r\n`
    None,
}

/// The AT port a context-dialect module sends URCs to (AT+QURCCFG="urcport"), and the one the
/// simulator serves: URCs reach the host only when the two are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrcPort {
    Usbat,
    Usbmodem,
    #[default]
    Uart1,
}

impl UrcPort {
    pub fn name(self) -> &'static str {
        match self {
            UrcPort::Usbat => "usbat",
            UrcPort::Usbmodem => "usbmodem",
            UrcPort::Uart1 => "uart1",
        }
    }
}

/// Context dialect: what a socket in transparent mode says when its connection ends (research
/// §6.6 question 6: not found in any source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransparentClose {
    /// `NO CARRIER`, then command mode [INF: V.250 convention, research §1.11].
    #[default]
    NoCarrier,
    /// `+QIURC: "closed",<id>`, then command mode [INF: the buffer-mode URC].
    Qiurc,
}

/// A module model: what it says it is, and the firmware knobs where real modules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Model {
    #[default]
    M95,
    M66,
    Mc60,
    M26,
    M35,
    Gc65,
    // The LTE-era modules: the context dialect (`AT+QIOPEN=<cid>,<id>,...`, `+QIURC: "recv"`).
    Bg96,
    Bg95,
    Bg77,
    Ec21,
    Ec25,
    Eg25,
    Ec200u,
    Ug96,
}

/// The knob values a model sets (an explicit flag overrides each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub close_urc: CloseUrc,
    pub already_connect: AlreadyConnect,
    pub qird_udp: QirdUdp,
    pub mux_index: MuxIndex,
    /// AT+CMEE at power-on: 1 on every preset, as a real M35 (unknown command) and M95 (SIM
    /// busy) answered with numbers before any AT+CMEE was sent \[LOG, issue 18\].
    pub cmee: u8,
    pub type_ahead: TypeAhead,
    pub qird_gap: QirdGap,
    pub qicsgp_read: QicsgpRead,
}

impl Model {
    /// The QI-dialect (M95 family) presets.
    pub const ALL: [Model; 6] = [
        Model::M95,
        Model::M66,
        Model::Mc60,
        Model::M26,
        Model::M35,
        Model::Gc65,
    ];

    /// The context-dialect (LTE-era) presets.
    pub const CTX: [Model; 8] = [
        Model::Bg96,
        Model::Bg95,
        Model::Bg77,
        Model::Ec21,
        Model::Ec25,
        Model::Eg25,
        Model::Ec200u,
        Model::Ug96,
    ];

    /// The model speaks the context dialect (research new-dialect.md §3.1).
    pub fn is_ctx(self) -> bool {
        Model::CTX.contains(&self)
    }

    /// The highest context id: 16, and 7 on EC200U \[DOC AN-BG96 p=15; AN-EC200U\].
    pub fn max_cid(self) -> u8 {
        match self {
            Model::Ec200u => 7,
            _ => 16,
        }
    }

    /// What AT+QGMR adds to the revision. BG95's `_01.204.01.204` is from a capture \[LOG Zephyr
    /// PR #93068\]; the others follow its pattern \[INF\].
    pub fn qgmr_suffix(self) -> &'static str {
        match self {
            Model::Bg95 => "_01.204.01.204",
            _ => "_01.001.01.001",
        }
    }

    /// The `--model` value.
    pub fn name(self) -> &'static str {
        match self {
            Model::M95 => "m95",
            Model::M66 => "m66",
            Model::Mc60 => "mc60",
            Model::M26 => "m26",
            Model::M35 => "m35",
            Model::Gc65 => "gc65",
            Model::Bg96 => "bg96",
            Model::Bg95 => "bg95",
            Model::Bg77 => "bg77",
            Model::Ec21 => "ec21",
            Model::Ec25 => "ec25",
            Model::Eg25 => "eg25",
            Model::Ec200u => "ec200u",
            Model::Ug96 => "ug96",
        }
    }

    /// What ATI (second line) and AT+CGMM say.
    pub fn ident(self) -> &'static str {
        match self {
            Model::M95 => "Quectel_M95",
            Model::M66 => "Quectel_M66",
            Model::Mc60 => "Quectel_MC60",
            Model::M26 => "Quectel_M26",
            Model::M35 => "Quectel_M35",
            Model::Gc65 => "Quectel_GC65",
            // [LOG TG#157 BG96; CODE BG95-M3, UG96; CODE OFONO EC21; the rest INF]
            Model::Bg96 => "BG96",
            Model::Bg95 => "BG95-M3",
            Model::Bg77 => "BG77",
            Model::Ec21 => "EC21",
            Model::Ec25 => "EC25",
            Model::Eg25 => "EG25",
            Model::Ec200u => "EC200U",
            Model::Ug96 => "UG96",
        }
    }

    /// The firmware revision ATI and AT+GMR report: M95FAR02A08 is what a real M95 says
    /// \[CODE M95FR\]; the others follow Quectel's naming, not captures \[INF\].
    pub fn revision(self) -> &'static str {
        match self {
            Model::M95 => "M95FAR02A08",
            Model::M66 => "M66FAR01A12BT",
            Model::Mc60 => "MC60CAR01A07",
            Model::M26 => "M26FBR03A01",
            Model::M35 => "M35FAR01A08",
            Model::Gc65 => "GC65R01A03V01",
            // [LOG TG#157 BG96; CODE BG95, EC25, UG96 (new-dialect.md §1.2); the rest INF]
            Model::Bg96 => "BG96MAR02A07M1G",
            Model::Bg95 => "BG95M3LAR02A03",
            Model::Bg77 => "BG77LAR02A04",
            Model::Ec21 => "EC21EFAR06A01M4G",
            Model::Ec25 => "EC25EFAR06A01M4G",
            Model::Eg25 => "EG25GGBR07A08M2G",
            Model::Ec200u => "EC200UCNAAR02A01M08",
            Model::Ug96 => "UG96LNAR02A06E1G",
        }
    }

    /// The firmware knobs of this model. M95: `0, CLOSED` and `ALREADY CONNECT` then `ERROR`
    /// from captures \[LOG\]; GC65: several UDP records per QIRD, with no CR LF between them,
    /// and `2,SEND OK` from a capture \[LOG\]; MC60: `+QICSGP: 1` \[LOG\]; all: numeric errors
    /// from power-on and type-ahead dropped \[LOG, issue 18\]; the other values follow the M95
    /// and the manual \[INF\].
    pub fn preset(self) -> Preset {
        let m95 = Preset {
            close_urc: CloseUrc::Indexed,
            already_connect: AlreadyConnect::WithError,
            qird_udp: QirdUdp::Several,
            mux_index: MuxIndex::Spaced,
            cmee: 1,
            type_ahead: TypeAhead::Drop,
            qird_gap: QirdGap::Crlf,
            qicsgp_read: QicsgpRead::Full,
        };
        match self {
            Model::Gc65 => Preset {
                mux_index: MuxIndex::Compact,
                qird_gap: QirdGap::None,
                ..m95
            },
            Model::Mc60 => Preset {
                qicsgp_read: QicsgpRead::Mode,
                ..m95
            },
            // The LTE-era models: the captures of numeric errors and dropped type-ahead are of
            // M95-family modules; a BG95 answers a plain `ERROR` between RDY and APP RDY
            // [LOG, issue 20] and TCP/IP commands answer plain `ERROR` even with CMEE=1
            // [LOG EWF#20], so these start with CMEE=0, and a line typed ahead is queued (the
            // V.250 DCE's buffer) [INF]. The knobs give the other readings.
            m if m.is_ctx() => Preset {
                cmee: 0,
                type_ahead: TypeAhead::Queue,
                ..m95
            },
            _ => m95,
        }
    }
}

/// SIM fault kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimFault {
    Absent,
    Pin,
    /// Busy for good (a SIM that never finishes starting).
    Busy,
    /// Busy for this long after power-on, then `+CPIN: READY`: what a real module does for the
    /// first seconds after boot \[LOG, module.md correction 8\].
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
    /// Before a response block, with this probability, one of the network URCs a registered
    /// module sends on its own (`+QNITZ`, `+CMTI`, `+CREG: 1`) \[INF, issue 18\].
    UrcNoise(f64),
    Fragment(usize, Duration),
    VanishAfter(Duration),
    /// Context dialect: data arrives in buffer mode without its `+QIURC: "recv"` (drivers in
    /// the field poll QIRD because modules "forget" to announce data \[CODE TG-BG96\]).
    DropRecvUrc,
    /// Context dialect: QIOPEN answers OK and the `+QIOPEN:` URC never comes (the 150-s path).
    QiopenNoUrc,
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delays {
    pub qiact: Duration,
    pub qiopen: Duration,
    pub qideact: Duration,
    pub dns: Duration,
    /// Power-on to RDY.
    pub rdy: Duration,
    /// RDY to `+CFUN: 1`.
    pub cfun: Duration,
    /// RDY to `+CPIN: READY`: the SIM is busy until then.
    pub sim_busy: Duration,
    /// Power-on to Call Ready (not before `+CPIN: READY`).
    pub call_ready: Duration,
    /// Call Ready to SMS Ready.
    pub sms_ready: Duration,
    pub cgatt: Duration,
}

impl Default for Delays {
    /// QIACT 1 s, QIOPEN 300 ms, QIDEACT 300 ms, DNS 200 ms (module.md §5); boot: RDY 500 ms,
    /// +CFUN 200 ms later, SIM busy 3 s after RDY, Call Ready at 5 s, SMS Ready 1.5 s after it.
    fn default() -> Self {
        let ms = Duration::from_millis;
        Delays {
            qiact: ms(1000),
            qiopen: ms(300),
            qideact: ms(300),
            dns: ms(200),
            rdy: ms(500),
            cfun: ms(200),
            sim_busy: ms(3000),
            call_ready: ms(5000),
            sms_ready: ms(1500),
            cgatt: ms(300),
        }
    }
}

impl Delays {
    /// A few milliseconds each, in the same order (for tests).
    pub fn fast() -> Delays {
        let ms = Duration::from_millis;
        Delays {
            qiact: ms(3),
            qiopen: ms(2),
            qideact: ms(2),
            dns: ms(2),
            rdy: ms(5),
            cfun: ms(1),
            sim_busy: ms(5),
            call_ready: ms(15),
            sms_ready: ms(2),
            cgatt: ms(2),
        }
    }
}

/// Everything the engine is configured with. [`Default`] is the simulator's defaults, the same
/// as `qtcp sim` with no flags (a test in args.rs keeps the two equal).
#[derive(Debug, Clone, PartialEq)]
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
    pub qird_udp: QirdUdp,
    pub mux_index: MuxIndex,
    pub type_ahead: TypeAhead,
    pub qird_gap: QirdGap,
    pub qicsgp_read: QicsgpRead,
    /// What ATI, AT+GMR and AT+CGMM report.
    pub model: Model,
    pub qisend_max: usize,
    /// Silence required before / after `+++`.
    pub guard_before: Duration,
    pub guard_after: Duration,
    pub seed: u64,
    pub lf_after_cr: LfAfterCr,
    /// How long one byte takes on the serial line (`--line-baud`); zero for an instant line.
    pub line_byte_time: Duration,
    /// Produce [`super::Action::Log`] lines for a host log.
    pub host_log: bool,
    pub faults: Vec<Fault>,
    /// Context dialect: QIACT on an active context.
    pub qiact_when_active: OkError,
    /// Context dialect: a failed QIOPEN keeps its id claimed until QICLOSE (563 meanwhile).
    pub failed_open_keeps_id: bool,
    pub connected_state: ConnectedState,
    /// Context dialect: `+QIURC: "recv",<id>,<len>` in buffer mode from power-on, as after
    /// AT+QICFG="recvind",1.
    pub recv_urc_len: bool,
    pub qird_trailer: QirdTrailer,
    /// Context dialect: the URC port at power-on (AT+QURCCFG="urcport"); the simulator serves
    /// `uart1`.
    pub urc_port: UrcPort,
    /// Context dialect: `+QIGETERROR: 552, invalid parameters` (a space after the comma, as a
    /// UG96 said \[LOG OT#72\]) instead of `552,invalid parameters` (BG9x/EC2x \[LOG SIX#14\]).
    pub qigeterror_space: bool,
    /// Context dialect: with AT+CMEE>=1 a failing TCP/IP command answers `+CME ERROR: <5xx>`
    /// (its QIGETERROR code) instead of `ERROR` (new-dialect.md §6.6 question 7) \[INF\].
    pub cme_5xx: bool,
    /// Context dialect: AT+QIGETERROR keeps the last error until another error replaces it,
    /// instead of a success setting it to 0 (§6.6 question 8) \[INF\].
    pub qigeterror_keep: bool,
    /// Context dialect: the words of a peer close in transparent mode.
    pub transparent_close: TransparentClose,
}

impl Default for EngineConfig {
    fn default() -> Self {
        let model = Model::default();
        let preset = model.preset();
        EngineConfig {
            echo: true,
            cmee: preset.cmee,
            ipr: 115200,
            boot: false,
            map: Vec::new(),
            delays: Delays::default(),
            connect_timeout: Duration::from_secs(75),
            send_buffer: 7300,
            uplink: Rate(None),
            downlink: Rate(None),
            rtt: Duration::ZERO,
            mss: 1460,
            recv_buffer: 7300,
            close_urc: preset.close_urc,
            already_connect: preset.already_connect,
            qideact_in_initial: OkError::Ok,
            no_implicit_activation: false,
            qiact_fail_state: QiactFailState::PdpDeact,
            qirdi: QirdiMode::Once,
            qird_max: 1500,
            qird_udp: preset.qird_udp,
            mux_index: preset.mux_index,
            type_ahead: preset.type_ahead,
            qird_gap: preset.qird_gap,
            qicsgp_read: preset.qicsgp_read,
            model,
            qisend_max: 1460,
            lf_after_cr: LfAfterCr::WithCr,
            guard_before: Duration::from_secs(1),
            guard_after: Duration::from_millis(500),
            seed: 1,
            line_byte_time: Duration::ZERO,
            host_log: false,
            faults: Vec::new(),
            qiact_when_active: OkError::Error,
            failed_open_keeps_id: true,
            connected_state: ConnectedState::Three,
            recv_urc_len: false,
            qird_trailer: QirdTrailer::Crlf,
            urc_port: UrcPort::Uart1,
            qigeterror_space: false,
            cme_5xx: false,
            qigeterror_keep: false,
            transparent_close: TransparentClose::NoCarrier,
        }
    }
}
