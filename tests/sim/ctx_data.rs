//! The context dialect's data paths byte for byte (QISEND, its counters, QIRD, direct push),
//! and bulk transfers by a host of our own ([`super::ctx_host`]) with every byte checked.

use super::ctx::{ctx_activate, ctx_connected, ctx_start};
use super::ctx_host::CtxHost;
use crate::support::pty::*;
use crate::support::Rng;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::Duration;

#[test]
fn qisend_prompt_send_ok_and_counters() {
    let (sim, mut p, mut s) = ctx_connected("", 0);
    p.cmd("AT+QISEND=0,0\r", b"\r\n+QISEND: 0,0,0\r\n\r\nOK\r\n");
    // [DOC AN-BG96 p=20; LOG AZS#381] prompt CR LF `> `, then `SEND OK` alone
    p.cmd("AT+QISEND=0,5\r", b"\r\n> ");
    p.cmd("hello", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 5), b"hello");
    // [DOC AN-BG95 p=43] `+QISEND: 9,9,0` style, no spaces
    p.cmd("AT+QISEND=0,0\r", b"\r\n+QISEND: 5,5,0\r\n\r\nOK\r\n");
    // variable length, Ctrl-Z ends it
    p.cmd("AT+QISEND=0\r", b"\r\n> ");
    p.cmd("abc\x1a", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 3), b"abc");
    // ESC cancels: nothing is sent
    p.cmd("AT+QISEND=0\r", b"\r\n> ");
    p.cmd("xyz\x1b", b"\r\nOK\r\n");
    p.cmd("AT+QISEND=0,0\r", b"\r\n+QISEND: 8,8,0\r\n\r\nOK\r\n");
    // limits: 1460 at most; a socket that is not open: ERROR
    p.cmd("AT+QISEND=0,1461\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND=1,5\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISEND=1,0\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn qisend_data_echo_follows_qisde_and_ate() {
    let (sim, mut p, mut s) = ctx_connected("", 0);
    p.cmd("ATE1\r", b"\r\nOK\r\n");
    p.cmd("AT+QISEND=0,2\r", b"AT+QISEND=0,2\r\r\n> ");
    p.cmd("hi", b"hi\r\nSEND OK\r\n");
    p.cmd("AT+QISDE=0\r", b"AT+QISDE=0\r\r\nOK\r\n");
    p.cmd("AT+QISDE?\r", b"AT+QISDE?\r\r\n+QISDE: 0\r\n\r\nOK\r\n");
    p.cmd("AT+QISEND=0,2\r", b"AT+QISEND=0,2\r\r\n> ");
    p.cmd("yo", b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 4), b"hiyo");
    sim.shutdown();
}

#[test]
fn send_fail_when_the_send_buffer_is_full_and_counters_show_unacked() {
    // an uplink of 100 B/s: what is sent stays unacknowledged for a while
    let (sim, mut p, _s) = ctx_connected("--send-buffer 3000 --uplink 100B/s --rtt 1s", 0);
    let block = [b'x'; 1460];
    p.cmd("AT+QISEND=0,1460\r", b"\r\n> ");
    p.send(&block);
    p.expect(b"\r\nSEND OK\r\n");
    p.cmd("AT+QISEND=0,1460\r", b"\r\n> ");
    p.send(&block);
    p.expect(b"\r\nSEND OK\r\n");
    p.cmd("AT+QISEND=0,1460\r", b"\r\n> ");
    p.send(&block);
    p.expect(b"\r\nSEND FAIL\r\n");
    p.cmd("AT+QISEND=0,0\r", b"\r\n+QISEND: 2920,0,2920\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn buffer_mode_announces_once_until_drained_and_qird_frames_the_data() {
    let (sim, mut p, mut s) = ctx_connected("", 0);
    s.write_all(b"0123456789").unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",0\r\n");
    s.write_all(b"abc").unwrap();
    // no second URC while data is unread
    p.quiet(Duration::from_millis(100));
    p.cmd("AT+QIRD=0,0\r", b"\r\n+QIRD: 13,0,13\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0,4\r", b"\r\n+QIRD: 4\r\n0123\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0\r", b"\r\n+QIRD: 9\r\n456789abc\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0,1500\r", b"\r\n+QIRD: 0\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0,0\r", b"\r\n+QIRD: 13,13,0\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0,1501\r", b"\r\nERROR\r\n");
    // drained: the next data is announced again
    s.write_all(b"z").unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",0\r\n");
    sim.shutdown();
}

#[test]
fn recvind_adds_the_length_by_command_and_by_flag() {
    for (flags, cfg) in [("", true), ("--recv-urc-len", false)] {
        let (sim, mut p, mut s) = ctx_connected(flags, 0);
        if cfg {
            p.cmd("AT+QICFG=\"recvind\",1\r", b"\r\nOK\r\n");
        }
        p.cmd(
            "AT+QICFG=\"recvind\"\r",
            b"\r\n+QICFG: \"recvind\",1\r\n\r\nOK\r\n",
        );
        s.write_all(b"four").unwrap();
        p.expect(b"\r\n+QIURC: \"recv\",0,4\r\n");
        // nothing follows it: the data is read with QIRD
        p.cmd("AT+QIRD=0,10\r", b"\r\n+QIRD: 4\r\nfour\r\n\r\nOK\r\n");
        sim.shutdown();
    }
}

#[test]
fn qird_trailer_none() {
    let (sim, mut p, mut s) = ctx_connected("--qird-trailer none", 0);
    s.write_all(b"data").unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",0\r\n");
    p.cmd("AT+QIRD=0,10\r", b"\r\n+QIRD: 4\r\ndata\r\nOK\r\n");
    p.cmd("AT+QIRD=0,10\r", b"\r\n+QIRD: 0\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn direct_push_urc_carries_the_data() {
    let (sim, mut p, mut s) = ctx_connected("", 1);
    s.write_all(b"test").unwrap();
    // [CODE FRT-BG96 `+QIURC: "recv",0,4\r\ntest`]
    p.expect(b"\r\n+QIURC: \"recv\",0,4\r\ntest");
    let big: Vec<u8> = (0..4000u32).map(|i| (i % 253) as u8).collect();
    s.write_all(&big).unwrap();
    // pieces of at most 1500
    let mut got = Vec::new();
    while got.len() < big.len() {
        let head = p.read_until(b"\r\n");
        let head = p
            .read_until(b"\r\n")
            .iter()
            .chain(head.iter())
            .copied()
            .collect::<Vec<u8>>();
        let text = String::from_utf8_lossy(&head).into_owned();
        let n: usize = text
            .trim()
            .strip_prefix("+QIURC: \"recv\",0,")
            .unwrap_or_else(|| panic!("{text:?}"))
            .parse()
            .unwrap();
        assert!((1..=1500).contains(&n));
        got.extend(p.read_n(n));
    }
    assert_eq!(got, big);
    p.cmd("AT+QIRD=0,0\r", b"\r\n+QIRD: 4004,4004,0\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn udp_datagrams_are_sent_and_read_one_per_qird() {
    let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    u.set_read_timeout(Some(T)).unwrap();
    let port = u.local_addr().unwrap().port();
    let (sim, mut p) = ctx_start("");
    ctx_activate(&mut p);
    p.cmd(
        &format!("AT+QIOPEN=1,3,\"UDP\",\"127.0.0.1\",{port},0,0\r"),
        b"\r\nOK\r\n",
    );
    p.expect(b"\r\n+QIOPEN: 3,0\r\n");
    p.cmd("AT+QISEND=3,4\r", b"\r\n> ");
    p.cmd("ping", b"\r\nSEND OK\r\n");
    let mut b = [0u8; 100];
    let (n, from) = u.recv_from(&mut b).unwrap();
    assert_eq!(&b[..n], b"ping");
    u.send_to(b"pong", from).unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",3\r\n");
    u.send_to(b"second", from).unwrap();
    p.quiet(Duration::from_millis(100));
    p.cmd("AT+QIRD=3,1500\r", b"\r\n+QIRD: 4\r\npong\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=3,1500\r", b"\r\n+QIRD: 6\r\nsecond\r\n\r\nOK\r\n");
    p.send(b"AT+QISTATE=1,3\r");
    let st = p.read_until(b"\r\nOK\r\n");
    let st = String::from_utf8_lossy(&st);
    assert!(
        st.contains(&format!("+QISTATE: 3,\"UDP\",\"127.0.0.1\",{port},")),
        "{st}"
    );
    sim.shutdown();
}

/// A server that takes `up` bytes, then sends `down`; it returns what it took.
fn bulk_server(mut s: TcpStream, up: usize, down: Vec<u8>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut got = Vec::with_capacity(up);
        let mut b = vec![0u8; 65536];
        while got.len() < up {
            match s.read(&mut b) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&b[..n]),
                Err(e) => panic!("server: {e}"),
            }
        }
        s.write_all(&down).unwrap();
        // keep the connection until the module closes it
        let _ = s.read(&mut b);
        got
    })
}

/// 1 MiB up and 256 KiB down through access mode `mode`, every byte checked.
fn bulk(mode: u8, flags: &str) {
    let mut rng = Rng::new(0xC7A0 + mode as u64);
    let up = rng.bytes(1 << 20);
    let down = rng.bytes(256 << 10);
    let (sim, p, s) = ctx_connected(flags, mode);
    let server = bulk_server(s, up.len(), down.clone());
    let mut h = CtxHost::new(p, 0);
    h.send_all(&up);
    h.until_acked(up.len() as u64);
    let got_down = if mode == 0 {
        h.read_buffered(down.len())
    } else {
        h.read_pushed(down.len())
    };
    assert!(got_down == down, "downlink differs (mode {mode})");
    h.cmd("AT+QICLOSE=0\r");
    let got_up = server.join().unwrap();
    assert!(got_up == up, "uplink differs (mode {mode})");
    sim.shutdown();
}

#[test]
fn own_host_moves_1mib_up_and_256kib_down_in_buffer_mode() {
    bulk(0, "");
}

#[test]
fn own_host_moves_1mib_up_and_256kib_down_in_direct_push_mode() {
    // a host that reads at once loses nothing; a receive buffer of 1 MB keeps a slow test
    // machine's scheduling from counting as a host that cannot keep up
    bulk(1, "--recv-buffer 1000000 --downlink 500KB/s");
}

#[test]
fn transparent_connect_escape_ato_and_no_carrier() {
    let (l, port) = listener();
    let (sim, mut p) = ctx_start(&format!(
        "--map 1.2.3.4:80=127.0.0.1:{port} --guard-before 200ms --guard-after 200ms"
    ));
    ctx_activate(&mut p);
    p.cmd("AT+QICFG=\"transwaittm\",0\r", b"\r\nOK\r\n");
    // access mode 2: `CONNECT`, no OK [LOG SIX#14]
    p.send(b"AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,2\r");
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT\r\n");
    p.send(b"raw up");
    assert_eq!(sock_read(&mut s, 6), b"raw up");
    s.write_all(b"raw down").unwrap();
    p.expect(b"raw down");
    // `+++` with guard times: OK, and the socket is in buffer mode after [DOC AN-BG96 p.9]
    std::thread::sleep(Duration::from_millis(300));
    p.send(b"+++");
    p.expect(b"\r\nOK\r\n");
    p.send(b"AT+QISTATE=1,0\r");
    let st = String::from_utf8_lossy(&p.read_until(b"\r\nOK\r\n")).into_owned();
    assert!(st.contains(",3,1,0,0,\"uart1\""), "{st}");
    s.write_all(b"held").unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",0\r\n");
    // ATO: back online; what was buffered comes out raw
    p.cmd("ATO\r", b"\r\nCONNECT\r\nheld");
    p.send(b"more");
    assert_eq!(sock_read(&mut s, 4), b"more");
    // the peer closes: NO CARRIER, and the socket waits in state 4 for QICLOSE
    drop(s);
    p.expect(b"\r\nNO CARRIER\r\n");
    p.send(b"AT+QISTATE=1,0\r");
    let st = String::from_utf8_lossy(&p.read_until(b"\r\nOK\r\n")).into_owned();
    assert!(st.contains(",4,1,0,2,\"uart1\""), "{st}");
    p.cmd("ATO\r", b"\r\nNO CARRIER\r\n");
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiswtmd_switches_access_modes() {
    let (sim, mut p, mut s) = ctx_connected("--guard-before 200ms --guard-after 200ms", 0);
    p.cmd("AT+QISWTMD=0,1\r", b"\r\nOK\r\n");
    s.write_all(b"push").unwrap();
    p.expect(b"\r\n+QIURC: \"recv\",0,4\r\npush");
    p.cmd("AT+QISWTMD=0,2\r", b"\r\nCONNECT\r\n");
    s.write_all(b"raw").unwrap();
    p.expect(b"raw");
    std::thread::sleep(Duration::from_millis(300));
    p.send(b"+++");
    p.expect(b"\r\nOK\r\n");
    p.cmd("AT+QISWTMD=5,0\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISWTMD=0,3\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn own_host_moves_1mib_up_and_256kib_down_in_transparent_mode() {
    let mut rng = Rng::new(0xC7A2);
    let up = rng.bytes(1 << 20);
    let down = rng.bytes(256 << 10);
    let (l, port) = listener();
    let (sim, p) = ctx_start(&format!(
        "--map 1.2.3.4:80=127.0.0.1:{port} --guard-before 200ms --guard-after 200ms"
    ));
    let mut h = CtxHost::new(p, 0);
    h.cmd("AT+QICSGP=1,1,\"internet\",\"\",\"\",0\r");
    h.cmd("AT+QIACT=1\r");
    h.p.send(b"AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,2\r");
    let s = accept(&l);
    h.p.expect(b"\r\nCONNECT\r\n");
    let server = bulk_server(s, up.len(), down.clone());
    for c in up.chunks(4096) {
        h.p.send(c);
    }
    let got_down = h.read_raw(down.len());
    assert!(got_down == down, "downlink differs");
    // back to command mode, and close
    std::thread::sleep(Duration::from_millis(300));
    h.p.send(b"+++");
    h.p.expect(b"\r\nOK\r\n");
    h.cmd("AT+QICLOSE=0\r");
    let got_up = server.join().unwrap();
    assert!(got_up == up, "uplink differs");
    sim.shutdown();
}

#[test]
fn direct_push_loses_what_a_host_that_does_not_read_cannot_take() {
    let (sim, mut p, mut s) = ctx_connected("", 1);
    let sent: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    s.write_all(&sent).unwrap();
    // the host is busy elsewhere: the module does not hold the server back
    std::thread::sleep(Duration::from_millis(500));
    p.send(b"AT+QIRD=0,0\r");
    let mut got = 0;
    let mut pieces = 0;
    loop {
        let head = p.read_until(b"\r\n");
        if head == b"\r\n" {
            continue;
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        if let Some(n) = text.trim().strip_prefix("+QIURC: \"recv\",0,") {
            let n: usize = n.parse().unwrap();
            assert!((1..=1500).contains(&n));
            let d = p.read_n(n);
            // each piece is whole and in order inside
            assert!(d.windows(2).all(|w| w[1] == ((w[0] as u32 + 1) % 251) as u8));
            got += n;
            pieces += 1;
            continue;
        }
        // the module took all of it from the network
        assert_eq!(text.trim(), "+QIRD: 300000,300000,0");
        break;
    }
    assert!(pieces > 0 && got < sent.len(), "got {got} of {}", sent.len());
    sim.shutdown();
}

#[test]
fn transparent_open_that_fails_is_error_with_the_code_in_qigeterror() {
    let (l, port) = listener();
    drop(l);
    let (sim, mut p) = ctx_start(&format!("--map 1.2.3.4:80=127.0.0.1:{port}"));
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,2\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 566,socket connect failed\r\n\r\nOK\r\n",
    );
    sim.shutdown();
}
