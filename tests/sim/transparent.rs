//! Transparent mode (QIMODE=1): CONNECT, data bridging, +++ with guard times, ATO, peer close.

use crate::support::pty::*;
use std::io::Write;
use std::time::Duration;

#[test]
fn transparent_session() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --guard-before 300ms --guard-after 150ms --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    activate(&mut p);
    // QIMODE only in IP INITIAL
    p.cmd("AT+QIMODE=1\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    p.cmd("AT+QIMODE=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QITCFG=3,1,512,1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT\r\n");
    p.send(b"hello AT\r");
    assert_eq!(sock_read(&mut s, 9), b"hello AT\r");
    s.write_all(b"back").unwrap();
    p.expect(b"back");
    // +++ without the guard before is data
    p.send(b"x+++");
    assert_eq!(sock_read(&mut s, 4), b"x+++");
    std::thread::sleep(Duration::from_millis(400));
    p.send(b"+++");
    p.quiet(Duration::from_millis(80));
    p.expect(b"\r\nOK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: CONNECT OK\r\n");
    p.cmd("ATO\r", b"\r\nCONNECT\r\n");
    p.send(b"more");
    assert_eq!(sock_read(&mut s, 4), b"more");
    drop(s);
    p.expect(b"\r\nCLOSED\r\n");
    p.cmd("ATO\r", b"\r\nNO CARRIER\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();
}
