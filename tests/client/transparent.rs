//! Issue 5, `qtcp transparent`: the real binary against `qtcp sim` (one per test) and loopback
//! servers. stdout carries the server's bytes; events and the summary are JSON lines on stderr.

use crate::support::*;
use qtcp::tokenizer::{QiResult, Token, Tokenizer};
use serde_json::Value;
use std::time::Duration;

/// Short guards keep the tests quick; the simulator checks them (qtcp's --guard must cover the
/// simulator's guard times).
const SIM_FAST: &[&str] = &[
    "--delays=fast",
    "--guard-before",
    "300ms",
    "--guard-after",
    "200ms",
];
const GUARD: &[&str] = &["--guard", "400ms", "--linger", "500ms"];

/// `qtcp --json transparent ARGS` running (stdin held open by the test).
fn spawn_transparent(sim: &Sim, args: &[&str]) -> Live {
    let mut full = vec!["--json", "transparent"];
    full.extend_from_slice(args);
    Live::spawn(sim, &full)
}

/// Wait for exit: exit code, stdout, the summary line on stderr, stderr.
fn finish(live: Live, within: Duration) -> (i32, Vec<u8>, Value, String) {
    let r = live.finish(within);
    let summary = r
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .rfind(|v| v["type"] == "summary")
        .unwrap_or_else(|| panic!("no summary on stderr: {}", r.stderr));
    (r.code, r.stdout, summary, r.stderr)
}

fn run_transparent(sim: &Sim, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, Value, String) {
    let mut full = vec!["--port", sim.port.as_str(), "--json", "transparent"];
    full.extend_from_slice(args);
    let r = qtcp(&full, Some(stdin), Duration::from_secs(60));
    let summary = r
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .rfind(|v| v["type"] == "summary")
        .unwrap_or_else(|| panic!("no summary on stderr: {}", r.stderr));
    (r.code, r.stdout, summary, r.stderr)
}

fn args<'a>(dest: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![dest];
    a.extend_from_slice(GUARD);
    a.extend_from_slice(extra);
    a
}

#[test]
fn round_trip_random_binary_with_an_echo_server() {
    let sim = Sim::start(SIM_FAST);
    let echo = Echo::start();
    let data = random_bytes(200_000, 71);
    let (code, out, summary, err) = run_transparent(&sim, &args(&echo.addr, &["--close"]), &data);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.len(), data.len(), "{err}");
    assert_eq!(sha(&out), sha(&data));
    assert_eq!(sha(&echo.got.lock().unwrap()), sha(&data));
    assert_eq!(summary["reason"], "eof");
    // Every JSON line on stderr matches schemas/transparent.json.
    let schema: Value = serde_json::from_slice(
        &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/transparent.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for line in err.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()) {
        assert!(
            validator.is_valid(&line),
            "does not match schemas/transparent.json: {line}"
        );
    }
    assert_eq!(summary["bytes_out"], 200_000);
    assert_eq!(summary["bytes_in"], 200_000);
    assert_eq!(summary["connection_open"], false);
    assert_eq!(summary["qimode_restored"], true);
    let actions: Vec<&str> = summary["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(actions.contains(&"QIMODE=1"), "{actions:?}");
    assert!(actions.contains(&"QITCFG=3,2,512,1"), "{actions:?}");
    assert!(actions.contains(&"QIMODE=0"), "{actions:?}");
    // Non-transparent mode is back: a plain connect and send work.
    let sink = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    sim.qtcp(&["--json", "send", "--data", "after", "--wait-ack"])
        .assert_code(0);
    sink.wait_total(5, Duration::from_secs(10));
    assert_eq!(sink.received()[0], b"after");
}

#[test]
fn default_guard_times_and_context_up_before() {
    // Default simulator guard times (1 s / 500 ms) and qtcp's default --guard 1s; the context is
    // already active, so qtcp has to deactivate it before QIMODE=1 and says so.
    let sim = Sim::start(&["--delays=fast"]);
    sim.qtcp(&["--json", "attach", "--apn", "x", "--activate"])
        .assert_code(0);
    let echo = Echo::start();
    let data = random_bytes(3000, 72);
    let (code, out, summary, err) = run_transparent(&sim, &[echo.addr.as_str(), "--close"], &data);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, data);
    let actions = summary["actions"].to_string();
    assert!(actions.contains("QIDEACT (state was IP"), "{actions}");
}

#[test]
fn plus_plus_plus_inside_the_stream_is_data() {
    // No guard silence around these "+++": the simulator must pass them to the server.
    let sim = Sim::start(SIM_FAST);
    let echo = Echo::start();
    let mut data = random_bytes(5000, 73);
    data.extend_from_slice(b"+++");
    data.extend_from_slice(&random_bytes(100, 74));
    data.extend_from_slice(b"a+++b+++");
    data.extend_from_slice(b"+++");
    data.extend_from_slice(&random_bytes(2000, 75));
    let (code, out, _summary, err) = run_transparent(&sim, &args(&echo.addr, &["--close"]), &data);
    assert_eq!(code, 0, "{err}");
    assert_eq!(*echo.got.lock().unwrap(), data, "the server got every +");
    assert_eq!(out, data);
}

#[test]
fn literal_closed_from_the_server_is_data_after_the_check() {
    let sim = Sim::start(SIM_FAST);
    let server = Server::start();
    let mut live = spawn_transparent(&sim, &args(&server.addr, &["--close"]));
    live.wait_event(Duration::from_secs(20), |v| v["event"] == "connected");
    server.send(b"hello\r\nCLOSED\r\n");
    let checked = live.wait_event(Duration::from_secs(20), |v| v["event"] == "checked");
    assert_eq!(checked["verdict"], "data");
    assert_eq!(checked["markers"][0], "CLOSED");
    // Data mode resumed (ATO): more data and our input still flow.
    live.wait_event(Duration::from_secs(20), |v| {
        v["event"] == "connected" && v["resumed"] == true
    });
    server.send(b"more\r\n+PDP DEACT\r\ntail");
    let want = b"hello\r\nCLOSED\r\nmore\r\n+PDP DEACT\r\ntail";
    live.wait_output(want.len(), Duration::from_secs(20));
    live.write(b"input");
    live.close_stdin();
    let (code, out, summary, err) = finish(live, Duration::from_secs(30));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, want);
    assert_eq!(summary["resumed"], 1);
    assert_eq!(summary["bytes_out"], 5);
    assert_eq!(summary["marker_checks"][0]["verdict"], "data");
}

#[test]
fn peer_close_in_data_mode_is_9_and_the_report_is_not_data() {
    let sim = Sim::start(SIM_FAST);
    let server = Server::start();
    let live = spawn_transparent(&sim, &args(&server.addr, &[]));
    live.wait_event(Duration::from_secs(20), |v| v["event"] == "connected");
    // The server's last bytes look like the start of a report; then it closes.
    server.send(b"last words\r\n");
    server.close();
    let (code, out, summary, err) = finish(live, Duration::from_secs(30));
    assert_eq!(code, 9, "{err}");
    assert_eq!(out, b"last words\r\n");
    assert_eq!(summary["reason"], "closed");
    assert_eq!(summary["error"]["class"], "connection_lost");
    assert_eq!(summary["marker_checks"][0]["verdict"], "module");
    assert_eq!(summary["qimode_restored"], true);
    // The module is usable in non-transparent mode.
    let sink = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
}

/// ctx: a peer close in data mode said either way (`--transparent-close`: `NO CARRIER` or
/// `+QIURC: "closed",0`, research §6.6 question 6) is exit 9, and the module's words are not
/// written to stdout as data.
#[test]
fn ctx_peer_close_in_data_mode_either_reading_is_9() {
    for reading in ["no-carrier", "qiurc"] {
        let mut sim_args = SIM_FAST.to_vec();
        sim_args.extend(["--transparent-close", reading]);
        let sim = Family::CTX.sim(&sim_args);
        let server = Server::start();
        let live = spawn_transparent(&sim, &args(&server.addr, &[]));
        live.wait_event(Duration::from_secs(20), |v| v["event"] == "connected");
        server.send(b"last words\r\n");
        server.close();
        let (code, out, summary, err) = finish(live, Duration::from_secs(30));
        assert_eq!(code, 9, "{reading}: {err}");
        assert_eq!(out, b"last words\r\n", "{reading}");
        assert_eq!(summary["reason"], "closed", "{reading}");
        assert_eq!(summary["marker_checks"][0]["verdict"], "module", "{reading}");
        // The socket the close left in state 4 is closed, and nothing claims buffer mode.
        let actions = summary["actions"].to_string();
        assert!(actions.contains("QICLOSE=0"), "{reading}: {summary}");
        assert!(!actions.contains("buffer access mode"), "{reading}: {summary}");
        let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
        assert_eq!(v["sockets"], serde_json::json!([]), "{reading}: {v}");
    }
}

#[test]
fn pdp_deact_in_data_mode_is_7() {
    let sim = Sim::start(&[
        "--delays=fast",
        "--guard-before",
        "300ms",
        "--guard-after",
        "200ms",
        "--fault",
        "pdp-deact-after-bytes=10",
    ]);
    let echo = Echo::start();
    let mut live = spawn_transparent(&sim, &args(&echo.addr, &[]));
    live.wait_event(Duration::from_secs(20), |v| v["event"] == "connected");
    live.write(b"0123456789abcdef");
    let (code, _out, summary, err) = finish(live, Duration::from_secs(30));
    assert_eq!(code, 7, "{err}");
    assert_eq!(summary["reason"], "pdp_deact");
    assert_eq!(summary["error"]["class"], "pdp_context");
}

crate::per_family!(
    /// A session left open (no --close) is resumed by the next one to the same peer (QI: ATO;
    /// ctx: QISWTMD=0,2, where a second open would be refused); to another peer it is exit 8.
    leaving_the_connection_open_then_resuming_it,
    |f| {
        let sim = f.sim(SIM_FAST);
        let echo = Echo::start();
        let (code, out, summary, err) = run_transparent(&sim, &args(&echo.addr, &[]), b"one");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, b"one");
        assert_eq!(summary["connection_open"], true);
        if f.is_ctx() {
            // Said after the `+++` OK that made it so [DOC AN-BG96 p.9].
            assert!(
                summary["actions"].to_string().contains("buffer access mode"),
                "{summary}"
            );
            // (QI's QISTAT names no peer: ATO resumes whatever is open.)
            let other = Echo::start();
            let (code, _, summary, err) = run_transparent(&sim, &args(&other.addr, &[]), b"x");
            assert_eq!(code, 8, "{err}");
            assert_eq!(summary["error"]["class"], "connect", "{summary}");
            assert!(err.contains("close it first"), "{err}");
            assert!(!err.contains("--reuse"), "{err}");
        }
        let (code, out, summary, err) =
            run_transparent(&sim, &args(&echo.addr, &["--close"]), b"two");
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, b"two");
        assert_eq!(summary["connection_open"], false);
        let actions = summary["actions"].to_string();
        if f.is_ctx() {
            assert!(actions.contains("QISWTMD=0,2"), "{summary}");
            assert!(!actions.contains("buffer access mode"), "closed: {summary}");
            assert!(summary["qimode_restored"].is_null(), "{summary}");
        } else {
            assert!(actions.contains("ATO"), "{summary}");
            assert_eq!(summary["qimode_restored"], true);
        }
    }
);

#[test]
fn short_guard_is_not_an_escape() {
    // qtcp's guard shorter than the simulator's: "+++" is data (the echo server gets it) and
    // there is no OK: exit 12, and qtcp writes nothing more.
    let sim = Sim::start(&["--delays=fast", "--guard-before", "3s", "--guard-after", "200ms"]);
    let echo = Echo::start();
    let (code, out, summary, err) = run_transparent(
        &sim,
        &[echo.addr.as_str(), "--guard", "300ms", "--linger", "300ms"],
        b"x",
    );
    assert_eq!(code, 12, "{err}");
    assert_eq!(summary["error"]["class"], "protocol");
    assert_eq!(*echo.got.lock().unwrap(), b"x+++");
    assert!(out.starts_with(b"x"));
}

#[test]
fn tokenizer_lf_after_connect_is_not_data() {
    let mut t = Tokenizer::new();
    t.set_data_mode_on_connect(true);
    let mut out = Vec::new();
    t.feed(b"\r\nOK\r\n\r\nCONNECT\r", &mut out);
    t.feed(b"\n\nabc", &mut out);
    assert!(out.contains(&Token::Qi {
        index: None,
        result: QiResult::Connect
    }));
    let raw: Vec<u8> = out
        .iter()
        .filter_map(|t| match t {
            Token::Raw(b) => Some(b.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(raw, b"\nabc");
}

/// Issue 18: a line that takes bytes more slowly than qtcp writes them (the module's flow
/// control holding it, here a slow `--line-baud`) made a write wait more than 50 ms, which was
/// reported as "device vanished" (13). Flow control holding the line is normal: the bytes get
/// through.
#[test]
fn a_line_held_by_flow_control_is_not_a_vanished_device() {
    let sim = Sim::start(&[SIM_FAST, &["--line-baud", "230400"]].concat());
    let sink = Sink::start();
    // More than a pty holds (about 64 KiB), at 23 KB/s on the line.
    let data = random_bytes(160_000, 18);
    let (code, _out, summary, err) =
        run_transparent(&sim, &args(&sink.addr, &["--close", "--baud", "230400"]), &data);
    assert_eq!(code, 0, "{err}");
    assert_eq!(summary["reason"], "eof");
    sink.wait_total(data.len(), Duration::from_secs(20));
    assert_eq!(sha(&sink.received()[0]), sha(&data));
}
