//! `qtcp sim` as a process: the JSON line, the --link symlink, SIGTERM, exit codes.

mod sim_common;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_json_and_removes_link_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("modem");
    // a stale link (to a pty that is gone) is replaced
    std::os::unix::fs::symlink("/dev/pts/987654", &link).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qtcp"))
        .args(["sim", "--delays", "fast", "--echo", "off", "--link"])
        .arg(&link)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let port = v["port"].as_str().unwrap().to_string();
    assert!(port.starts_with("/dev/pts/"), "{line}");
    assert_eq!(v["link"].as_str().unwrap(), link.to_str().unwrap());
    assert_eq!(v["pid"].as_u64().unwrap(), child.id() as u64);
    assert_eq!(std::fs::read_link(&link).unwrap().to_str().unwrap(), port);
    {
        let mut p = sim_common::open(&link);
        p.cmd("AT\r", b"\r\nOK\r\n");
    }
    // SAFETY: signalling our own child by pid.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let dl = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < dl, "qtcp sim did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(0));
    assert!(std::fs::symlink_metadata(&link).is_err(), "link not removed");
}

#[test]
fn bad_flag_is_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_qtcp"))
        .args(["sim", "--uplink", "fast"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_qtcp"))
        .args(["sim", "--fault", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn link_over_regular_file_fails_with_3() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("file");
    std::fs::write(&f, b"x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_qtcp"))
        .args(["sim", "--link"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}
