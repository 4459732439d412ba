//! Issue 14, item 4: `--flow-control` reaches the serial device. The test plays the module on
//! a pty of its own and, for every command line that arrives, reads the termios of the line
//! qtcp opened: hardware is CRTSCTS, software IXON/IXOFF, none neither.

use crate::support::*;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

/// A pty pair: the master (the module's side) and the slave's path; the slave is held open
/// here too, so its termios can be read while qtcp has it.
struct Pty {
    master: std::fs::File,
    slave: std::fs::File,
    path: String,
}

fn pty() -> Pty {
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(m >= 0);
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut buf = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, buf.as_mut_ptr(), buf.len()), 0);
        let path = CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(&path)
            .unwrap();
        Pty {
            master: std::fs::File::from_raw_fd(m),
            slave,
            path,
        }
    }
}

/// What the line's termios says about flow control.
fn flow_of(fd: i32) -> &'static str {
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
    let hw = t.c_cflag & libc::CRTSCTS != 0;
    let sw = t.c_iflag & (libc::IXON | libc::IXOFF) == (libc::IXON | libc::IXOFF);
    match (hw, sw) {
        (false, false) => "none",
        (true, false) => "hardware",
        (false, true) => "software",
        (true, true) => "both",
    }
}

/// Answer every command line with OK; return the flow control the line had at each command.
fn module(p: Pty) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let Pty {
            mut master, slave, ..
        } = p;
        let mut seen = Vec::new();
        let mut line = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = match master.read(&mut buf) {
                Ok(0) | Err(_) => break, // qtcp closed the slave (EIO on the master)
                Ok(n) => n,
            };
            for &b in &buf[..n] {
                if b != b'\r' {
                    line.push(b);
                    continue;
                }
                let cmd = String::from_utf8_lossy(&line).trim().to_string();
                line.clear();
                seen.push(format!("{cmd} {}", flow_of(slave.as_raw_fd())));
                let _ = master.write_all(b"\r\nOK\r\n");
            }
            // Stop once qtcp is done: it sends exactly the sync AT and the command.
            if seen.iter().any(|s| s.starts_with("AT+GMR")) {
                break;
            }
        }
        seen
    })
}

fn run_with(flow: &str, env: bool) -> Vec<String> {
    let p = pty();
    let path = p.path.clone();
    let m = module(p);
    if env {
        let out = std::process::Command::new(BIN)
            .args(["--port", &path, "at", "AT+GMR"])
            .env("QTCP_FLOW_CONTROL", flow)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        qtcp(
            &["--port", &path, "--flow-control", flow, "at", "AT+GMR"],
            None,
            Duration::from_secs(30),
        )
        .assert_code(0);
    }
    m.join().unwrap()
}

#[test]
fn the_port_is_opened_with_the_flow_control_asked_for() {
    let seen = run_with("hardware", false);
    assert_eq!(seen.last().unwrap(), "AT+GMR hardware", "{seen:?}");
    let seen = run_with("software", false);
    assert_eq!(seen.last().unwrap(), "AT+GMR software", "{seen:?}");
    let seen = run_with("none", false);
    assert_eq!(seen.last().unwrap(), "AT+GMR none", "{seen:?}");
    let seen = run_with("hardware", true);
    assert_eq!(seen.last().unwrap(), "AT+GMR hardware", "{seen:?}");
}

#[test]
fn a_bad_value_is_2() {
    let r = qtcp(
        &["--port", "sim", "--flow-control", "rts", "at", "AT"],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(2);
    assert!(r.stderr.contains("--flow-control"), "{}", r.stderr);
    let out = std::process::Command::new(BIN)
        .args(["--port", "sim", "at", "AT"])
        .env("QTCP_FLOW_CONTROL", "yes")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_simulator_accepts_the_flag() {
    let sim = Sim::start(&["--delays=fast", "--flow-control", "hardware"]);
    sim.qtcp(&["--flow-control", "hardware", "at", "AT"])
        .assert_code(0);
}
