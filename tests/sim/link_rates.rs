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

/// A server on `s` that echoes what it reads until `n` bytes: (reads it took, when the first
/// byte arrived, the socket, still open).
fn echo_server(mut s: TcpStream, n: usize) -> std::thread::JoinHandle<(usize, Instant, TcpStream)> {
    std::thread::spawn(move || {
        let dl = Instant::now() + Duration::from_secs(30);
        let mut b = vec![0u8; 65536];
        let (mut got, mut reads, mut first) = (0, 0, None);
        while got < n {
            assert!(Instant::now() < dl, "echo server timeout after {got} bytes");
            match s.read(&mut b) {
                Ok(0) => panic!("socket closed after {got} bytes"),
                Ok(k) => {
                    first.get_or_insert_with(Instant::now);
                    got += k;
                    reads += 1;
                    s.write_all(&b[..k]).unwrap();
                }
                Err(_) => {}
            }
        }
        (reads, first.unwrap(), s)
    })
}

/// Pushed data with `AT+QIHEAD=1` (`IPD<len>:<bytes>`) until `n` bytes: the packet sizes.
fn pushed_packets(p: &mut Port, n: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut got = 0;
    while got < n {
        p.read_until(b"IPD");
        let head = p.read_until(b":");
        let len: usize = std::str::from_utf8(&head[..head.len() - 1])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(p.read_n(len), vec![b'e'; len]);
        sizes.push(len);
        got += len;
    }
    sizes
}

/// A 10 kB echo at 2 KB/s each way moves in TCP segments of at most 1460 bytes (`--mss`):
/// about 10000/1460 of them in each direction, not thousands of few-byte pieces.
#[test]
fn echo_moves_in_segments() {
    let (sim, mut p, s) = connected("--uplink 2KB/s --downlink 2KB/s --rtt 200ms --send-buffer 100000");
    p.cmd("AT+QIHEAD=1\r", b"\r\nOK\r\n");
    let n = 10_000;
    let server = echo_server(s, n);
    for _ in 0..10 {
        p.cmd("AT+QISEND=1000\r", b"\r\n> ");
        p.send(&[b'e'; 1000]);
        p.expect(b"\r\nSEND OK\r\n");
    }
    let sizes = pushed_packets(&mut p, n);
    let (reads, _, _s) = server.join().unwrap();
    eprintln!("uplink: {reads} server reads; downlink packets {sizes:?}");
    let segments = n.div_ceil(1460);
    assert!(sizes.iter().all(|&k| k <= 1460), "packets {sizes:?}");
    assert!(
        (segments..=segments + 2).contains(&sizes.len()),
        "downlink packets {sizes:?}"
    );
    // loopback delivers each segment the simulator writes in one read (or merges some)
    assert!(
        (3..=segments + 2).contains(&reads),
        "uplink: {reads} server reads"
    );
    sim.shutdown();
}

/// `--rtt` is a round trip: data reaches the server half an rtt after it left, its
/// acknowledgement comes a whole rtt after it left, and an echo of it cannot reach the
/// module before that acknowledgement.
#[test]
fn echo_not_before_the_ack() {
    let (sim, mut p, s) = connected("--rtt 1s");
    p.cmd("AT+QIHEAD=1\r", b"\r\nOK\r\n");
    let server = echo_server(s, 1460);
    p.cmd("AT+QISEND=1460\r", b"\r\n> ");
    let t0 = Instant::now();
    p.send(&[b'e'; 1460]);
    p.expect(b"\r\nSEND OK\r\n");
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 1460, 0, 1460\r\n\r\nOK\r\n");
    assert_eq!(pushed_packets(&mut p, 1460), vec![1460]);
    let back = t0.elapsed();
    let (_, at_server, _s) = server.join().unwrap();
    p.cmd("AT+QISACK\r", b"\r\n+QISACK: 1460, 1460, 0\r\n\r\nOK\r\n");
    assert!(
        at_server - t0 >= Duration::from_millis(500),
        "reached the server after {:?}",
        at_server - t0
    );
    assert!(back >= Duration::from_secs(1), "echo back after {back:?}");
    sim.shutdown();
}

/// The module's receive buffer is bounded: when the host reads nothing (retrieve mode: no
/// QIRD), the simulator stops reading the socket and a server writing 64 MiB is held back after
/// about `--recv-buffer` plus the two kernels' socket buffers.
#[test]
fn unread_download_blocks_the_server() {
    let (sim, mut p, s) = connected("--recv-buffer 7300");
    p.cmd("AT+QINDI=1\r", b"\r\nOK\r\n");
    let _s = write_until_blocked(s, 0);
    p.read_until(b"+QIRDI: 0,1,0");
    sim.shutdown();
}

/// The same in push mode with a host that does not read the serial port: what the line has
/// not delivered counts against the receive buffer, so the server is held back too (after the
/// pty's own buffer as well) instead of the download piling up in the simulator.
#[test]
fn unread_push_blocks_the_server() {
    let (sim, _p, s) = connected("--recv-buffer 7300 --line-baud 115200");
    // the pty buffers up to a few kB of output the host never reads
    let _s = write_until_blocked(s, 64 * 1024);
    sim.shutdown();
}

/// Write 64 MiB to `s` until a write makes no progress for 2 s; assert the server was held
/// back after the module's 7300 bytes, the simulator's socket buffer (32 KiB, doubled by the
/// kernel), the server's own 64 KiB send buffer (doubled) and `extra`. Returns the socket.
fn write_until_blocked(mut s: TcpStream, extra: usize) -> TcpStream {
    use std::os::fd::AsRawFd;
    let total = 64 << 20;
    let small: libc::c_int = 64 * 1024;
    // SAFETY: setsockopt of an int on a socket we own (a small, fixed send buffer: the
    // kernel's autotuning would otherwise let it grow to megabytes).
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            &small as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
    let chunk = vec![b'd'; 65536];
    let mut written = 0usize;
    while written < total {
        match s.write(&chunk) {
            Ok(k) => written += k,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(e) => panic!("server write: {e}"),
        }
    }
    let mut sndbuf: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt of an int on a socket we own.
    unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            &mut sndbuf as *mut libc::c_int as *mut libc::c_void,
            &mut len,
        )
    };
    eprintln!("server wrote {written} bytes before blocking (its SO_SNDBUF {sndbuf})");
    let bound = 7300 + 2 * 32 * 1024 + sndbuf as usize + 65536 + extra;
    assert!(written >= 7300, "server wrote only {written} bytes");
    assert!(written <= bound, "server wrote {written} bytes, bound {bound}");
    s
}

/// A paced uplink keeps UDP datagrams whole: each QISEND is one datagram, however many wait
/// for the radio together and whatever `--mss` is.
#[test]
fn udp_datagrams_stay_whole_on_a_paced_uplink() {
    let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    server.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = server.local_addr().unwrap().port();
    let (sim, mut p) = start(&format!(
        "--delays fast --map 1.2.3.4:9000=127.0.0.1:{port} --uplink 2KB/s --mss 100"
    ));
    activate(&mut p);
    p.cmd("AT+QIOPEN=\"UDP\",\"1.2.3.4\",9000\r", b"\r\nOK\r\n");
    p.expect(b"\r\nCONNECT OK\r\n");
    let sizes = [300usize, 5, 1200, 40];
    for (i, &n) in sizes.iter().enumerate() {
        p.cmd(&format!("AT+QISEND={n}\r"), b"\r\n> ");
        p.send(&vec![b'a' + i as u8; n]);
        p.expect(b"\r\nSEND OK\r\n");
    }
    let mut b = [0u8; 2048];
    for (i, &n) in sizes.iter().enumerate() {
        let k = server.recv(&mut b).unwrap();
        let whole = b[..k].iter().all(|&x| x == b'a' + i as u8);
        assert_eq!((k, whole), (n, true), "datagram {i}: length, content");
    }
    sim.shutdown();
}
