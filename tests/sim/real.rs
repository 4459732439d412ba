//! Behaviour of real modules that the simulator reproduces (issue 11; module.md "Corrections
//! from real modules"), each through a real pty and real sockets.

use crate::support::pty::*;
use std::io::Write;
use std::time::Duration;

/// Wait for a +QIRDI and let the rest of the server's bytes arrive.
fn settle(p: &mut Port) {
    p.read_until(b"+QIRDI: 0,1,0\r\n");
    p.quiet(Duration::from_millis(100));
}

#[test]
fn close_urc_waits_until_the_last_byte_is_read() {
    let (sim, mut p, mut s) = connected("");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    let data: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    s.write_all(&data).unwrap();
    drop(s);
    settle(&mut p);
    // the peer is gone, but while data is unread the module says nothing of it
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: CONNECT OK\r\n");
    let mut want = b"\r\n+QIRD: 1.2.3.4:80,TCP,1500\r\n".to_vec();
    want.extend_from_slice(&data[..1500]);
    want.extend_from_slice(b"\r\nOK\r\n");
    p.cmd("AT+QIRD=0,1,0,1500\r", &want);
    p.quiet(Duration::from_millis(50));
    let mut want = b"\r\n+QIRD: 1.2.3.4:80,TCP,500\r\n".to_vec();
    want.extend_from_slice(&data[1500..]);
    want.extend_from_slice(b"\r\nOK\r\n\r\n0, CLOSED\r\n");
    p.cmd("AT+QIRD=0,1,0,1500\r", &want);
    p.cmd("AT+QIRD=0,1,0,1500\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();
}

#[test]
fn close_urc_at_once_when_nothing_is_unread() {
    let (sim, mut p, s) = connected("");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    drop(s);
    p.expect(b"\r\n0, CLOSED\r\n");
    p.cmd("AT+QIRD=0,1,0,1500\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();
}

#[test]
fn close_urc_follows_pushed_data() {
    // QINDI=0: the data is pushed, so nothing is unread when the peer's FIN is seen
    let (sim, mut p, mut s) = connected("");
    s.write_all(b"bye").unwrap();
    drop(s);
    p.expect(b"bye\r\n0, CLOSED\r\n");
    sim.shutdown();
}

#[test]
fn qiclose_while_a_close_is_held_is_close_ok() {
    let (sim, mut p, mut s) = connected("");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    s.write_all(b"unread").unwrap();
    drop(s);
    settle(&mut p);
    p.cmd("AT+QICLOSE\r", b"\r\nCLOSE OK\r\n");
    p.quiet(Duration::from_millis(50));
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n");
    sim.shutdown();
}

#[test]
fn mux_close_urc_waits_for_the_read_too() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --echo off --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=3,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\n3, CONNECT OK\r\n");
    s.write_all(b"xy").unwrap();
    drop(s);
    p.expect(b"\r\n+QIRDI: 0,1,3\r\n");
    p.quiet(Duration::from_millis(100));
    p.cmd(
        "AT+QIRD=0,1,3,1500\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,2\r\nxy\r\nOK\r\n\r\n3, CLOSED\r\n",
    );
    sim.shutdown();
}

#[test]
fn mux_send_results_name_the_connection() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --echo off --send-buffer 8 --rtt 4s --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=4,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\n4, CONNECT OK\r\n");
    p.cmd("AT+QISEND=4,5\r", b"\r\n> ");
    p.cmd("hello", b"\r\n4, SEND OK\r\n");
    assert_eq!(sock_read(&mut s, 5), b"hello");
    // nothing is acknowledged yet (the first ack comes 4 s after the data left): 5 + 5 bytes
    // exceed the 8-byte send buffer; the data reached the server half a round trip after it left
    p.cmd("AT+QISEND=4,5\r", b"\r\n> ");
    p.cmd("again", b"\r\n4, SEND FAIL\r\n");
    sim.shutdown();
}

#[test]
fn characters_before_at_are_ignored() {
    let (sim, mut p) = start("--delays fast --echo off --cmee 0");
    // the application note's recovery: `+++` in command mode is not answered, then AT+QIDEACT
    p.send(b"+++");
    p.quiet(Duration::from_millis(100));
    p.cmd("AT+QIDEACT\r", b"\r\nDEACT OK\r\n");
    p.send(b"\x00\xffxyzAT+CMEE?\r");
    p.expect(b"\r\n+CMEE: 0\r\n\r\nOK\r\n");
    p.cmd("at\r", b"\r\nOK\r\n");
    // a line with no AT at all is still an error
    p.cmd("hello\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn a_lone_esc_cancels_the_line_silently() {
    let (sim, mut p) = start("--delays fast");
    p.send(b"AT+QIDE\x1b");
    // the typed characters were echoed; the ESC cancels without an answer or an echo
    p.expect(b"AT+QIDE");
    p.quiet(Duration::from_millis(100));
    p.cmd("\r", b"\r");
    p.quiet(Duration::from_millis(50));
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn everyday_commands_are_answered() {
    let (sim, mut p) = start("--delays fast --echo off --cmee 0");
    p.cmd("AT+COPS?\r", b"\r\n+COPS: 0,0,\"CHINA MOBILE\"\r\n\r\nOK\r\n");
    p.cmd("AT+COPS=0\r", b"\r\nOK\r\n");
    p.cmd("AT+CCLK=\"24/02/29,23:59:58+08\"\r", b"\r\nOK\r\n");
    p.send(b"AT+CCLK?\r");
    let ans = p.read_until(b"\r\n\r\nOK\r\n");
    let text = String::from_utf8(ans).unwrap();
    // set a moment ago: the clock runs on from the value set
    assert!(
        text == "\r\n+CCLK: \"24/02/29,23:59:58+08\"\r\n\r\nOK\r\n"
            || text == "\r\n+CCLK: \"24/02/29,23:59:59+08\"\r\n\r\nOK\r\n",
        "{text:?}"
    );
    p.cmd("AT+CCLK=\"24/02/30,00:00:00+00\"\r", b"\r\nERROR\r\n");
    p.cmd("AT+CPAS\r", b"\r\n+CPAS: 0\r\n\r\nOK\r\n");
    p.cmd("AT+QCCID\r", b"\r\n89860012345678901234\r\n\r\nOK\r\n");
    p.cmd("AT+CIMI\r", b"\r\n460001234567890\r\n\r\nOK\r\n");
    p.cmd("AT+CEER\r", b"\r\n+CEER: 0,0\r\n\r\nOK\r\n");
    p.cmd("AT+CGDCONT=1,\"IP\",\"internet\"\r", b"\r\nOK\r\n");
    p.cmd(
        "AT+CGDCONT?\r",
        b"\r\n+CGDCONT: 1,\"IP\",\"internet\",\"0.0.0.0\",0,0\r\n\r\nOK\r\n",
    );
    p.cmd("AT+CGACT?\r", b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n");
    p.cmd("AT+CMGF=1\r", b"\r\nOK\r\n");
    p.cmd("AT+CMGF?\r", b"\r\n+CMGF: 1\r\n\r\nOK\r\n");
    p.cmd("AT+CMGL=\"ALL\"\r", b"\r\nOK\r\n");
    p.cmd("AT+CMGD=1,4\r", b"\r\nOK\r\n");
    p.cmd("AT+QMGDA=\"DEL ALL\"\r", b"\r\nOK\r\n");
    p.cmd("AT&W\r", b"\r\nOK\r\n");
    p.cmd("AT+IFC=2,2\r", b"\r\nOK\r\n");
    p.cmd("AT+IFC?\r", b"\r\n+IFC: 2,2\r\n\r\nOK\r\n");
    // unknown commands: ERROR, or +CME ERROR: 100 with CMEE=1
    p.cmd("AT+FOO\r", b"\r\nERROR\r\n");
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd("AT+FOO\r", b"\r\n+CME ERROR: 100\r\n");
    p.cmd("AT+QIFOO\r", b"\r\n+CME ERROR: 100\r\n");
    p.cmd("AT+CMEE=2\r", b"\r\nOK\r\n");
    p.cmd("AT+FOO\r", b"\r\n+CME ERROR: unknown\r\n");
    sim.shutdown();
}

#[test]
fn sim_dependent_everyday_commands_wait_for_the_sim() {
    let (sim, mut p) = start("--delays fast --echo off --cmee 1 --fault sim=absent");
    p.cmd("AT+QCCID\r", b"\r\n+CME ERROR: 10\r\n");
    p.cmd("AT+CMGL=4\r", b"\r\n+CME ERROR: 10\r\n");
    p.cmd("AT+COPS?\r", b"\r\n+COPS: 0\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qindi_2_announces_every_packet_with_its_length_and_the_total() {
    // with the default --qirdi once: QINDI=2 is per packet all the same
    let (sim, mut p, mut s) = connected("");
    p.cmd("AT+QINDI=2\r", b"\r\nOK\r\n");
    s.write_all(b"abc").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0,1,3,3\r\n");
    s.write_all(b"defgh").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0,2,5,8\r\n");
    p.cmd(
        "AT+QIRD=0,1,0,4\r",
        b"\r\n+QIRD: 1.2.3.4:80,TCP,4\r\nabcd\r\nOK\r\n",
    );
    s.write_all(b"ij").unwrap();
    p.expect(b"\r\n+QIRDI: 0,1,0,2,2,6\r\n");
    sim.shutdown();
}

/// A UDP "connection" to a loopback UDP server, and the server knowing the module's address.
fn udp_connected(
    flags: &str,
) -> (
    qtcp::sim::Simulator,
    Port,
    std::net::UdpSocket,
    std::net::SocketAddr,
) {
    let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    server.set_read_timeout(Some(T)).unwrap();
    let port = server.local_addr().unwrap().port();
    let (sim, mut p) = start(&format!(
        "--delays fast --map 1.2.3.4:9000=127.0.0.1:{port} {flags}"
    ));
    activate(&mut p);
    p.cmd("AT+QINDI=2\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=\"UDP\",\"1.2.3.4\",9000\r", b"\r\nOK\r\n");
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QISEND=4\r", b"\r\n> ");
    p.cmd("ping", b"\r\nSEND OK\r\n");
    let mut b = [0u8; 64];
    let (n, module) = server.recv_from(&mut b).unwrap();
    assert_eq!(&b[..n], b"ping");
    (sim, p, server, module)
}

#[test]
fn udp_retrieve_returns_one_record_per_datagram() {
    let (sim, mut p, server, module) = udp_connected("");
    for (i, d) in [&b"one"[..], b"two!", b"three"].iter().enumerate() {
        server.send_to(d, module).unwrap();
        p.read_until(format!("+QIRDI: 0,1,0,{},", i + 1).as_bytes());
        p.read_until(b"\r\n");
    }
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 1.2.3.4:9000,UDP,3\r\none\r\n+QIRD: 1.2.3.4:9000,UDP,4\r\ntwo!\r\n+QIRD: 1.2.3.4:9000,UDP,5\r\nthree\r\nOK\r\n",
    );
    // up to the length asked for: whole datagrams only, the rest stays for the next read
    for (i, d) in [&b"aaaa"[..], b"bbbb", b"cccc"].iter().enumerate() {
        server.send_to(d, module).unwrap();
        p.read_until(format!("+QIRDI: 0,1,0,{},", i + 1).as_bytes());
        p.read_until(b"\r\n");
    }
    p.cmd(
        "AT+QIRD=0,1,0,9\r",
        b"\r\n+QIRD: 1.2.3.4:9000,UDP,4\r\naaaa\r\n+QIRD: 1.2.3.4:9000,UDP,4\r\nbbbb\r\nOK\r\n",
    );
    p.cmd(
        "AT+QIRD=0,1,0,9\r",
        b"\r\n+QIRD: 1.2.3.4:9000,UDP,4\r\ncccc\r\nOK\r\n",
    );
    p.cmd("AT+QIRD=0,1,0,9\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn udp_retrieve_one_datagram_per_read_as_a_knob() {
    let (sim, mut p, server, module) = udp_connected("--qird-udp one");
    for (i, d) in [&b"one"[..], b"two!"].iter().enumerate() {
        server.send_to(d, module).unwrap();
        p.read_until(format!("+QIRDI: 0,1,0,{},", i + 1).as_bytes());
        p.read_until(b"\r\n");
    }
    p.cmd(
        "AT+QIRD=0,1,0,1500\r",
        b"\r\n+QIRD: 1.2.3.4:9000,UDP,3\r\none\r\nOK\r\n",
    );
    p.cmd(
        "AT+QIRD=0,1,0,2\r",
        b"\r\n+QIRD: 1.2.3.4:9000,UDP,2\r\ntw\r\nOK\r\n",
    );
    p.cmd("AT+QIRD=0,1,0,2\r", b"\r\nOK\r\n");
    sim.shutdown();
}

/// GC65 (issue 18): the next `+QIRD:` header follows the previous datagram's last byte, no CR
/// LF between them; the first header and the `OK` keep theirs.
#[test]
fn gc65_udp_records_follow_the_previous_datagram_without_crlf() {
    for flags in ["--model gc65", "--qird-gap none"] {
        let (sim, mut p, server, module) = udp_connected(flags);
        for (i, d) in [&b"one"[..], b"two!", b"three"].iter().enumerate() {
            server.send_to(d, module).unwrap();
            p.read_until(format!("+QIRDI: 0,1,0,{},", i + 1).as_bytes());
            p.read_until(b"\r\n");
        }
        p.cmd(
            "AT+QIRD=0,1,0,1500\r",
            b"\r\n+QIRD: 1.2.3.4:9000,UDP,3\r\none+QIRD: 1.2.3.4:9000,UDP,4\r\ntwo!+QIRD: 1.2.3.4:9000,UDP,5\r\nthree\r\nOK\r\n",
        );
        sim.shutdown();
    }
}
