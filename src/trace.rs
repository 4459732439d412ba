//! The wire trace: every byte in both directions, as JSON Lines (`--trace FILE`) and/or a
//! readable transcript on stderr (`-v`). Secrets (APN passwords) are redacted before they are
//! written anywhere.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Host to module.
    Tx,
    /// Module to host.
    Rx,
}

impl Dir {
    fn name(self) -> &'static str {
        match self {
            Dir::Tx => "tx",
            Dir::Rx => "rx",
        }
    }
}

/// Escape bytes so that every byte value survives a JSON string and can be restored
/// ([`unescape`]): printable ASCII stays, `\\`, `\r`, `\n`, `\t` and `\xNN` for the rest.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}

/// The inverse of [`escape`]; `None` on a malformed escape.
pub fn unescape(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1)? {
            b'\\' => out.push(b'\\'),
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'x' => {
                let hex = std::str::from_utf8(b.get(i + 2..i + 4)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            _ => return None,
        }
        i += 2;
    }
    Some(out)
}

/// Where the trace goes. Both sinks are optional; a tracer with neither costs one branch.
pub struct Tracer {
    start: Instant,
    file: Option<BufWriter<File>>,
    verbose: bool,
    secrets: Vec<Vec<u8>>,
}

impl Tracer {
    pub fn new(file: Option<&Path>, verbose: bool) -> io::Result<Tracer> {
        let file = match file {
            Some(p) => Some(BufWriter::new(File::create(p)?)),
            None => None,
        };
        Ok(Tracer {
            start: Instant::now(),
            file,
            verbose,
            secrets: Vec::new(),
        })
    }

    pub fn disabled() -> Tracer {
        Tracer {
            start: Instant::now(),
            file: None,
            verbose: false,
            secrets: Vec::new(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.file.is_some() || self.verbose
    }

    /// From now on, `secret` is replaced by `***` wherever it appears, in both directions (the
    /// module echoes command lines).
    pub fn add_secret(&mut self, secret: &[u8]) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_vec());
        }
    }

    /// Record bytes; `secret` (if any) and every registered secret are replaced by `***`.
    pub fn record(&mut self, dir: Dir, bytes: &[u8], secret: Option<&[u8]>) {
        if !self.is_enabled() {
            return;
        }
        if let Some(s) = secret {
            self.add_secret(s);
        }
        let mut owned = None;
        for s in &self.secrets {
            let cur: &[u8] = owned.as_deref().unwrap_or(bytes);
            if cur.windows(s.len()).any(|w| w == &s[..]) {
                owned = Some(redact(cur, s));
            }
        }
        let bytes = owned.as_deref().unwrap_or(bytes);
        let t = self.start.elapsed().as_secs_f64();
        let text = escape(bytes);
        if let Some(f) = self.file.as_mut() {
            let line = serde_json::json!({"t": t, "dir": dir.name(), "data": text});
            // A trace that cannot be written must not break the session: the trace is a
            // diagnostic, the module conversation is the job.
            let _ = writeln!(f, "{line}");
            let _ = f.flush();
        }
        if self.verbose {
            let arrow = if dir == Dir::Tx { '>' } else { '<' };
            eprintln!("[{t:9.3}] {arrow} {text}");
        }
    }
}

fn redact(bytes: &[u8], secret: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(secret) {
            out.extend_from_slice(b"***");
            i += secret.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(unescape(&escape(&all)).unwrap(), all);
    }

    #[test]
    fn redacts_secret() {
        assert_eq!(
            redact(b"AT+QICSGP=1,\"a\",\"u\",\"pw\"\r", b"pw"),
            b"AT+QICSGP=1,\"a\",\"u\",\"***\"\r"
        );
    }
}
