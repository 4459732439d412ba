//! A host that ends its lines with CR LF, as TinyGSM's M95/MC60 drivers and RT-Thread's AT client
//! do: the LF right after the CR of a command line is never data, in any mode (module.md
//! correction 1).

use crate::support::pty::*;
use std::io::Write;
use std::time::Duration;

/// A small CR LF client: every command line ends with `\r\n`.
fn crlf(p: &mut Port, c: &str, want: &[u8]) {
    p.cmd(&format!("{c}\r\n"), want);
}

/// Payload bytes that make a lost or inserted byte visible, including LF and CR at any position
/// (in particular first, right after the prompt).
fn payload(n: usize) -> Vec<u8> {
    let mut b = crate::support::random_bytes(n, 0x1234_5678);
    for (i, c) in b.iter_mut().enumerate() {
        match i % 97 {
            0 => *c = b'\n',
            1 => *c = b'\r',
            _ => {}
        }
    }
    b
}

fn connected(flags: &str) -> (qtcp::sim::Simulator, Port, std::net::TcpStream) {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --map 1.2.3.4:80=127.0.0.1:{port} {flags}"
    ));
    crlf(&mut p, "ATE0", b"ATE0\r\r\nOK\r\n");
    crlf(&mut p, "AT+QIREGAPP", b"\r\nOK\r\n");
    crlf(&mut p, "AT+QIACT", b"\r\nOK\r\n");
    crlf(&mut p, "AT+QILOCIP", b"\r\n10.0.0.2\r\n");
    crlf(&mut p, "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80", b"\r\nOK\r\n");
    let s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    (sim, p, s)
}

#[test]
fn crlf_host_moves_100_kb_through_fixed_length_qisend() {
    let (sim, mut p, mut s) = connected("");
    let data = payload(100_000);
    // the server reads everything in its own thread: the module must never wait on it
    let reader = std::thread::spawn(move || (sock_read(&mut s, 100_000), s));
    for chunk in data.chunks(1460) {
        crlf(&mut p, &format!("AT+QISEND={}", chunk.len()), b"\r\n> ");
        p.send(chunk);
        p.expect(b"\r\nSEND OK\r\n");
    }
    let (got, _server) = reader.join().unwrap();
    assert_eq!(got.len(), data.len());
    let first_bad = got.iter().zip(&data).position(|(a, b)| a != b);
    assert_eq!(first_bad, None, "payload differs at byte {first_bad:?}");
    crlf(
        &mut p,
        "AT+QISACK",
        b"\r\n+QISACK: 100000, 100000, 0\r\n\r\nOK\r\n",
    );
    sim.shutdown();
}

#[test]
fn crlf_host_ctrl_z_send_and_echoed_prompt() {
    let (sim, mut p, mut s) = connected("");
    crlf(&mut p, "AT+QISEND", b"\r\n> ");
    p.send(b"\nline one\r\n\x1a");
    p.expect(b"\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 11), b"\nline one\r\n");
    // with echo on, the LF after the command's CR is neither echoed nor data
    crlf(&mut p, "ATE1", b"\r\nOK\r\n");
    crlf(&mut p, "AT+QISEND=2", b"AT+QISEND=2\r\r\n> ");
    p.send(b"ok");
    p.expect(b"ok\r\nSEND OK\r\n");
    assert_eq!(sock_read(&mut s, 2), b"ok");
    sim.shutdown();
}

#[test]
fn crlf_host_enters_transparent_mode_without_a_stray_byte() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --guard-before 200ms --guard-after 100ms --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    crlf(&mut p, "ATE0", b"ATE0\r\r\nOK\r\n");
    crlf(&mut p, "AT+QIMODE=1", b"\r\nOK\r\n");
    crlf(&mut p, "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(b"\r\nCONNECT\r\n");
    p.send(b"abc");
    assert_eq!(sock_read(&mut s, 3), b"abc");
    std::thread::sleep(Duration::from_millis(300));
    p.send(b"+++");
    p.expect(b"\r\nOK\r\n");
    crlf(&mut p, "ATO", b"\r\nCONNECT\r\n");
    p.send(b"\ndef");
    // the LF after ATO's CR was dropped; the host's own leading LF (a later write) is data
    assert_eq!(sock_read(&mut s, 4), b"\ndef");
    s.write_all(b"back").unwrap();
    p.expect(b"back");
    sim.shutdown();
}

#[test]
fn crlf_host_on_a_slow_line_where_cr_and_lf_arrive_apart() {
    // At 4800 baud every byte is its own batch: the LF reaches the module one byte time after
    // the CR, and is still not data; a LF the host sends after the prompt is.
    let (sim, mut p, mut s) = connected("--line-baud 4800");
    for payload in [&b"\nab"[..], b"\r\n", b"x\ny"] {
        crlf(&mut p, &format!("AT+QISEND={}", payload.len()), b"\r\n> ");
        p.send(payload);
        p.expect(b"\r\nSEND OK\r\n");
        assert_eq!(show(&sock_read(&mut s, payload.len())), show(payload));
    }
    sim.shutdown();
}

#[test]
fn stray_lf_between_command_lines_is_ignored() {
    let (sim, mut p) = start("--delays fast");
    p.cmd("ATE0\r", b"ATE0\r\r\nOK\r\n");
    p.send(b"\n");
    p.quiet(Duration::from_millis(50));
    p.cmd("\nAT\r", b"\r\nOK\r\n");
    sim.shutdown();
}
