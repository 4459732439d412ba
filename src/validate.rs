//! Validation of every user value that goes into an AT command line. A quote, CR, LF or control
//! byte would end the string or the command early and let the rest run as a command of its own
//! (injection into the module), so such values are usage errors and nothing is sent.

use crate::error::{Error, Result};
use std::net::Ipv4Addr;

/// Longest APN the module's QICSGP accepts. [INF: the manuals give no figure; 3GPP caps an APN
/// at 100 octets.]
pub const MAX_APN: usize = 100;
/// Longest user name / password for QICSGP. [INF: conservative, fits every QI firmware seen.]
pub const MAX_CREDENTIAL: usize = 64;
/// Longest host name QIOPEN takes. [INF: DNS caps a name at 253 characters.]
pub const MAX_HOST: usize = 253;

fn plain_string(what: &str, value: &str, max: usize, allow_empty: bool) -> Result<()> {
    if value.is_empty() && !allow_empty {
        return Err(Error::usage(format!("{what} must not be empty")));
    }
    if value.len() > max {
        return Err(Error::usage(format!(
            "{what} is {} bytes long; the module takes at most {max}",
            value.len()
        )));
    }
    if let Some(b) = value
        .bytes()
        .find(|&b| b == b'"' || b < 0x20 || b == 0x7f || b >= 0x80)
    {
        return Err(Error::usage(format!(
            "{what} contains {}: quotes, control bytes and non-ASCII cannot go into an AT command",
            describe(b)
        )));
    }
    Ok(())
}

fn describe(b: u8) -> String {
    match b {
        b'"' => "a double quote".into(),
        b'\r' => "a carriage return".into(),
        b'\n' => "a line feed".into(),
        _ => format!("the byte 0x{b:02x}"),
    }
}

pub fn apn(value: &str) -> Result<()> {
    plain_string("the APN", value, MAX_APN, true)
}

pub fn user(value: &str) -> Result<()> {
    plain_string("the user name", value, MAX_CREDENTIAL, true)
}

pub fn password(value: &str) -> Result<()> {
    plain_string("the password", value, MAX_CREDENTIAL, true)
}

/// A destination: either a dotted IPv4 address or a host name (letters, digits, `-`, `.`,
/// `_`; labels of at most 63 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub host: String,
    pub port: u16,
    /// True when `host` is a dotted IPv4 address (QIDNSIP=0), false for a name (QIDNSIP=1).
    pub is_ip: bool,
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

pub fn host(value: &str) -> Result<bool> {
    plain_string("the host", value, MAX_HOST, false)?;
    if value.parse::<Ipv4Addr>().is_ok() {
        return Ok(true);
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(Error::usage(format!(
            "the host {value:?} is not a valid IPv4 address"
        )));
    }
    for label in value.trim_end_matches('.').split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(Error::usage(format!(
                "the host {value:?} is not a valid host name"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Error::usage(format!(
                "the host {value:?} is not a valid host name"
            )));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::usage(format!(
                "the host {value:?} is not a valid host name"
            )));
        }
    }
    Ok(false)
}

/// Parse `HOST:PORT`.
pub fn destination(value: &str) -> Result<Destination> {
    let (h, p) = value
        .rsplit_once(':')
        .ok_or_else(|| Error::usage(format!("{value:?}: expected HOST:PORT")))?;
    let is_ip = host(h)?;
    let port: u16 = p
        .parse()
        .ok()
        .filter(|&p| p != 0)
        .ok_or_else(|| Error::usage(format!("{value:?}: the port must be a number from 1 to 65535")))?;
    Ok(Destination {
        host: h.to_string(),
        port,
        is_ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let bad_apn = ["a\"b", "a\rb", "a\nb", "a\x1ab", "x\x00", "é", &"a".repeat(101)];
        for v in bad_apn {
            assert!(apn(v).is_err(), "{v:?}");
            assert!(user(v).is_err(), "{v:?}");
            assert!(password(v).is_err(), "{v:?}");
        }
        assert!(apn("CMNET").is_ok());
        assert!(apn("").is_ok());
        assert!(destination("1.2.3.4:80").unwrap().is_ip);
        assert!(!destination("updates.example.com:443").unwrap().is_ip);
        for bad in [
            "1.2.3.4",
            "1.2.3.4:0",
            "1.2.3.4:65536",
            "1.2.3.4:x",
            ":80",
            "a\"b:80",
            "a b:80",
            "1.2.3.999:80",
            "-a.com:80",
            "a..b:80",
            "a\r\nAT+QPOWD=1:80",
        ] {
            assert!(destination(bad).is_err(), "{bad:?}");
        }
    }
}
