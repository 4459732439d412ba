//! The raw pty client of the simulator tests (an in-process `Simulator`, bytes in and out with
//! deadlines) and loopback servers driven byte by byte.
#![allow(dead_code)]

use qtcp::sim::{SimArgs, Simulator};
use serialport::TTYPort;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

pub const T: Duration = Duration::from_secs(5);

pub struct Port {
    pub p: TTYPort,
    pub buf: Vec<u8>,
}

pub fn start(flags: &str) -> (Simulator, Port) {
    let args = SimArgs::parse_inline(flags).expect("flags");
    let sim = Simulator::start(&args).expect("sim start");
    let port = open(sim.port());
    (sim, port)
}

pub fn open(path: &std::path::Path) -> Port {
    let p = serialport::new(path.to_string_lossy(), 115200)
        .timeout(Duration::from_millis(20))
        .open_native()
        .expect("open slave");
    Port { p, buf: Vec::new() }
}

pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

impl Port {
    pub fn send(&mut self, b: &[u8]) {
        self.p.write_all(b).unwrap();
        self.p.flush().unwrap();
    }

    fn fill(&mut self) -> std::io::Result<usize> {
        let mut b = [0u8; 4096];
        match self.p.read(&mut b) {
            Ok(n) => {
                self.buf.extend_from_slice(&b[..n]);
                Ok(n)
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Read exactly n bytes (deadline T).
    pub fn read_n(&mut self, n: usize) -> Vec<u8> {
        let dl = Instant::now() + T;
        while self.buf.len() < n {
            assert!(
                Instant::now() < dl,
                "timeout waiting for {n} bytes, have {:?}",
                show(&self.buf)
            );
            self.fill().expect("read");
        }
        self.buf.drain(..n).collect()
    }

    /// Read up to and including `pat` (deadline `t`).
    pub fn read_until_t(&mut self, pat: &[u8], t: Duration) -> Vec<u8> {
        let dl = Instant::now() + t;
        loop {
            if let Some(i) = self.buf.windows(pat.len()).position(|w| w == pat) {
                return self.buf.drain(..i + pat.len()).collect();
            }
            assert!(
                Instant::now() < dl,
                "timeout waiting for {:?}, have {:?}",
                show(pat),
                show(&self.buf)
            );
            self.fill().expect("read");
        }
    }

    pub fn read_until(&mut self, pat: &[u8]) -> Vec<u8> {
        self.read_until_t(pat, T)
    }

    /// Expect exactly these bytes next.
    pub fn expect(&mut self, want: &[u8]) {
        let got = self.read_n(want.len());
        assert_eq!(show(&got), show(want));
    }

    /// Send a command and expect exactly `want` as the answer.
    pub fn cmd(&mut self, c: &str, want: &[u8]) {
        self.send(c.as_bytes());
        self.expect(want);
    }

    /// Everything that arrives within `d`.
    pub fn drain_for(&mut self, d: Duration) -> Vec<u8> {
        let dl = Instant::now() + d;
        while Instant::now() < dl {
            if self.fill().is_err() {
                break;
            }
        }
        std::mem::take(&mut self.buf)
    }

    /// Assert nothing arrives within `d`.
    pub fn quiet(&mut self, d: Duration) {
        let b = self.drain_for(d);
        assert!(b.is_empty(), "unexpected output {:?}", show(&b));
    }
}

pub fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

pub fn accept(l: &TcpListener) -> TcpStream {
    l.set_nonblocking(true).unwrap();
    let dl = Instant::now() + T;
    loop {
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
                return s;
            }
            Err(_) => {
                assert!(Instant::now() < dl, "no connection");
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

/// Read exactly n bytes from a socket (deadline T).
pub fn sock_read(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let dl = Instant::now() + T;
    let mut out = Vec::new();
    let mut b = [0u8; 4096];
    while out.len() < n {
        assert!(Instant::now() < dl, "socket timeout, have {:?}", show(&out));
        match s.read(&mut b[..(n - out.len()).min(4096)]) {
            Ok(0) => panic!("socket closed after {} bytes", out.len()),
            Ok(k) => out.extend_from_slice(&b[..k]),
            Err(_) => {}
        }
    }
    out
}

/// Wait until the peer closes; returns the bytes read before.
pub fn sock_read_to_eof(s: &mut TcpStream) -> Vec<u8> {
    let dl = Instant::now() + T;
    let mut out = Vec::new();
    let mut b = [0u8; 4096];
    loop {
        assert!(Instant::now() < dl, "socket not closed, have {}", out.len());
        match s.read(&mut b) {
            Ok(0) => return out,
            Ok(k) => out.extend_from_slice(&b[..k]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return out,
        }
    }
}

/// Bring the module to an activated context (ATE0, fast delays assumed).
pub fn activate(p: &mut Port) {
    p.cmd("ATE0\r", b"ATE0\r\r\nOK\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nOK\r\n");
    p.cmd("AT+QILOCIP\r", b"\r\n10.0.0.2\r\n");
}

/// A module with an activated context and one TCP connection (as 1.2.3.4:80) to a loopback
/// server: the simulator, the pty and the server's end. `flags` are added to `--delays fast`.
pub fn connected(flags: &str) -> (Simulator, Port, TcpStream) {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --map 1.2.3.4:80=127.0.0.1:{port} {flags}"
    ));
    activate(&mut p);
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    (sim, p, s)
}
