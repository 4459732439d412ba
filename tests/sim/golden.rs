//! Golden transcripts of module.md §7.5 over a real pty, byte-exact.

use crate::support::pty::*;
use std::io::Write;

#[test]
fn single_mode_golden() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --map 1.2.3.4:80=127.0.0.1:{port}"));
    p.cmd("ATE0\r", b"ATE0\r\r\nOK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP START\r\n");
    p.cmd("AT+QIACT\r", b"\r\nOK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP GPRSACT\r\n");
    p.cmd("AT+QILOCIP\r", b"\r\n10.0.0.2\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP STATUS\r\n");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: CONNECT OK\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\n> ");
    p.cmd("hello", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 5), b"hello");
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 5, 5, 0\r\n\r\nOK\r\n");
    s.write_all(b"abc").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0\r\n");
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,3\r\nabc\r\nOK\r\n",
    );
    p.cmd("AT+QIRD=0,1,0,1500\r", b"\r\nOK\r\n");
    p.cmd("AT+QICLOSE\r", b"\r\nCLOSE OK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
    assert!(sock_read_to_eof(&mut s).is_empty());
    sim.shutdown();
}

#[test]
fn single_mode_golden_echo_on() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --map 1.2.3.4:80=127.0.0.1:{port}"));
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    p.cmd("AT\r\n", b"AT\r\r\nOK\r\n");
    p.cmd("AT+QIREGAPP\r", b"AT+QIREGAPP\r\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"AT+QIACT\r\r\nOK\r\n");
    p.cmd("AT+QILOCIP\r", b"AT+QILOCIP\r\r\n10.0.0.2\r\n");
    p.cmd("AT+QISDE=0\r", b"AT+QISDE=0\r\r\nOK\r\n");
    p.cmd(
        "AT+QIOPEN=\"TCP\",\"1.2.3.4\",\"80\"\r",
        b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",\"80\"\r\r\nOK\r\n",
    );
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=3\r", b"AT+QISEND=3\r\r\n> ");
    // payload not echoed with QISDE=0; a CR inside the payload is data
    p.send(b"x\ry");
    assert_eq!(sock_read(&mut s, 3), b"x\ry");
    p.expect(b"\r\nSEND OK\r\n");
    // QINDI=0: raw push, no header
    s.write_all(b"push").unwrap();
    p.expect(b"push");
    p.cmd("AT+QISDE=1\r", b"AT+QISDE=1\r\r\nOK\r\n");
    p.cmd("AT+QISEND=2\r", b"AT+QISEND=2\r\r\n> ");
    p.cmd("ok", b"ok\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 2), b"ok");
    s.shutdown(std::net::Shutdown::Both).unwrap();
    p.expect(b"\r\n0, CLOSED\r\n");
    p.cmd("AT+QISTAT\r", b"AT+QISTAT\r\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();
}

#[test]
fn mux_mode_golden() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --map 1.2.3.4:80=127.0.0.1:{port}"));
    p.cmd("ATE0\r", b"ATE0\r\r\nOK\r\n");
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIMUX?\r", b"\r\n+QIMUX: 1\r\n\r\nOK\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=2,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\n2, CONNECT OK\r\n");
    p.cmd("AT+QISEND=2,5\r", b"\r\n> ");
    p.cmd("hello", b"\r\n2, SEND OK\r\n");
    assert_eq!(sock_read(&mut s, 5), b"hello");
    p.cmd("AT+QISACK=2\r", b"\r\n+QISACK: 5, 5, 0\r\n\r\nOK\r\n");
    p.cmd("AT+QISACK\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND=5\r", b"\r\nERROR\r\n");
    s.write_all(b"abc").unwrap();
    p.expect(b"\r\n+RECEIVE: 2, 3\r\nabc");
    p.cmd(
        "AT+QISTAT\r",
        b"\r\n+QISTAT: 0, \"\", \"\",\r\n\r\n+QISTAT: 1, \"\", \"\",\r\n\r\n+QISTAT: 2, \"TCP\", \"1.2.3.4\", 80,\r\n\r\n+QISTAT: 3, \"\", \"\",\r\n\r\n+QISTAT: 4, \"\", \"\",\r\n\r\n+QISTAT: 5, \"\", \"\",\r\n\r\nOK\r\n",
    );
    p.cmd(
        "AT+QIOPEN=2,\"TCP\",\"1.2.3.4\",80\r",
        b"\r\nALREADY CONNECT\r\n\r\nERROR\r\n",
    );
    p.cmd("AT+QICLOSE=2\r", b"\r\n2, CLOSE OK\r\n");
    p.cmd("AT+QICLOSE=2\r", b"\r\nERROR\r\n");
    // peer close on another index
    p.cmd("AT+QIOPEN=0,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let s0 = accept(&l);
    p.expect(b"\r\n0, CONNECT OK\r\n");
    drop(s0);
    p.expect(b"\r\n0, CLOSED\r\n");
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    sim.shutdown();
}

#[test]
fn udp_echo_builtin() {
    let (sim, mut p) = start("--delays fast");
    activate(&mut p);
    p.cmd("AT+QIOPEN=\"UDP\",\"220.180.239.212\",\"8062\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QISEND=4\r", b"\r\n> ");
    p.cmd("ping", b"\r\nSEND OK\r\n");
    p.expect(b"\r\n+QIRDI: 0,1,0\r\n");
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 220.180.239.212:8062,UDP,4\r\nping\r\nOK\r\n",
    );
    sim.shutdown();
}

#[test]
fn tcp_echo_builtin() {
    let (sim, mut p) = start("--delays fast");
    activate(&mut p);
    p.cmd("AT+QIOPEN=\"TCP\",\"220.180.239.212\",\"8063\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=4\r", b"\r\n> ");
    p.cmd("pong", b"\r\nSEND OK\r\n");
    p.expect(b"pong");
    sim.shutdown();
}

#[test]
fn mux_retrieve_mode_and_qistate() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --echo off --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=3,\"TCP\",\"1.2.3.4\",\"80\"\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\n3, CONNECT OK\r\n");
    s.write_all(b"data").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,3\r\n");
    p.cmd("AT+QIRD=0,1,0,1500\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIRD=0,1,3,1500\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,4\r\ndata\r\nOK\r\n",
    );
    p.cmd(
        "AT+QISTATE\r",
        b"\r\nOK\r\n\r\nSTATE: IP GPRSACT\r\n\
\r\n+QISTATE: 0, \"\", \"\", , \"INITIAL\"\r\n\
\r\n+QISTATE: 1, \"\", \"\", , \"INITIAL\"\r\n\
\r\n+QISTATE: 2, \"\", \"\", , \"INITIAL\"\r\n\
\r\n+QISTATE: 3, \"TCP\", \"1.2.3.4\", 80, \"CONNECTED\"\r\n\
\r\n+QISTATE: 4, \"\", \"\", , \"INITIAL\"\r\n\
\r\n+QISTATE: 5, \"\", \"\", , \"INITIAL\"\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QICLOSE\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn urc_held_during_qisend_data_phase() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!("--delays fast --map 1.2.3.4:80=127.0.0.1:{port}"));
    activate(&mut p);
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=4\r", b"\r\n> ");
    p.send(b"ab");
    s.write_all(b"in").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.send(b"cd");
    p.expect(b"\r\nSEND OK\r\n\r\n+QIRDI: 0,1,0\r\n");
    sim.shutdown();
}
