//! Issue 14, item 7: `qtcp echo HOST:PORT` through the real binary against the simulator: its
//! built-in echo (TCP and UDP, retrieve and direct mode), a loopback server that corrupts one
//! byte (exit 15), one that stops echoing (11), and a connection lost (9).

use crate::support::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

const FAST: &str = "--delays=fast";
const ECHO: &str = "220.180.239.212:8063";

/// A loopback echo server for one connection: each byte at stream offset `i` is passed through
/// `f`, which returns what to send back (or nothing).
fn echo_server(f: impl Fn(usize, u8) -> Option<u8> + Send + 'static) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let Ok((mut c, _)) = l.accept() else { return };
        let mut offset = 0;
        let mut buf = [0u8; 4096];
        loop {
            let n = match c.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let back: Vec<u8> = buf[..n]
                .iter()
                .enumerate()
                .filter_map(|(k, &b)| f(offset + k, b))
                .collect();
            offset += n;
            if !back.is_empty() && c.write_all(&back).is_err() {
                return;
            }
        }
    });
    addr
}

fn split(r: &Run) -> (Vec<Value>, Value) {
    let mut lines = r.lines();
    let summary = lines.pop().expect("a summary line");
    assert_eq!(summary["type"], "summary", "{summary}");
    assert!(lines.iter().all(|l| l["type"] == "probe"));
    (lines, summary)
}

/// `qtcp --json echo echo.test:7 ARGS` through an in-process simulator that maps `echo.test`
/// to the loopback echo `server`.
fn echo_via(server: &str, args: &[&str]) -> Run {
    let map = format!("sim:--delays fast --map echo.test={server}");
    let mut a = vec!["--json", "--port", &map, "echo", "echo.test:7"];
    a.extend_from_slice(args);
    qtcp(&a, None, Duration::from_secs(60))
}

#[test]
fn the_built_in_echo_comes_back_intact_in_both_receive_modes() {
    let sim = Sim::start(&[FAST]);
    for mode in ["retrieve", "direct"] {
        let r = sim.qtcp(&[
            "--json", "echo", ECHO, "--count", "3", "--size", "2000", "--mode", mode,
        ]);
        r.assert_code(0);
        let (probes, s) = split(&r);
        assert_eq!(probes.len(), 3);
        for (i, p) in probes.iter().enumerate() {
            assert_eq!(p["seq"], i + 1);
            assert_eq!(p["bytes_received"], 2000);
            assert_eq!(p["intact"], true);
            assert!(p["rtt_s"].as_f64().unwrap() > 0.0);
        }
        assert_eq!(s["ok"], true);
        assert_eq!(s["command"], "echo");
        assert_eq!(s["mode"], mode);
        assert_eq!(s["probes_intact"], 3);
        assert_eq!(s["bytes_sent"], 6000);
        assert_eq!(s["bytes_received"], 6000);
        assert_eq!(
            (s["bytes_corrupted"].as_u64(), s["bytes_lost"].as_u64()),
            (Some(0), Some(0))
        );
        let (min, med, max) = (
            s["rtt_min_s"].as_f64().unwrap(),
            s["rtt_median_s"].as_f64().unwrap(),
            s["rtt_max_s"].as_f64().unwrap(),
        );
        assert!(min <= med && med <= max);
        assert!(s["uplink_bps"].as_f64().unwrap() > 0.0);
        assert!(s["downlink_bps"].as_f64().unwrap() > 0.0);
        assert_eq!(s["closed"], true);
        // The connection is closed behind it, so the next command starts clean.
        let st = sim.qtcp(&["--json", "at", "AT+QISTAT"]).assert_code(0).json();
        assert_eq!(st["results"][0]["lines"][0], "STATE: IP CLOSE");
    }
    // The summary line keeps its designed order: type, ok, command first.
    let r = sim.qtcp(&["--json", "echo", ECHO, "--count", "1"]);
    let last = String::from_utf8_lossy(&r.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(
        last.starts_with("{\"type\":\"summary\",\"ok\":true,\"command\":\"echo\","),
        "{last}"
    );
}

#[test]
fn udp_and_a_pattern_and_the_human_text() {
    let r = qtcp(
        &[
            "--port",
            "sim:--delays fast",
            "echo",
            "--udp",
            "220.180.239.212:8062",
            "--count",
            "2",
            "--size",
            "10",
            "--pattern",
            "abc",
        ],
        None,
        Duration::from_secs(60),
    );
    r.assert_code(0);
    let text = String::from_utf8_lossy(&r.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[0].starts_with("probe 1: 10 of 10 bytes back, intact, rtt "),
        "{text}"
    );
    assert!(lines[2].starts_with("--- 220.180.239.212:8062 (UDP, "), "{text}");
    assert_eq!(
        lines[3],
        "2 of 2 probes intact; 20 bytes sent, 20 back, 0 corrupted, 0 lost"
    );
    assert!(lines[4].starts_with("rtt min/median/max "), "{text}");
}

#[test]
fn one_corrupted_byte_is_15_and_every_probe_is_still_sent() {
    // Byte 10 of the stream (probe 1, offset 10) comes back flipped.
    let server = echo_server(|i, b| Some(if i == 10 { b ^ 0x5a } else { b }));
    let r = echo_via(&server, &["--count", "3", "--size", "100"]);
    r.assert_code(15);
    let (probes, s) = split(&r);
    assert_eq!(probes.len(), 3);
    assert_eq!(probes[0]["intact"], false);
    assert_eq!(probes[0]["bytes_corrupted"], 1);
    assert_eq!(probes[0]["first_corrupted_offset"], 10);
    assert_eq!(probes[1]["intact"], true);
    assert_eq!(probes[2]["intact"], true);
    assert_eq!(s["ok"], false);
    assert_eq!(s["error"]["class"], "mismatch");
    assert_eq!(s["error"]["exit_code"], 15);
    assert_eq!(s["bytes_corrupted"], 1);
    assert_eq!(s["bytes_lost"], 0);
    assert_eq!(s["probes_intact"], 2);
    assert!(
        r.stderr
            .contains("probe 1: 1 of 100 bytes came back different (first at offset 10)"),
        "{}",
        r.stderr
    );
}

#[test]
fn echoes_that_stop_arriving_are_11() {
    // The first probe is echoed, then nothing.
    let server = echo_server(|i, b| (i < 50).then_some(b));
    let r = echo_via(&server, &["--count", "3", "--size", "50", "--timeout", "1s"]);
    r.assert_code(11);
    let (probes, s) = split(&r);
    assert_eq!(probes.len(), 2, "stops at the probe that did not come back");
    assert_eq!(probes[0]["intact"], true);
    assert_eq!(probes[1]["bytes_received"], 0);
    assert_eq!(probes[1]["bytes_lost"], 50);
    assert_eq!(s["error"]["class"], "not_acknowledged");
    assert_eq!(s["bytes_lost"], 50);
    assert_eq!(s["probes"], 2);
}

#[test]
fn a_lost_connection_is_9() {
    let sim = Sim::start(&[FAST, "--fault", "peer-close-after-bytes=300"]);
    let r = sim.qtcp(&["--json", "echo", ECHO, "--count", "3", "--size", "256"]);
    r.assert_code(9);
    let (probes, s) = split(&r);
    assert_eq!(
        probes.len(),
        2,
        "the probe that could not be sent is reported too"
    );
    assert_eq!(probes[0]["intact"], true);
    assert_eq!(probes[1]["intact"], false);
    assert_eq!(probes[1]["bytes_lost"], 256);
    assert_eq!(s["error"]["class"], "connection_lost");
    assert_eq!(s["probes"], 2);
}

#[test]
fn bad_input_is_2() {
    let r = qtcp(
        &["--json", "--port", "sim", "echo", "nohost"],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(2);
    let (probes, s) = split(&r);
    assert!(probes.is_empty());
    assert_eq!(s["error"]["class"], "usage");
    let r = qtcp(
        &["--port", "sim", "echo", ECHO, "--count", "0"],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(2);
}

#[test]
fn multi_connection_mode_takes_an_id() {
    let sim = Sim::start(&[FAST]);
    sim.qtcp(&["at", "AT+QIMUX=1"]).assert_code(0);
    let r = sim.qtcp(&["--json", "echo", ECHO, "--count", "2"]);
    r.assert_code(2);
    assert!(split(&r).1["error"]["message"].as_str().unwrap().contains("--id"));
    for mode in ["direct", "retrieve"] {
        let r = sim.qtcp(&[
            "--json", "echo", ECHO, "--id", "2", "--count", "2", "--mode", mode,
        ]);
        r.assert_code(0);
        assert_eq!(split(&r).1["probes_intact"], 2);
    }
}
