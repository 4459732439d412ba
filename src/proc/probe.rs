//! Synchronise and identify (recommended process, chapter 2 and 9.1): up to 15 `AT`, 500 ms
//! apart, until `OK`; then who the module is and where it stands.

use crate::command::At;
use crate::error::{Error, ErrorClass, Failed, Reported, Result};
pub use crate::proc::common::SyncOptions;
use crate::proc::common::{gprs_attached, reg_stat, sync};
use crate::session::{Outcome, Session};
use crate::tokenizer::Urc;
use std::time::Duration;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Signal {
    pub rssi: u8,
    pub ber: u8,
    /// dBm from rssi (−113 + 2·rssi); None when unknown (99).
    pub dbm: Option<i32>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Registration {
    /// The `<stat>` value (0..5) of +CREG/+CGREG.
    pub stat: Option<u8>,
    pub registered: bool,
    pub text: &'static str,
}

pub fn registration(stat: Option<u8>) -> Registration {
    let text = match stat {
        Some(0) => "not registered",
        Some(1) => "registered (home)",
        Some(2) => "searching",
        Some(3) => "denied",
        Some(5) => "registered (roaming)",
        Some(_) => "unknown",
        None => "unknown",
    };
    Registration {
        stat,
        registered: matches!(stat, Some(1) | Some(5)),
        text,
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ModuleInfo {
    pub sync_attempts: u32,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub revision: Option<String>,
    pub imei: Option<String>,
    pub echo: bool,
    /// `READY`, `SIM PIN`, `NOT INSERTED`, `BUSY`, ... as reported.
    pub sim: String,
    pub sim_ready: bool,
    /// The SIM's serial number (`AT+QCCID`); None without a readable SIM.
    pub iccid: Option<String>,
    /// The subscriber identity (`AT+CIMI`); None without a readable SIM.
    pub imsi: Option<String>,
    pub signal: Option<Signal>,
    pub cs_registration: Registration,
    pub ps_registration: Registration,
    /// The network registered on (`AT+COPS?`): its name and MCC+MNC; None when not registered
    /// or the module does not say.
    pub operator: Option<Operator>,
    pub gprs_attached: Option<bool>,
    /// QI: multi-connection mode (`AT+QIMUX?`); null on ctx, whose sockets are always numbered.
    pub mux: Option<bool>,
    /// The TCP/IP state in QI's words (`AT+QISTAT`), synthesised the same way on ctx from the
    /// contexts and sockets (research §6.2).
    pub ip_state: Option<String>,
    /// How received data reaches the host (`AT+QINDI?`): retrieve (1, 2) or direct (0); null on
    /// ctx, where it is each socket's access mode (`sockets[].access_mode`).
    pub recv_mode: Option<crate::proc::attach::RecvMode>,
    /// ctx: the extended firmware revision (`AT+QGMR`); null on QI.
    pub revision_extended: Option<String>,
    /// ctx: EPS (LTE) registration (`AT+CEREG?`); null on QI.
    pub eps_registration: Option<Registration>,
    /// ctx: the active PDP contexts (`AT+QIACT?`); null on QI.
    pub contexts: Option<Vec<crate::family::ctx_probe::ContextEntry>>,
    /// ctx: the sockets the module holds (`AT+QISTATE?`); null on QI.
    pub sockets: Option<Vec<crate::family::ctx_probe::SocketEntry>>,
    /// ctx: where the module sends its URCs (`AT+QURCCFG="urcport"`: usbat, usbmodem, uart1,
    /// all...); null on QI or when the module does not say.
    pub urc_port: Option<String>,
    /// The USB device behind the port, when it is one (VID:PID, interface number).
    pub usb: Option<UsbPort>,
    /// Whether the URCs go to another port than the one qtcp holds (`+QIOPEN`, `+QIURC` never
    /// arrive here then); null when that cannot be told (not a USB port, or no `urc_port`).
    pub urcs_elsewhere: Option<bool>,
    pub baud_saved: Option<u32>,
    /// Resets done through --reset-cmd before the module answered.
    pub resets: u32,
}

/// The USB identity of a serial port (serialport's `UsbPortInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UsbPort {
    /// `2c7c:0296`, in hex as lsusb writes it.
    pub vid_pid: String,
    /// `bInterfaceNumber` (2 is the AT port of a BG96, EC2x, BG95); null when unknown.
    pub interface: Option<u8>,
}

impl UsbPort {
    /// The name `AT+QURCCFG="urcport"` gives this interface, where the driver tables establish
    /// it (research usb-ports §1.1, §4a: EC2x/EG9x/BG96/RM500Q and UC20 if2 AT, if3 modem;
    /// BG95 if2 AT, if4 modem; EC200A if3 AT, if4 modem); `None` elsewhere.
    pub fn urc_port_name(&self) -> Option<&'static str> {
        let n = self.interface?;
        match (self.vid_pid.as_str(), n) {
            (
                "2c7c:0121" | "2c7c:0125" | "2c7c:0191" | "2c7c:0195" | "2c7c:0296" | "2c7c:0800"
                | "05c6:9003",
                2,
            ) => Some("usbat"),
            (
                "2c7c:0121" | "2c7c:0125" | "2c7c:0191" | "2c7c:0195" | "2c7c:0296" | "2c7c:0800"
                | "05c6:9003",
                3,
            ) => Some("usbmodem"),
            ("2c7c:0700", 2) | ("2c7c:6005", 3) => Some("usbat"),
            ("2c7c:0700", 4) | ("2c7c:6005", 4) => Some("usbmodem"),
            _ => None,
        }
    }
}

/// Whether URCs routed to `urc_port` miss the port `usb` describes: `None` when that cannot
/// be told.
pub fn urcs_elsewhere(urc_port: Option<&str>, usb: Option<&UsbPort>) -> Option<bool> {
    let urc = urc_port?;
    let ours = usb?.urc_port_name()?;
    Some(urc != "all" && urc != ours)
}

/// The SIM state from AT+CPIN?: (text, ready).
pub fn sim_state(s: &mut Session) -> Result<(String, bool)> {
    let r = s.run(&At::SimState)?;
    Ok(match r.outcome() {
        Outcome::Ok => {
            let v = r.value("+CPIN:").unwrap_or("UNKNOWN").to_string();
            let ready = v == "READY";
            (v, ready)
        }
        Outcome::CmeError(code) => (
            match code.as_str() {
                "10" | "SIM not inserted" => "NOT INSERTED".to_string(),
                "11" | "SIM PIN required" => "SIM PIN".to_string(),
                "12" | "SIM PUK required" => "SIM PUK".to_string(),
                "13" | "SIM failure" => "SIM FAILURE".to_string(),
                "14" | "SIM busy" => "BUSY".to_string(),
                other => format!("+CME ERROR: {other}"),
            },
            false,
        ),
        _ => ("ERROR".to_string(), false),
    })
}

/// What the SIM's answer to `AT+CPIN?` means for a procedure that needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimCondition {
    Ready,
    /// Still starting after power-on: `+CME ERROR: 14` (SIM busy) or `+CPIN: NOT READY`. Real
    /// modules answer so for a few seconds, then `+CPIN: READY` (module.md correction 8).
    Starting,
    /// A bare `ERROR` (CMEE=0): busy, absent or failed, the module does not say which.
    Unclear,
    /// Absent, locked (PIN/PUK) or failed: waiting will not help, the user must act.
    Blocked,
}

impl SimCondition {
    /// From the text [`sim_state`] reports.
    pub fn of(text: &str) -> SimCondition {
        match text {
            "READY" => SimCondition::Ready,
            "BUSY" | "NOT READY" => SimCondition::Starting,
            "ERROR" => SimCondition::Unclear,
            _ => SimCondition::Blocked,
        }
    }
}

/// Progress of [`await_sim_ready`]: emitted before each wait while the SIM is still starting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimWaiting {
    /// The state the module last reported (`BUSY`, `NOT READY`, `ERROR`).
    pub sim: String,
    pub waited: Duration,
    pub timeout: Duration,
}

/// `probe --expect ready`'s wait for a SIM that is still starting: see [`await_sim_ready`].
pub struct SimWait<'a> {
    pub timeout: Duration,
    pub progress: &'a mut dyn FnMut(&SimWaiting),
}

/// How often the SIM is asked again when no `+CPIN:` URC comes (not every firmware sends one,
/// and none does with autobaud, AT+IPR=0).
pub const SIM_POLL: Duration = Duration::from_millis(500);

/// Wait until the SIM is ready: returns the state text (`READY`); a failure carries the state
/// the module last reported. A SIM that is still starting
/// is waited for, on its `+CPIN:` URC or by asking again every [`SIM_POLL`], until `timeout`;
/// an absent, locked or failed SIM is an error at once ([`ErrorClass::Sim`]), as is a SIM still
/// starting at the deadline. A bare `ERROR` (CMEE=0 hides the reason) switches numeric errors
/// on (`AT+CMEE=1`, volatile) and asks again.
pub fn await_sim_ready(
    s: &mut Session,
    timeout: Duration,
    progress: &mut dyn FnMut(&SimWaiting),
) -> Reported<String> {
    let start = s.now();
    let deadline = start + timeout;
    let mut cmee_on = false;
    loop {
        let (text, _) = sim_state(s)?;
        match SimCondition::of(&text) {
            SimCondition::Ready => return Ok(text),
            SimCondition::Blocked => return Err(sim_error(format!("SIM not ready: {text}"), text)),
            SimCondition::Unclear if !cmee_on => {
                cmee_on = true;
                let _ = s.run(&At::NumericErrors)?;
                continue;
            }
            SimCondition::Starting | SimCondition::Unclear => {}
        }
        let now = s.now();
        if now >= deadline {
            return Err(sim_error(
                format!(
                    "SIM still busy ({text}) after waiting {} for it to start",
                    humantime::format_duration(Duration::from_millis(timeout.as_millis() as u64))
                ),
                text,
            ));
        }
        progress(&SimWaiting {
            sim: text,
            waited: now - start,
            timeout,
        });
        // Wait for a `+CPIN:` URC, or ask again after SIM_POLL, whichever comes first.
        let until = deadline.min(now + SIM_POLL);
        while s.take_urc(|u| matches!(u, Urc::Cpin(_))).is_none() {
            if !s.pump(until)? && s.now() >= until {
                break;
            }
        }
    }
}

fn sim_error(message: String, sim: String) -> Failed<String> {
    Failed::new(Error::new(ErrorClass::Sim, message), sim)
}

pub fn signal(s: &mut Session) -> Result<Option<Signal>> {
    let r = s.run(&At::Signal)?;
    let Some(v) = r.value("+CSQ:").filter(|_| r.is_ok()) else {
        return Ok(None);
    };
    let mut f = v.split(',').map(|x| x.trim().parse::<u8>().ok());
    let rssi = f.next().flatten().unwrap_or(99);
    let ber = f.next().flatten().unwrap_or(99);
    let dbm = (rssi <= 31).then(|| -113 + 2 * rssi as i32);
    Ok(Some(Signal { rssi, ber, dbm }))
}

/// The network an `AT+COPS?` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Operator {
    /// Long alphanumeric name (`CHINA MOBILE`), when the module gives one.
    pub name: Option<String>,
    /// MCC and MNC run together (`46000`), as `AT+COPS=3,2` makes the module report them.
    pub mcc_mnc: Option<String>,
}

/// `+COPS: <mode>[,<format>,"<oper>"]` → (format, oper); None when no operator is named.
pub fn parse_cops(v: &str) -> Option<(u8, String)> {
    let mut f = v.splitn(3, ',');
    let _mode = f.next()?;
    let format = f.next()?.trim().parse().ok()?;
    let oper = f
        .next()?
        .split(',')
        .next()?
        .trim()
        .trim_matches('"')
        .trim()
        .to_string();
    (!oper.is_empty()).then_some((format, oper))
}

fn cops(s: &mut Session) -> Result<Option<(u8, String)>> {
    let r = s.run(&At::Operator)?;
    Ok(r.value("+COPS:").filter(|_| r.is_ok()).and_then(parse_cops))
}

/// The operator registered on: `AT+COPS?` in the format the module has set, then the other
/// form (`AT+COPS=3,2` numeric or `AT+COPS=3,0` long name), then the module's format restored
/// (`AT+COPS=3,<n>` changes only how the operator is reported, never the registration). An
/// `ERROR` anywhere means "not known": None, or what was read so far.
pub fn operator(s: &mut Session) -> Result<Option<Operator>> {
    let Some((format, oper)) = cops(s)? else {
        return Ok(None);
    };
    let mut op = Operator::default();
    let (other, restore) = if format == 2 {
        op.mcc_mnc = Some(oper);
        (0, 2)
    } else {
        op.name = Some(oper);
        (2, format)
    };
    if s.run(&At::OperatorFormat(other))?.is_ok() {
        if let Some((f, oper)) = cops(s)? {
            match f {
                2 => op.mcc_mnc = Some(oper),
                _ => op.name = Some(oper),
            }
        }
        let _ = s.run(&At::OperatorFormat(restore))?;
    }
    Ok(Some(op))
}

/// The first information line of `cmd` that looks like an identity (`+QCCID: ` or `+CCID: `
/// prefix and quotes removed; ICCIDs may end in `F`); None on `ERROR` (no SIM, unknown command).
fn identity(s: &mut Session, cmd: At) -> Result<Option<String>> {
    Ok(text_cmd(s, cmd)?.into_iter().find_map(|l| {
        let v = l
            .split_once(':')
            .filter(|(k, _)| k.starts_with('+'))
            .map_or(l.as_str(), |(_, v)| v)
            .trim()
            .trim_matches('"');
        (!v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| v.to_string())
    }))
}

fn text_cmd(s: &mut Session, cmd: At) -> Result<Vec<String>> {
    let r = s.run(&cmd)?;
    Ok(if r.is_ok() { r.lines } else { Vec::new() })
}

/// Read everything `qtcp probe` reports from a module synchronised in `sync_attempts` (the
/// caller opened the session synchronised: `PortArgs::open_port`). SIM and network problems are
/// fields, not errors; `save_baud` fixes the rate with `AT+IPR=<baud>&W`. A reboot in the middle
/// is synchronised again with `sync_opts` and read anew, once.
///
/// With `sim_wait` (`--expect ready`), a SIM that is still starting is waited for first
/// ([`await_sim_ready`]); an absent or locked SIM, or one still busy at the deadline, is then
/// an error of class [`ErrorClass::Sim`] carrying the report so far.
pub fn probe(
    s: &mut Session,
    sync_attempts: u32,
    sync_opts: &SyncOptions,
    save_baud: Option<u32>,
    sim_wait: Option<SimWait<'_>>,
) -> Reported<ModuleInfo> {
    let mut sim_wait = sim_wait;
    match probe_once(s, sync_attempts, save_baud, &mut sim_wait) {
        // RDY in the middle: the module rebooted under us; synchronise again and read it anew
        // (once), instead of failing on whichever query the reboot happened to hit.
        Err(Failed { error: e, .. })
            if s.rebooted() && e.class != ErrorClass::Io && e.class != ErrorClass::Interrupted =>
        {
            s.clear_rebooted();
            let attempts = sync(s, sync_opts)?;
            probe_once(s, attempts, save_baud, &mut sim_wait)
        }
        r => r,
    }
}

fn probe_once(
    s: &mut Session,
    sync_attempts: u32,
    save_baud: Option<u32>,
    sim_wait: &mut Option<SimWait<'_>>,
) -> Reported<ModuleInfo> {
    let mut info = ModuleInfo {
        sync_attempts,
        ..Default::default()
    };
    info.echo = s.echo_seen();
    info.resets = s.resets;
    if let Some(baud) = save_baud {
        s.run_ok(&At::SaveBaud(baud), ErrorClass::Protocol)?;
        info.baud_saved = Some(baud);
    }
    let ati = text_cmd(s, At::Identify)?;
    info.manufacturer = ati.first().cloned();
    info.model = ati.get(1).cloned();
    let rev = text_cmd(s, At::Revision)?;
    info.revision = rev
        .iter()
        .chain(ati.iter())
        .find_map(|l| l.strip_prefix("Revision:").map(|v| v.trim().to_string()))
        .or_else(|| rev.first().cloned());
    info.imei = text_cmd(s, At::Imei)?
        .into_iter()
        .find(|l| l.bytes().all(|b| b.is_ascii_digit()) && !l.is_empty());
    // A SIM that will not be ready is reported after the rest has been read, like `--expect
    // ready` reports a missing registration.
    let mut sim_error = None;
    if let (Some(w), true) = (&sim_wait, s.family().has_contexts()) {
        // ctx: a module restarting answers ERROR until APP RDY.
        let deadline = s.now() + w.timeout;
        crate::family::ctx_probe::await_app_ready(s, deadline)?;
    }
    let (sim, ready) = match sim_wait {
        Some(w) => match await_sim_ready(s, w.timeout, w.progress) {
            Ok(sim) => (sim, true),
            Err(Failed {
                error,
                partial: Some(sim),
            }) if error.class == ErrorClass::Sim => {
                sim_error = Some(error);
                (*sim, false)
            }
            Err(f) => return Err(f.error.into()),
        },
        None => sim_state(s)?,
    };
    info.sim = sim;
    info.sim_ready = ready;
    // Identity is read whatever the SIM state says: a SIM that answers CPIN? with PIN still
    // gives its ICCID on most firmware. An error (no SIM, unknown command) is None.
    info.iccid = identity(s, At::Iccid)?;
    info.imsi = identity(s, At::Imsi)?;
    info.signal = signal(s)?;
    info.cs_registration = registration(reg_stat(s, &At::CsRegistration, "+CREG:")?);
    info.ps_registration = registration(reg_stat(s, &At::PsRegistration, "+CGREG:")?);
    info.operator = operator(s)?;
    info.gprs_attached = gprs_attached(s)?;
    let f = s.family();
    f.probe_state(s, &mut info)?;
    match sim_error {
        Some(e) => Err(Failed::new(e, info)),
        None => Ok(info),
    }
}

/// `--expect ready`: SIM ready, registered, attached, else the matching error.
pub fn expect_ready(info: &ModuleInfo) -> Result<()> {
    if !info.sim_ready {
        return Err(Error::new(
            ErrorClass::Sim,
            format!("SIM not ready: {}", info.sim),
        ));
    }
    if !info.cs_registration.registered {
        return Err(Error::new(
            ErrorClass::Network,
            format!("not registered on the network: {}", info.cs_registration.text),
        ));
    }
    if info.gprs_attached != Some(true) {
        return Err(Error::new(ErrorClass::Network, "GPRS not attached"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synchronised session on the simulated module with `sim_args`, in virtual time.
    #[cfg(feature = "cli")]
    fn sim_session(sim_args: &str) -> Session {
        use crate::sim::virtual_port::{VirtualLink, VirtualModule};
        use crate::transport::Transport;
        let tracer = crate::trace::Tracer::new(None, false).unwrap();
        let args = crate::sim::SimArgs::parse_inline(sim_args).unwrap();
        let module = VirtualModule::new(args.engine_config(), std::time::Instant::now());
        let t = Transport::from_link("virtual".into(), Box::new(VirtualLink::new(module)), tracer);
        let mut s = Session::new(t, crate::session::SessionOptions::default());
        sync(&mut s, &SyncOptions::default()).unwrap();
        s
    }

    /// A SIM busy for a while after power-on (with CMEE=0, so first a bare ERROR) is waited for,
    /// with progress events, until `+CPIN: READY`.
    #[cfg(feature = "cli")]
    #[test]
    fn a_starting_sim_is_waited_for_with_progress() {
        let mut s = sim_session("--delays=fast --fault=sim=busy:1s --cmee=0");
        let mut events = Vec::new();
        let sim = await_sim_ready(&mut s, Duration::from_secs(10), &mut |w| events.push(w.clone()))
            .map_err(|f| f.error)
            .unwrap();
        assert_eq!(sim, "READY");
        assert!(!events.is_empty(), "no progress while the SIM was busy");
        assert!(events.iter().all(|w| w.sim == "BUSY"), "{events:?}");
    }

    /// Absent: no waiting, no progress, the state in the failure.
    #[cfg(feature = "cli")]
    #[test]
    fn an_absent_sim_fails_at_once() {
        let mut s = sim_session("--delays=fast --fault=sim=absent");
        let mut events = 0;
        let f = await_sim_ready(&mut s, Duration::from_secs(10), &mut |_| events += 1).unwrap_err();
        assert_eq!(f.error.class, ErrorClass::Sim);
        assert_eq!(f.partial.as_deref().map(String::as_str), Some("NOT INSERTED"));
        assert_eq!(events, 0);
    }

    #[test]
    fn urcs_elsewhere_by_interface() {
        let bg96 = |n| UsbPort {
            vid_pid: "2c7c:0296".into(),
            interface: Some(n),
        };
        assert_eq!(urcs_elsewhere(Some("usbat"), Some(&bg96(2))), Some(false));
        assert_eq!(urcs_elsewhere(Some("usbmodem"), Some(&bg96(2))), Some(true));
        assert_eq!(urcs_elsewhere(Some("uart1"), Some(&bg96(2))), Some(true));
        assert_eq!(urcs_elsewhere(Some("all"), Some(&bg96(3))), Some(false));
        assert_eq!(urcs_elsewhere(Some("usbmodem"), Some(&bg96(3))), Some(false));
        // An interface the tables do not place, no USB, or no answer: cannot be told.
        assert_eq!(urcs_elsewhere(Some("usbat"), Some(&bg96(0))), None);
        assert_eq!(urcs_elsewhere(Some("usbat"), None), None);
        assert_eq!(urcs_elsewhere(None, Some(&bg96(2))), None);
        let unknown = UsbPort {
            vid_pid: "1a86:7523".into(),
            interface: Some(2),
        };
        assert_eq!(urcs_elsewhere(Some("usbat"), Some(&unknown)), None);
    }

    #[test]
    fn cops_forms() {
        assert_eq!(
            parse_cops("0,0,\"CHINA MOBILE\""),
            Some((0, "CHINA MOBILE".into()))
        );
        assert_eq!(parse_cops("0,2,\"46000\",0"), Some((2, "46000".into())));
        assert_eq!(parse_cops("1,2,\"46000\""), Some((2, "46000".into())));
        assert_eq!(parse_cops("0"), None);
        assert_eq!(parse_cops("0,0,\"\""), None);
    }

    #[test]
    fn sim_conditions() {
        assert_eq!(SimCondition::of("READY"), SimCondition::Ready);
        assert_eq!(SimCondition::of("BUSY"), SimCondition::Starting);
        assert_eq!(SimCondition::of("NOT READY"), SimCondition::Starting);
        assert_eq!(SimCondition::of("ERROR"), SimCondition::Unclear);
        for blocked in [
            "NOT INSERTED",
            "SIM PIN",
            "SIM PUK",
            "SIM FAILURE",
            "+CME ERROR: 3",
        ] {
            assert_eq!(SimCondition::of(blocked), SimCondition::Blocked, "{blocked}");
        }
    }
}
