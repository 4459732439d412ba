//! `qtcp sim` as a process: the JSON line, the --link symlink, SIGTERM, exit codes.

use crate::support::{pty, qtcp, Sim};
use std::time::Duration;

#[test]
fn prints_json_and_removes_link_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("modem");
    // a stale link (to a pty that is gone) is replaced
    std::os::unix::fs::symlink("/dev/pts/987654", &link).unwrap();
    let sim = Sim::start(&[
        "--delays",
        "fast",
        "--echo",
        "off",
        "--link",
        link.to_str().unwrap(),
    ]);
    let v = &sim.ready;
    assert!(sim.port.starts_with("/dev/pts/"), "{v}");
    assert_eq!(v["link"].as_str().unwrap(), link.to_str().unwrap());
    assert_eq!(v["pid"].as_u64().unwrap(), sim.pid() as u64);
    assert_eq!(std::fs::read_link(&link).unwrap().to_str().unwrap(), sim.port);
    {
        let mut p = pty::open(&link);
        p.cmd("AT\r", b"\r\nOK\r\n");
    }
    assert_eq!(sim.stop().code, 0);
    assert!(std::fs::symlink_metadata(&link).is_err(), "link not removed");
}

#[test]
fn bad_flag_is_usage_error() {
    let t = Duration::from_secs(10);
    qtcp(&["sim", "--uplink", "fast"], None, t).assert_code(2);
    qtcp(&["sim", "--fault", "bogus"], None, t).assert_code(2);
}

#[test]
fn link_over_regular_file_fails_with_3() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("file");
    std::fs::write(&f, b"x").unwrap();
    let r = qtcp(
        &["sim", "--link", f.to_str().unwrap()],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(3);
    assert_eq!(r.stderr.lines().count(), 1);
}
