//! The simulator's link model keeps its configured rates: the serial line in both directions
//! (`--line-baud`), the radio uplink (`--uplink`) and downlink (`--downlink`) are each measured
//! over a few seconds of sustained transfer and must come within 3 % of the configured rate.
//! The benchmark's goodput ratios are only as good as these rates.

use crate::support::pty::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const TOLERANCE: f64 = 0.03;

fn check(what: &str, measured: f64, configured: f64) {
    let err = measured / configured - 1.0;
    eprintln!(
        "{what}: measured {measured:.0} B/s, configured {configured:.0} B/s ({:+.2} %)",
        err * 100.0
    );
    assert!(
        err.abs() <= TOLERANCE,
        "{what}: measured {measured:.0} B/s, configured {configured:.0} B/s ({:+.2} %)",
        err * 100.0
    );
}

/// Read from the socket until `n` bytes arrived: (time of the first byte, of the last byte,
/// bytes in the first read).
fn sock_timed(s: &mut TcpStream, n: usize) -> (Instant, Instant, usize) {
    let dl = Instant::now() + Duration::from_secs(30);
    let mut b = vec![0u8; 65536];
    let mut got = 0;
    let mut first: Option<(Instant, usize)> = None;
    while got < n {
        assert!(Instant::now() < dl, "socket timeout after {got} bytes");
        match s.read(&mut b) {
            Ok(0) => panic!("socket closed after {got} bytes"),
            Ok(k) => {
                got += k;
                if first.is_none() {
                    first = Some((Instant::now(), k));
                }
            }
            Err(_) => {}
        }
    }
    let (t0, k0) = first.unwrap();
    (t0, Instant::now(), k0)
}

/// Module -> host over the line: data the server pushes (direct mode, no header) reaches the
/// host at baud/10 bytes per second.
#[test]
fn line_rate_module_to_host() {
    let (sim, mut p, mut s) = connected("--line-baud 115200");
    let n = 3 * 11_520;
    let data = vec![b'm'; n];
    let t0 = Instant::now();
    s.write_all(&data).unwrap();
    let got = p.read_n(n);
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(got, data);
    check("line, module to host", n as f64 / el, 11_520.0);
    sim.shutdown();
}

/// Host -> module over the line: fixed-length QISEND exchanges with echo off. Per chunk the
/// line carries `AT+QISEND=1460\r` (15) and the payload (1460) up and the prompt (4) and
/// `SEND OK` (11) down, one after the other: 1490 byte times.
#[test]
fn line_rate_host_to_module() {
    let (sim, mut p, mut s) = connected("--line-baud 115200");
    let chunks = 20;
    let data = vec![b'h'; 1460];
    let reader = std::thread::spawn(move || sock_read_all(&mut s, chunks * 1460));
    let t0 = Instant::now();
    for _ in 0..chunks {
        p.cmd("AT+QISEND=1460\r", b"\r\n> ");
        p.send(&data);
        p.expect(b"\r\nSEND OK\r\n");
    }
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(reader.join().unwrap(), chunks * 1460);
    check(
        "line, host to module (QISEND exchanges)",
        (chunks * 1490) as f64 / el,
        11_520.0,
    );
    // and a slow line: one chunk at 9600 baud takes (1460 + 11) / 960 s after the prompt
    sim.shutdown();
    let (sim, mut p, _s) = connected("--line-baud 9600");
    p.cmd("AT+QISEND=1460\r", b"\r\n> ");
    let t0 = Instant::now();
    p.send(&data);
    p.expect(b"\r\nSEND OK\r\n");
    let el = t0.elapsed().as_secs_f64();
    check("line at 9600 baud, payload + SEND OK", 1471.0 / el, 960.0);
    sim.shutdown();
}

fn sock_read_all(s: &mut TcpStream, n: usize) -> usize {
    let (_, _, _) = sock_timed(s, n);
    n
}

/// The radio uplink drains the send buffer at the configured rate (line unpaced, buffer large
/// enough that the host never waits).
#[test]
fn uplink_rate() {
    let (sim, mut p, mut s) = connected("--uplink 40KB/s --send-buffer 1000000");
    let chunks = 100; // 146 000 bytes: 3.65 s
    let n = chunks * 1460;
    let reader = std::thread::spawn(move || sock_timed(&mut s, n));
    let data = vec![b'u'; 1460];
    for _ in 0..chunks {
        p.cmd("AT+QISEND=1460\r", b"\r\n> ");
        p.send(&data);
        p.expect(b"\r\nSEND OK\r\n");
    }
    let (t0, t1, first) = reader.join().unwrap();
    check("uplink", (n - first) as f64 / (t1 - t0).as_secs_f64(), 40_000.0);
    sim.shutdown();
}

/// Server data reaches the module at the downlink rate (line unpaced, direct push mode).
#[test]
fn downlink_rate() {
    let (sim, mut p, mut s) = connected("--downlink 40KB/s");
    let n = 140_000; // 3.5 s
    let data = vec![b'd'; n];
    s.write_all(&data).unwrap();
    let first = p.read_n(1);
    let t0 = Instant::now();
    let rest = p.read_n(n - 1);
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(first.len() + rest.len(), n);
    check("downlink", (n - 1) as f64 / el, 40_000.0);
    sim.shutdown();
}
