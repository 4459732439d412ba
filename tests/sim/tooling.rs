//! Simulator tooling: --map to the built-in echo, --host-log, --link.

use crate::support::pty::*;
use qtcp::sim::{SimArgs, Simulator};
use std::path::Path;

#[test]
fn a_name_mapped_to_the_echo_address_reaches_the_built_in_echo() {
    for (flags, open) in [
        (
            "--map echo.example=220.180.239.212:8063",
            "AT+QIOPEN=\"TCP\",\"echo.example\",1234\r",
        ),
        (
            "--map 10.1.1.1:7=220.180.239.212:8063",
            "AT+QIOPEN=\"TCP\",\"10.1.1.1\",7\r",
        ),
    ] {
        let (sim, mut p) = start(&format!("--delays fast --connect-timeout 3s {flags}"));
        activate(&mut p);
        p.cmd("AT+QIDNSIP=1\r", b"\r\nOK\r\n");
        p.cmd(open, b"\r\nOK\r\n");
        p.expect(b"\r\nCONNECT OK\r\n");
        p.cmd("AT+QISEND=5\r", b"\r\n> ");
        p.cmd("hello", b"\r\nSEND OK\r\n");
        p.expect(b"hello");
        sim.shutdown();
    }
}

#[test]
fn the_host_log_keeps_every_byte_of_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("host.jsonl");
    let (sim, mut p) = start(&format!("--delays fast --echo off --host-log {}", log.display()));
    p.send(b"AT+QICSGP=1,\"\xff\xc3\xa9\\\"\r");
    p.read_until(b"\r\n");
    p.read_until(b"\r\n");
    sim.shutdown();
    let text = std::fs::read_to_string(&log).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(v["line"], "AT+QICSGP=1,\"\\xff\\xc3\\xa9\\\\\"");
}

fn start_linked(link: &Path) -> std::io::Result<Simulator> {
    let args = SimArgs::parse_inline(&format!("--delays fast --link {}", link.display())).unwrap();
    Simulator::start(&args)
}

#[test]
fn link_is_created_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("ttyQ");
    let sim = start_linked(&link).unwrap();
    assert_eq!(std::fs::read_link(&link).unwrap(), sim.port());
    let mut p = open(&link);
    p.cmd("AT\r", b"AT\r\r\nOK\r\n");
    drop(p);
    sim.shutdown();
    assert!(std::fs::symlink_metadata(&link).is_err());
}

#[test]
fn a_stale_link_to_a_gone_pty_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("ttyQ");
    std::os::unix::fs::symlink("/dev/pts/987654", &link).unwrap();
    let sim = start_linked(&link).unwrap();
    assert_eq!(std::fs::read_link(&link).unwrap(), sim.port());
    sim.shutdown();
    assert!(std::fs::symlink_metadata(&link).is_err());
}

#[test]
fn a_users_file_or_link_is_never_replaced_nor_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let other = dir.path().join("ttyOther");
    std::os::unix::fs::symlink(&file, &other).unwrap();
    let dangling = dir.path().join("ttyDangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    for path in [&file, &other, &dangling] {
        let before = std::fs::read_link(path).ok();
        let e = start_linked(path).err().expect("must refuse");
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
        assert_eq!(
            std::fs::read_link(path).ok(),
            before,
            "{} changed",
            path.display()
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // a running simulator's link is not stale either
    let live = dir.path().join("ttyLive");
    let sim = start_linked(&live).unwrap();
    assert_eq!(
        start_linked(&live).err().map(|e| e.kind()),
        Some(std::io::ErrorKind::AlreadyExists)
    );
    // and a link the user put in place of ours during the run is left alone on exit
    std::fs::remove_file(&live).unwrap();
    std::os::unix::fs::symlink(&file, &live).unwrap();
    sim.shutdown();
    assert_eq!(std::fs::read_link(&live).unwrap(), file);
}
