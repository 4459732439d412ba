//! Issue 4: connect, send, sack-watch, close and push through the real binary against
//! `qtcp sim`, with a loopback server recording what it receives.

use crate::support::*;
use std::time::Duration;

const FAST: &str = "--delays=fast";

fn connect(sim: &Sim, dest: &str) {
    sim.qtcp(&["--json", "connect", dest]).assert_code(0);
}

/// `n` random bytes (from `seed`) in a file in the simulator's directory, and the module
/// connected to `sink`: the data and the file to send.
fn file_to_send(sim: &Sim, sink: &Sink, n: usize, seed: u64) -> (Vec<u8>, std::path::PathBuf) {
    let data = random_bytes(n, seed);
    let file = write_file(sim.dir.path(), "d", &data);
    connect(sim, &sink.addr);
    (data, file)
}

#[test]
fn send_one_mib_random_file_every_byte_acknowledged() {
    let sim = Sim::start(&[FAST]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 1 << 20, 1);
    let v = sim
        .qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_sent"], 1 << 20);
    assert_eq!(v["bytes_acked"], 1 << 20);
    assert_eq!(v["bytes_unacked"], 0);
    assert_eq!(v["complete"], true);
    assert!(v["chunks"].as_u64().unwrap() >= (1 << 20) / 1460);
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sha(&sink.received()[0]), sha(&data));
    let v = sim.qtcp(&["--json", "close"]).assert_code(0).json();
    assert_eq!(v["closed"], true);
}

/// Whether a module drops the LF of a CR LF host, any LF after a command line's CR, or none
/// (takes it as the first payload byte) is not known: qtcp ends every line with a bare CR, so a
/// payload whose first byte is LF arrives whole on `with-cr` and `none` (issue 18: with CR LF
/// lines, `none` shifted every payload by one byte).
#[test]
fn payloads_that_start_with_lf_arrive_whole_whichever_lf_the_module_keeps() {
    for rule in ["with-cr", "none"] {
        let sim = Sim::start(&[FAST, "--lf-after-cr", rule]);
        let sink = Sink::start();
        connect(&sim, &sink.addr);
        let mut data = b"\nfirst chunk starts with LF".to_vec();
        data.resize(1460, b'.');
        data.extend_from_slice(b"\n\nsecond chunk too");
        let file = write_file(sim.dir.path(), "lf.bin", &data);
        sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
            .assert_code(0);
        sink.wait_total(data.len(), Duration::from_secs(10));
        assert_eq!(sink.received()[0], data, "--lf-after-cr {rule}");
    }
}

/// Issue 18: a module that takes the LF after a QISEND line's CR as payload got `\n` + the
/// chunk minus its last byte from a CR LF host; 100 kB of random data now arrives whole.
#[test]
fn a_file_arrives_whole_on_a_module_that_takes_the_lf_after_cr_as_data() {
    let sim = Sim::start(&[FAST, "--lf-after-cr", "none"]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 100_000, 18);
    let v = sim
        .qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_acked"], 100_000);
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sha(&sink.received()[0]), sha(&data));
}

/// Issue 18: three datagrams arrived as `alph`, `brav`, `char` (with LFs) on a module that
/// takes the LF after the CR as data.
#[test]
fn udp_datagrams_arrive_whole_on_a_module_that_takes_the_lf_after_cr_as_data() {
    let sim = Sim::start(&[FAST, "--lf-after-cr", "none"]);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    sim.qtcp(&["--json", "connect", "--udp", &addr]).assert_code(0);
    for word in ["alpha", "bravo", "charl"] {
        sim.qtcp(&["--json", "send", "--udp", "--data", word])
            .assert_code(0);
        let mut buf = [0u8; 64];
        let (n, _) = sock.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], word.as_bytes());
    }
}

/// A firmware that drops any LF after a command line's CR, however late (`always`), loses a
/// payload's leading LF and waits for one more byte. qtcp sees no SEND OK in time, fails with
/// "send refused" (10) and writes nothing more: any byte would complete the payload shifted.
#[test]
fn a_module_that_drops_a_payloads_leading_lf_is_refused_without_a_shifted_byte() {
    let sim = Sim::start(&[FAST, "--lf-after-cr", "always"]);
    let sink = Sink::start();
    connect(&sim, &sink.addr);
    let trace = sim.path("t.jsonl");
    let r = sim.qtcp(&[
        "--json",
        "--trace",
        trace.to_str().unwrap(),
        "send",
        "--data",
        "\nstarts with LF",
    ]);
    let v = r.assert_code(10).json();
    assert_eq!(v["error"]["class"], "send_refused");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("no SEND OK")
            && v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("reset the module"),
        "{v}"
    );
    let text = std::fs::read_to_string(&trace).unwrap();
    let tx: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["dir"] == "tx")
        .collect();
    assert_eq!(
        tx.last().unwrap()["data"],
        "\\nstarts with LF",
        "nothing may follow the payload: {text}"
    );
    assert!(sink.received().iter().all(|c| c.is_empty()));
}

#[test]
fn send_every_byte_value_from_data_and_stdin() {
    let sim = Sim::start(&[FAST]);
    let sink = Sink::start();
    let data: Vec<u8> = (0..=255u8).cycle().take(256 * 8).collect();
    connect(&sim, &sink.addr);
    sim.qtcp_stdin(&["--json", "send", "--wait-ack"], &data)
        .assert_code(0);
    sim.qtcp(&["--json", "send", "--data", "tail\x1a\x1b\x08", "--wait-ack"])
        .assert_code(0);
    let mut expect = data.clone();
    expect.extend_from_slice(b"tail\x1a\x1b\x08");
    sink.wait_total(expect.len(), Duration::from_secs(10));
    assert_eq!(sink.received()[0], expect);
}

#[test]
fn slow_uplink_many_buffers_no_send_fail() {
    let sim = Sim::start(&[FAST, "--uplink", "40KB/s", "--rtt", "150ms"]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 60_000, 2);
    let v = sim
        .qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_acked"], 60_000);
    assert!(
        v["polls"].as_u64().unwrap() > 0,
        "the window must have filled: {v}"
    );
    assert!(v["window_final"].as_u64().unwrap() <= 7300);
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sha(&sink.received()[0]), sha(&data));
}

/// A fixed window below the chunk size (`--window 1000`, chunks of 1460) sends chunks that fit
/// it; it used to send nothing and end in an acknowledgement stall (exit 11).
#[test]
fn a_window_below_the_chunk_size_still_sends() {
    let sim = Sim::start(&[FAST, "--rtt", "20ms"]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 5_000, 9);
    let v = sim
        .qtcp(&[
            "--json",
            "send",
            "--file",
            file.to_str().unwrap(),
            "--window",
            "1000",
            "--wait-ack",
        ])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_acked"], 5_000);
    assert_eq!(v["chunks"], 5, "chunks of at most the window: {v}");
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sha(&sink.received()[0]), sha(&data));
}

#[test]
fn peer_close_without_reconnect_is_9_with_true_offset() {
    let sim = Sim::start(&[
        FAST,
        "--uplink",
        "200KB/s",
        "--fault",
        "peer-close-after-bytes=100000",
    ]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 300_000, 3);
    let r = sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"]);
    r.assert_code(9);
    let v = r.json();
    assert_eq!(v["error"]["class"], "connection_lost");
    let acked = v["acked_offset"].as_u64().unwrap() as usize;
    let got = &sink.received()[0];
    assert!(acked <= got.len(), "acked {acked} > received {}", got.len());
    assert_eq!(&got[..acked], &data[..acked]);
}

#[test]
fn peer_close_with_reconnect_covers_the_whole_file() {
    let sim = Sim::start(&[
        FAST,
        "--uplink",
        "200KB/s",
        "--fault",
        "peer-close-after-bytes=100000",
    ]);
    let sink = Sink::start();
    let (data, file) = file_to_send(&sim, &sink, 300_000, 4);
    let r = sim.qtcp(&[
        "--json",
        "send",
        "--file",
        file.to_str().unwrap(),
        "--wait-ack",
        "--reconnect",
        &sink.addr,
    ]);
    r.assert_code(0);
    let v = r.json();
    let rc = v["reconnects"].as_array().unwrap();
    assert_eq!(rc.len(), 1, "{v}");
    let resume = rc[0]["resume_offset"].as_u64().unwrap() as usize;
    sink.wait_total(100_000 + data.len() - resume, Duration::from_secs(10));
    let conns = sink.received();
    assert!(resume <= conns[0].len());
    assert_eq!(&conns[0][..resume], &data[..resume]);
    assert_eq!(conns[1], &data[resume..]);
}

#[test]
fn ack_stall_is_11_with_acked_offset() {
    let sim = Sim::start(&[FAST, "--fault", "ack-stall-after-bytes=20000"]);
    let sink = Sink::start();
    let (_data, file) = file_to_send(&sim, &sink, 50_000, 5);
    let r = sim.qtcp(&[
        "--json",
        "send",
        "--file",
        file.to_str().unwrap(),
        "--wait-ack",
        "--ack-timeout",
        "1s",
    ]);
    r.assert_code(11);
    let v = r.json();
    assert_eq!(v["error"]["class"], "not_acknowledged");
    assert_eq!(v["acked_offset"], 20000);
}

#[test]
fn connect_fail_then_success_on_retry() {
    let sim = Sim::start(&[FAST, "--fault", "connect-fail=1"]);
    let sink = Sink::start();
    let r = sim.qtcp(&["--json", "connect", &sink.addr]);
    r.assert_code(8);
    assert_eq!(r.json()["error"]["class"], "connect");
    connect(&sim, &sink.addr);
    sim.qtcp(&["--json", "send", "--data", "hello", "--wait-ack"])
        .assert_code(0);
    sink.wait_total(5, Duration::from_secs(5));
    assert_eq!(sink.received()[0], b"hello");
}

#[test]
fn connect_by_name_through_map() {
    let sink = Sink::start();
    let map = format!("updates.example.com={}", sink.addr);
    let sim = Sim::start(&[FAST, "--map", &map]);
    connect(&sim, "updates.example.com:443");
    sim.qtcp(&["--json", "send", "--data", "via name", "--wait-ack"])
        .assert_code(0);
    sink.wait_total(8, Duration::from_secs(5));
    assert_eq!(sink.received()[0], b"via name");
}

#[test]
fn dns_failure_is_8() {
    let sim = Sim::start(&[FAST, "--fault", "dns-fail"]);
    let r = sim.qtcp(&["--json", "connect", "nowhere.example.com:80"]);
    r.assert_code(8);
}

#[test]
fn already_connect_is_8_or_reuse() {
    let sim = Sim::start(&[FAST]);
    let sink = Sink::start();
    connect(&sim, &sink.addr);
    let r = sim.qtcp(&["--json", "connect", &sink.addr]);
    r.assert_code(8);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ALREADY CONNECT"));
    let v = sim
        .qtcp(&["--json", "connect", &sink.addr, "--reuse"])
        .assert_code(0)
        .json();
    assert_eq!(v["reused"], true);
}

#[test]
fn udp_send() {
    let sim = Sim::start(&[FAST]);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    sim.qtcp(&["--json", "connect", "--udp", &addr]).assert_code(0);
    let v = sim
        .qtcp(&["--json", "send", "--udp", "--data", "datagram"])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_sent"], 8);
    assert!(v["acked_offset"].is_null());
    let mut buf = [0u8; 64];
    let (n, _) = sock.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"datagram");
}

#[test]
fn close_twice_is_success_with_note() {
    let sim = Sim::start(&[FAST]);
    let sink = Sink::start();
    connect(&sim, &sink.addr);
    sim.qtcp(&["--json", "close"]).assert_code(0);
    let v = sim.qtcp(&["--json", "close", "--deact"]).assert_code(0).json();
    assert_eq!(v["closed"], false);
    assert!(v["note"].is_string());
    assert_eq!(v["deactivated"], true);
    assert_eq!(v["ip_state"], "IP INITIAL");
}

#[test]
fn sack_watch_reports_samples_and_summary() {
    let sim = Sim::start(&[FAST]);
    let sink = Sink::start();
    connect(&sim, &sink.addr);
    let r = sim.qtcp(&[
        "--json",
        "sack-watch",
        "--interval",
        "50ms",
        "--heartbeat",
        "Heart01",
    ]);
    r.assert_code(0);
    let lines = r.lines();
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines.last().unwrap()["all_acknowledged"], true);
    assert!(lines.iter().any(|l| l["type"] == "sample"));
}

#[test]
fn sack_watch_runs_out_of_polls_is_11() {
    let sim = Sim::start(&[FAST, "--fault", "ack-stall-after-bytes=5"]);
    let sink = Sink::start();
    connect(&sim, &sink.addr);
    // The first ten bytes get through and trip the stall; the heartbeat is never acknowledged.
    sim.qtcp(&["--json", "send", "--data", "0123456789"])
        .assert_code(0);
    let r = sim.qtcp(&[
        "--json",
        "sack-watch",
        "--interval",
        "20ms",
        "--max-polls",
        "3",
        "--heartbeat",
        "x",
    ]);
    r.assert_code(11);
    assert_eq!(r.lines().iter().filter(|l| l["type"] == "sample").count(), 3);
}

#[test]
fn push_through_in_process_sim_to_the_documents_echo_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = random_bytes(20_000, 6);
    let file = write_file(dir.path(), "f", &data);
    let r = qtcp(
        &[
            "--json",
            "--port",
            "sim",
            "push",
            file.to_str().unwrap(),
            "220.180.239.212:8063",
            "--apn",
            "CMNET",
        ],
        None,
        Duration::from_secs(60),
    );
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["bytes_acked"], 20_000);
    assert_eq!(v["complete"], true);
    assert_eq!(v["closed"], true);
}

#[test]
fn push_bad_destination_is_2() {
    let r = qtcp(
        &["--json", "--port", "sim", "push", "Cargo.toml", "bad host:80"],
        None,
        Duration::from_secs(20),
    );
    r.assert_code(2);
}

/// Issue 18 point 1: the module's default receive mode is direct without headers (QINDI=0,
/// QIHEAD=0), where a server's bytes reach the serial line unframed; a server that replies
/// with text (`OK` lines) broke a push ("AT+QISEND=1460: unexpected OK", exit 12). connect
/// and send switch the headers on first and say so in `actions`; the reply is then counted.
#[test]
fn a_server_replying_ok_lines_in_headerless_direct_mode_breaks_nothing() {
    // Paced, so the echo of the first chunks comes back while the rest is sent.
    let sim = Sim::start(&[FAST, "--uplink", "20KB/s", "--rtt", "100ms"]);
    let data = b"OK\r\n".repeat(5000);
    let file = write_file(sim.dir.path(), "ok.txt", &data);
    let r = sim.qtcp(&["--json", "push", file.to_str().unwrap(), "220.180.239.212:8063"]);
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["bytes_acked"], 20_000, "{v}");
    let actions = v["actions"].as_array().expect("actions");
    assert!(
        actions
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("headers on")),
        "{v}"
    );
    let discarded = v["bytes_discarded"].as_u64().unwrap();
    assert!(discarded > 0 && discarded <= 20_000, "{v}");
    // The headers stay on: a second run has nothing to switch.
    let v = sim
        .qtcp(&["--json", "push", file.to_str().unwrap(), "220.180.239.212:8063"])
        .assert_code(0)
        .json();
    assert!(v.get("actions").is_none(), "{v}");
}

/// Issue 18 point 2: everything the server pushed in direct mode during a push was held to the
/// end only to be counted (40 MB echoed: 89 MB RSS). It is counted and dropped as it arrives:
/// the process's peak RSS stays far below what came back.
#[test]
fn a_large_echoed_push_in_direct_mode_holds_none_of_the_echo() {
    const MIB: usize = 1 << 20;
    let sim = Sim::start(&[FAST]);
    sim.qtcp(&["attach", "--apn", "CMNET", "--recv", "direct", "--headers"])
        .assert_code(0);
    let file = write_file(sim.dir.path(), "big.bin", &random_bytes(24 * MIB, 19));
    let (code, stdout, rss) = qtcp_peak_rss(
        &[
            "--port",
            &sim.port,
            "--json",
            "push",
            file.to_str().unwrap(),
            "220.180.239.212:8063",
        ],
        Duration::from_secs(120),
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stdout));
    let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let discarded = v["bytes_discarded"].as_u64().unwrap();
    assert!(
        discarded > 12 * MIB as u64,
        "most of the echo arrives during the push: {v}"
    );
    assert!(
        rss < 16 * 1024,
        "peak RSS {rss} KiB with {discarded} bytes echoed"
    );
}
