//! `qtcp sim --replay FILE`: answer like a recorded module. The recording is a `--trace` file
//! (JSON Lines `{"t": seconds, "dir": "tx"|"rx", "data": escaped}`, see [`crate::trace`]).
//!
//! The host side of the recording (`tx`) is cut into *exchanges*: a command line (bytes up to
//! and including CR; stray CR/LF between lines are skipped), or a data phase (the bytes the host
//! wrote after the module's `> ` prompt, up to the next bytes from the module). Each exchange
//! owns the module bytes (`rx`) recorded after it and before the next one: its response and any
//! URC that came in between. Module bytes recorded before a file's first exchange belong to the
//! previous file's last exchange (or, for the first file, are sent when the host first writes).
//!
//! Live, the host's bytes are cut the same way, guided by the recording: when the next recorded
//! exchange is a data phase, the host's next bytes (as many as were recorded) are its data and
//! match whatever they are; otherwise a command line must equal the recorded one, where `***`
//! (a redacted password) matches anything. A match sends the exchange's module bytes (at once,
//! or with `--replay-timing` at the recorded delays after the command); where the recorded echo
//! of the command or of the data differs from what the host sent, the host's bytes are echoed.
//!
//! The host may re-synchronise: a bare `AT` that is not the next recorded exchange is answered
//! `OK`, and recorded `AT` exchanges the host skips are passed over. Anything else that does not
//! match is a *mismatch*: the module answers `ERROR`, stays at the same point of the recording
//! (so a host that retries the recorded command goes on), says so on stderr, and counts it in
//! the [`Status`] that `qtcp sim` prints when it ends (and turns into exit status 12).

use super::engine::Action;
use crate::trace::unescape;
use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest command line accepted before the line is taken as garbage.
const MAX_LINE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A command line (the bytes end with CR).
    Line,
    /// A data phase after a `> ` prompt.
    Data,
}

/// One recorded exchange: what the host sent, and what the module sent after it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub kind: Kind,
    pub host: Vec<u8>,
    /// `FILE:LINE` of the trace line that completed the host's bytes.
    pub at: String,
    /// Module bytes, each with its delay after the host's bytes.
    pub module: Vec<(Duration, Vec<u8>)>,
}

/// A parsed recording: module bytes before the first exchange, then the exchanges.
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub prelude: Vec<Vec<u8>>,
    pub exchanges: Vec<Exchange>,
}

/// A deviation of the host from the recording.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mismatch {
    /// Where in the recording (`FILE:LINE` of the expected exchange, or `end of recording`).
    pub at: String,
    pub expected: String,
    pub got: String,
}

/// How the replay went so far.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    /// Recorded exchanges.
    pub exchanges: usize,
    /// Exchanges the host went through (matched or skipped sync probes).
    pub replayed: usize,
    /// Bare `AT` from the host that were not in the recording (answered `OK`).
    pub extra_sync: usize,
    /// Recorded bare `AT` the host did not send.
    pub skipped_sync: usize,
    /// Every exchange was replayed.
    pub complete: bool,
    pub mismatches: Vec<Mismatch>,
}

fn bad(path: &Path, line: usize, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("--replay {}:{line}: {why}", path.display()),
    )
}

/// Cuts one file's events into exchanges.
struct Builder {
    script: Script,
    /// Host bytes of the exchange being cut.
    cur: Vec<u8>,
    cur_kind: Kind,
    /// Time of the last host bytes of the finished exchange (for delays).
    last_t: f64,
    /// The current exchange is data and ends at the next module bytes.
    in_data: bool,
    /// Module bytes received since the last finished exchange (to see a trailing `> `).
    since: Vec<u8>,
    /// Index in `script.exchanges` where this file's exchanges start.
    file_start: usize,
}

impl Builder {
    fn finish(&mut self, at: String, t: f64) {
        if self.cur.is_empty() {
            return;
        }
        self.script.exchanges.push(Exchange {
            kind: self.cur_kind,
            host: std::mem::take(&mut self.cur),
            at,
            module: Vec::new(),
        });
        self.last_t = t;
        self.in_data = false;
        self.since.clear();
    }

    fn rx(&mut self, t: f64, data: Vec<u8>, at: &str) {
        if self.in_data {
            self.finish(at.to_string(), t);
        }
        self.since.extend_from_slice(&data);
        if self.since.len() > 64 {
            self.since.drain(..self.since.len() - 64);
        }
        if self.script.exchanges.len() > self.file_start {
            let dt = Duration::from_secs_f64((t - self.last_t).max(0.0));
            self.script.exchanges.last_mut().unwrap().module.push((dt, data));
        } else if let Some(prev) = self.script.exchanges.last_mut() {
            // Before this file's first command: after the previous file's last answer.
            let dt = prev.module.last().map_or(Duration::ZERO, |m| m.0);
            prev.module.push((dt, data));
        } else {
            self.script.prelude.push(data);
        }
    }

    fn tx(&mut self, t: f64, data: &[u8], at: &str) {
        for &b in data {
            if self.cur.is_empty() && !self.in_data {
                if self.since.ends_with(b"> ") && self.script.exchanges.len() > self.file_start {
                    self.in_data = true;
                    self.cur_kind = Kind::Data;
                    self.since.clear();
                } else if b == b'\r' || b == b'\n' {
                    continue;
                } else {
                    self.cur_kind = Kind::Line;
                }
            }
            self.cur.push(b);
            if !self.in_data && b == b'\r' {
                self.finish(at.to_string(), t);
            }
        }
    }
}

impl Script {
    /// Load trace files, in order, as one conversation.
    pub fn load(paths: &[impl AsRef<Path>]) -> io::Result<Script> {
        let mut b = Builder {
            script: Script::default(),
            cur: Vec::new(),
            cur_kind: Kind::Line,
            last_t: 0.0,
            in_data: false,
            since: Vec::new(),
            file_start: 0,
        };
        for p in paths {
            let p = p.as_ref();
            let text = std::fs::read_to_string(p)
                .map_err(|e| io::Error::new(e.kind(), format!("--replay {}: {e}", p.display())))?;
            b.file_start = b.script.exchanges.len();
            b.since.clear();
            b.last_t = 0.0;
            let name = p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into());
            let mut last = 0;
            let mut prev_t = f64::NEG_INFINITY;
            for (i, line) in text.lines().enumerate() {
                let n = i + 1;
                last = n;
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(p, n, e))?;
                let t = v["t"].as_f64().ok_or_else(|| bad(p, n, "no number `t`"))?;
                let data = v["data"].as_str().ok_or_else(|| bad(p, n, "no string `data`"))?;
                let data = unescape(data).ok_or_else(|| bad(p, n, "malformed escape in `data`"))?;
                let at = format!("{name}:{n}");
                // Time going backwards: the next trace of a concatenation starts here (a prompt
                // the previous one ended on does not make its first bytes data).
                if t < prev_t {
                    b.since.clear();
                    b.file_start = b.script.exchanges.len();
                    b.last_t = t;
                }
                prev_t = t;
                match v["dir"].as_str() {
                    Some("tx") => b.tx(t, &data, &at),
                    Some("rx") => b.rx(t, data, &at),
                    _ => return Err(bad(p, n, "`dir` is neither \"tx\" nor \"rx\"")),
                }
            }
            // A command line without CR at the end of a file (the host gave up mid-write) or a
            // data phase nobody answered: still an exchange.
            let t = b.last_t;
            b.finish(format!("{name}:{last}"), t);
        }
        Ok(b.script)
    }
}

/// Whether `got` matches the recorded line `want`, where each `***` stands for any bytes.
pub fn line_matches(want: &[u8], got: &[u8]) -> bool {
    let parts: Vec<&[u8]> = split_stars(want);
    if parts.len() == 1 {
        return want == got;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !got.starts_with(first) || got.len() < first.len() + last.len() || !got.ends_with(last) {
        return false;
    }
    let mut rest = &got[first.len()..got.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match find(rest, part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

fn split_stars(s: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 3 <= s.len() {
        if &s[i..i + 3] == b"***" {
            out.push(&s[start..i]);
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&s[start..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn is_bare_at(line: &[u8]) -> bool {
    let l = line.strip_suffix(b"\r").unwrap_or(line);
    l.eq_ignore_ascii_case(b"AT")
}

fn show(b: &[u8]) -> String {
    crate::trace::escape(b)
}

/// The replaying module: the simulator's engine thread drives it like the engine.
pub struct Replay {
    script: Script,
    pos: usize,
    timing: bool,
    started: bool,
    buf: Vec<u8>,
    /// When the last command line ended with CR: a LF that comes with it (in the same write) is
    /// the rest of a CR LF line end, never data [CODE, field use; module.md correction 1]. The
    /// replay has no line model, so it uses the narrowest reading (same write) of the engine's
    /// "arrived with the CR" rule [INF].
    cr_at: Option<Instant>,
    out: VecDeque<(Instant, Vec<u8>)>,
    actions: Vec<Action>,
    status: Arc<Mutex<Status>>,
}

impl Replay {
    pub fn new(script: Script, timing: bool) -> Replay {
        let status = Status {
            exchanges: script.exchanges.len(),
            complete: script.exchanges.is_empty(),
            ..Status::default()
        };
        Replay {
            script,
            pos: 0,
            timing,
            started: false,
            buf: Vec::new(),
            cr_at: None,
            out: VecDeque::new(),
            actions: Vec::new(),
            status: Arc::new(Mutex::new(status)),
        }
    }

    /// A handle on the running status (shared with the engine thread).
    pub fn status(&self) -> Arc<Mutex<Status>> {
        self.status.clone()
    }

    fn update(&self, f: impl FnOnce(&mut Status)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
            s.complete = self.pos >= self.script.exchanges.len();
        }
    }

    fn log(&mut self, v: serde_json::Value) {
        self.actions.push(Action::Log(v.to_string()));
    }

    /// Send everything still scheduled (a new exchange must not overtake an old answer).
    fn flush(&mut self) {
        while let Some((_, b)) = self.out.pop_front() {
            self.actions.push(Action::Host(b));
        }
    }

    pub fn host_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if !self.started {
            self.started = true;
            for b in std::mem::take(&mut self.script.prelude) {
                self.out.push_back((now, b));
            }
        }
        for &b in bytes {
            if self.cr_at.take() == Some(now) && b == b'\n' {
                continue;
            }
            let data_len = match self.script.exchanges.get(self.pos) {
                Some(x) if x.kind == Kind::Data => Some(x.host.len()),
                _ => None,
            };
            match data_len {
                Some(n) => {
                    self.buf.push(b);
                    if self.buf.len() >= n {
                        let got = std::mem::take(&mut self.buf);
                        self.accept(now, got);
                    }
                }
                None => {
                    if self.buf.is_empty() && (b == b'\r' || b == b'\n') {
                        continue;
                    }
                    self.buf.push(b);
                    if b == b'\r' || self.buf.len() >= MAX_LINE {
                        if b == b'\r' {
                            self.cr_at = Some(now);
                        }
                        let got = std::mem::take(&mut self.buf);
                        self.line(now, got);
                    }
                }
            }
        }
        self.tick(now);
    }

    fn line(&mut self, now: Instant, got: Vec<u8>) {
        let ex = &self.script.exchanges;
        if ex.get(self.pos).is_some_and(|x| line_matches(&x.host, &got)) {
            return self.accept(now, got);
        }
        // The host synchronised with fewer AT than recorded: pass over the recorded ones.
        let mut p = self.pos;
        while ex
            .get(p)
            .is_some_and(|x| x.kind == Kind::Line && is_bare_at(&x.host))
        {
            p += 1;
        }
        if p > self.pos && ex.get(p).is_some_and(|x| line_matches(&x.host, &got)) {
            let skipped = p - self.pos;
            self.pos = p;
            self.update(|s| {
                s.skipped_sync += skipped;
                s.replayed += skipped;
            });
            return self.accept(now, got);
        }
        if is_bare_at(&got) {
            // Re-synchronisation the recording does not have: a module answers AT anyway.
            self.flush();
            self.actions.push(Action::Host(b"\r\nOK\r\n".to_vec()));
            self.update(|s| s.extra_sync += 1);
            self.log(serde_json::json!({"replay": "extra-sync", "host": show(&got)}));
            return;
        }
        let (at, expected) = match ex.get(self.pos) {
            Some(x) => (x.at.clone(), show(&x.host)),
            None => ("end of recording".to_string(), String::new()),
        };
        let m = Mismatch {
            at,
            expected,
            got: show(&got),
        };
        eprintln!(
            "qtcp sim: replay mismatch at {}: expected `{}`, host sent `{}`; answered ERROR",
            m.at, m.expected, m.got
        );
        self.log(serde_json::json!({"replay": "mismatch", "at": m.at, "expected": m.expected, "got": m.got}));
        self.update(|s| s.mismatches.push(m));
        self.flush();
        self.actions.push(Action::Host(b"\r\nERROR\r\n".to_vec()));
    }

    fn accept(&mut self, now: Instant, got: Vec<u8>) {
        self.flush();
        let x = &self.script.exchanges[self.pos];
        let substitute = x.host != got;
        let mut echoed = false;
        let mut chunks = Vec::with_capacity(x.module.len());
        for (dt, data) in &x.module {
            let mut data = data.clone();
            // The recorded echo of the command (or data) is what the recorded host sent:
            // echo what this host sent instead (a password, other payload bytes).
            if substitute && !echoed {
                if let Some(i) = find(&data, &x.host) {
                    data.splice(i..i + x.host.len(), got.iter().copied());
                    echoed = true;
                }
            }
            let at = if self.timing { now + *dt } else { now };
            chunks.push((at, data));
        }
        let entry = serde_json::json!({"replay": "match", "at": x.at, "host": show(&got)});
        self.pos += 1;
        self.out.extend(chunks);
        self.log(entry);
        self.update(|s| s.replayed += 1);
    }

    pub fn tick(&mut self, now: Instant) {
        while self.out.front().is_some_and(|(t, _)| *t <= now) {
            let (_, b) = self.out.pop_front().unwrap();
            self.actions.push(Action::Host(b));
        }
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.out.front().map(|(t, _)| *t)
    }

    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(lines: &[(&str, &[u8])]) -> tempfile_path::Tmp {
        let mut s = String::new();
        for (i, (dir, data)) in lines.iter().enumerate() {
            s.push_str(
                &serde_json::json!({"t": i as f64 * 0.01, "dir": dir, "data": crate::trace::escape(data)})
                    .to_string(),
            );
            s.push('\n');
        }
        tempfile_path::Tmp::new(&s)
    }

    /// A throwaway file without a dev-dependency in the library's unit tests.
    mod tempfile_path {
        pub struct Tmp(pub std::path::PathBuf);
        impl Tmp {
            pub fn new(text: &str) -> Tmp {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "qtcp-replay-{}-{}.jsonl",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::write(&p, text).unwrap();
                Tmp(p)
            }
        }
        impl Drop for Tmp {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    fn out(r: &mut Replay) -> Vec<u8> {
        Action::host_bytes(r.take_actions())
    }

    #[test]
    fn stars_match_anything() {
        assert!(line_matches(
            b"AT+QICSGP=1,\"a\",\"u\",\"***\"\r",
            b"AT+QICSGP=1,\"a\",\"u\",\"pw\"\r"
        ));
        assert!(line_matches(b"AT\r", b"AT\r"));
        assert!(!line_matches(b"AT\r", b"ATI\r"));
        assert!(!line_matches(b"A***B***C", b"AC"));
        assert!(line_matches(b"A***B***C", b"AxBC"));
    }

    #[test]
    fn cuts_lines_data_and_urcs() {
        let f = trace(&[
            ("rx", b"stale\r\n"),
            ("tx", b"AT\r"),
            ("rx", b"AT\r\r\nOK\r\n"),
            ("tx", b"AT+QISEND=3\r"),
            ("rx", b"\r\n> "),
            ("tx", b"a\rb"),
            ("rx", b"\r\nSEND OK\r\n"),
            ("rx", b"\r\nCLOSED\r\n"),
        ]);
        let s = Script::load(&[&f.0]).unwrap();
        assert_eq!(s.prelude, vec![b"stale\r\n".to_vec()]);
        let hosts: Vec<_> = s.exchanges.iter().map(|x| (x.kind, x.host.clone())).collect();
        assert_eq!(
            hosts,
            vec![
                (Kind::Line, b"AT\r".to_vec()),
                (Kind::Line, b"AT+QISEND=3\r".to_vec()),
                (Kind::Data, b"a\rb".to_vec()),
            ]
        );
        assert_eq!(s.exchanges[2].module.len(), 2);

        let mut r = Replay::new(s, false);
        let now = Instant::now();
        r.host_bytes(now, b"AT\r");
        assert_eq!(out(&mut r), b"stale\r\nAT\r\r\nOK\r\n");
        r.host_bytes(now, b"AT+QISEND=3\r");
        assert_eq!(out(&mut r), b"\r\n> ");
        r.host_bytes(now, b"x\ry");
        assert_eq!(out(&mut r), b"\r\nSEND OK\r\n\r\nCLOSED\r\n");
        let st = r.status().lock().unwrap().clone();
        assert!(st.complete && st.mismatches.is_empty(), "{st:?}");
    }

    #[test]
    fn mismatch_answers_error_and_stays() {
        let f = trace(&[("tx", b"AT+CSQ\r"), ("rx", b"\r\n+CSQ: 20,0\r\n\r\nOK\r\n")]);
        let mut r = Replay::new(Script::load(&[&f.0]).unwrap(), false);
        let now = Instant::now();
        r.host_bytes(now, b"AT+GSN\r");
        assert_eq!(out(&mut r), b"\r\nERROR\r\n");
        r.host_bytes(now, b"AT\r");
        assert_eq!(out(&mut r), b"\r\nOK\r\n");
        r.host_bytes(now, b"AT+CSQ\r");
        assert_eq!(out(&mut r), b"\r\n+CSQ: 20,0\r\n\r\nOK\r\n");
        let st = r.status().lock().unwrap().clone();
        assert_eq!(st.mismatches.len(), 1);
        assert_eq!(st.extra_sync, 1);
        assert!(st.complete);
    }

    #[test]
    fn skipped_sync_probes_and_echoed_password() {
        let f = trace(&[
            ("tx", b"AT\r"),
            ("tx", b"AT\r"),
            ("rx", b"AT\r\r\nOK\r\n"),
            ("tx", b"AT+QICSGP=1,\"apn\",\"u\",\"***\"\r"),
            ("rx", b"AT+QICSGP=1,\"apn\",\"u\",\"***\"\r\r\nOK\r\n"),
        ]);
        let mut r = Replay::new(Script::load(&[&f.0]).unwrap(), false);
        let now = Instant::now();
        r.host_bytes(now, b"AT+QICSGP=1,\"apn\",\"u\",\"secret\"\r");
        assert_eq!(out(&mut r), b"AT+QICSGP=1,\"apn\",\"u\",\"secret\"\r\r\nOK\r\n");
        let st = r.status().lock().unwrap().clone();
        assert_eq!(st.skipped_sync, 2);
        assert!(st.complete && st.mismatches.is_empty());
    }

    #[test]
    fn timing_delays_answers() {
        let f = trace(&[("tx", b"AT+QIACT\r"), ("rx", b"\r\nOK\r\n")]);
        let mut r = Replay::new(Script::load(&[&f.0]).unwrap(), true);
        let now = Instant::now();
        r.host_bytes(now, b"AT+QIACT\r");
        assert!(out(&mut r).is_empty());
        let d = r.next_deadline().unwrap();
        assert!(d > now);
        r.tick(d);
        assert_eq!(out(&mut r), b"\r\nOK\r\n");
    }

    #[test]
    fn files_concatenate() {
        let a = trace(&[("tx", b"AT\r"), ("rx", b"\r\nOK\r\n")]);
        let b = trace(&[("rx", b"late\r\n"), ("tx", b"ATI\r"), ("rx", b"\r\nQuectel\r\n")]);
        let s = Script::load(&[&a.0, &b.0]).unwrap();
        assert_eq!(s.exchanges.len(), 2);
        assert_eq!(s.exchanges[0].module.len(), 2);
        assert!(Script::load(&[std::path::Path::new("/nonexistent/x.jsonl")]).is_err());
    }
}
