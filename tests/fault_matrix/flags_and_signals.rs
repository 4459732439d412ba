//! Beyond the matrix: hostile flag values (exit 2, nothing reaches the module), SIGINT/SIGTERM
//! during a slow send, and a second process on a busy port.

use super::*;

// ---------------------------------------------------------------------------------------------
// Hostile flag values: every value that reaches the module is checked first (exit 2) and the
// simulator's host log proves nothing was sent.

#[test]
fn bad_values_exit_2_and_send_nothing() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let log_path = log.path().to_str().unwrap().to_string();
    let s = sim(&["--host-log", &log_path]);
    let long101 = "a".repeat(101);
    let long65 = "a".repeat(65);
    let long_host = format!("{}.com:80", "a".repeat(64));
    let bad_strings = [
        "CM\"NET",
        "CMNET\r\nAT+QPOWD=1",
        "a\nb",
        "a\x1ab",
        "a\x1bb",
        "é",
        "a\x7fb",
    ];
    let bad_dests = [
        "1.2.3.4",
        "1.2.3.4:0",
        "1.2.3.4:65536",
        "1.2.3.4:-1",
        "1.2.3.4:x",
        ":80",
        "a\"b:80",
        "a b:80",
        "a,b:80",
        "1.2.3.999:80",
        "-a.com:80",
        "a..b:80",
        "a\r\nAT+QPOWD=1:80",
        "host\":80\r\nAT+QPOWD=1\r\n:80",
        long_host.as_str(),
        "",
    ];
    let mut table: Vec<Vec<String>> = Vec::new();
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for b in bad_strings.iter().chain([&long101.as_str()]) {
        table.push(v(&["attach", "--apn", b]));
        table.push(v(&["push", "Cargo.toml", "127.0.0.1:9", "--apn", b]));
    }
    for b in bad_strings.iter().chain([&long65.as_str()]) {
        table.push(v(&["attach", "--apn", "CMNET", "--user", b]));
        table.push(v(&["attach", "--apn", "CMNET", "--password", b]));
        table.push(v(&[
            "push",
            "Cargo.toml",
            "127.0.0.1:9",
            "--apn",
            "CMNET",
            "--user",
            b,
        ]));
        table.push(v(&[
            "push",
            "Cargo.toml",
            "127.0.0.1:9",
            "--apn",
            "CMNET",
            "--password",
            b,
        ]));
    }
    for d in bad_dests {
        table.push(v(&["connect", d]));
        table.push(v(&["connect", "--udp", d]));
        table.push(v(&["push", "Cargo.toml", d]));
        table.push(v(&["send", "--data", "x", "--reconnect", d]));
    }
    // (An index the family lacks, 6 on QI, is refused once the family is known: below.)
    for id in ["12", "-1", "x", "256"] {
        table.push(v(&["connect", "127.0.0.1:9", "--id", id]));
        table.push(v(&["send", "--data", "x", "--id", id]));
        table.push(v(&["close", "--id", id]));
        table.push(v(&["sack-watch", "--id", id]));
        table.push(v(&["push", "Cargo.toml", "127.0.0.1:9", "--id", id]));
    }
    for (flag, val) in [
        ("--window", "0"),
        ("--window", "65536"),
        ("--chunk", "0"),
        ("--chunk", "1461"),
        ("--send-buffer", "100"),
        ("--ack-timeout", "soon"),
        ("--poll-max", "-1s"),
        ("--poll-min", "x"),
        ("--offset", "100"),
        ("--max-reconnects", "-1"),
    ] {
        table.push(v(&["send", "--data", "x", flag, val]));
    }
    table.push(v(&["send", "--file", "/nonexistent/file"]));
    table.push(v(&["push", "/nonexistent/file", "127.0.0.1:9"]));
    // Issue 18: durations past what the clock can add panicked (exit 1).
    table.push(v(&["recv", "--idle", "1e19"]));
    table.push(v(&["recv", "--timeout", "1e19"]));
    table.push(v(&["--cmd-timeout", "1e19", "probe"]));
    table.push(v(&["probe", "--cmd-timeout", "1e19"]));
    table.push(v(&["send", "--data", "x", "--ack-timeout", "1e19"]));
    table.push(v(&["transparent", "127.0.0.1:9", "--duration", "1e19"]));
    table.push(v(&["sack-watch", "--interval", "x"]));
    table.push(v(&["sack-watch", "--max-polls", "-3"]));
    table.push(v(&["connect", "127.0.0.1:9", "--timeout", "x"]));
    table.push(v(&["probe", "--sync-attempts", "x"]));
    table.push(v(&["probe", "--expect", "everything"]));
    table.push(v(&["attach", "--apn", "CMNET", "--register-timeout", "x"]));
    table.push(v(&["attach", "--apn", "CMNET", "--recv", "bogus"]));
    table.push(v(&["--baud", "x", "probe"]));
    table.push(v(&["--cmd-timeout", "x", "probe"]));
    let mut failures = Vec::new();
    for args in &table {
        let mut full: Vec<&str> = vec!["--json"];
        full.extend(args.iter().map(String::as_str));
        let r = run(&s, Duration::from_secs(10), &full);
        if r.code != 2 {
            failures.push(format!("{args:?}: exit {} {}", r.code, r.stderr.trim()));
        }
    }
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(failures.is_empty(), "not usage errors:\n{}", failures.join("\n"));
    assert!(logged.is_empty(), "the module received: {logged}");
    eprintln!("{} bad values, none reached the module", table.len());

    // --id 6 is a socket on the ctx family, not on QI: refused with 2 after identification
    // (AT, ATI), before any command about a connection.
    for args in [
        &["connect", "127.0.0.1:9", "--id", "6"][..],
        &["send", "--data", "x", "--id", "6"],
        &["close", "--id", "6"],
        &["sack-watch", "--id", "6"],
        &["push", "Cargo.toml", "127.0.0.1:9", "--id", "6"],
        &["recv", "--id", "6"],
    ] {
        let mut full: Vec<&str> = vec!["--json"];
        full.extend_from_slice(args);
        let r = run(&s, Duration::from_secs(10), &full);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let logged = std::fs::read_to_string(log.path()).unwrap();
    for l in logged.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(
            matches!(v["line"].as_str(), Some("AT" | "ATI")),
            "the module received more than identification: {logged}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Interruption: SIGINT/SIGTERM during a slow send completes the chunk in flight, exits 130 with
// the acknowledged offset, and leaves the module out of the data phase.

fn interrupt_case(signal: i32, sim_flags: &[&str], client: &[&str], after: usize, seed: u64) {
    let s = sim(sim_flags);
    let sink = Sink::start();
    let data = random_bytes(40_000, seed);
    let path = write_file(s.dir.path(), "d", &data);
    let mut pre: Vec<&str> = vec!["--port", s.port.as_str()];
    pre.extend_from_slice(client);
    let mut c: Vec<&str> = pre.clone();
    c.extend(["--json", "connect", sink.addr.as_str()]);
    qtcp(&c, None, Duration::from_secs(20)).assert_code(0);
    let mut args = pre.clone();
    args.extend(["--json", "send", "--file", path.to_str().unwrap(), "--wait-ack"]);
    let mut child = std::process::Command::new(BIN)
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The event: the send is under way (the server has bytes).
    assert!(sink.wait_total(after, Duration::from_secs(20)) >= after);
    unsafe { libc::kill(child.id() as i32, signal) };
    let t = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if t.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("qtcp did not stop within 10 s of the signal");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    use std::io::Read;
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert_eq!(status.code(), Some(130), "{out}");
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["error"]["class"], "interrupted", "{v}");
    let acked = acked_prefix_true(&sink, &data, &v);
    assert!(acked < data.len() as u64, "{v}");
    // The module is out of the data phase: the next commands on the port work.
    let mut next = pre.clone();
    next.extend(["--json", "send", "--data", "x", "--wait-ack"]);
    qtcp(&next, None, Duration::from_secs(30)).assert_code(0);
    let mut close = pre.clone();
    close.extend(["--json", "close"]);
    qtcp(&close, None, Duration::from_secs(30)).assert_code(0);
    // Everything the server got is the file's prefix then our "x": nothing half-sent.
    let got = sink.received()[0].clone();
    let sent = v["sent_offset"].as_u64().unwrap() as usize;
    assert!(
        got.len() == sent + 1,
        "server has {} bytes, sent_offset {sent}",
        got.len()
    );
    assert!(got[..sent] == data[..sent] && got[sent] == b'x');
}

#[test]
fn sigint_during_slow_send() {
    interrupt_case(libc::SIGINT, &["--uplink", "5KB/s"], &[], 3000, 31);
}

#[test]
fn sigterm_during_the_data_phase_of_a_slow_line() {
    // At 19200 baud a 1460-byte chunk takes 0.76 s on the line: the signal lands in it.
    interrupt_case(
        libc::SIGTERM,
        &["--line-baud", "19200"],
        &["--baud", "19200"],
        2000,
        32,
    );
}

// ---------------------------------------------------------------------------------------------
// Port contention: a second qtcp on a port in use exits 3 at once and never interleaves bytes.

#[test]
fn second_process_on_a_busy_port_gets_3_at_once() {
    let s = sim(&["--uplink", "10KB/s"]);
    let sink = Sink::start();
    let data = random_bytes(30_000, 33);
    let path = write_file(s.dir.path(), "d", &data);
    connect(&s, &sink.addr);
    let port = s.port.clone();
    let p2 = path.to_str().unwrap().to_string();
    let first = std::thread::spawn(move || {
        qtcp(
            &["--port", &port, "--json", "send", "--file", &p2, "--wait-ack"],
            None,
            Duration::from_secs(30),
        )
    });
    assert!(sink.wait_total(2000, Duration::from_secs(20)) >= 2000);
    for _ in 0..3 {
        let r = run(
            &s,
            Duration::from_secs(10),
            &["--json", "send", "--data", "ZZZZZZZZ"],
        );
        r.assert_code(3);
        assert!(r.elapsed < Duration::from_secs(2), "{:?}", r.elapsed);
        assert_eq!(r.json()["error"]["class"], "port_unavailable");
    }
    first.join().unwrap().assert_code(0);
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert!(
        sink.received()[0] == data,
        "the server's bytes are not exactly the file"
    );
}
