//! Issue 8: many modules on one host: several --port (repeated or a glob) driven concurrently,
//! one JSON line per port, exit code the worst class seen.

use crate::support::*;
use std::time::Duration;

#[test]
fn sixteen_simulators_probe_concurrently() {
    let mut args = vec!["--json"];
    for _ in 0..16 {
        args.extend(["--port", "sim:--delays fast"]);
    }
    args.push("probe");
    let r = qtcp(&args, None, Duration::from_secs(60));
    r.assert_code(0);
    let lines = r.lines();
    assert_eq!(lines.len(), 16);
    let mut idx: Vec<u64> = lines.iter().map(|l| l["port_index"].as_u64().unwrap()).collect();
    idx.sort();
    assert_eq!(idx, (0..16).collect::<Vec<_>>());
    assert!(lines.iter().all(|l| l["ok"] == true && l["sim_ready"] == true));
}

#[test]
fn exit_code_is_the_worst_class_seen() {
    let r = qtcp(
        &[
            "--json",
            "--port",
            "sim:--delays fast",
            "--port",
            "sim:--delays fast --fault sim=absent",
            "--port",
            "sim:--delays fast --fault no-register",
            "probe",
            "--expect",
            "ready",
        ],
        None,
        Duration::from_secs(60),
    );
    r.assert_code(6);
    let lines = r.lines();
    assert_eq!(lines.len(), 3);
    let codes: Vec<i64> = lines
        .iter()
        .map(|l| l["error"]["exit_code"].as_i64().unwrap_or(0))
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![0, 5, 6]);
}

/// Both module families behind one glob: each port's family is detected on its own (an M95 and
/// a BG96 each), and one push goes through all four.
#[test]
fn glob_over_linked_simulators_push() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start();
    let mut sims = Vec::new();
    for (i, model) in ["m95", "bg96", "m95", "bg96"].iter().enumerate() {
        let link = dir.path().join(format!("ttyQ{i}"));
        sims.push(Sim::start(&[
            "--delays=fast",
            "--model",
            model,
            "--link",
            link.to_str().unwrap(),
        ]));
    }
    let data = random_bytes(30_000, 9);
    let file = write_file(dir.path(), "payload", &data);
    let pattern = format!("{}/ttyQ*", dir.path().display());
    let r = qtcp(
        &[
            "--json",
            "--port",
            &pattern,
            "push",
            file.to_str().unwrap(),
            &sink.addr,
        ],
        None,
        Duration::from_secs(60),
    );
    r.assert_code(0);
    let lines = r.lines();
    assert_eq!(lines.len(), 4);
    for l in &lines {
        assert_eq!(l["bytes_acked"], 30_000);
        let port = l["port"].as_str().unwrap();
        assert!(port.contains("ttyQ"));
        // ttyQ1 and ttyQ3 are the BG96s
        let ctx = port.ends_with('1') || port.ends_with('3');
        assert_eq!(l["dialect"], if ctx { "ctx" } else { "qi" }, "{l}");
    }
    sink.wait_total(4 * data.len(), Duration::from_secs(10));
    let conns = sink.received();
    assert_eq!(conns.len(), 4);
    assert!(conns.iter().all(|c| c == &data));
}

#[test]
fn single_port_commands_refuse_several() {
    let r = qtcp(
        &["--port", "sim", "--port", "sim", "connect", "1.2.3.4:80"],
        None,
        Duration::from_secs(20),
    );
    r.assert_code(2);
}

#[test]
fn glob_matching_nothing_is_3() {
    let r = qtcp(
        &["--json", "--port", "/dev/nonexistent-qtcp-*", "probe"],
        None,
        Duration::from_secs(20),
    );
    r.assert_code(3);
}
