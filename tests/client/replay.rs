//! Record and replay: sessions recorded with `--trace` against `qtcp sim` are replayed with
//! `qtcp sim --replay`, and the client gets the same results (exit codes, JSON fields except
//! timings) from the replay as from the recorded module.

use crate::per_family;
use crate::support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FAST: &str = "--delays=fast";

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The JSON without what depends on time or on the port's name.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !(k.ends_with("_s") || k.ends_with("_bps") || k.ends_with("_ms") || *k == "port")
                })
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// One step of a script: qtcp arguments (after `--port P --trace F --json`).
type Step = Vec<String>;

/// Run `steps` against a fresh simulator with `sim_flags`, one trace file per step.
fn record(dir: &Path, sim_flags: &[&str], steps: &[Step]) -> (Vec<(i32, Value)>, Vec<PathBuf>) {
    record_then(dir, sim_flags, steps, || {})
}

/// [`record`], running `before_stop` before the simulator stops (its sockets are torn down then,
/// queued bytes with them).
fn record_then(
    dir: &Path,
    sim_flags: &[&str],
    steps: &[Step],
    before_stop: impl FnOnce(),
) -> (Vec<(i32, Value)>, Vec<PathBuf>) {
    let sim = Sim::start_capturing(sim_flags);
    let mut results = Vec::new();
    let mut traces = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let trace = dir.join(format!("step{i}.jsonl"));
        let mut args = vec!["--trace", trace.to_str().unwrap(), "--json"];
        args.extend(step.iter().map(String::as_str));
        let r = sim.qtcp(&args);
        results.push((r.code, r.json()));
        traces.push(trace);
    }
    before_stop();
    let Stopped { code, summary, .. } = sim.stop();
    assert_eq!(code, 0);
    assert!(summary.is_none());
    (results, traces)
}

/// Replay `traces` and run `steps` against the replay; the results and the summary.
fn replay(traces: &[PathBuf], extra: &[&str], steps: &[Step]) -> (Vec<(i32, Value)>, i32, Value, String) {
    let mut args = Vec::new();
    for t in traces {
        args.push("--replay".to_string());
        args.push(t.to_str().unwrap().to_string());
    }
    args.extend(s(extra));
    let sim = Sim::start_capturing(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut results = Vec::new();
    for step in steps {
        let mut a = vec!["--json"];
        a.extend(step.iter().map(String::as_str));
        let r = sim.qtcp(&a);
        results.push((r.code, r.json()));
    }
    let Stopped {
        code,
        summary,
        stderr: err,
        ..
    } = sim.stop();
    (results, code, summary.expect("replay summary line"), err)
}

fn assert_same(recorded: &[(i32, Value)], replayed: &[(i32, Value)]) {
    assert_eq!(recorded.len(), replayed.len());
    for ((c1, v1), (c2, v2)) in recorded.iter().zip(replayed) {
        assert_eq!(c1, c2, "exit codes differ:\nrecorded {v1}\nreplayed {v2}");
        assert_eq!(normalize(v1), normalize(v2), "JSON differs");
    }
}

fn script(sink: &str, file: &Path) -> Vec<Step> {
    vec![
        s(&["probe"]),
        s(&[
            "attach",
            "--apn",
            "CMNET",
            "--user",
            "u",
            "--password",
            "s3cret",
            "--activate",
        ]),
        s(&["connect", sink]),
        s(&["send", "--file", file.to_str().unwrap(), "--wait-ack"]),
        s(&["close"]),
    ]
}

// Recorded on each module family and replayed: the replay answers with the recorded bytes, so a
// ctx session (QIOPEN and its +QIOPEN URC, QISEND=<id>,0 counters) replays like a QI one.
per_family!(probe_attach_connect_send_replayed_give_the_same_results, |f| {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start();
    let data = random_bytes(10_000, 11);
    let file = write_file(dir.path(), "data.bin", &data);
    let steps = script(&sink.addr, &file);
    let (recorded, traces) = record_then(dir.path(), &f.sim_args(&[FAST]), &steps, || {
        sink.wait_total(data.len(), Duration::from_secs(10));
    });
    assert!(recorded.iter().all(|(c, _)| *c == 0), "{recorded:?}");
    assert!(
        recorded.iter().all(|(_, v)| v["dialect"] == f.name),
        "{recorded:?}"
    );
    assert_eq!(sink.received()[0], data);
    // the password never reaches the trace
    for t in &traces {
        assert!(!std::fs::read_to_string(t).unwrap().contains("s3cret"));
    }

    // The replay answers with another password too: *** matches any.
    let mut steps2 = steps.clone();
    steps2[1][6] = "other-pw".into();
    let (replayed, code, summary, err) = replay(&traces, &[], &steps2);
    assert_same(&recorded, &replayed);
    assert_eq!(code, 0, "{err}");
    let st = &summary["replay"];
    assert_eq!(st["complete"], true, "{summary}");
    assert_eq!(st["mismatches"], Value::Array(vec![]), "{summary}");
    assert_eq!(st["exchanges"], st["replayed"]);
    // the replay dialled nobody
    assert_eq!(sink.received().len(), 1);
});

#[test]
fn one_concatenated_file_replays_like_several() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start();
    let file = write_file(dir.path(), "data.bin", &random_bytes(3000, 5));
    let steps = script(&sink.addr, &file);
    let (recorded, traces) = record(dir.path(), &[FAST], &steps);
    let all = dir.path().join("all.jsonl");
    let mut text = String::new();
    for t in &traces {
        text.push_str(&std::fs::read_to_string(t).unwrap());
    }
    std::fs::write(&all, text).unwrap();
    let (replayed, code, summary, _) = replay(&[all], &[], &steps);
    assert_same(&recorded, &replayed);
    assert_eq!(code, 0);
    assert_eq!(summary["replay"]["complete"], true);
}

#[test]
fn replay_behind_a_serial_server() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start();
    let file = write_file(dir.path(), "data.bin", &random_bytes(5000, 6));
    let steps = script(&sink.addr, &file);
    let (recorded, traces) = record(dir.path(), &[FAST, "--listen", "127.0.0.1:0"], &steps);
    assert!(recorded.iter().all(|(c, _)| *c == 0), "{recorded:?}");
    let (replayed, code, _, _) = replay(&traces, &["--listen", "127.0.0.1:0"], &steps);
    assert_same(&recorded, &replayed);
    assert_eq!(code, 0);
}

#[test]
fn failures_replay_too() {
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![
        s(&["probe", "--expect", "ready"]),
        s(&["attach", "--apn", "CMNET", "--activate"]),
    ];
    let (recorded, traces) = record(dir.path(), &[FAST, "--fault", "qiact-fail"], &steps);
    assert_eq!(recorded[0].0, 0);
    assert_eq!(recorded[1].0, 7, "{:?}", recorded[1]);
    let (replayed, code, summary, _) = replay(&traces, &[], &steps);
    assert_same(&recorded, &replayed);
    assert_eq!(code, 0);
    assert_eq!(summary["replay"]["complete"], true);
}

#[test]
fn peer_close_urc_replays_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start();
    let file = write_file(dir.path(), "data.bin", &random_bytes(8000, 8));
    let steps = vec![
        s(&["connect", &sink.addr]),
        s(&["send", "--file", file.to_str().unwrap(), "--wait-ack"]),
    ];
    let (recorded, traces) = record(
        dir.path(),
        &[FAST, "--fault", "peer-close-after-bytes=3000"],
        &steps,
    );
    assert_eq!(recorded[1].0, 9, "{:?}", recorded[1]);
    let (replayed, _, summary, _) = replay(&traces, &[], &steps);
    assert_same(&recorded, &replayed);
    assert_eq!(summary["replay"]["mismatches"], Value::Array(vec![]));
}

#[test]
fn divergence_is_answered_error_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![s(&["probe"])];
    let (_, traces) = record(dir.path(), &[FAST], &steps);
    let log = dir.path().join("host.log");
    let (replayed, code, summary, err) = replay(
        &traces,
        &["--host-log", log.to_str().unwrap()],
        &[s(&["attach", "--apn", "CMNET", "--activate"])],
    );
    assert_ne!(replayed[0].0, 0, "{:?}", replayed[0]);
    assert_eq!(code, 12, "the simulator's exit status tells of the mismatch");
    let m = summary["replay"]["mismatches"].as_array().unwrap();
    assert!(!m.is_empty(), "{summary}");
    assert!(
        m[0]["at"].as_str().unwrap().starts_with("step0.jsonl:"),
        "{summary}"
    );
    assert_eq!(summary["replay"]["complete"], false);
    assert!(err.contains("replay mismatch at step0.jsonl:"), "{err}");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("\"replay\":\"mismatch\""), "{log}");
}

#[test]
fn extra_sync_is_answered_and_not_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![s(&["probe"])];
    let (recorded, traces) = record(dir.path(), &[FAST], &steps);
    // the same probe twice: the second one's AT is the end of the recording, answered OK,
    // and its next command is a mismatch
    let (replayed, code, summary, _) = replay(&traces, &[], &[s(&["probe"]), s(&["probe"])]);
    assert_same(&recorded, &replayed[..1]);
    assert_eq!(summary["replay"]["extra_sync"], 1, "{summary}");
    assert_eq!(summary["replay"]["complete"], true);
    // probe survives ERROR to its queries, but it did not learn what the first one did
    assert_ne!(
        normalize(&replayed[1].1),
        normalize(&replayed[0].1),
        "{:?}",
        replayed[1]
    );
    assert!(!summary["replay"]["mismatches"].as_array().unwrap().is_empty());
    assert_eq!(summary["replay"]["mismatches"][0]["at"], "end of recording");
    assert_eq!(code, 12);
}

#[test]
fn replay_timing_reproduces_delays() {
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![s(&["attach", "--apn", "CMNET", "--activate"])];
    let (recorded, traces) = record(dir.path(), &[FAST, "--qiact-delay", "800ms"], &steps);
    assert_eq!(recorded[0].0, 0);
    let t = Instant::now();
    let (fast, _, _, _) = replay(&traces, &[], &steps);
    let fast_t = t.elapsed();
    let t = Instant::now();
    let (timed, _, _, _) = replay(&traces, &["--replay-timing"], &steps);
    let timed_t = t.elapsed();
    assert_same(&recorded, &fast);
    assert_same(&recorded, &timed);
    assert!(timed_t >= Duration::from_millis(800), "{timed_t:?}");
    assert!(timed_t > fast_t, "{timed_t:?} vs {fast_t:?}");
}

#[test]
fn in_process_replay() {
    let dir = tempfile::tempdir().unwrap();
    let (recorded, traces) = record(dir.path(), &[FAST], &[s(&["probe"])]);
    let port = format!("sim:--replay {}", traces[0].display());
    let r = qtcp(
        &["--json", "--port", &port, "probe"],
        None,
        Duration::from_secs(30),
    );
    assert_eq!(r.code, recorded[0].0);
    assert_eq!(normalize(&r.json()), normalize(&recorded[0].1));
}

#[test]
fn bad_replay_file_is_usage() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(
        dir.path(),
        "bad.jsonl",
        b"{\"t\": 0, \"dir\": \"up\", \"data\": \"AT\"}\n",
    );
    let r = qtcp(
        &["sim", "--replay", bad.to_str().unwrap()],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(2);
    assert!(r.stderr.contains("bad.jsonl:1"), "{}", r.stderr);
    let r = qtcp(
        &["sim", "--replay", "/nonexistent/x.jsonl"],
        None,
        Duration::from_secs(10),
    );
    assert_ne!(r.code, 0);
    let r = qtcp(&["sim", "--replay-timing"], None, Duration::from_secs(10));
    r.assert_code(2);
}

#[test]
fn long_help_documents_replay_and_listen() {
    let r = qtcp(&["sim", "--help"], None, Duration::from_secs(10));
    r.assert_code(0);
    let out = String::from_utf8_lossy(&r.stdout);
    for needle in [
        "--replay",
        "--replay-timing",
        "--listen",
        "mismatch",
        "***",
        "exit 3",
    ] {
        assert!(out.contains(needle), "{needle} missing from qtcp sim --help");
    }
}

#[test]
fn unanswered_sync_attempts_replay_as_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![s(&["probe"])];
    let (recorded, traces) = record(dir.path(), &[FAST, "--fault", "sync-after=2"], &steps);
    assert_eq!(recorded[0].1["sync_attempts"], 3, "{:?}", recorded[0]);
    let (replayed, code, summary, _) = replay(&traces, &[], &steps);
    assert_same(&recorded, &replayed);
    assert_eq!(code, 0);
    assert_eq!(summary["replay"]["complete"], true);
}
