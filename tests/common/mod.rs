//! Shared harness for end-to-end tests: a `qtcp sim` process per test, the real `qtcp` binary
//! with a hard deadline, and loopback servers that record what they receive. Every test owns
//! its simulator, its pty and its ports, so tests run in parallel.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_qtcp");

/// A `qtcp sim` process; killed (SIGTERM) on drop.
pub struct Sim {
    child: Child,
    pub port: String,
    pub dir: tempfile::TempDir,
}

impl Sim {
    pub fn start(args: &[&str]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .arg("sim")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qtcp sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("sim ready line");
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("sim printed {line:?}: {e}"));
        let port = v["port"].as_str().expect("port").to_string();
        Sim { child, port, dir }
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
}

impl Drop for Sim {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The result of one qtcp run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
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
    let start = Instant::now();
    let mut child = Command::new(BIN)
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
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("qtcp {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        elapsed: start.elapsed(),
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

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn write_file(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
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
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            if start.elapsed() > within {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "qtcp did not finish within {within:?}; stderr: {}",
                    self.err.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        for t in self.threads.drain(..) {
            t.join().unwrap();
        }
        let stderr = self.err.lock().unwrap().clone();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: std::mem::take(&mut *self.out.lock().unwrap()),
            stderr,
            elapsed: start.elapsed(),
        }
    }
}
