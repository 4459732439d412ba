//! The AT command table: each command the process sends, as a typed value, and per dialect its
//! line, the shape of its response, its deadline (the module's maximum response time from
//! Quectel's table) and whether it carries a secret. Procedures say *what* to do ([`At`]); the
//! session asks the dialect *how* ([`Dialect::spec`]). The legacy "QI" set of the M95/MC60
//! family is [`Qi`]; a dialect with context and connection ids everywhere (BG96-style
//! `AT+QIOPEN=<ctx>,<id>,...`) implements [`Dialect`] with the same [`At`] values.

use crate::session::Expect;
use std::time::Duration;

/// A command of the process, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At<'a> {
    /// `AT`: synchronise.
    Sync,
    /// `ATI`: manufacturer, model, revision.
    Identify,
    /// `AT+CGMR`: firmware revision.
    Revision,
    /// `AT+GSN`: IMEI.
    Imei,
    /// `ATE0` / `ATE1`: command echo.
    Echo(bool),
    /// `AT+CMEE=1`: numeric `+CME ERROR` codes.
    NumericErrors,
    /// `AT+IPR=<baud>&W`: fix and save the baud rate.
    SaveBaud(u32),
    /// `AT+CPIN?`
    SimState,
    /// `AT+CSQ`
    Signal,
    /// `AT+CREG?`
    CsRegistration,
    /// `AT+CGREG?`
    PsRegistration,
    /// `AT+CGATT?`
    GprsAttached,
    /// `AT+QIMUX?`
    Mux,
    /// `AT+QIMUX=<0|1>`
    SetMux(bool),
    /// `AT+QIMODE?`
    TransparentMode,
    /// `AT+QIMODE=<0|1>`
    SetTransparentMode(bool),
    /// `AT+QITCFG=3,<wait 100 ms units>,<packet size>,1`
    TransparentConfig {
        wait_units: u32,
        packet_size: u16,
    },
    /// `ATO`: back to data mode.
    ResumeData,
    /// `AT+QISTAT`
    State,
    /// `AT+QISACK[=<id>]`
    Acknowledged(Option<u8>),
    /// `AT+QIFGCNT=0`: the foreground context.
    ForegroundContext,
    /// `AT+QICSGP=1,<apn>,<user>,<password>`: the password is a secret.
    Apn {
        apn: &'a str,
        user: &'a str,
        password: &'a str,
    },
    /// `AT+QINDI?`
    RecvIndication,
    /// `AT+QINDI=<n>`
    SetRecvIndication(u8),
    /// `AT+QIHEAD?`
    Headers,
    /// `AT+QIHEAD=1`, `AT+QISHOWRA=1`, `AT+QISHOWPT=1`: IPD framing, remote address, protocol.
    ShowHeader,
    ShowRemote,
    ShowProtocol,
    /// `AT+QIREGAPP`
    RegisterApp,
    /// `AT+QIACT`: activate the context.
    Activate,
    /// `AT+QILOCIP`
    LocalIp,
    /// `AT+QIDEACT`
    Deactivate,
    /// `AT+QIDNSIP=<0|1>`: connect by address (0) or by name (1).
    ConnectByName(bool),
    /// `AT+QIOPEN=[<id>,]"<TCP|UDP>","<host>",<port>`
    Open {
        id: Option<u8>,
        udp: bool,
        host: &'a str,
        port: u16,
    },
    /// `AT+QISEND=[<id>,]<len>`: answered by the `> ` prompt.
    Send {
        id: Option<u8>,
        len: usize,
    },
    /// `AT+QICLOSE[=<id>]`
    Close(Option<u8>),
    /// `AT+QIRD=0,1,<sid>,<len>`
    Read {
        sid: u8,
        len: usize,
    },
    /// `AT+QISDE=<0|1>`: payload echo.
    PayloadEcho(bool),
    /// `AT+QCCID`: the SIM's ICCID.
    Iccid,
    /// `AT+CIMI`: the subscriber identity (IMSI).
    Imsi,
    /// `AT+COPS?`: the operator registered on.
    Operator,
    /// `AT+COPS=3,<format>`: how `AT+COPS?` names the operator (0 long name, 2 numeric);
    /// changes nothing else.
    OperatorFormat(u8),
    /// `AT+CGMM`: the bare model (`Quectel_M95`, `BG96`), for telling the family.
    Model,
    /// `AT+QGMR`: the extended firmware revision (ctx family).
    ExtRevision,
    /// `AT+CEREG?`: EPS (LTE) registration.
    EpsRegistration,
    /// `AT+QIGETERROR`: the result of the last TCP/IP operation (ctx family; answered `ERROR`
    /// by the QI family, which makes it the read-only probe that tells them apart).
    LastError,
    /// `AT+QICSGP=<cid>,1,"<apn>","<user>","<password>",<auth>` (ctx): the password is a secret.
    ContextApn {
        cid: u8,
        apn: &'a str,
        user: &'a str,
        password: &'a str,
        auth: u8,
    },
    /// `AT+QIACT?`: the active contexts and their addresses (ctx).
    Contexts,
    /// `AT+QIACT=<cid>` (ctx).
    ActivateContext(u8),
    /// `AT+QIDEACT=<cid>` (ctx).
    DeactivateContext(u8),
    /// `AT+QIOPEN=<cid>,<id>,"<TCP|UDP>","<host>",<port>,0,<access mode>` (ctx): the port bare
    /// (quoted, a UG96 answers 552). Access mode 0 buffer, 1 direct push, 2 transparent.
    OpenSocket {
        cid: u8,
        id: u8,
        udp: bool,
        host: &'a str,
        port: u16,
        mode: u8,
    },
    /// `AT+QISTATE=1,<id>`: one socket's state (ctx).
    SocketState(u8),
    /// `AT+QISTATE?`: every socket's state, one `+QISTATE:` line each (ctx).
    AllSockets,
    /// `AT+QURCCFG="urcport"`: the port the module sends its URCs to (ctx).
    UrcPort,
    /// `AT+QISEND=<id>,0`: the acknowledgement counters `+QISEND: <sent>,<acked>,<unacked>` (ctx).
    SendCounters(u8),
    /// `AT+QIRD=<id>,<len>` (ctx): `+QIRD: <n>` and n bytes; `len` 0 asks for the counters
    /// `+QIRD: <total>,<read>,<unread>` instead.
    ReadSocket {
        id: u8,
        len: usize,
    },
    /// `AT+QICLOSE=<id>[,<timeout s>]` (ctx): `OK` once closed (also when nothing was open).
    CloseSocket {
        id: u8,
        timeout_s: Option<u16>,
    },
    /// `AT+QICFG="transpktsize",<n>` / `AT+QICFG="transwaittm",<n>` (ctx transparent mode).
    TransparentPacket(u16),
    TransparentWait(u8),
    /// `AT+QISWTMD=<id>,2` (ctx): an open socket's access mode to transparent → `CONNECT`.
    SwitchToTransparent(u8),
    /// A line the user typed (`qtcp at`), with the response shape and maximum response time
    /// the caller worked out for it.
    User {
        line: &'a str,
        shape: Expect,
        max_response: Duration,
    },
}

/// How a dialect sends a command and what it expects back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub line: String,
    pub shape: Expect,
    /// The module's maximum response time (the session adds slack and line time).
    pub max_response: Duration,
    /// Bytes the response may hold, for the line time on slow links.
    pub response_bytes: usize,
    /// Text inside the line the trace must not show (a password).
    pub secret: Option<String>,
    /// The response carries counted reads: a `+QIRD: <n>` line announces `n` payload bytes
    /// (ctx `AT+QIRD=<id>,<len>` with `len` > 0). The session tells the tokenizer.
    pub counted_read: bool,
}

/// A command set: how each [`At`] is written and answered; `None` for a command the set does
/// not have (the session answers a typed "not supported", never a guess).
pub trait Dialect: Sync {
    fn spec(&self, cmd: &At) -> Option<Spec>;
}

/// The variant's name (`OpenSocket`), for messages: never the parameters (a password).
pub fn name(cmd: &At) -> String {
    let d = format!("{cmd:?}");
    d.split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Lines both families write the same way (V.25ter, 27.007 and a few Quectel extras).
fn shared_line(cmd: &At) -> Option<(String, Expect, u64)> {
    use At::*;
    let bit = |b: bool| if b { 1 } else { 0 };
    Some(match cmd {
        Sync => ("AT".into(), Expect::Final, 300),
        Identify => ("ATI".into(), Expect::Final, 300),
        Revision => ("AT+CGMR".into(), Expect::Final, 300),
        Imei => ("AT+GSN".into(), Expect::Final, 300),
        Echo(on) => (format!("ATE{}", bit(*on)), Expect::Final, 300),
        NumericErrors => ("AT+CMEE=1".into(), Expect::Final, 300),
        SaveBaud(b) => (format!("AT+IPR={b}&W"), Expect::Final, 300),
        SimState => ("AT+CPIN?".into(), Expect::Final, 5_000),
        Signal => ("AT+CSQ".into(), Expect::Final, 300),
        CsRegistration => ("AT+CREG?".into(), Expect::Final, 300),
        PsRegistration => ("AT+CGREG?".into(), Expect::Final, 300),
        EpsRegistration => ("AT+CEREG?".into(), Expect::Final, 300),
        GprsAttached => ("AT+CGATT?".into(), Expect::Final, 300),
        ResumeData => ("ATO".into(), Expect::Open, 300),
        PayloadEcho(on) => (format!("AT+QISDE={}", bit(*on)), Expect::Final, 300),
        Iccid => ("AT+QCCID".into(), Expect::Final, 300),
        Imsi => ("AT+CIMI".into(), Expect::Final, 300),
        Model => ("AT+CGMM".into(), Expect::Final, 300),
        ExtRevision => ("AT+QGMR".into(), Expect::Final, 300),
        // 300 ms in the BG95 manual [DOC]; answered ERROR at once by the QI family [INF].
        LastError => ("AT+QIGETERROR".into(), Expect::Final, 300),
        // COPS is 75 s in the M66 table [CODE M66TBL], for a network selection; the read
        // form and the format setting select nothing and answer at once on captured M95s
        // [LOG]: 5 s keeps probe bounded on a module that does not answer them [INF].
        Operator => ("AT+COPS?".into(), Expect::Final, 5_000),
        OperatorFormat(f) => (format!("AT+COPS=3,{f}"), Expect::Final, 5_000),
        User {
            line,
            shape,
            max_response,
        } => (line.to_string(), *shape, max_response.as_millis() as u64),
        _ => return None,
    })
}

fn spec_of(cmd: &At, (line, shape, max_ms): (String, Expect, u64)) -> Spec {
    let response_bytes = match cmd {
        At::Read { len, .. } | At::ReadSocket { len, .. } => len + 100,
        At::Apn { .. } | At::ContextApn { .. } => 0,
        _ => 256,
    };
    let secret = match cmd {
        At::Apn { password, .. } | At::ContextApn { password, .. } if !password.is_empty() => {
            Some(password.to_string())
        }
        _ => None,
    };
    Spec {
        line,
        shape,
        max_response: Duration::from_millis(max_ms).max(MS_300),
        response_bytes,
        secret,
        counted_read: matches!(cmd, At::ReadSocket { len, .. } if *len > 0),
    }
}

/// The legacy QI command set (M95, M66, MC60, M26, M35...): Quectel's TCP/IP AT commands
/// manual, table of maximum response times.
pub struct Qi;

/// The QI dialect, the default of every session.
pub static QI: Qi = Qi;

const MS_300: Duration = Duration::from_millis(300);

impl Dialect for Qi {
    fn spec(&self, cmd: &At) -> Option<Spec> {
        use At::*;
        let bit = |b: bool| if b { 1 } else { 0 };
        if let Some(l) = shared_line(cmd) {
            return Some(spec_of(cmd, l));
        }
        let l: (String, Expect, u64) = match cmd {
            Mux => ("AT+QIMUX?".into(), Expect::Final, 300),
            SetMux(on) => (format!("AT+QIMUX={}", bit(*on)), Expect::Final, 300),
            TransparentMode => ("AT+QIMODE?".into(), Expect::Final, 300),
            SetTransparentMode(on) => (format!("AT+QIMODE={}", bit(*on)), Expect::Final, 300),
            TransparentConfig {
                wait_units,
                packet_size,
            } => (
                format!("AT+QITCFG=3,{wait_units},{packet_size},1"),
                Expect::Final,
                300,
            ),
            State => ("AT+QISTAT".into(), Expect::OkThenState, 300),
            Acknowledged(None) => ("AT+QISACK".into(), Expect::Final, 300),
            Acknowledged(Some(i)) => (format!("AT+QISACK={i}"), Expect::Final, 300),
            ForegroundContext => ("AT+QIFGCNT=0".into(), Expect::Final, 300),
            Apn { apn, user, password } => (
                format!("AT+QICSGP=1,\"{apn}\",\"{user}\",\"{password}\""),
                Expect::Final,
                300,
            ),
            RecvIndication => ("AT+QINDI?".into(), Expect::Final, 300),
            SetRecvIndication(n) => (format!("AT+QINDI={n}"), Expect::Final, 300),
            Headers => ("AT+QIHEAD?".into(), Expect::Final, 300),
            ShowHeader => ("AT+QIHEAD=1".into(), Expect::Final, 300),
            ShowRemote => ("AT+QISHOWRA=1".into(), Expect::Final, 300),
            ShowProtocol => ("AT+QISHOWPT=1".into(), Expect::Final, 300),
            RegisterApp => ("AT+QIREGAPP".into(), Expect::Final, 5_000),
            Activate => ("AT+QIACT".into(), Expect::Final, 150_000),
            LocalIp => ("AT+QILOCIP".into(), Expect::Line, 300),
            Deactivate => ("AT+QIDEACT".into(), Expect::QiResult, 40_000),
            ConnectByName(on) => (format!("AT+QIDNSIP={}", bit(*on)), Expect::Final, 300),
            Open { id, udp, host, port } => {
                let proto = if *udp { "UDP" } else { "TCP" };
                let line = match id {
                    Some(i) => format!("AT+QIOPEN={i},\"{proto}\",\"{host}\",{port}"),
                    None => format!("AT+QIOPEN=\"{proto}\",\"{host}\",{port}"),
                };
                (line, Expect::Open, 75_000)
            }
            Send { id: Some(i), len } => (format!("AT+QISEND={i},{len}"), Expect::Prompt, 300),
            Send { id: None, len } => (format!("AT+QISEND={len}"), Expect::Prompt, 300),
            Close(None) => ("AT+QICLOSE".into(), Expect::QiResult, 300),
            Close(Some(i)) => (format!("AT+QICLOSE={i}"), Expect::QiResult, 300),
            Read { sid, len } => (format!("AT+QIRD=0,1,{sid},{len}"), Expect::Final, 300),
            _ => return None,
        };
        Some(spec_of(cmd, l))
    }
}

/// The LTE-era command set with context and connection ids everywhere (BG96, BG95, BG77,
/// EC2x, EG2x/EG9x, EC200x, UG96): ../shared/research/new-dialect.md §1. Deadlines are the
/// manual's maximum response times (§1.14); the session adds its 1 s of slack.
pub struct Ctx;

/// The ctx dialect.
pub static CTX: Ctx = Ctx;

impl Dialect for Ctx {
    fn spec(&self, cmd: &At) -> Option<Spec> {
        use At::*;
        if let Some(l) = shared_line(cmd) {
            return Some(spec_of(cmd, l));
        }
        let l: (String, Expect, u64) = match cmd {
            ContextApn {
                cid,
                apn,
                user,
                password,
                auth,
            } => (
                format!("AT+QICSGP={cid},1,\"{apn}\",\"{user}\",\"{password}\",{auth}"),
                Expect::Final,
                300,
            ),
            Contexts => ("AT+QIACT?".into(), Expect::Final, 300),
            // QIACT 150 s, QIDEACT 40 s [DOC AN-BG95, AN-EC200U].
            ActivateContext(cid) => (format!("AT+QIACT={cid}"), Expect::Final, 150_000),
            DeactivateContext(cid) => (format!("AT+QIDEACT={cid}"), Expect::Final, 40_000),
            // `OK` then `+QIOPEN: <id>,<err>` within 150 s [DOC AN-BG96 p.15]; in transparent
            // mode `CONNECT` or `ERROR` with no OK [LOG SIX#14].
            OpenSocket {
                cid,
                id,
                udp,
                host,
                port,
                mode,
            } => {
                let proto = if *udp { "UDP" } else { "TCP" };
                let shape = if *mode == 2 {
                    Expect::Open
                } else {
                    Expect::OkThenLine
                };
                (
                    format!("AT+QIOPEN={cid},{id},\"{proto}\",\"{host}\",{port},0,{mode}"),
                    shape,
                    150_000,
                )
            }
            SocketState(id) => (format!("AT+QISTATE=1,{id}"), Expect::Final, 300),
            AllSockets => ("AT+QISTATE?".into(), Expect::Final, 300),
            // 300 ms [MAN EG800Q-ATM §2.24, research usb-ports §1.4].
            UrcPort => ("AT+QURCCFG=\"urcport\"".into(), Expect::Final, 300),
            // The prompt comes at once; the counters take up to 120 s ("determined by the
            // network") [DOC AN-BG95 p.24].
            Send { id: Some(i), len } => (format!("AT+QISEND={i},{len}"), Expect::Prompt, 300),
            SendCounters(id) => (format!("AT+QISEND={id},0"), Expect::Final, 120_000),
            ReadSocket { id, len } => (format!("AT+QIRD={id},{len}"), Expect::Final, 120_000),
            // QICLOSE waits for the FIN exchange up to its timeout (default 10 s) [DOC AN-BG96].
            CloseSocket { id, timeout_s } => match timeout_s {
                Some(t) => (
                    format!("AT+QICLOSE={id},{t}"),
                    Expect::Final,
                    u64::from(*t) * 1000,
                ),
                None => (format!("AT+QICLOSE={id}"), Expect::Final, 10_000),
            },
            TransparentPacket(n) => (format!("AT+QICFG=\"transpktsize\",{n}"), Expect::Final, 300),
            TransparentWait(n) => (format!("AT+QICFG=\"transwaittm\",{n}"), Expect::Final, 300),
            // [DOC AN-EC200U; research §1.11] answered as QIOPEN mode 2 is.
            SwitchToTransparent(id) => (format!("AT+QISWTMD={id},2"), Expect::Open, 300),
            _ => return None,
        };
        Some(spec_of(cmd, l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qi(cmd: At) -> Spec {
        QI.spec(&cmd).expect("a QI command")
    }

    fn ctx(cmd: At) -> Spec {
        CTX.spec(&cmd).expect("a ctx command")
    }

    #[test]
    fn qi_lines_shapes_and_deadlines() {
        let s = qi(At::Open {
            id: None,
            udp: false,
            host: "1.2.3.4",
            port: 80,
        });
        assert_eq!(s.line, "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80");
        assert_eq!(s.shape, Expect::Open);
        assert_eq!(s.max_response, Duration::from_secs(75));
        assert_eq!(qi(At::Activate).max_response, Duration::from_secs(150));
        assert_eq!(qi(At::Deactivate).shape, Expect::QiResult);
        assert_eq!(qi(At::State).shape, Expect::OkThenState);
        assert_eq!(qi(At::Send { id: Some(2), len: 10 }).line, "AT+QISEND=2,10");
        assert_eq!(qi(At::Read { sid: 0, len: 1500 }).response_bytes, 1600);
        assert!(!qi(At::Read { sid: 0, len: 1500 }).counted_read);
    }

    #[test]
    fn the_apn_password_is_a_secret() {
        let s = qi(At::Apn {
            apn: "CMNET",
            user: "u",
            password: "pw",
        });
        assert_eq!(s.secret.as_deref(), Some("pw"));
        let s = qi(At::Apn {
            apn: "CMNET",
            user: "",
            password: "",
        });
        assert_eq!(s.secret, None);
        let s = ctx(At::ContextApn {
            cid: 1,
            apn: "internet",
            user: "u",
            password: "pw",
            auth: 3,
        });
        assert_eq!(s.line, "AT+QICSGP=1,1,\"internet\",\"u\",\"pw\",3");
        assert_eq!(s.secret.as_deref(), Some("pw"));
    }

    /// The ctx lines of research §6.2 and the deadlines of §1.14/§6.1 (the manual's maximum; the
    /// session adds 1 s: QIACT and +QIOPEN 151 s, QIDEACT 41 s, QICLOSE its timeout + 1 s,
    /// QISEND=<id>,0 and QIRD 121 s, QIGETERROR 1.3 s).
    #[test]
    fn ctx_lines_shapes_and_deadlines() {
        let s = ctx(At::OpenSocket {
            cid: 1,
            id: 3,
            udp: false,
            host: "example.com",
            port: 8080,
            mode: 0,
        });
        assert_eq!(s.line, "AT+QIOPEN=1,3,\"TCP\",\"example.com\",8080,0,0");
        assert_eq!(s.shape, Expect::OkThenLine);
        assert_eq!(s.max_response, Duration::from_secs(150));
        let s = ctx(At::OpenSocket {
            cid: 2,
            id: 0,
            udp: true,
            host: "1.2.3.4",
            port: 53,
            mode: 2,
        });
        assert_eq!(s.line, "AT+QIOPEN=2,0,\"UDP\",\"1.2.3.4\",53,0,2");
        assert_eq!(s.shape, Expect::Open, "transparent: CONNECT or ERROR, no OK");
        assert_eq!(ctx(At::ActivateContext(1)).line, "AT+QIACT=1");
        assert_eq!(ctx(At::ActivateContext(1)).max_response, Duration::from_secs(150));
        assert_eq!(
            ctx(At::DeactivateContext(1)).max_response,
            Duration::from_secs(40)
        );
        assert_eq!(ctx(At::DeactivateContext(1)).shape, Expect::Final);
        assert_eq!(ctx(At::Contexts).line, "AT+QIACT?");
        assert_eq!(ctx(At::SocketState(4)).line, "AT+QISTATE=1,4");
        assert_eq!(
            ctx(At::Send {
                id: Some(5),
                len: 1460
            })
            .line,
            "AT+QISEND=5,1460"
        );
        assert_eq!(
            ctx(At::Send {
                id: Some(5),
                len: 1460
            })
            .shape,
            Expect::Prompt
        );
        assert_eq!(ctx(At::SendCounters(5)).line, "AT+QISEND=5,0");
        assert_eq!(ctx(At::SendCounters(5)).max_response, Duration::from_secs(120));
        let rd = ctx(At::ReadSocket { id: 1, len: 1500 });
        assert_eq!(rd.line, "AT+QIRD=1,1500");
        assert_eq!(rd.max_response, Duration::from_secs(120));
        assert!(rd.counted_read, "+QIRD: <n> announces n bytes");
        let counters = ctx(At::ReadSocket { id: 1, len: 0 });
        assert_eq!(counters.line, "AT+QIRD=1,0");
        assert!(!counters.counted_read, "+QIRD: t,r,u is a plain line");
        assert_eq!(
            ctx(At::CloseSocket {
                id: 2,
                timeout_s: None
            })
            .max_response,
            Duration::from_secs(10)
        );
        let c = ctx(At::CloseSocket {
            id: 2,
            timeout_s: Some(30),
        });
        assert_eq!(c.line, "AT+QICLOSE=2,30");
        assert_eq!(c.max_response, Duration::from_secs(30));
        assert_eq!(ctx(At::LastError).max_response, Duration::from_millis(300));
        assert_eq!(
            ctx(At::TransparentPacket(512)).line,
            "AT+QICFG=\"transpktsize\",512"
        );
        assert_eq!(ctx(At::TransparentWait(2)).line, "AT+QICFG=\"transwaittm\",2");
        assert_eq!(ctx(At::SwitchToTransparent(3)).line, "AT+QISWTMD=3,2");
    }

    /// A command a set lacks is `None` (the session's typed "not supported"), never another
    /// family's line.
    #[test]
    fn each_set_lacks_the_others_commands() {
        for cmd in [
            At::State,
            At::Mux,
            At::Activate,
            At::Deactivate,
            At::LocalIp,
            At::Close(Some(1)),
        ] {
            assert!(CTX.spec(&cmd).is_none(), "{}", name(&cmd));
        }
        assert!(CTX.spec(&At::Send { id: None, len: 1 }).is_none());
        for cmd in [
            At::Contexts,
            At::ActivateContext(1),
            At::SocketState(0),
            At::SendCounters(0),
        ] {
            assert!(QI.spec(&cmd).is_none(), "{}", name(&cmd));
        }
        assert_eq!(QI.spec(&At::LastError).unwrap().line, "AT+QIGETERROR");
        assert_eq!(
            name(&At::Apn {
                apn: "a",
                user: "b",
                password: "secret"
            }),
            "Apn"
        );
    }
}
