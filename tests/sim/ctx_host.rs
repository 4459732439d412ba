//! A host of our own for the context dialect, written from the application notes' examples
//! (AN-BG96 p=15–22, p.34; AN-BG95 p.24, p=43), not from qtcp's client: it waits for
//! `+QIOPEN: <id>,0`, sends with `AT+QISEND=<id>,<len>` / `> ` / `SEND OK` (on `SEND FAIL` it
//! waits for acknowledgements with `AT+QISEND=<id>,0`), reads with `+QIURC: "recv"` and
//! `AT+QIRD`, takes direct-push data after `+QIURC: "recv",<id>,<len>`, and moves raw bytes in
//! transparent mode. Every byte is checked by the tests that use it.

use crate::support::pty::*;
use std::io::Read;
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

/// What the module said outside of a command's answer.
#[derive(Debug, Default)]
pub struct Heard {
    /// `+QIURC: "recv",<id>` (buffer mode) seen since the last read.
    pub recv_announced: bool,
    pub closed: bool,
    /// Direct-push payload.
    pub pushed: Vec<u8>,
}

enum Said {
    Line(String),
    Prompt,
    Urc,
}

pub struct CtxHost {
    pub p: Port,
    pub id: usize,
    pub heard: Heard,
}

impl CtxHost {
    pub fn new(p: Port, id: usize) -> CtxHost {
        CtxHost {
            p,
            id,
            heard: Heard::default(),
        }
    }

    fn fill(&mut self, dl: Instant) {
        assert!(
            Instant::now() < dl,
            "host: deadline, have {} {:?}",
            self.p.buf.len(),
            show(&self.p.buf[..self.p.buf.len().min(200)])
        );
        let mut b = [0u8; 65536];
        match self.p.p.read(&mut b) {
            Ok(n) => self.p.buf.extend_from_slice(&b[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("host: read: {e}"),
        }
    }

    /// The next line (without CR LF), skipping blank ones; direct-push payloads and URCs are
    /// taken aside. `prompt`: a `> ` at the start of the buffer ends the wait with `None`.
    fn line(&mut self, prompt: bool) -> Option<String> {
        loop {
            match self.next(prompt) {
                Said::Line(l) => return Some(l),
                Said::Prompt => return None,
                Said::Urc => {}
            }
        }
    }

    /// The next thing the module said.
    fn next(&mut self, prompt: bool) -> Said {
        let dl = Instant::now() + DEADLINE;
        loop {
            while self.p.buf.starts_with(b"\r\n") {
                self.p.buf.drain(..2);
            }
            if prompt && self.p.buf.starts_with(b"> ") {
                self.p.buf.drain(..2);
                return Said::Prompt;
            }
            if let Some(i) = self.p.buf.windows(2).position(|w| w == b"\r\n") {
                let l: Vec<u8> = self.p.buf.drain(..i + 2).collect();
                let l = String::from_utf8_lossy(&l[..i]).into_owned();
                if self.urc(&l, dl) {
                    return Said::Urc;
                }
                return Said::Line(l);
            }
            self.fill(dl);
        }
    }

    /// Take a URC aside; whether `l` was one.
    fn urc(&mut self, l: &str, dl: Instant) -> bool {
        let Some(rest) = l.strip_prefix("+QIURC: ") else {
            return false;
        };
        let f: Vec<&str> = rest.split(',').collect();
        match (f[0], f.len()) {
            ("\"recv\"", 2) => self.heard.recv_announced = true,
            ("\"recv\"", 3) => {
                let n: usize = f[2].parse().unwrap();
                while self.p.buf.len() < n {
                    self.fill(dl);
                }
                let d: Vec<u8> = self.p.buf.drain(..n).collect();
                self.heard.pushed.extend_from_slice(&d);
            }
            ("\"closed\"", _) => self.heard.closed = true,
            _ => {}
        }
        true
    }

    /// A command and its answer up to `OK` (the lines before it); panics on `ERROR`.
    pub fn cmd(&mut self, c: &str) -> Vec<String> {
        self.p.send(c.as_bytes());
        let mut out = Vec::new();
        loop {
            let l = self.line(false).unwrap();
            match l.as_str() {
                "OK" => return out,
                "ERROR" => panic!("host: {c:?} answered ERROR"),
                _ => out.push(l),
            }
        }
    }

    /// Wait for a URC-borne condition.
    pub fn wait(&mut self, what: impl Fn(&Heard) -> bool) {
        while !what(&self.heard) {
            match self.next(false) {
                Said::Urc => {}
                Said::Line(l) => panic!("host: unexpected {l:?}"),
                Said::Prompt => unreachable!(),
            }
        }
    }

    /// `+QISEND: <total>,<acked>,<unacked>`
    pub fn counters(&mut self) -> (u64, u64, u64) {
        let l = self.cmd(&format!("AT+QISEND={},0\r", self.id));
        let v: Vec<u64> = l[0]
            .strip_prefix("+QISEND: ")
            .unwrap()
            .split(',')
            .map(|x| x.parse().unwrap())
            .collect();
        (v[0], v[1], v[2])
    }

    /// Send it all in QISEND pieces of at most 1460; after `SEND FAIL`, wait until the module
    /// has the piece's room again.
    pub fn send_all(&mut self, data: &[u8]) {
        let mut at = 0;
        while at < data.len() {
            let n = (data.len() - at).min(1460);
            self.p.send(format!("AT+QISEND={},{n}\r", self.id).as_bytes());
            if let Some(l) = self.line(true) {
                panic!("host: no prompt: {l:?}");
            }
            self.p.send(&data[at..at + n]);
            let l = self.line(false).unwrap();
            match l.as_str() {
                "SEND OK" => at += n,
                "SEND FAIL" => {
                    let dl = Instant::now() + DEADLINE;
                    let (_, _, unacked) = self.counters();
                    let mut u = unacked;
                    while u == unacked {
                        assert!(Instant::now() < dl, "host: nothing acknowledged");
                        u = self.counters().2;
                    }
                }
                _ => panic!("host: QISEND answered {l:?}"),
            }
        }
    }

    /// All sent data acknowledged.
    pub fn until_acked(&mut self, total: u64) {
        let dl = Instant::now() + DEADLINE;
        loop {
            let (t, a, u) = self.counters();
            assert_eq!(t, total);
            if a == total && u == 0 {
                return;
            }
            assert!(Instant::now() < dl, "host: acked {a} of {total}");
        }
    }

    /// Buffer mode: read `n` bytes with `+QIURC: "recv"` and `AT+QIRD=<id>,1500`.
    pub fn read_buffered(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while out.len() < n {
            self.wait(|h| h.recv_announced);
            self.heard.recv_announced = false;
            loop {
                let got = self.qird(1500);
                if got.is_empty() {
                    break;
                }
                out.extend_from_slice(&got);
            }
        }
        out
    }

    /// One `AT+QIRD=<id>,<len>`: `+QIRD: <n>` CR LF, n bytes, then `OK`.
    pub fn qird(&mut self, len: usize) -> Vec<u8> {
        self.p.send(format!("AT+QIRD={},{len}\r", self.id).as_bytes());
        let l = self.line(false).unwrap();
        let n: usize = l
            .strip_prefix("+QIRD: ")
            .unwrap_or_else(|| panic!("host: QIRD answered {l:?}"))
            .parse()
            .unwrap();
        let dl = Instant::now() + DEADLINE;
        while self.p.buf.len() < n {
            self.fill(dl);
        }
        let d: Vec<u8> = self.p.buf.drain(..n).collect();
        let l = self.line(false).unwrap();
        assert_eq!(l, "OK");
        d
    }

    /// Direct push: wait until `n` bytes have been pushed.
    pub fn read_pushed(&mut self, n: usize) -> Vec<u8> {
        self.wait(|h| h.pushed.len() >= n);
        std::mem::take(&mut self.heard.pushed)
    }

    /// Transparent mode: raw bytes, exactly `n`.
    pub fn read_raw(&mut self, n: usize) -> Vec<u8> {
        let dl = Instant::now() + DEADLINE;
        while self.p.buf.len() < n {
            self.fill(dl);
        }
        self.p.buf.drain(..n).collect()
    }
}
