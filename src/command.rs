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
}

/// A command set: how each [`At`] is written and answered.
pub trait Dialect: Sync {
    fn spec(&self, cmd: &At) -> Spec;
}

/// The legacy QI command set (M95, M66, MC60, M26, M35...): Quectel's TCP/IP AT commands
/// manual, table of maximum response times.
pub struct Qi;

/// The QI dialect, the default of every session.
pub static QI: Qi = Qi;

const MS_300: Duration = Duration::from_millis(300);

impl Dialect for Qi {
    fn spec(&self, cmd: &At) -> Spec {
        use At::*;
        let bit = |b: bool| if b { 1 } else { 0 };
        let (line, shape, max_ms): (String, Expect, u64) = match cmd {
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
            GprsAttached => ("AT+CGATT?".into(), Expect::Final, 300),
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
            ResumeData => ("ATO".into(), Expect::Open, 300),
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
            PayloadEcho(on) => (format!("AT+QISDE={}", bit(*on)), Expect::Final, 300),
            Iccid => ("AT+QCCID".into(), Expect::Final, 300),
            Imsi => ("AT+CIMI".into(), Expect::Final, 300),
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
        };
        let response_bytes = match cmd {
            Read { len, .. } => len + 100,
            Apn { .. } => 0,
            _ => 256,
        };
        let secret = match cmd {
            Apn { password, .. } if !password.is_empty() => Some(password.to_string()),
            _ => None,
        };
        Spec {
            line,
            shape,
            max_response: Duration::from_millis(max_ms).max(MS_300),
            response_bytes,
            secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qi_lines_shapes_and_deadlines() {
        let s = QI.spec(&At::Open {
            id: None,
            udp: false,
            host: "1.2.3.4",
            port: 80,
        });
        assert_eq!(s.line, "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80");
        assert_eq!(s.shape, Expect::Open);
        assert_eq!(s.max_response, Duration::from_secs(75));
        assert_eq!(QI.spec(&At::Activate).max_response, Duration::from_secs(150));
        assert_eq!(QI.spec(&At::Deactivate).shape, Expect::QiResult);
        assert_eq!(QI.spec(&At::State).shape, Expect::OkThenState);
        assert_eq!(QI.spec(&At::Send { id: Some(2), len: 10 }).line, "AT+QISEND=2,10");
        assert_eq!(QI.spec(&At::Read { sid: 0, len: 1500 }).response_bytes, 1600);
    }

    #[test]
    fn the_apn_password_is_a_secret() {
        let s = QI.spec(&At::Apn {
            apn: "CMNET",
            user: "u",
            password: "pw",
        });
        assert_eq!(s.secret.as_deref(), Some("pw"));
        let s = QI.spec(&At::Apn {
            apn: "CMNET",
            user: "",
            password: "",
        });
        assert_eq!(s.secret, None);
    }
}
