//! The simulator's flags (clap) and their parsed forms: rates, durations, faults, name maps.

use std::path::PathBuf;
use std::time::Duration;

/// `on` / `off`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnOff {
    #[default]
    On,
    Off,
}

/// Delay table preset.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DelayPreset {
    /// QIACT 1 s, QIOPEN 300 ms, QIDEACT 300 ms, DNS 200 ms; boot: RDY 500 ms, +CFUN 200 ms
    /// later, SIM busy 3 s after RDY, Call Ready 5 s, SMS Ready 1.5 s after it.
    #[default]
    Default,
    /// A few milliseconds each (for tests).
    Fast,
}

pub use super::engine::config::{
    AlreadyConnect, CloseUrc, ConnectedState, Delays, EngineConfig, Fault, LfAfterCr, MapEntry, Model,
    MuxIndex, OkError, Preset, QiactFailState, QicsgpRead, QirdGap, QirdTrailer, QirdUdp, QirdiMode, Rate,
    SimFault, TransparentClose, TypeAhead, UrcPort,
};
pub use crate::units::parse_duration;

/// `qtcp sim --help` on `--model`: what each preset sets. tests/sim/models.rs checks the table
/// against [`Model::preset`].
pub const MODEL_HELP: &str = "\
Module model: what ATI, AT+GMR and AT+CGMM report, and the firmware knobs where real modules differ. An explicit knob flag overrides the model's value.

  model ATI, CGMM    GMR           close-urc already-connect qird-udp mux-index
  m95   Quectel_M95  M95FAR02A08   indexed   with-error      several  spaced
  m66   Quectel_M66  M66FAR01A12BT indexed   with-error      several  spaced
  mc60  Quectel_MC60 MC60CAR01A07  indexed   with-error      several  spaced
  m26   Quectel_M26  M26FBR03A01   indexed   with-error      several  spaced
  m35   Quectel_M35  M35FAR01A08   indexed   with-error      several  spaced
  gc65  Quectel_GC65 GC65R01A03V01 indexed   with-error      several  compact

  model cmee type-ahead qird-gap qicsgp-read
  m95   1    drop       crlf     full
  m66   1    drop       crlf     full
  mc60  1    drop       crlf     mode
  m26   1    drop       crlf     full
  m35   1    drop       crlf     full
  gc65  1    drop       none     full

Evidence: the m95 close URC and ALREADY CONNECT answer, the gc65 UDP records (no CR LF between them) and compact mux results, the mc60 `+QICSGP: 1`, numeric errors before any AT+CMEE (m35, m95) and type-ahead dropped (mc60) are from captures of real modules; the m95 revision is from a driver; the rest follows the M95 and the manual (inferred, not captured).

The LTE-era models speak the context dialect (AT+QIOPEN=<cid>,<id>,..., +QIURC: \"recv\", QIRD, QISTATE with ten fields), with 12 sockets; ATI says Quectel / CGMM / Revision: CGMR, and commands starting +Q answer ERROR until APP RDY. The --qiact-when-active, --failed-open-keeps-id, --connected-state, --recv-urc-len, --qird-trailer, --urc-port and --qigeterror-space knobs apply to them (ug96 sets --qigeterror-space on).

  ctx-model CGMM     CGMR                contexts
  bg96      BG96     BG96MAR02A07M1G     1-16
  bg95      BG95-M3  BG95M3LAR02A03      1-16
  bg77      BG77     BG77LAR02A04        1-16
  ec21      EC21     EC21EFAR06A01M4G    1-16
  ec25      EC25     EC25EFAR06A01M4G    1-16
  eg25      EG25     EG25GGBR07A08M2G    1-16
  ec200u    EC200U   EC200UCNAAR02A01M08 1-7
  ug96      UG96     UG96LNAR02A06E1G    1-16

Evidence: the BG96 ATI is from a capture; the BG95, EC25 and UG96 revisions from drivers; the rest is inferred. AT+QGMR adds _01.204.01.204 (BG95, captured) or _01.001.01.001 (inferred).";

/// The engine's knob enums as flag values: the engine itself knows nothing of clap.
macro_rules! value_enum {
    ($t:ty { $($v:expr => $name:literal $(: $help:literal)?),* $(,)? }) => {
        impl clap::ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($v),*]
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                $(if *self == $v {
                    return Some(clap::builder::PossibleValue::new($name)$(.help($help))?);
                })*
                None
            }
        }
    };
}

value_enum!(CloseUrc {
    CloseUrc::Plain => "plain": "`CLOSED`",
    CloseUrc::Indexed => "indexed": "`0, CLOSED`",
});
value_enum!(AlreadyConnect {
    AlreadyConnect::Plain => "plain": "`ALREADY CONNECT`",
    AlreadyConnect::WithError => "with-error": "`ALREADY CONNECT` then `ERROR`",
    AlreadyConnect::MuxConnectFail => "mux-connect-fail": "mux mode: `OK` then `<i>, CONNECT FAIL` (single mode: plain)",
});
value_enum!(MuxIndex {
    MuxIndex::Spaced => "spaced": "`2, SEND OK`",
    MuxIndex::Compact => "compact": "`2,SEND OK`",
});
value_enum!(Model {
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
});
value_enum!(ConnectedState {
    ConnectedState::Two => "2": "2, as the manual says",
    ConnectedState::Three => "3": "3, as a real BG96 said",
});
value_enum!(QirdTrailer {
    QirdTrailer::Crlf => "crlf": "`<data>\\r\\n\\r\\nOK\\r\\n` (the manual's layout)",
    QirdTrailer::None => "none": "`<data>\\r\\nOK\\r\\n`",
});
value_enum!(UrcPort {
    UrcPort::Usbat => "usbat",
    UrcPort::Usbmodem => "usbmodem",
    UrcPort::Uart1 => "uart1",
});
value_enum!(OkError {
    OkError::Ok => "ok",
    OkError::Error => "error",
});
value_enum!(TransparentClose {
    TransparentClose::NoCarrier => "no-carrier": "`NO CARRIER` [INF: V.250]",
    TransparentClose::Qiurc => "qiurc": "`+QIURC: \"closed\",<id>` [INF]",
});
value_enum!(QiactFailState {
    QiactFailState::PdpDeact => "pdp-deact",
    QiactFailState::IpInitial => "ip-initial",
});
value_enum!(QirdUdp {
    QirdUdp::Several => "several": "One `+QIRD:` record per datagram, as many as fit in the length asked for",
    QirdUdp::One => "one": "One datagram per AT+QIRD",
});
value_enum!(LfAfterCr {
    LfAfterCr::WithCr => "with-cr": "Only a LF that came with the CR",
    LfAfterCr::Always => "always": "Any LF that is the next byte after a CR, however late",
    LfAfterCr::None => "none": "No LF: a LF right after the CR of a QISEND/ATO line is payload",
});
value_enum!(TypeAhead {
    TypeAhead::Drop => "drop": "A line written before the previous command's final result is dropped",
    TypeAhead::Queue => "queue": "It is kept and executed after that result",
});
value_enum!(QirdGap {
    QirdGap::Crlf => "crlf": "`\\r\\n` before each `+QIRD:` header",
    QirdGap::None => "none": "The next `+QIRD:` header right after the previous datagram's last byte",
});
value_enum!(QicsgpRead {
    QicsgpRead::Full => "full": "`+QICSGP: <mode>,\"<apn>\",\"<user>\",\"<pwd>\"`",
    QicsgpRead::Mode => "mode": "`+QICSGP: <mode>` only",
});
value_enum!(QirdiMode {
    QirdiMode::PerPacket => "per-packet": "One URC per packet received",
    QirdiMode::Once => "once": "One URC when the buffer goes from empty to non-empty",
});

/// Parse a `--fault` value.
pub fn parse_fault(s: &str) -> Result<Fault, String> {
    let (k, v) = match s.split_once('=') {
        Some((k, v)) => (k.trim(), Some(v.trim())),
        None => (s.trim(), None),
    };
    let need = || v.ok_or_else(|| format!("fault `{k}` needs a value (`{k}=...`)"));
    let num = |x: &str| -> Result<u64, String> {
        x.parse::<u64>()
            .map_err(|_| format!("fault `{k}`: `{x}` is not a non-negative integer"))
    };
    let dur = |x: &str| parse_duration(x).map_err(|e| format!("fault `{k}`: {e}"));
    Ok(match k {
        "peer-close-after-bytes" => Fault::PeerCloseAfterBytes(num(need()?)?),
        "pdp-deact-after" => Fault::PdpDeactAfter(dur(need()?)?),
        "pdp-deact-after-bytes" => Fault::PdpDeactAfterBytes(num(need()?)?),
        "ack-stall-after-bytes" => Fault::AckStallAfterBytes(num(need()?)?),
        "connect-fail" => Fault::ConnectFail(match v {
            None => 1,
            Some(x) => num(x)?.min(u32::MAX as u64) as u32,
        }),
        "dns-fail" => Fault::DnsFail,
        "sim" => Fault::Sim(match need()? {
            "absent" => SimFault::Absent,
            "pin" => SimFault::Pin,
            "busy" => SimFault::Busy,
            x => match x.strip_prefix("busy:") {
                Some(d) => SimFault::BusyFor(dur(d)?),
                None => {
                    return Err(format!(
                        "fault `sim`: `{x}` is not one of absent, pin, busy, busy:DUR"
                    ))
                }
            },
        }),
        "no-register" => Fault::NoRegister,
        "no-attach" => Fault::NoAttach,
        "qiact-fail" => Fault::QiactFail,
        "silent" => {
            let p = need()?;
            if p.is_empty() {
                return Err("fault `silent` needs a prefix (or `*`)".into());
            }
            Fault::Silent(p.to_string())
        }
        "sync-after" => Fault::SyncAfter(num(need()?)?.min(u32::MAX as u64) as u32),
        "reboot-after" => Fault::RebootAfter(dur(need()?)?),
        "reboot-after-bytes" => Fault::RebootAfterBytes(num(need()?)?),
        "noise" => {
            let p: f64 = need()?
                .parse()
                .map_err(|_| "fault `noise`: not a number".to_string())?;
            if !(0.0..=1.0).contains(&p) {
                return Err("fault `noise`: probability must be within 0..1".into());
            }
            Fault::Noise(p)
        }
        "urc-noise" => {
            let p: f64 = need()?
                .parse()
                .map_err(|_| "fault `urc-noise`: not a number".to_string())?;
            if !(0.0..=1.0).contains(&p) {
                return Err("fault `urc-noise`: probability must be within 0..1".into());
            }
            Fault::UrcNoise(p)
        }
        "fragment" => {
            let x = need()?;
            let (a, b) = x
                .split_once('/')
                .ok_or_else(|| "fault `fragment`: expected SIZE/DUR, e.g. 3/5ms".to_string())?;
            let size = num(a)? as usize;
            if size == 0 {
                return Err("fault `fragment`: SIZE must be at least 1".into());
            }
            Fault::Fragment(size, dur(b)?)
        }
        "vanish-after" => Fault::VanishAfter(dur(need()?)?),
        "drop-recv-urc" => Fault::DropRecvUrc,
        "qiopen-no-urc" => Fault::QiopenNoUrc,
        _ => {
            return Err(format!(
                "unknown fault `{k}` (known: peer-close-after-bytes, pdp-deact-after, \
                 pdp-deact-after-bytes, ack-stall-after-bytes, connect-fail, dns-fail, sim, \
                 no-register, no-attach, qiact-fail, silent, sync-after, reboot-after, \
                 reboot-after-bytes, noise, urc-noise, fragment, vanish-after, drop-recv-urc, qiopen-no-urc)"
            ))
        }
    })
}

/// Parse a rate in bytes per second: `4000`, `4KB/s`, `20kB/s`, `1MB/s`, `500B/s`
/// (KB = 1000 bytes, MB = 1 000 000 bytes). `unlimited` or `0` means no limit.
pub fn parse_rate(s: &str) -> Result<Rate, String> {
    let t = s.trim();
    let low = t.to_ascii_lowercase();
    if low == "unlimited" || low == "0" || low == "none" {
        return Ok(Rate(None));
    }
    let body = low.strip_suffix("/s").unwrap_or(&low);
    let (num, mult) = if let Some(n) = body.strip_suffix("kb") {
        (n, 1000.0)
    } else if let Some(n) = body.strip_suffix("mb") {
        (n, 1_000_000.0)
    } else if let Some(n) = body.strip_suffix('b') {
        (n, 1.0)
    } else {
        (body, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("bad rate `{s}` (examples: 4000, 4KB/s, 1MB/s)"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("bad rate `{s}`"));
    }
    let r = v * mult;
    Ok(Rate(if r == 0.0 { None } else { Some(r) }))
}

/// Parse a `--map` value, `NAME=HOST:PORT`.
pub fn parse_map(s: &str) -> Result<MapEntry, String> {
    let (n, t) = s
        .split_once('=')
        .ok_or_else(|| format!("bad --map `{s}`: expected NAME=HOST:PORT"))?;
    let (h, p) = t
        .rsplit_once(':')
        .ok_or_else(|| format!("bad --map `{s}`: target must be HOST:PORT"))?;
    if h.is_empty() || p.parse::<u16>().is_err() || n.is_empty() {
        return Err(format!("bad --map `{s}`: expected NAME=HOST:PORT"));
    }
    Ok(MapEntry {
        name: n.to_ascii_lowercase(),
        target: t.to_string(),
    })
}

/// Every knob of the simulator; the `qtcp sim` subcommand flattens this, and `--port sim:ARGS`
/// parses ARGS with it for the in-process simulator.
#[derive(clap::Args, Debug, Clone)]
pub struct SimArgs {
    /// Create a symlink PATH -> the pty slave, removed on exit. An existing PATH is replaced only
    /// if it is a stale link to a pty that is gone; anything else is an error
    #[arg(long, value_name = "PATH", conflicts_with = "listen")]
    pub link: Option<PathBuf>,

    /// Serve the module over raw TCP on ADDR (e.g. 127.0.0.1:0) instead of a pty, as a serial
    /// server (ser2net raw mode) would: clients use --port tcp://HOST:PORT, one at a time
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Answer like a recorded module: replay a `--trace` FILE (repeatable: files are replayed
    /// in order, as one conversation); the engine flags are then ignored (see the long help)
    #[arg(long = "replay", value_name = "FILE")]
    pub replay: Vec<PathBuf>,

    /// With --replay: reproduce the recorded delays between a command and each answer
    /// (default: answer at once)
    #[arg(long, requires = "replay")]
    pub replay_timing: bool,

    /// Initial echo (ATE) setting
    #[arg(long, value_enum, default_value = "on", value_name = "on|off")]
    pub echo: OnOff,

    /// AT+CMEE at power-on (0: plain ERROR, 1: `+CME ERROR: <n>`, 2: text) [default: from
    /// --model; 1]
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub cmee: Option<u8>,

    /// Stored AT+IPR value (0: autobauding, the boot shows no RDY, and +CFUN/+CPIN wait for the
    /// host's first command)
    #[arg(long, default_value_t = 115200)]
    pub ipr: u32,

    /// Emit the power-on URC sequence when the simulator starts (default: already booted)
    #[arg(long)]
    pub boot: bool,

    /// Resolve NAME (domain name, IP or IP:PORT) to HOST:PORT for QIOPEN/QIDNSGIP (repeatable)
    #[arg(long = "map", value_name = "NAME=HOST:PORT", value_parser = parse_map)]
    pub map: Vec<MapEntry>,

    /// Delay table: default (spec §5) or fast (a few ms each)
    #[arg(long, value_enum, default_value = "default")]
    pub delays: DelayPreset,

    /// Override the QIACT delay
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub qiact_delay: Option<Duration>,
    /// Override the QIOPEN delay (before the real connect starts)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub qiopen_delay: Option<Duration>,
    /// Override the QIDEACT delay
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub qideact_delay: Option<Duration>,
    /// Override the DNS lookup delay
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub dns_delay: Option<Duration>,
    /// Override the boot delay until RDY
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub rdy_delay: Option<Duration>,
    /// Override the boot delay until Call Ready (never before +CPIN: READY)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub call_ready_delay: Option<Duration>,
    /// After power-on (--boot, a reboot): SIM-dependent commands answer SIM busy (+CME ERROR: 14)
    /// for DUR after RDY, then +CPIN: READY comes (default 3s; 5ms with --delays fast)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub sim_busy: Option<Duration>,
    /// Real TCP connect timeout (the module answers CONNECT FAIL after it)
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "75s")]
    pub connect_timeout: Duration,

    /// Per-socket send buffer: a QISEND that would make unacknowledged bytes exceed it fails
    #[arg(long, default_value_t = 7300)]
    pub send_buffer: u64,
    /// Rate at which the radio drains the send buffer (4000, 4KB/s, 1MB/s; default unlimited)
    #[arg(long, value_parser = parse_rate, default_value = "unlimited", value_name = "RATE")]
    pub uplink: Rate,
    /// Rate at which server data reaches the module (default unlimited)
    #[arg(long, value_parser = parse_rate, default_value = "unlimited", value_name = "RATE")]
    pub downlink: Rate,
    /// Round-trip time: a segment that leaves the module at t reaches the server at t + rtt/2
    /// and is acknowledged at t + rtt; server data takes rtt/2 to reach the module
    #[arg(long, value_parser = parse_duration, default_value = "0", value_name = "DUR")]
    pub rtt: Duration,
    // [DOC] 1460 is the largest QISEND and the usual Ethernet-path MSS; module.md's 1448 (1460
    // less TCP timestamps) is unverified [INF].
    /// Largest TCP segment on the radio link, each way: with --uplink/--downlink data moves in
    /// packets of up to this many bytes
    #[arg(long, default_value_t = 1460, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=65535))]
    pub mss: u64,
    // [INF] no source gives an M95's receive buffer; 7300 mirrors the send buffer the
    // recommended process takes as given (also unverified), and is small like its RAM.
    /// The module's receive buffer per connection: when the host leaves this much unread, the
    /// module stops taking data and the server sees TCP backpressure
    #[arg(long, default_value_t = 7300, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub recv_buffer: u64,
    /// Serial line speed: bytes in both directions paced at N/10 bytes per second
    #[arg(long, value_name = "N")]
    pub line_baud: Option<u32>,

    /// Module model: what ATI/AT+GMR/AT+CGMM report, and the firmware knobs where real modules
    /// differ (see the long help)
    #[arg(long, value_enum, default_value = "m95", long_help = MODEL_HELP)]
    pub model: Model,
    /// Single-mode peer-close URC: indexed (`0, CLOSED`) or plain (`CLOSED`) [default: from
    /// --model; indexed]
    #[arg(long, value_enum)]
    pub close_urc: Option<CloseUrc>,
    /// Answer to QIOPEN on an open connection [default: from --model; with-error]
    #[arg(long, value_enum)]
    pub already_connect: Option<AlreadyConnect>,
    /// How a mux result names its connection: spaced (`2, SEND OK`) or compact (`2,SEND OK`)
    /// [default: from --model; spaced, gc65: compact]
    #[arg(long, value_enum)]
    pub mux_index: Option<MuxIndex>,
    /// A command line written before the previous one's final result: dropped (drop) or run
    /// after it (queue) [default: from --model; drop]
    #[arg(long, value_enum)]
    pub type_ahead: Option<TypeAhead>,
    /// Between two `+QIRD:` UDP records of one answer: crlf, or none (the header right after the
    /// datagram's last byte) [default: from --model; crlf, gc65: none]
    #[arg(long, value_enum)]
    pub qird_gap: Option<QirdGap>,
    /// What `AT+QICSGP?` answers: full (`+QICSGP: 1,"apn","user","pwd"`) or mode
    /// (`+QICSGP: 1`) [default: from --model; full, mc60: mode]
    #[arg(long, value_enum)]
    pub qicsgp_read: Option<QicsgpRead>,
    /// QIDEACT in IP INITIAL answers `DEACT OK` (ok) or `ERROR`
    #[arg(long, value_enum, default_value = "ok")]
    pub qideact_in_initial: OkError,
    /// QIOPEN (and QIACT) in IP INITIAL answer ERROR instead of activating implicitly
    #[arg(long)]
    pub no_implicit_activation: bool,
    /// State after a failed QIACT
    #[arg(long, value_enum, default_value = "pdp-deact")]
    pub qiact_fail_state: QiactFailState,
    /// +QIRDI rule: once (empty -> non-empty) or per-packet
    #[arg(long, value_enum, default_value = "once")]
    pub qirdi: QirdiMode,
    /// Most bytes one AT+QIRD returns
    #[arg(long, default_value_t = 1500)]
    pub qird_max: usize,
    /// UDP in retrieve mode: several `+QIRD:` records per AT+QIRD (one per datagram) or one
    /// [default: from --model; several]
    #[arg(long, value_enum)]
    pub qird_udp: Option<QirdUdp>,
    /// Largest QISEND length
    #[arg(long, default_value_t = 1460)]
    pub qisend_max: usize,
    /// Which LF after a command line's CR is dropped (never data): with-cr (the LF of a CR LF
    /// host), always (also a LF that starts a payload after the prompt) or none (a LF right
    /// after a data-phase line's CR is its first payload byte)
    #[arg(long, value_enum, default_value = "with-cr")]
    pub lf_after_cr: LfAfterCr,

    /// Silence required before `+++`
    #[arg(long, value_parser = parse_duration, default_value = "1s", value_name = "DUR")]
    pub guard_before: Duration,
    /// Silence required after `+++`
    #[arg(long, value_parser = parse_duration, default_value = "500ms", value_name = "DUR")]
    pub guard_after: Duration,

    /// Seed of the random generator (noise)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Append one JSON line per host command line ({"t_ms":N,"line":ESCAPED}, every byte kept:
    /// printable ASCII as is, \\ \r \n \t \xNN for the rest) or data phase
    /// ({"t_ms":N,"data_len":N}) to FILE
    #[arg(long, value_name = "FILE")]
    pub host_log: Option<PathBuf>,

    /// Inject a fault (repeatable): peer-close-after-bytes=N, pdp-deact-after=DUR,
    /// pdp-deact-after-bytes=N, ack-stall-after-bytes=N, connect-fail=N, dns-fail,
    /// sim=absent|pin|busy|busy:DUR, no-register, no-attach, qiact-fail, silent=PREFIX|*,
    /// sync-after=N, reboot-after=DUR, reboot-after-bytes=N, noise=P, urc-noise=P,
    /// fragment=SIZE/DUR, vanish-after=DUR; context-dialect models also drop-recv-urc
    /// (buffer-mode data comes unannounced) and qiopen-no-urc (QIOPEN's +QIOPEN: URC never
    /// comes)
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    pub faults: Vec<Fault>,

    // The context dialect's knobs (--model bg96 ...): where the sources leave a byte open
    // (research new-dialect.md §6.6), each reading is a value.
    /// Context dialect: QIACT on an already active context answers ERROR or OK (not documented;
    /// ERROR is the cautious reading)
    #[arg(long, value_enum, default_value = "error")]
    pub qiact_when_active: OkError,
    /// Context dialect: a failed QIOPEN keeps its id claimed (+QIOPEN: <id>,563 on the next
    /// open) until AT+QICLOSE (seen in the field)
    #[arg(long, value_enum, default_value = "on", value_name = "on|off")]
    pub failed_open_keeps_id: OnOff,
    /// Context dialect: socket_state of a connected client in AT+QISTATE: 3 (a real BG96) or 2
    /// (the manual)
    #[arg(long, value_enum, default_value = "3")]
    pub connected_state: ConnectedState,
    /// Context dialect: buffer-mode recv URCs carry the length (+QIURC: "recv",<id>,<len>) from
    /// power-on, as after AT+QICFG="recvind",1
    #[arg(long)]
    pub recv_urc_len: bool,
    /// Context dialect: what follows the data of +QIRD: <n> before OK
    #[arg(long, value_enum, default_value = "crlf")]
    pub qird_trailer: QirdTrailer,
    /// Context dialect: the port URCs go to at power-on (AT+QURCCFG="urcport"). The simulator
    /// serves uart1: with another port no URC reaches the host
    #[arg(long, value_enum, default_value = "uart1")]
    pub urc_port: UrcPort,
    /// Context dialect: a space after the comma of +QIGETERROR (`552, invalid parameters`)
    /// [default: from --model; on for ug96 (captured), off for the others (captured on BG9x)]
    #[arg(long, value_enum, value_name = "on|off")]
    pub qigeterror_space: Option<OnOff>,
    /// Context dialect: with AT+CMEE>=1, a TCP/IP command that fails answers `+CME ERROR:
    /// <5xx>`, its AT+QIGETERROR code (`+CME ERROR: 567`; with AT+CMEE=2 the code's words)
    /// instead of `ERROR`. A capture shows plain ERROR under CMEE=1 (off); `on` is unattested
    #[arg(long, value_enum, default_value = "off", value_name = "on|off")]
    pub cme_5xx: OnOff,
    /// Context dialect: AT+QIGETERROR keeps the last error until another error replaces it
    /// (on), instead of each successful TCP/IP command setting it to 0 (off; no source says)
    #[arg(long, value_enum, default_value = "off", value_name = "on|off")]
    pub qigeterror_keep: OnOff,
    /// Context dialect: what a transparent-mode socket says when the peer closes, before the
    /// port returns to command mode (no source says: both readings are offered)
    #[arg(long, value_enum, default_value = "no-carrier")]
    pub transparent_close: TransparentClose,
}

#[derive(clap::Parser, Debug)]
#[command(name = "sim", no_binary_name = true)]
struct Inline {
    #[command(flatten)]
    args: SimArgs,
}

impl SimArgs {
    /// Parse a whitespace-separated flag string (`--uplink 4KB/s --rtt 600ms`).
    pub fn parse_inline(s: &str) -> Result<SimArgs, String> {
        use clap::Parser;
        Inline::try_parse_from(s.split_whitespace())
            .map(|i| i.args)
            .map_err(|e| e.to_string().trim_end().to_string())
    }
}

impl Default for SimArgs {
    fn default() -> Self {
        SimArgs::parse_inline("").expect("defaults parse")
    }
}

impl SimArgs {
    /// The engine's configuration from these flags.
    pub fn engine_config(&self) -> EngineConfig {
        let preset: Preset = self.model.preset();
        EngineConfig {
            echo: self.echo == OnOff::On,
            cmee: self.cmee.unwrap_or(preset.cmee),
            ipr: self.ipr,
            boot: self.boot,
            map: self.map.clone(),
            delays: self.delays(),
            connect_timeout: self.connect_timeout,
            send_buffer: self.send_buffer,
            uplink: self.uplink,
            downlink: self.downlink,
            rtt: self.rtt,
            mss: self.mss as usize,
            recv_buffer: self.recv_buffer,
            close_urc: self.close_urc.unwrap_or(preset.close_urc),
            already_connect: self.already_connect.unwrap_or(preset.already_connect),
            qideact_in_initial: self.qideact_in_initial,
            no_implicit_activation: self.no_implicit_activation,
            qiact_fail_state: self.qiact_fail_state,
            qirdi: self.qirdi,
            qird_max: self.qird_max,
            qird_udp: self.qird_udp.unwrap_or(preset.qird_udp),
            mux_index: self.mux_index.unwrap_or(preset.mux_index),
            type_ahead: self.type_ahead.unwrap_or(preset.type_ahead),
            qird_gap: self.qird_gap.unwrap_or(preset.qird_gap),
            qicsgp_read: self.qicsgp_read.unwrap_or(preset.qicsgp_read),
            model: self.model,
            qisend_max: self.qisend_max,
            lf_after_cr: self.lf_after_cr,
            guard_before: self.guard_before,
            guard_after: self.guard_after,
            seed: self.seed,
            line_byte_time: self.line_baud.map_or(Duration::ZERO, |b| {
                Duration::from_secs_f64(10.0 / b.max(1) as f64)
            }),
            host_log: self.host_log.is_some(),
            faults: self.faults.clone(),
            qiact_when_active: self.qiact_when_active,
            failed_open_keeps_id: self.failed_open_keeps_id == OnOff::On,
            connected_state: self.connected_state,
            recv_urc_len: self.recv_urc_len,
            qird_trailer: self.qird_trailer,
            urc_port: self.urc_port,
            qigeterror_space: self
                .qigeterror_space
                .map_or(self.model == Model::Ug96, |v| v == OnOff::On),
            cme_5xx: self.cme_5xx == OnOff::On,
            qigeterror_keep: self.qigeterror_keep == OnOff::On,
            transparent_close: self.transparent_close,
        }
    }

    /// Delays resolved from the preset and the overrides.
    pub fn delays(&self) -> Delays {
        let base = match self.delays {
            DelayPreset::Default => Delays::default(),
            DelayPreset::Fast => Delays::fast(),
        };
        Delays {
            qiact: self.qiact_delay.unwrap_or(base.qiact),
            qiopen: self.qiopen_delay.unwrap_or(base.qiopen),
            qideact: self.qideact_delay.unwrap_or(base.qideact),
            dns: self.dns_delay.unwrap_or(base.dns),
            rdy: self.rdy_delay.unwrap_or(base.rdy),
            cfun: base.cfun,
            sim_busy: self.sim_busy.unwrap_or(base.sim_busy),
            call_ready: self.call_ready_delay.unwrap_or(base.call_ready),
            sms_ready: base.sms_ready,
            cgatt: base.cgatt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("4KB/s").unwrap(), Rate(Some(4000.0)));
        assert_eq!(parse_rate("20KB/s").unwrap(), Rate(Some(20000.0)));
        assert_eq!(parse_rate("4000").unwrap(), Rate(Some(4000.0)));
        assert_eq!(parse_rate("1MB/s").unwrap(), Rate(Some(1e6)));
        assert_eq!(parse_rate("unlimited").unwrap(), Rate(None));
        assert!(parse_rate("fast").is_err());
    }

    #[test]
    fn faults() {
        assert_eq!(
            parse_fault("fragment=3/5ms").unwrap(),
            Fault::Fragment(3, Duration::from_millis(5))
        );
        assert_eq!(
            parse_fault("silent=AT+QIACT").unwrap(),
            Fault::Silent("AT+QIACT".into())
        );
        assert_eq!(parse_fault("sim=busy").unwrap(), Fault::Sim(SimFault::Busy));
        assert_eq!(
            parse_fault("sim=busy:3s").unwrap(),
            Fault::Sim(SimFault::BusyFor(Duration::from_secs(3)))
        );
        assert!(parse_fault("bogus").is_err());
        assert!(parse_fault("noise=2").is_err());
    }

    #[test]
    fn inline() {
        let a = SimArgs::parse_inline("--uplink 4KB/s --rtt 600ms --fault dns-fail").unwrap();
        assert_eq!(a.uplink, Rate(Some(4000.0)));
        assert_eq!(a.rtt, Duration::from_millis(600));
        assert_eq!(a.faults, vec![Fault::DnsFail]);
        let d = SimArgs::default();
        assert_eq!(
            d.engine_config(),
            EngineConfig::default(),
            "two sources of defaults"
        );
        assert_eq!(
            SimArgs::parse_inline("--delays fast")
                .unwrap()
                .engine_config()
                .delays,
            Delays::fast()
        );
        assert_eq!(d.send_buffer, 7300);
        assert_eq!(d.echo, OnOff::On);
        assert!(SimArgs::parse_inline("--nope").is_err());
    }
}
