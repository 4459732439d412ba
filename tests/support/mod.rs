//! The one harness of the integration tests and the bench: a `qtcp sim` process per test, the
//! real `qtcp` binary with a hard deadline (and what it cost, for the bench), a long-running
//! `qtcp` fed by the test ([`Live`]), loopback servers that record what they receive, the raw pty
//! client ([`pty`]) and one seeded RNG ([`rng`]). Every test owns its simulator, its pty and its
//! ports, and nothing here touches process-global state (environment, current directory: see
//! [`qtcp_in`]), so tests run in parallel inside one binary. One thing is shared all the same:
//! pty numbers. A closed pty's `/dev/pts/N` goes to the next pty opened anywhere, so a test that
//! opens a port path after its simulator closed it (the fault matrix's "device vanishes" cases)
//! may reach another test's simulator; the fault matrix has its binary to itself for that reason.
#![allow(dead_code)]

pub mod pty;
pub mod rng;

#[allow(unused_imports)] // each binary uses its own part
pub use rng::{hex, random_bytes, sha, Rng};

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_qtcp");

/// A `qtcp sim` process; stopped (SIGTERM) on drop unless [`Sim::stop`] reaped it.
pub struct Sim {
    child: Child,
    pub port: String,
    /// The whole ready line.
    pub ready: Value,
    pub dir: tempfile::TempDir,
    /// Kept open: the simulator prints a summary line when it stops (`--replay`).
    out: BufReader<ChildStdout>,
    err: Option<JoinHandle<String>>,
    started: Instant,
    reaped: bool,
}

/// How a stopped simulator ended.
#[derive(Debug)]
pub struct Stopped {
    pub code: i32,
    /// The first line it printed after the ready line, if any.
    pub summary: Option<Value>,
    /// Its stderr, when started with [`Sim::start_capturing`] (else it went to the test's).
    pub stderr: String,
    pub usage: Usage,
}

impl Sim {
    /// `qtcp sim ARGS`, its stderr on the test's.
    pub fn start(args: &[&str]) -> Sim {
        Self::spawn(args, false)
    }

    /// `qtcp sim ARGS`, its stderr collected for [`Sim::stop`].
    pub fn start_capturing(args: &[&str]) -> Sim {
        Self::spawn(args, true)
    }

    fn spawn(args: &[&str], capture: bool) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let mut child = Command::new(BIN)
            .arg("sim")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if capture { Stdio::piped() } else { Stdio::inherit() })
            .spawn()
            .expect("spawn qtcp sim");
        let err = child.stderr.take().map(|mut e| {
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = e.read_to_string(&mut s);
                s
            })
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).expect("sim ready line");
        let ready: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("sim printed {line:?}: {e}"));
        let port = ready["port"].as_str().expect("port").to_string();
        Sim {
            child,
            port,
            ready,
            dir,
            out,
            err,
            started,
            reaped: false,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A path inside the test's own temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run `qtcp --port <sim> ARGS` with a deadline.
    pub fn qtcp(&self, args: &[&str]) -> Run {
        let mut full = vec!["--port", self.port.as_str()];
        full.extend_from_slice(args);
        qtcp(&full, None, Duration::from_secs(60))
    }

    pub fn qtcp_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut full = vec!["--port", self.port.as_str()];
        full.extend_from_slice(args);
        qtcp(&full, Some(stdin), Duration::from_secs(60))
    }

    /// SIGTERM, then reap it (a simulator that does not stop within 10 s fails the test).
    pub fn stop(mut self) -> Stopped {
        // SAFETY: signalling our own child by pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let usage = reap_within(&self.child, self.started, Duration::from_secs(10))
            .expect("qtcp sim did not stop within 10 s");
        self.reaped = true;
        let mut rest = String::new();
        let _ = self.out.read_to_string(&mut rest);
        let summary = rest
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("sim printed {l:?}: {e}")));
        let stderr = self.err.take().map(|t| t.join().unwrap()).unwrap_or_default();
        Stopped {
            code: usage.status,
            summary,
            stderr,
            usage,
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        // SAFETY: signalling our own child, not reaped yet, by pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        if reap_within(&self.child, self.started, Duration::from_secs(5)).is_none() {
            eprintln!("qtcp sim {} ignored SIGTERM; killed", self.child.id());
        }
    }
}

/// What one finished process cost, and how it ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// Seconds from start to exit.
    pub wall: f64,
    /// User + system CPU seconds.
    pub cpu: f64,
    pub maxrss_kib: u64,
    /// The exit code; -1 when a signal ended it.
    pub status: i32,
}

/// Reap `child` (blocking): how it ended and what it cost, the wall time counted from `started`.
pub fn wait_usage(child: &Child, started: Instant) -> Usage {
    wait_pid(child.id() as libc::pid_t, started)
}

fn wait_pid(pid: libc::pid_t, started: Instant) -> Usage {
    let mut status = 0;
    // SAFETY: plain wait4 on our own child; rusage is plain data.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    Usage {
        wall: started.elapsed().as_secs_f64(),
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        maxrss_kib: ru.ru_maxrss as u64,
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

/// Reap `child` as soon as it exits (a blocking wait4 on a helper thread, so the wall time is
/// exact); past `within`, SIGKILL it, reap it and return `None`.
fn reap_within(child: &Child, started: Instant, within: Duration) -> Option<Usage> {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(wait_pid(pid, started));
    });
    match rx.recv_timeout(within) {
        Ok(u) => Some(u),
        Err(_) => {
            // SAFETY: our own child, not reaped yet (the waiter has not returned).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = rx.recv();
            None
        }
    }
}

/// The result of one qtcp run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
    pub usage: Usage,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON object ({e}): {:?}\nstderr: {}",
                String::from_utf8_lossy(&self.stdout),
                self.stderr
            )
        })
    }
    pub fn lines(&self) -> Vec<Value> {
        String::from_utf8_lossy(&self.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    }
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            code,
            "exit code; stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
        self
    }
}

/// Run the binary with a hard deadline (killed past it: a hang fails the test, it never hangs it).
pub fn qtcp(args: &[&str], stdin: Option<&[u8]>, deadline: Duration) -> Run {
    qtcp_in(None, args, stdin, deadline)
}

/// [`qtcp`] with its working directory set to `dir` (the test's own stays where it is).
#[allow(clippy::zombie_processes)] // reaped by wait4 in reap_within
pub fn qtcp_in(dir: Option<&Path>, args: &[&str], stdin: Option<&[u8]>, deadline: Duration) -> Run {
    let start = Instant::now();
    let mut cmd = Command::new(BIN);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn qtcp");
    let writer = stdin.map(|data| {
        let mut w = child.stdin.take().unwrap();
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        })
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = String::new();
        let _ = err.read_to_string(&mut v);
        v
    });
    let Some(usage) = reap_within(&child, start, deadline) else {
        panic!("qtcp {args:?} did not finish within {deadline:?}");
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        code: usage.status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        elapsed: start.elapsed(),
        usage,
    }
}

/// A loopback TCP server that records every byte of every connection it accepts; `close_after`
/// closes each connection after that many bytes.
pub struct Sink {
    pub addr: String,
    pub conns: Arc<Mutex<Vec<Vec<u8>>>>,
    _t: JoinHandle<()>,
}

impl Sink {
    pub fn start() -> Sink {
        Self::start_with(None)
    }

    pub fn start_with(close_after: Option<usize>) -> Sink {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let conns = Arc::new(Mutex::new(Vec::new()));
        let c2 = conns.clone();
        let t = std::thread::spawn(move || {
            for (i, s) in l.incoming().enumerate() {
                let Ok(mut s) = s else { break };
                c2.lock().unwrap().push(Vec::new());
                let c3 = c2.clone();
                let limit = if i == 0 { close_after } else { None };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    loop {
                        match s.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                let mut g = c3.lock().unwrap();
                                let v = &mut g[i];
                                v.extend_from_slice(&buf[..n]);
                                if limit.is_some_and(|l| v.len() >= l) {
                                    drop(g);
                                    let _ = s.shutdown(std::net::Shutdown::Both);
                                    break;
                                }
                            }
                        }
                    }
                });
            }
        });
        Sink { addr, conns, _t: t }
    }

    pub fn port(&self) -> u16 {
        self.addr.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Wait until the connections hold `n` bytes in all (or the deadline passes).
    pub fn wait_total(&self, n: usize, within: Duration) -> usize {
        let end = Instant::now() + within;
        loop {
            let total: usize = self.conns.lock().unwrap().iter().map(Vec::len).sum();
            if total >= n || Instant::now() > end {
                return total;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn received(&self) -> Vec<Vec<u8>> {
        self.conns.lock().unwrap().clone()
    }
}

/// A loopback TCP server whose one connection is driven by the test: each `Vec` sent on the
/// channel is written, an empty one closes the connection. What the module sends is read and
/// dropped, so it never blocks.
pub struct Server {
    pub addr: String,
    tx: std::sync::mpsc::Sender<Vec<u8>>,
    _t: JoinHandle<()>,
}

impl Server {
    pub fn start() -> Server {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let t = std::thread::spawn(move || {
            let Ok((mut s, _)) = l.accept() else { return };
            let mut r = s.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut b = [0u8; 4096];
                while matches!(r.read(&mut b), Ok(n) if n > 0) {}
            });
            for chunk in rx {
                if chunk.is_empty() {
                    break;
                }
                if s.write_all(&chunk).is_err() {
                    return;
                }
            }
            let _ = s.shutdown(std::net::Shutdown::Both);
        });
        Server { addr, tx, _t: t }
    }
    pub fn send(&self, b: &[u8]) {
        self.tx.send(b.to_vec()).unwrap();
    }
    pub fn close(&self) {
        let _ = self.tx.send(Vec::new());
    }
}

/// A loopback echo server for one connection, recording what it received.
pub struct Echo {
    pub addr: String,
    pub got: Arc<Mutex<Vec<u8>>>,
    _t: JoinHandle<()>,
}

impl Echo {
    pub fn start() -> Echo {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        let t = std::thread::spawn(move || {
            let Ok((mut s, _)) = l.accept() else { return };
            let mut buf = [0u8; 8192];
            loop {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        g.lock().unwrap().extend_from_slice(&buf[..n]);
                        if s.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Echo { addr, got, _t: t }
    }
}

pub fn write_file(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// A loopback UDP peer the module is connected to (`connect --udp`), proven by one "hello"
/// datagram from the module: the socket, and the module's address to answer to.
pub fn udp_peer(sim: &Sim) -> (UdpSocket, SocketAddr) {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let addr = udp.local_addr().unwrap().to_string();
    sim.qtcp(&["--json", "connect", "--udp", &addr]).assert_code(0);
    sim.qtcp(&["--json", "send", "--udp", "--data", "hello"])
        .assert_code(0);
    let mut buf = [0u8; 2048];
    let (n, peer) = udp.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");
    (udp, peer)
}

pub fn connect_tcp(addr: &str) -> TcpStream {
    TcpStream::connect(addr).unwrap()
}

/// A qtcp process watched while it runs: stdin held open by the test, stdout collected whole and
/// as lines on a channel (binary data too: bytes are collected as they come), stderr likewise.
pub struct Live {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    out: Arc<Mutex<Vec<u8>>>,
    out_lines: std::sync::mpsc::Receiver<String>,
    err: Arc<Mutex<String>>,
    err_lines: std::sync::mpsc::Receiver<String>,
    threads: Vec<JoinHandle<()>>,
}

/// Read `from` to its end: every byte into `all`, each complete line onto `lines`.
fn collect(
    mut from: impl Read + Send + 'static,
    all: impl Fn(&[u8]) + Send + 'static,
) -> (JoinHandle<()>, std::sync::mpsc::Receiver<String>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        let mut b = [0u8; 8192];
        let mut line = Vec::new();
        loop {
            match from.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    all(&b[..n]);
                    for &c in &b[..n] {
                        line.push(c);
                        if c == b'\n' {
                            let _ = tx.send(String::from_utf8_lossy(&line).into_owned());
                            line.clear();
                        }
                    }
                }
            }
        }
    });
    (t, rx)
}

impl Live {
    /// `qtcp --port <sim> ARGS`.
    pub fn spawn(sim: &Sim, args: &[&str]) -> Live {
        let mut child = Command::new(BIN)
            .arg("--port")
            .arg(&sim.port)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn qtcp");
        let out = Arc::new(Mutex::new(Vec::new()));
        let o2 = out.clone();
        let (t_out, out_lines) = collect(child.stdout.take().unwrap(), move |b| {
            o2.lock().unwrap().extend_from_slice(b)
        });
        let err = Arc::new(Mutex::new(String::new()));
        let e2 = err.clone();
        let (t_err, err_lines) = collect(child.stderr.take().unwrap(), move |b| {
            e2.lock().unwrap().push_str(&String::from_utf8_lossy(b))
        });
        let stdin = child.stdin.take();
        Live {
            child,
            stdin,
            out,
            out_lines,
            err,
            err_lines,
            threads: vec![t_out, t_err],
        }
    }

    pub fn write(&mut self, b: &[u8]) {
        self.stdin.as_mut().unwrap().write_all(b).unwrap();
        self.stdin.as_mut().unwrap().flush().unwrap();
    }

    /// End of input for the process.
    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    fn wait_line(
        lines: &std::sync::mpsc::Receiver<String>,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
        so_far: impl Fn() -> String,
    ) -> Value {
        let end = Instant::now() + within;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(l) => {
                    if let Ok(v) = serde_json::from_str::<Value>(&l) {
                        if pred(&v) {
                            return v;
                        }
                    }
                }
                Err(_) => panic!("no matching line within {within:?}; so far: {}", so_far()),
            }
        }
    }

    /// The first JSON line on stdout that satisfies `pred`, within `within`.
    pub fn wait_json(&self, within: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        Self::wait_line(&self.out_lines, within, pred, || {
            String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
        })
    }

    /// The first JSON line on stderr that satisfies `pred`, within `within`.
    pub fn wait_event(&self, within: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        Self::wait_line(&self.err_lines, within, pred, || self.err.lock().unwrap().clone())
    }

    /// Stdout once it holds `n` bytes (or what it holds when `within` passed).
    pub fn wait_output(&self, n: usize, within: Duration) -> Vec<u8> {
        let end = Instant::now() + within;
        loop {
            let o = self.out.lock().unwrap().clone();
            if o.len() >= n || Instant::now() > end {
                return o;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Wait for exit (killed past `within`, which fails the test).
    pub fn finish(mut self, within: Duration) -> Run {
        let start = Instant::now();
        let Some(usage) = reap_within(&self.child, start, within) else {
            panic!(
                "qtcp did not finish within {within:?}; stderr: {}",
                self.err.lock().unwrap()
            );
        };
        for t in self.threads.drain(..) {
            t.join().unwrap();
        }
        let stderr = self.err.lock().unwrap().clone();
        Run {
            code: usage.status,
            stdout: std::mem::take(&mut *self.out.lock().unwrap()),
            stderr,
            elapsed: start.elapsed(),
            usage,
        }
    }
}

/// Run the binary to its end (killed past `deadline`) and sample its peak resident set
/// (`VmHWM` of /proc/<pid>/status) while it runs: exit code, stdout, peak KiB. wait4's
/// `ru_maxrss` cannot tell: a child spawned with vfork keeps the high-water mark of the test
/// process's own pages (the data it wrote, other tests' memory) across exec.
pub fn qtcp_peak_rss(args: &[&str], deadline: Duration) -> (i32, Vec<u8>, u64) {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn qtcp");
    let mut out = child.stdout.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let code = loop {
        if let Some(hwm) = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak = peak.max(hwm);
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st.code().unwrap_or(-1);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("qtcp {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (code, t_out.join().unwrap(), peak)
}

/// A module family the client suites run on, by the simulator model that speaks it: each
/// scenario is defined once and instantiated per family with [`per_family!`] (as ripgrep's
/// `rgtest!` runs each test under both regex engines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// `"qi"` or `"ctx"`, as the JSON's `dialect` says.
    pub name: &'static str,
    /// `qtcp sim --model`.
    pub model: &'static str,
}

impl Family {
    /// The M95 family (AT+QIOPEN="TCP",..., +QIRDI).
    pub const QI: Family = Family {
        name: "qi",
        model: "m95",
    };
    /// The BG96/EC2x family (AT+QIOPEN=<cid>,<id>,..., +QIURC).
    pub const CTX: Family = Family {
        name: "ctx",
        model: "bg96",
    };

    pub fn is_ctx(self) -> bool {
        self.name == "ctx"
    }

    /// The simulator arguments of this family's model, then `extra`.
    pub fn sim_args<'a>(self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["--model", self.model];
        a.extend_from_slice(extra);
        a
    }

    /// `qtcp sim --model <model> EXTRA`.
    pub fn sim(self, extra: &[&str]) -> Sim {
        Sim::start(&self.sim_args(extra))
    }

    /// The highest connection index of the family (`--id`).
    pub fn max_id(self) -> u8 {
        if self.is_ctx() {
            11
        } else {
            5
        }
    }
}

/// Define a scenario once and run it on each module family: `per_family!(name, |f| { ... })`
/// makes the tests `name::qi` and `name::ctx`, each with its own simulator (`f.sim(...)`), so
/// they run in parallel and filter by family (`cargo test --test client ::ctx`).
#[macro_export]
macro_rules! per_family {
    ($(#[$meta:meta])* $name:ident, |$f:ident| $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn scenario($f: $crate::support::Family) $body
            #[test]
            fn qi() {
                scenario($crate::support::Family::QI)
            }
            #[test]
            fn ctx() {
                scenario($crate::support::Family::CTX)
            }
        }
    };
}
