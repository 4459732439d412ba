//! The floors qtcp is measured against: a pty ping-pong of the push exchange and a bare host.

use super::*;

/// The floor of the push exchange on this machine: a forked child plays the module
/// (`AT+QISEND=1460\r` -> `\r\n> `, 1460 bytes -> `\r\nSEND OK\r\n`), the parent the host, over
/// a pty, with plain blocking reads and writes: two single-threaded processes, like a C
/// ping-pong. Run before any other thread exists (fork). Returns (bytes, seconds, CPU seconds of
/// the host side).
pub fn pingpong(chunks: usize) -> (f64, f64, f64) {
    use std::os::fd::AsRawFd;
    let (master, slave) = serialport::TTYPort::pair().expect("pty pair");
    let (m, h) = (master.as_raw_fd(), slave.as_raw_fd());
    // SAFETY: the child only does read/write/_exit on stack buffers.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        let mut buf = [0u8; 4096];
        let rd = |buf: &mut [u8]| unsafe { libc::read(m, buf.as_mut_ptr().cast(), buf.len()) };
        let wr = |b: &[u8]| unsafe { libc::write(m, b.as_ptr().cast(), b.len()) };
        for _ in 0..chunks {
            loop {
                let n = rd(&mut buf);
                if n <= 0 || buf[n as usize - 1] == b'\r' {
                    break;
                }
            }
            wr(b"\r\n> ");
            let mut got = 0;
            while got < 1460 {
                let n = rd(&mut buf[..1460 - got]);
                if n <= 0 {
                    break;
                }
                got += n as usize;
            }
            wr(b"\r\nSEND OK\r\n");
        }
        rd(&mut buf); // the host's last byte: it has read everything
        unsafe { libc::_exit(0) };
    }
    let rd = |buf: &mut [u8]| unsafe { libc::read(h, buf.as_mut_ptr().cast(), buf.len()) };
    let wr = |b: &[u8]| unsafe { libc::write(h, b.as_ptr().cast(), b.len()) };
    let data = [0x55u8; 1460];
    let mut buf = [0u8; 4096];
    let t0 = Instant::now();
    let c0 = thread_cpu();
    for _ in 0..chunks {
        wr(b"AT+QISEND=1460\r");
        let mut have = 0;
        while have < 19 {
            // echo off: `\r\n> `
            let n = rd(&mut buf);
            assert!(n > 0);
            have += n as usize;
            if buf[n as usize - 1] == b' ' {
                break;
            }
        }
        wr(&data);
        loop {
            let n = rd(&mut buf);
            assert!(n > 0);
            if buf[n as usize - 1] == b'\n' {
                break;
            }
        }
    }
    let el = t0.elapsed().as_secs_f64();
    let cpu = thread_cpu() - c0;
    wr(b"Q");
    let mut st = 0;
    unsafe { libc::waitpid(pid, &mut st, 0) };
    drop((master, slave));
    ((chunks * 1460) as f64, el, cpu)
}

/// The same push exchange as qtcp's, by a bare host against the simulator: one thread, raw
/// poll(2)/read/write on the pty, no session, no tokenizer, no file. `AT+QISDE=0`, `AT+QIOPEN`,
/// then per 1460 bytes `AT+QISEND=1460` CR LF -> prompt -> data -> `SEND OK`, and `AT+QISACK`
/// after every fifth chunk (qtcp's window of 7300 bytes holds five), then `AT+QICLOSE`. It separates what
/// the exchange costs against this simulator on this machine (QISACK round trips, the
/// simulator's TCP send, the sink's wake-ups) from what qtcp adds. Returns (bytes, seconds,
/// CPU seconds of the host side), or None when the simulator did not connect.
pub fn bare_host(port: &str, chunks: usize) -> Option<(f64, f64, f64)> {
    use std::os::fd::AsRawFd;
    let tty = serialport::new(port, 115_200)
        .timeout(Duration::from_secs(5))
        .open_native()
        .ok()?;
    let fd = tty.as_raw_fd();
    let wr = |b: &[u8]| {
        // SAFETY: writes from a live slice to the open port.
        let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
        assert_eq!(n, b.len() as isize, "bare host: short write");
    };
    let mut acc: Vec<u8> = Vec::with_capacity(8192);
    let mut buf = [0u8; 4096];
    // Wait for `end` at the end of what arrived since the last match (answers come whole or in
    // pieces; nothing else is sent while the host waits).
    let mut wait_for = |end: &[u8]| -> bool {
        loop {
            if acc.windows(end.len()).any(|w| w == end) {
                acc.clear();
                return true;
            }
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one live pollfd.
            if unsafe { libc::poll(&mut p, 1, 5000) } <= 0 {
                return false;
            }
            // SAFETY: reads into a live buffer from the open port.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return false;
            }
            acc.extend_from_slice(&buf[..n as usize]);
        }
    };
    wr(b"AT\r");
    if !wait_for(b"OK\r\n") {
        return None;
    }
    // As qtcp's send does: no payload echo (the simulator starts with QISDE=1, and the echo of
    // every chunk would be read and scanned here).
    wr(b"AT+QISDE=0\r");
    if !wait_for(b"OK\r\n") {
        return None;
    }
    wr(b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r\n");
    if !wait_for(b"CONNECT OK\r\n") {
        return None;
    }
    let data = [0x55u8; 1460];
    let t0 = Instant::now();
    let c0 = thread_cpu();
    for i in 0..chunks {
        wr(b"AT+QISEND=1460\r\n");
        assert!(wait_for(b"> "), "bare host: no prompt");
        wr(&data);
        assert!(wait_for(b"SEND OK\r\n"), "bare host: no SEND OK");
        if i % 5 == 4 {
            wr(b"AT+QISACK\r");
            assert!(wait_for(b"OK\r\n"), "bare host: no QISACK answer");
        }
    }
    let el = t0.elapsed().as_secs_f64();
    let cpu = thread_cpu() - c0;
    // No wait for acknowledgements before the close (which drops what the module still
    // holds): on this unpaced simulator with no --rtt or --uplink every SEND OK'd byte is already
    // on the socket, and the sink's count is checked by the caller.
    wr(b"AT+QICLOSE\r");
    wait_for(b"CLOSE OK\r\n");
    Some(((chunks * 1460) as f64, el, cpu))
}

/// CPU seconds of the calling thread.
pub fn thread_cpu() -> f64 {
    // SAFETY: getrusage fills a plain struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}
