//! Firmware-profile knobs, receive formats, link model.

use crate::support::pty::*;
use std::io::Write;
use std::time::{Duration, Instant};

#[test]
fn close_urc_indexed_by_default_and_plain() {
    for (flags, want) in [
        ("", &b"\r\n0, CLOSED\r\n"[..]),
        ("--close-urc indexed", b"\r\n0, CLOSED\r\n"),
        ("--close-urc plain", b"\r\nCLOSED\r\n"),
    ] {
        let (sim, mut p, s) = connected(flags);
        drop(s);
        p.expect(want);
        sim.shutdown();
    }
}

#[test]
fn already_connect_variants() {
    let (sim, mut p, _s) = connected("--already-connect plain");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nALREADY CONNECT\r\n");
    sim.shutdown();
    for flags in ["", "--already-connect with-error"] {
        let (sim, mut p, _s) = connected(flags);
        p.cmd(
            "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r",
            b"\r\nALREADY CONNECT\r\n\r\nERROR\r\n",
        );
        sim.shutdown();
    }
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --echo off --already-connect mux-connect-fail --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=1,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let _s = accept(&l);
    p.expect(b"\r\n1, CONNECT OK\r\n");
    p.cmd(
        "AT+QIOPEN=1,\"TCP\",\"1.2.3.4\",80\r",
        b"\r\nOK\r\n\r\n1, CONNECT FAIL\r\n",
    );
    sim.shutdown();
}

#[test]
fn qideact_in_initial() {
    let (sim, mut p) = start("--echo off --delays fast");
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--echo off --delays fast --qideact-in-initial error");
    p.cmd("AT+QIDEACT\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn implicit_activation() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--echo off --delays fast --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    sim.shutdown();
    let (sim, mut p) = start("--echo off --delays fast --no-implicit-activation");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn qiact_fail_state_ip_initial() {
    let (sim, mut p) = start("--echo off --delays fast --fault qiact-fail --qiact-fail-state ip-initial");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
    sim.shutdown();
}

#[test]
fn qirdi_once_vs_per_packet_and_qird_max() {
    let (sim, mut p, mut s) = connected("--qird-max 4");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    s.write_all(b"abcdef").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0\r\n");
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,4\r\nabcd\r\nOK\r\n",
    );
    s.write_all(b"g").unwrap();
    p.quiet(Duration::from_millis(100)); // once: buffer was not empty
    p.cmd(
        "AT+QIRD=0,1,0,2\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,2\r\nef\r\nOK\r\n",
    );
    p.cmd(
        "AT+QIRD=0,1,0,10\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,1\r\ng\r\nOK\r\n",
    );
    s.write_all(b"h").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0\r\n");
    // peer close: data stays readable, then ERROR
    // peer close: the close URC waits for the last byte to be read (module.md correction 4)
    drop(s);
    p.quiet(Duration::from_millis(100));
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: CONNECT OK\r\n");
    p.cmd(
        "AT+QIRD=0,1,0,10\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,1\r\nh\r\nOK\r\n\r\n0, CLOSED\r\n",
    );
    p.cmd("AT+QIRD=0,1,0,10\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();

    let (sim, mut p, mut s) = connected("--qirdi per-packet");
    p.cmd("AT+QINDI=2\r", b"\r\nOK\r\n");
    s.write_all(b"ab").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0,1,2,2\r\n");
    s.write_all(b"cde").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0,2,3,5\r\n");
    sim.shutdown();
}

#[test]
fn push_headers() {
    let (sim, mut p, mut s) = connected("");
    p.cmd("AT+QIHEAD=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QISHOWRA=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QISHOWPT=1\r", b"\r\nOK\r\n");
    s.write_all(b"xyz").unwrap();
    p.expect(b"RECV FROM:1.2.3.4:80\r\nIPD3TCP:xyz");
    p.cmd("AT+QISHOWRA=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QISHOWPT=0\r", b"\r\nOK\r\n");
    s.write_all(b"q").unwrap();
    p.expect(b"IPD1:q");
    sim.shutdown();
}

#[test]
fn qisend_limits_and_send_buffer() {
    // nothing is acknowledged during the test (the data reaches the server after rtt/2 = 3 s)
    let (sim, mut p, mut s) = connected("--qisend-max 10 --send-buffer 12 --rtt 6s");
    p.cmd("AT+QISEND=11\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND=0\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND=10\r", b"\r\n> ");
    p.cmd("0123456789", b"\r\nSEND OK\r\n");
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 10, 0, 10\r\n\r\nOK\r\n");
    p.cmd("AT+QISEND=3\r", b"\r\n> ");
    p.cmd("abc", b"\r\nSEND FAIL\r\n");
    // variable length with backspace, ^Z; ESC cancels
    p.cmd("AT+QISEND\r", b"\r\n> ");
    p.cmd("ab\x08c\x1a", b"\r\nSEND OK\r\n");
    p.cmd("AT+QISEND\r", b"\r\n> ");
    p.cmd("zz\x1b", b"\r\nOK\r\n");
    p.cmd("AT+QIPROMPT=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QISEND=1\r", b"");
    p.cmd("!", b"\r\nSEND FAIL\r\n");
    assert_eq!(sock_read(&mut s, 12), b"0123456789ac");
    sim.shutdown();
}

#[test]
fn atv0_and_identity() {
    let (sim, mut p) = start("--echo off --cmee 0");
    p.cmd(
        "ATI\r",
        b"\r\nQuectel_Ltd\r\nQuectel_M95\r\nRevision: M95FAR02A08\r\n\r\nOK\r\n",
    );
    p.cmd("AT+GSN\r", b"\r\n867451020123456\r\n\r\nOK\r\n");
    p.cmd("AT+CGMR\r", b"\r\nRevision: M95FAR02A08\r\n\r\nOK\r\n");
    p.cmd("AT+CSQ\r", b"\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
    p.cmd("AT+CFUN?\r", b"\r\n+CFUN: 1\r\n\r\nOK\r\n");
    p.cmd("AT+QIFGCNT=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QIFGCNT?\r", b"\r\n+QIFGCNT: 0,0\r\n\r\nOK\r\n");
    p.cmd("AT+QICSGP=1,\"CMNET\"\r", b"\r\nOK\r\n");
    p.cmd("AT+QICSGP=1, \"apn\",\"u\",\"p\"\r", b"\r\nOK\r\n");
    p.cmd("AT+QITCFG?\r", b"\r\n+QITCFG: 3,2,1460,1\r\n\r\nOK\r\n");
    p.cmd("AT+QIDNSIP?\r", b"\r\n+QIDNSIP: 0\r\n\r\nOK\r\n");
    p.cmd("AT+QIMODE?\r", b"\r\n+QIMODE: 0\r\n\r\nOK\r\n");
    p.cmd("ATV0\r", b"0\r");
    p.cmd("AT+QISTAT\r", b"0\r0\r\n");
    p.cmd("AT+BAD\r", b"4\r");
    p.cmd("ATV1\r", b"\r\nOK\r\n");
    p.cmd("AT+QPOWD=1\r", b"\r\nNORMAL POWER DOWN\r\n");
    p.send(b"AT\r");
    p.quiet(Duration::from_millis(100));
    sim.shutdown();
}

#[test]
fn creg_urc_on_cfun() {
    let (sim, mut p) = start("--echo off");
    p.cmd("AT+CREG=1\r", b"\r\nOK\r\n");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 1,1\r\n\r\nOK\r\n");
    p.cmd("AT+CFUN=0\r", b"\r\n+CREG: 0\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn uplink_rate_and_acks() {
    // 4000 B/s, rtt 200 ms: 4000 bytes reach the server in about 1 s
    let (sim, mut p, mut s) = connected("--uplink 4KB/s --rtt 200ms --send-buffer 7300");
    let t0 = Instant::now();
    for _ in 0..4 {
        p.cmd("AT+QISEND=1000\r", b"\r\n> ");
        p.send(&[b'x'; 1000]);
        p.expect(b"\r\nSEND OK\r\n");
    }
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 4000, 0, 4000\r\n\r\nOK\r\n");
    let got = sock_read(&mut s, 4000);
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(got.len(), 4000);
    assert!((0.85..1.15).contains(&el), "elapsed {el}");
    // all acked after rtt
    std::thread::sleep(Duration::from_millis(300));
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 4000, 4000, 0\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn line_baud_pacing() {
    // 38400 baud = 3840 B/s; 7680 pushed bytes take about 2 s
    let (sim, mut p, mut s) = connected("--line-baud 38400");
    let data = vec![b'z'; 7680];
    let t0 = Instant::now();
    s.write_all(&data).unwrap();
    let got = p.read_n(7680);
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(got, data);
    assert!((1.9..2.12).contains(&el), "elapsed {el}");
    sim.shutdown();
}

#[test]
fn downlink_rate() {
    let (sim, mut p, mut s) = connected("--downlink 5KB/s");
    let data = vec![b'd'; 5000];
    let t0 = Instant::now();
    s.write_all(&data).unwrap();
    let got = p.read_n(5000);
    let el = t0.elapsed().as_secs_f64();
    assert_eq!(got, data);
    assert!((0.9..1.1).contains(&el), "elapsed {el}");
    sim.shutdown();
}

#[test]
fn port_reopen_keeps_module_state() {
    let (sim, mut p, mut s) = connected("");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    drop(p);
    s.write_all(b"while away").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let mut p = open(sim.port());
    p.drain_for(Duration::from_millis(50));
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,10\r\nwhile away\r\nOK\r\n",
    );
    sim.shutdown();
}
