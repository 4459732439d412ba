//! Issue 5, `qtcp recv`: the real binary against `qtcp sim` (one per test) and loopback servers.
//! Connections are set up with the binary itself (attach, connect), since the module keeps
//! state between processes.

use crate::support::*;
use base64::Engine;
use serde_json::Value;
use std::time::Duration;

const FAST: &str = "--delays=fast";

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn attach(sim: &Sim, mode: &[&str]) {
    let mut a = vec!["--json", "attach", "--apn", "x"];
    a.extend_from_slice(mode);
    sim.qtcp(&a).assert_code(0);
}

fn connect(sim: &Sim, dest: &str) {
    sim.qtcp(&["--json", "connect", dest]).assert_code(0);
}

/// A simulator (FAST plus `flags`), a loopback server, and a connection to it after
/// `attach --apn x` with `recv_mode` (e.g. `--recv retrieve`).
fn connected(flags: &[&str], recv_mode: &[&str]) -> (Sim, Server) {
    let mut f = vec![FAST];
    f.extend_from_slice(flags);
    let sim = Sim::start(&f);
    let server = Server::start();
    attach(&sim, recv_mode);
    connect(&sim, &server.addr);
    (sim, server)
}

/// `qtcp --json recv --timeout 30s` started before the server sends `data` and closes: its run,
/// which must exit 0.
fn receive_until_close(sim: &Sim, server: &Server, data: &[u8]) -> Run {
    let live = Live::spawn(sim, &["--json", "recv", "--timeout", "30s"]);
    live.wait_json(Duration::from_secs(20), |v| v["event"] == "ready");
    server.send(data);
    server.close();
    let r = live.finish(Duration::from_secs(40));
    r.assert_code(0);
    r
}

/// Data lines of a JSON Lines run, decoded, and the summary.
fn decode(run: &Run) -> (Vec<u8>, Vec<Value>, Value) {
    let lines = run.lines();
    let mut data = Vec::new();
    let mut records = Vec::new();
    for v in &lines {
        if v["type"] == "data" {
            let b = b64(v["bytes"].as_str().unwrap());
            assert_eq!(b.len() as u64, v["len"].as_u64().unwrap());
            assert_eq!(v["offset"].as_u64().unwrap(), data.len() as u64);
            data.extend_from_slice(&b);
            records.push(v.clone());
        }
    }
    let summary = lines.last().cloned().expect("a summary line");
    assert_eq!(summary["type"], "summary", "last line: {summary}");
    (data, records, summary)
}

#[test]
fn one_mib_random_binary_in_retrieve_mode_byte_exact() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    let data = random_bytes(1 << 20, 51);
    server.send(&data);
    let out = sim.path("got.bin");
    let r = sim.qtcp(&[
        "--json",
        "recv",
        "--bytes",
        "1048576",
        "--timeout",
        "50s",
        "--out",
        out.to_str().unwrap(),
    ]);
    r.assert_code(0);
    let summary = r.lines().pop().unwrap();
    assert_eq!(summary["reason"], "bytes");
    assert_eq!(summary["bytes"], 1 << 20);
    assert_eq!(summary["mode"], "retrieve");
    let got = std::fs::read(out).unwrap();
    assert_eq!(got.len(), data.len());
    assert_eq!(sha(&got), sha(&data));
}

#[test]
fn data_that_arrived_while_no_process_held_the_port_is_received_next_time() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    let data = random_bytes(20_000, 52);
    server.send(&data[..8000]);
    // Take 1000 bytes: the rest stays in the module (recv never reads beyond --bytes) ...
    let r = sim.qtcp(&["recv", "--bytes", "1000", "--timeout", "20s"]);
    r.assert_code(0);
    assert_eq!(r.stdout, &data[..1000]);
    // ... and is read by the next process, with what arrived while no process held the port
    // (its +QIRDI went to nobody).
    server.send(&data[8000..]);
    server.close();
    let r = sim.qtcp(&["recv", "--timeout", "20s"]);
    r.assert_code(0);
    assert_eq!(r.stdout.len(), data.len() - 1000);
    assert_eq!(r.stdout, &data[1000..]);
    assert!(r.stderr.contains("closed"), "{}", r.stderr);
}

#[test]
fn server_sends_and_closes_all_bytes_then_the_close() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    let data = random_bytes(50_000, 53);
    // recv runs first and sees the data and then the CLOSED URC as they happen.
    let r = receive_until_close(&sim, &server, &data);
    let (got, _, summary) = decode(&r);
    assert_eq!(sha(&got), sha(&data));
    assert_eq!(summary["reason"], "closed");
    assert_eq!(summary["closed"], true);
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["exit_code"], 0);
    let lines = r.lines();
    let closed = lines
        .iter()
        .position(|v| v["type"] == "event" && v["event"] == "closed")
        .expect("a closed event");
    let last_data = lines.iter().rposition(|v| v["type"] == "data").unwrap();
    assert!(closed < lines.len() - 1);
    let _ = last_data;

    // The connection is gone now: --bytes asked and not reached is connection_lost (9).
    let r = sim.qtcp(&["--json", "recv", "--bytes", "10", "--timeout", "10s"]);
    r.assert_code(9);
}

#[test]
fn close_before_bytes_reached_is_9_and_all_bytes_are_out() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    let data = random_bytes(7000, 54);
    server.send(&data);
    server.close();
    let r = sim.qtcp(&["--json", "recv", "--bytes", "100000", "--timeout", "20s"]);
    r.assert_code(9);
    let (got, _, summary) = decode(&r);
    assert_eq!(got, data);
    assert_eq!(summary["reason"], "closed");
    assert_eq!(summary["error"]["class"], "connection_lost");
}

#[test]
fn timeout_before_bytes_is_14_and_idle_without_bytes_is_0() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    server.send(b"abc");
    let r = sim.qtcp(&["--json", "recv", "--bytes", "1000", "--timeout", "700ms"]);
    r.assert_code(14);
    let (got, _, summary) = decode(&r);
    assert_eq!(got, b"abc");
    assert_eq!(summary["reason"], "timeout");
    assert_eq!(summary["error"]["class"], "timeout");

    server.send(b"def");
    let r = sim.qtcp(&["--json", "recv", "--idle", "500ms", "--timeout", "20s"]);
    r.assert_code(0);
    let (got, _, summary) = decode(&r);
    assert_eq!(got, b"def");
    assert_eq!(summary["reason"], "idle");
}

#[test]
fn udp_datagrams_are_records() {
    let sim = Sim::start(&[FAST]);
    attach(&sim, &["--recv", "retrieve"]);
    let (udp, peer) = udp_peer(&sim);
    let addr = udp.local_addr().unwrap().to_string();
    let grams = [random_bytes(100, 55), random_bytes(1, 56), random_bytes(1200, 57)];
    for g in &grams {
        udp.send_to(g, peer).unwrap();
    }
    let total: usize = grams.iter().map(Vec::len).sum();
    let r = sim.qtcp(&[
        "--json",
        "recv",
        "--bytes",
        &total.to_string(),
        "--timeout",
        "20s",
    ]);
    r.assert_code(0);
    let (got, records, _) = decode(&r);
    assert_eq!(got, grams.concat());
    let lens: Vec<u64> = records.iter().map(|v| v["len"].as_u64().unwrap()).collect();
    assert_eq!(lens, vec![100, 1, 1200], "one record per datagram");
    for v in &records {
        assert_eq!(v["protocol"], "UDP");
        assert_eq!(v["from"], addr.as_str());
    }
}

#[test]
fn direct_mode_with_headers_data_between_command_responses() {
    let (sim, server) = connected(&[], &["--recv", "direct", "--headers"]);
    let data = random_bytes(120_000, 58);
    // --poll 5ms: recv checks QISTAT all the time, so data is pushed between commands.
    let live = Live::spawn(
        &sim,
        &[
            "--json",
            "recv",
            "--headers",
            "--bytes",
            "120000",
            "--timeout",
            "40s",
            "--poll",
            "5ms",
        ],
    );
    let ready = live.wait_json(Duration::from_secs(20), |v| v["event"] == "ready");
    assert_eq!(ready["mode"], "direct");
    for piece in data.chunks(997) {
        server.send(piece);
    }
    let r = live.finish(Duration::from_secs(50));
    r.assert_code(0);
    let (got, records, summary) = decode(&r);
    assert_eq!(sha(&got), sha(&data));
    assert_eq!(summary["mode"], "direct");
    assert_eq!(summary["reason"], "bytes");
    for v in &records {
        assert_eq!(v["protocol"], "TCP");
        assert_eq!(v["from"], server.addr.as_str());
    }
}

#[test]
fn direct_mode_raw_output_and_peer_close() {
    let (sim, server) = connected(&[], &["--recv", "direct", "--headers"]);
    let data = random_bytes(30_000, 59);
    let r = receive_until_close(&sim, &server, &data);
    let (got, _, summary) = decode(&r);
    assert_eq!(got, data);
    assert_eq!(summary["reason"], "closed");
}

#[test]
fn direct_mode_without_headers_is_refused_with_the_reason() {
    let (sim, _server) = connected(&[], &["--recv", "direct"]);
    // connect switched the headers on (issue 18): off again, as another program may leave them.
    sim.qtcp(&["at", "AT+QIHEAD=0", "AT+QISHOWRA=0", "AT+QISHOWPT=0"])
        .assert_code(0);
    let r = sim.qtcp(&["recv", "--timeout", "5s"]);
    r.assert_code(2);
    assert!(r.stderr.contains("retrieve"), "{}", r.stderr);
    assert!(r.stderr.contains("--headers"), "{}", r.stderr);
}

#[test]
fn json_lines_decode_to_the_bytes_and_report_urcs() {
    let (sim, server) = connected(&[], &["--recv", "retrieve"]);
    let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    server.send(&data);
    server.close();
    let r = sim.qtcp(&["--json", "recv", "--chunk", "700", "--timeout", "20s"]);
    r.assert_code(0);
    let (got, records, summary) = decode(&r);
    assert_eq!(got, data);
    assert!(records.iter().all(|v| v["len"].as_u64().unwrap() <= 700));
    assert_eq!(records[0]["protocol"], "TCP");
    assert_eq!(records[0]["from"], server.addr.as_str());
    assert_eq!(summary["bytes"], 10_000);
    assert_eq!(summary["chunks"], records.len());
}

#[test]
fn pdp_deact_is_reported_and_exits_7() {
    // The fault fires on uplink bytes: `send` trips it while data waits in the module.
    let (sim, server) = connected(&["--fault", "pdp-deact-after-bytes=5"], &["--recv", "retrieve"]);
    let data = random_bytes(3000, 60);
    server.send(&data);
    // Make sure the data is in the module: take one byte.
    let r = sim.qtcp(&["recv", "--bytes", "1", "--timeout", "20s"]);
    r.assert_code(0);
    assert_eq!(r.stdout, &data[..1]);
    let _ = sim.qtcp(&["send", "--data", "hello"]);
    let r = sim.qtcp(&["--json", "recv", "--timeout", "20s"]);
    r.assert_code(7);
    let (got, _, summary) = decode(&r);
    // Whatever the module still held came out first.
    assert!(data[1..].starts_with(&got));
    assert_eq!(summary["reason"], "pdp_deact");
    assert_eq!(summary["error"]["class"], "pdp_context");
}

#[test]
fn id_needs_mux_mode() {
    let sim = Sim::start(&[FAST]);
    let r = sim.qtcp(&["recv", "--id", "0", "--timeout", "1s"]);
    r.assert_code(2);
}

/// Issue 18 point 4: in multi-connection direct mode `recv --id 0` dropped the `+RECEIVE` data
/// of the other connections without a word; it counts them (`bytes_other_connections`; the
/// text summary warns).
#[test]
fn multi_connection_direct_recv_counts_the_other_connections_bytes() {
    let sim = Sim::start(&[FAST]);
    let (zero, one) = (Server::start(), Server::start());
    attach(&sim, &["--recv", "direct"]);
    sim.qtcp(&["at", "AT+QIMUX=1"]).assert_code(0);
    for (id, s) in [("0", &zero), ("1", &one)] {
        sim.qtcp(&["--json", "connect", "--id", id, &s.addr])
            .assert_code(0);
    }
    let live = Live::spawn(&sim, &["--json", "recv", "--id", "0", "--timeout", "30s"]);
    live.wait_json(Duration::from_secs(20), |v| v["event"] == "ready");
    let (for_zero, for_one) = (random_bytes(3000, 71), random_bytes(5000, 72));
    one.send(&for_one);
    one.close();
    // The module writes a connection's data before its CLOSED: once `1, CLOSED` is reported,
    // every byte for connection 1 has been taken off the line.
    live.wait_json(Duration::from_secs(20), |v| v["text"] == "1, CLOSED");
    zero.send(&for_zero);
    zero.close();
    let r = live.finish(Duration::from_secs(40));
    r.assert_code(0);
    let (got, _, summary) = decode(&r);
    assert_eq!(got, for_zero);
    assert_eq!(summary["bytes_other_connections"], 5000, "{summary}");
}
