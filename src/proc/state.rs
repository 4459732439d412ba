//! Reading the module's TCP/IP state: QISTAT, QIMUX, QISACK. Each subcommand is its own
//! process, so the module holds the state between them and qtcp asks instead of assuming.

use crate::command::At;
use crate::error::{Error, ErrorClass, Result};
use crate::session::{describe, Session};

/// The single-mode TCP/IP state strings of AT+QISTAT (module.md §3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum IpState {
    IpInitial,
    IpStart,
    IpConfig,
    IpInd,
    IpGprsact,
    IpStatus,
    Connecting,
    IpClose,
    ConnectOk,
    PdpDeact,
    /// `IP PROCESSING` (mux mode with connections on some firmware) or anything unknown.
    Other,
}

impl IpState {
    pub fn parse(s: &str) -> IpState {
        match s.trim() {
            "IP INITIAL" | "0" => IpState::IpInitial,
            "IP START" | "1" => IpState::IpStart,
            "IP CONFIG" | "2" => IpState::IpConfig,
            "IP IND" | "3" => IpState::IpInd,
            "IP GPRSACT" | "4" => IpState::IpGprsact,
            "IP STATUS" | "5" => IpState::IpStatus,
            "TCP CONNECTING" | "UDP CONNECTING" | "6" => IpState::Connecting,
            "IP CLOSE" | "7" => IpState::IpClose,
            "CONNECT OK" | "8" => IpState::ConnectOk,
            "PDP DEACT" | "9" => IpState::PdpDeact,
            _ => IpState::Other,
        }
    }

    /// Whether the PDP context is up (a connection can be opened without activation).
    pub fn context_active(self) -> bool {
        matches!(
            self,
            IpState::IpGprsact
                | IpState::IpStatus
                | IpState::Connecting
                | IpState::IpClose
                | IpState::ConnectOk
        )
    }
}

/// QISTAT as text plus its parsed form; in mux mode also the per-connection lines.
#[derive(Debug, Clone)]
pub struct Stat {
    pub text: String,
    pub state: IpState,
    pub connections: Vec<String>,
}

pub fn qistat(s: &mut Session) -> Result<Stat> {
    let r = s.run(&At::State)?;
    if !r.is_ok() {
        return Err(Error::protocol(format!(
            "AT+QISTAT: the module answered {}",
            describe(r.outcome())
        )));
    }
    let text = r.value("STATE:").unwrap_or("").to_string();
    let connections = r
        .lines
        .iter()
        .filter(|l| l.starts_with("+QISTAT:"))
        .cloned()
        .collect();
    Ok(Stat {
        state: IpState::parse(&text),
        text,
        connections,
    })
}

/// Whether the module is in multi-connection mode (AT+QIMUX?).
pub fn qimux(s: &mut Session) -> Result<bool> {
    let r = s.run_ok(&At::Mux, ErrorClass::Protocol)?;
    Ok(r.value("+QIMUX:").map(|v| v.trim() == "1").unwrap_or(false))
}

/// `+QISACK: <sent>, <acked>, <unacked>`: separators with or without spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Sack {
    pub sent: u64,
    pub acked: u64,
    pub unacked: u64,
}

pub fn parse_sack(v: &str) -> Option<Sack> {
    let mut it = v.split(',').map(|f| f.trim().parse::<u64>());
    let sent = it.next()?.ok()?;
    let acked = it.next()?.ok()?;
    let unacked = it.next()?.ok()?;
    Some(Sack { sent, acked, unacked })
}

/// AT+QISACK (`=<i>` in mux mode). `Ok(None)` when the module answers ERROR (no connection).
pub fn qisack(s: &mut Session, id: Option<u8>) -> Result<Option<Sack>> {
    let cmd = s.line(&At::Acknowledged(id));
    let r = s.run(&At::Acknowledged(id))?;
    if !r.is_ok() {
        return Ok(None);
    }
    let v = r
        .value("+QISACK:")
        .ok_or_else(|| Error::protocol(format!("{cmd}: no +QISACK line")))?;
    parse_sack(v)
        .map(Some)
        .ok_or_else(|| Error::protocol(format!("{cmd}: cannot parse {v:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sack_forms() {
        assert_eq!(
            parse_sack("5, 5, 0"),
            Some(Sack {
                sent: 5,
                acked: 5,
                unacked: 0
            })
        );
        assert_eq!(
            parse_sack("1484,1448,36"),
            Some(Sack {
                sent: 1484,
                acked: 1448,
                unacked: 36
            })
        );
        assert_eq!(parse_sack("1, x, 0"), None);
    }
}
