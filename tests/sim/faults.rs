//! One test per `--fault`.

use crate::support::pty::*;
use std::io::Write;
use std::time::{Duration, Instant};

fn open_tcp(p: &mut Port, port: u16) {
    p.cmd(
        &format!("AT+QIOPEN=\"TCP\",\"127.0.0.1\",{port}\r"),
        b"\r\nOK\r\n",
    );
}

#[test]
fn peer_close_after_bytes() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault peer-close-after-bytes=3");
    activate(&mut p);
    open_tcp(&mut p, port);
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\n> ");
    p.send(b"hello");
    p.expect(b"\r\nSEND OK\r\n\r\n0, CLOSED\r\n");
    assert_eq!(sock_read_to_eof(&mut s), b"hel");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    // fires once: a new connection works
    open_tcp(&mut p, port);
    let mut s2 = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\n> ");
    p.cmd("world", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s2, 5), b"world");
    sim.shutdown();
}

#[test]
fn pdp_deact_after_bytes() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault pdp-deact-after-bytes=2");
    activate(&mut p);
    open_tcp(&mut p, port);
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\n> ");
    p.send(b"hello");
    p.expect(b"\r\nSEND OK\r\n\r\n0, CLOSED\r\n\r\n+PDP DEACT\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: PDP DEACT\r\n");
    open_tcp_err(&mut p, port);
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
    sim.shutdown();
}

fn open_tcp_err(p: &mut Port, port: u16) {
    p.cmd(
        &format!("AT+QIOPEN=\"TCP\",\"127.0.0.1\",{port}\r"),
        b"\r\nERROR\r\n",
    );
}

#[test]
fn pdp_deact_after_time() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault pdp-deact-after=300ms");
    activate(&mut p);
    open_tcp(&mut p, port);
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    let got = p.read_until_t(b"+PDP DEACT\r\n", Duration::from_secs(3));
    assert_eq!(show(&got), show(b"\r\n0, CLOSED\r\n\r\n+PDP DEACT\r\n"));
    sim.shutdown();
}

#[test]
fn ack_stall_after_bytes() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --send-buffer 10 --fault ack-stall-after-bytes=3");
    activate(&mut p);
    open_tcp(&mut p, port);
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\n> ");
    p.cmd("hello", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 3), b"hel");
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 5, 3, 2\r\n\r\nOK\r\n");
    p.cmd("AT+QISEND=9\r", b"\r\n> ");
    p.cmd("123456789", b"\r\nSEND FAIL\r\n");
    p.cmd("AT+QISEND=8\r", b"\r\n> ");
    p.cmd("12345678", b"\r\nSEND OK\r\n");
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 13, 3, 10\r\n\r\nOK\r\n");
    std::thread::sleep(Duration::from_millis(100));
    let mut b = [0u8; 16];
    assert!(
        std::io::Read::read(&mut s, &mut b).is_err(),
        "nothing beyond the stall"
    );
    sim.shutdown();
}

#[test]
fn connect_fail_n() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault connect-fail=1");
    activate(&mut p);
    open_tcp(&mut p, port);
    p.expect(b"\r\nCONNECT FAIL\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    open_tcp(&mut p, port);
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    sim.shutdown();
}

#[test]
fn dns_fail() {
    let (_l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --map example.com=127.0.0.1:{port} --fault dns-fail"
    ));
    activate(&mut p);
    p.cmd("AT+QIDNSIP=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIDNSGIP=\"example.com\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\nERROR\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"example.com\",80\r", b"\r\nOK\r\n");
    p.expect(b"\r\nCONNECT FAIL\r\n");
    sim.shutdown();
}

#[test]
fn dns_mapped_name_works() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --map example.com=127.0.0.1:{port}"));
    activate(&mut p);
    p.cmd("AT+QIDNSIP=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIDNSGIP=\"example.com\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\n10.99.0.1\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"example.com\",80\r", b"\r\nOK\r\n");
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QIDNSGIP=\"unknown.invalid\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn sim_absent_pin_busy() {
    let (sim, mut p) = start("--echo off --cmee 0 --fault sim=absent");
    p.cmd("AT+CPIN?\r", b"\r\nERROR\r\n");
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 10\r\n");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,0\r\n\r\nOK\r\n");
    p.cmd("AT+CGATT?\r", b"\r\n+CGATT: 0\r\n\r\nOK\r\n");
    p.cmd("AT+CMEE=2\r", b"\r\nOK\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: SIM not inserted\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--echo off --fault sim=pin");
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--echo off --cmee 1 --fault sim=busy --delays fast");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn no_register() {
    let (sim, mut p) = start("--echo off --delays fast --fault no-register");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,2\r\n\r\nOK\r\n");
    p.cmd("AT+CGATT?\r", b"\r\n+CGATT: 0\r\n\r\nOK\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: PDP DEACT\r\n");
    sim.shutdown();
}

#[test]
fn no_attach() {
    let (sim, mut p) = start("--echo off --delays fast --fault no-attach");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    p.cmd("AT+CGREG?\r", b"\r\n+CGREG: 0,2\r\n\r\nOK\r\n");
    p.cmd("AT+CGATT?\r", b"\r\n+CGATT: 0\r\n\r\nOK\r\n");
    p.cmd("AT+CGATT=1\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn qiact_fail() {
    let (sim, mut p) = start("--echo off --delays fast --fault qiact-fail");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: PDP DEACT\r\n");
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    sim.shutdown();
}

#[test]
fn silent_prefix() {
    let (sim, mut p) = start("--delays fast --fault silent=AT+QIACT");
    p.send(b"AT+QIACT\r");
    p.quiet(Duration::from_millis(200));
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    p.cmd("AT+QIDEACT\r", b"AT+QIDEACT\r\r\nDEACT OK\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--fault silent=*");
    p.send(b"AT\r");
    p.quiet(Duration::from_millis(200));
    sim.shutdown();
}

#[test]
fn sync_after() {
    let (sim, mut p) = start("--fault sync-after=2");
    p.send(b"AT\r");
    p.quiet(Duration::from_millis(100));
    p.send(b"AT\r");
    p.quiet(Duration::from_millis(100));
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    sim.shutdown();
}

const BOOT: &[u8] = b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n";

#[test]
fn reboot_after_time() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault reboot-after=300ms");
    activate(&mut p);
    open_tcp(&mut p, port);
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    let got = p.read_until_t(b"SMS Ready\r\n", Duration::from_secs(3));
    assert_eq!(show(&got), show(BOOT));
    assert!(sock_read_to_eof(&mut s).is_empty());
    // settings reset: echo back on (ATE0 was not saved)
    p.cmd("AT+QISTAT\r", b"AT+QISTAT\r\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
    sim.shutdown();
}

#[test]
fn reboot_after_bytes_and_cfun() {
    let (l, port) = listener();
    let (sim, mut p) = start("--delays fast --fault reboot-after-bytes=2");
    activate(&mut p);
    open_tcp(&mut p, port);
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=4\r", b"\r\n> ");
    p.send(b"abcd");
    p.expect(b"\r\nSEND OK\r\n");
    let got = p.read_until(b"SMS Ready\r\n");
    assert_eq!(show(&got), show(BOOT));
    p.cmd("AT+CFUN=1,1\r", b"AT+CFUN=1,1\r\r\nOK\r\n");
    let got = p.read_until(b"SMS Ready\r\n");
    assert_eq!(show(&got), show(BOOT));
    sim.shutdown();
}

#[test]
fn noise() {
    let (sim, mut p) = start("--echo off --fault noise=1 --seed 7");
    p.send(b"AT\r");
    let got = p.read_until(b"\r\nOK\r\n");
    assert!(got.len() > 6, "noise expected: {}", show(&got));
    assert!(got.starts_with(b"\r\n"));
    let garbage = &got[2..got.len() - 8];
    assert!(garbage.iter().all(|&b| !(0x20..0x7f).contains(&b)));
    sim.shutdown();
}

#[test]
fn fragment() {
    let (sim, mut p) = start("--echo off --fault fragment=3/20ms");
    let t = Instant::now();
    p.cmd("AT+CSQ\r", b"\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
    // 20 bytes in 7 pieces: 6 pauses
    assert!(t.elapsed() >= Duration::from_millis(110), "{:?}", t.elapsed());
    sim.shutdown();
}

#[test]
fn vanish_after() {
    let (sim, mut p) = start("--fault vanish-after=200ms");
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    let dl = Instant::now() + T;
    let mut b = [0u8; 16];
    loop {
        assert!(Instant::now() < dl, "port did not vanish");
        match std::io::Read::read(&mut p.p, &mut b) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
    }
    sim.shutdown();
}

#[test]
fn host_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("host.jsonl");
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --host-log {}", log.display()));
    activate(&mut p);
    open_tcp(&mut p, port);
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=3\r", b"\r\n> ");
    p.cmd("abc", b"\r\nSEND OK\r\n");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let cmds: Vec<&str> = lines.iter().filter_map(|v| v["line"].as_str()).collect();
    assert_eq!(
        cmds,
        vec![
            "ATE0",
            "AT+QIREGAPP",
            "AT+QIACT",
            "AT+QILOCIP",
            &format!("AT+QIOPEN=\"TCP\",\"127.0.0.1\",{port}"),
            "AT+QISEND=3"
        ]
    );
    assert_eq!(lines.last().unwrap()["data_len"], 3);
    assert!(lines.iter().all(|v| v["t_ms"].is_u64()));
    drop(p);
    sim.shutdown();
    let _ = Write::flush(&mut std::io::stdout());
}
