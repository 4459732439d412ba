//! Issue 8: the JSON Schema of each subcommand (schemas/*.json) is checked against real output of
//! the binary, for success and failure, so the documented JSON cannot drift from the code.

use crate::support::*;
use serde_json::Value;
use std::time::Duration;

fn schema(name: &str) -> jsonschema::Validator {
    let path = format!("{}/schemas/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&v).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[track_caller]
fn check(name: &str, doc: &Value) {
    let s = schema(name);
    let errors: Vec<String> = s
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {doc}\n{}", errors.join("\n"));
}

fn check_lines(name: &str, r: &Run) {
    let lines = r.lines();
    assert!(!lines.is_empty());
    for l in &lines {
        check(name, l);
    }
}

#[test]
fn one_shot_commands_match_their_schemas() {
    let sim = Sim::start(&["--delays=fast"]);
    let sink = Sink::start();
    check("probe", &sim.qtcp(&["--json", "probe"]).assert_code(0).json());
    check(
        "probe",
        &sim.qtcp(&["--json", "probe", "--sync-attempts", "1"]).json(),
    );
    check(
        "attach",
        &sim.qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"])
            .assert_code(0)
            .json(),
    );
    check(
        "attach",
        &sim.qtcp(&["--json", "attach", "--apn", "bad\"apn"])
            .assert_code(2)
            .json(),
    );
    check(
        "connect",
        &sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0).json(),
    );
    check(
        "connect",
        &sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(8).json(),
    );
    check(
        "send",
        &sim.qtcp(&["--json", "send", "--data", "hello", "--wait-ack"])
            .assert_code(0)
            .json(),
    );
    let rs = sim
        .qtcp(&["--json", "sack-watch", "--interval", "10ms"])
        .assert_code(0)
        .lines();
    for l in rs {
        check("sack-watch", &l);
    }
    check("close", &sim.qtcp(&["--json", "close"]).assert_code(0).json());
    check(
        "send",
        &sim.qtcp(&["--json", "send", "--data", "x"]).assert_code(9).json(),
    );
    let file = write_file(sim.dir.path(), "f", b"payload");
    let r = sim.qtcp(&["--json", "push", file.to_str().unwrap(), &sink.addr]);
    check("push", &r.assert_code(0).json());
    check(
        "close",
        &sim.qtcp(&["--json", "close", "--deact"]).assert_code(0).json(),
    );
}

#[test]
fn multi_port_lines_match_their_schemas() {
    let r = qtcp(
        &["--json", "--port", "sim", "--port", "sim", "probe"],
        None,
        Duration::from_secs(60),
    );
    check_lines("probe", r.assert_code(0));
}

#[test]
fn sim_ready_line_matches_its_schema() {
    let mut child = std::process::Command::new(BIN)
        .args(["sim", "--delays=fast"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
    check("sim", &serde_json::from_str(&line).unwrap());
}

#[test]
fn streams_match_their_schemas() {
    let sim = Sim::start(&["--delays=fast"]);
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        std::io::Write::write_all(&mut c, b"some data from the server").unwrap();
    });
    sim.qtcp(&["attach", "--apn", "CMNET", "--recv", "retrieve"])
        .assert_code(0);
    sim.qtcp(&["connect", &addr]).assert_code(0);
    server.join().unwrap();
    let r = sim.qtcp(&["--json", "recv", "--idle", "300ms", "--timeout", "20s"]);
    check_lines("recv", r.assert_code(0));
}

/// Failures carry typed partial reports: each must still match its schema, whose objects admit
/// no undocumented key.
#[test]
fn failures_match_their_schemas() {
    let absent = Sim::start(&["--delays=fast", "--fault", "sim=absent"]);
    check(
        "probe",
        &absent
            .qtcp(&["--json", "probe", "--expect", "ready"])
            .assert_code(5)
            .json(),
    );
    check(
        "attach",
        &absent
            .qtcp(&["--json", "attach", "--apn", "CMNET"])
            .assert_code(5)
            .json(),
    );
    let sink = Sink::start();
    check(
        "push",
        &absent
            .qtcp(&["--json", "push", "Cargo.toml", &sink.addr, "--apn", "CMNET"])
            .assert_code(5)
            .json(),
    );
    let busy = Sim::start(&["--delays=fast", "--fault", "sim=busy"]);
    check(
        "attach",
        &busy
            .qtcp(&["--json", "attach", "--apn", "CMNET", "--sim-timeout", "300ms"])
            .assert_code(5)
            .json(),
    );
    let unregistered = Sim::start(&["--delays=fast", "--fault", "no-register"]);
    check(
        "attach",
        &unregistered
            .qtcp(&[
                "--json",
                "attach",
                "--apn",
                "CMNET",
                "--register-timeout",
                "300ms",
            ])
            .assert_code(6)
            .json(),
    );
    check(
        "probe",
        &unregistered
            .qtcp(&["--json", "probe", "--expect", "ready"])
            .assert_code(6)
            .json(),
    );

    let sim = Sim::start(&["--delays=fast"]);
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = refused.local_addr().unwrap().to_string();
    drop(refused);
    check(
        "push",
        &sim.qtcp(&["--json", "push", "Cargo.toml", &nowhere])
            .assert_code(8)
            .json(),
    );
    check(
        "connect",
        &sim.qtcp(&["--json", "connect", &nowhere, "--id", "1"])
            .assert_code(2)
            .json(),
    );
    // No connection (a module that never had one: after a CONNECT FAIL the state is IP CLOSE,
    // which recv takes for a connection closed and drained): recv fails (9) before any data,
    // sack-watch per the module's counters.
    let sim = Sim::start(&["--delays=fast"]);
    sim.qtcp(&["attach", "--apn", "CMNET"]).assert_code(0);
    let r = sim.qtcp(&["--json", "recv", "--idle", "100ms"]);
    check_lines("recv", r.assert_code(9));
    for l in sim.qtcp(&["--json", "sack-watch"]).lines() {
        check("sack-watch", &l);
    }
    // A receive cut short of --bytes: the error summary carries the report.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        std::io::Write::write_all(&mut c, b"short").unwrap();
    });
    sim.qtcp(&["connect", &addr]).assert_code(0);
    server.join().unwrap();
    let r = sim.qtcp(&["--json", "recv", "--bytes", "100", "--timeout", "500ms"]);
    let lines = r.lines();
    let last = lines.last().unwrap();
    assert_eq!(last["ok"], false, "{last}");
    assert!(last["bytes"].as_u64().is_some(), "{last}");
    check_lines("recv", &r);
}

/// The error classes the schemas list are exactly the classes the code has.
#[test]
fn schema_error_classes_are_the_codes_classes() {
    let want: Vec<String> = qtcp::ErrorClass::ALL
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    fn walk(v: &Value, path: &str, found: &mut Vec<(String, Vec<String>)>) {
        match v {
            Value::Object(m) => {
                if let Some(e) = m.get("properties").and_then(|p| p.get("error")) {
                    let classes = e["properties"]["class"]["enum"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{path}: error.class has no enum"))
                        .iter()
                        .map(|c| c.as_str().unwrap().to_string())
                        .collect();
                    found.push((path.to_string(), classes));
                }
                for (k, v) in m {
                    walk(v, &format!("{path}/{k}"), found);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut found = Vec::new();
        walk(&v, &path.display().to_string(), &mut found);
        for (at, classes) in found {
            assert_eq!(classes, want, "{at}: regenerate from ErrorClass::ALL");
            checked += 1;
        }
    }
    assert!(checked >= 9, "only {checked} error members found");
}

/// Every object starts with `ok` and `command`; stream lines start with `type`.
#[test]
fn key_order_is_declared() {
    let sim = Sim::start(&["--delays=fast"]);
    for args in [
        &["--json", "probe"][..],
        &["--json", "attach", "--apn", "CMNET"],
        &["--json", "send", "--data", "x"],
        &["--json", "close"],
    ] {
        let r = sim.qtcp(args);
        let text = String::from_utf8_lossy(&r.stdout);
        let ok = r.code == 0;
        let head = format!("{{\"ok\":{ok},\"command\":\"{}\"", args[1]);
        assert!(text.starts_with(&head), "{args:?}: {text}");
    }
    let r = sim.qtcp(&["--json", "sack-watch"]);
    for l in String::from_utf8_lossy(&r.stdout).lines() {
        assert!(l.starts_with("{\"type\":"), "{l}");
    }
}

#[test]
fn at_output_matches_its_schema() {
    let sim = Sim::start(&["--delays=fast", "--fault", "sim=absent", "--cmee", "1"]);
    check(
        "at",
        &sim.qtcp(&["--json", "at", "ATI", "AT+QISTAT", "AT+QILOCIP"])
            .json(),
    );
    check("at", &sim.qtcp(&["--json", "at", "ATI"]).assert_code(0).json());
    check(
        "at",
        &sim.qtcp(&["--json", "at", "AT+CIMI"]).assert_code(5).json(),
    );
    check("at", &sim.qtcp(&["--json", "at", "ATO"]).assert_code(2).json());
}

#[test]
fn echo_lines_match_their_schema() {
    check_lines(
        "echo",
        qtcp(
            &[
                "--json",
                "--port",
                "sim:--delays fast",
                "echo",
                "220.180.239.212:8063",
                "--count",
                "2",
            ],
            None,
            Duration::from_secs(60),
        )
        .assert_code(0),
    );
    check_lines(
        "echo",
        qtcp(
            &[
                "--json",
                "--port",
                "sim:--delays fast",
                "echo",
                "--udp",
                "220.180.239.212:8062",
                "--mode",
                "retrieve",
            ],
            None,
            Duration::from_secs(60),
        )
        .assert_code(0),
    );
    // Stopped before anything was asked: a summary with the error only.
    check_lines(
        "echo",
        qtcp(
            &["--json", "--port", "sim", "echo", "no-port-here"],
            None,
            Duration::from_secs(60),
        )
        .assert_code(2),
    );
    // The connection lost after the first probe: probe line, then a failed summary.
    check_lines(
        "echo",
        qtcp(
            &[
                "--json",
                "--port",
                "sim:--delays fast --fault peer-close-after-bytes=300",
                "echo",
                "220.180.239.212:8063",
            ],
            None,
            Duration::from_secs(60),
        )
        .assert_code(9),
    );
}

/// Issue 14, item 6: a command line clap refuses, with --json, is the command's JSON error
/// object (class usage, exit code 2), valid against the command's schema.
#[test]
fn usage_errors_from_clap_match_their_schemas() {
    for (name, args) in [
        ("probe", &["--json", "probe", "--bogus"][..]),
        ("send", &["--json", "send", "--window", "0"]),
        ("connect", &["connect", "--json"]),
        ("at", &["--json", "at"]),
        ("echo", &["--json", "echo", "h:1", "--count", "0"]),
        ("recv", &["--json", "recv", "--chunk", "0"]),
        ("sack-watch", &["--json", "sack-watch", "--max-polls", "x"]),
        ("push", &["--json", "push"]),
        ("attach", &["--json", "attach"]),
        ("close", &["--json", "close", "--id", "9"]),
    ] {
        let r = qtcp(args, None, Duration::from_secs(30));
        r.assert_code(2);
        let v = r.json();
        if !["recv", "sack-watch"].contains(&name) {
            assert_eq!(v["command"], name, "{v}");
        }
        assert_eq!(v["error"]["class"], "usage", "{v}");
        assert_eq!(v["error"]["exit_code"], 2, "{v}");
        check(name, &v);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!("qtcp {name}: error: ")),
            "{}",
            r.stderr
        );
    }
    // transparent's JSON goes to stderr (stdout carries the server's bytes).
    let r = qtcp(&["--json", "transparent"], None, Duration::from_secs(30));
    r.assert_code(2);
    assert!(r.stdout.is_empty());
    let v: Value = serde_json::from_str(r.stderr.trim()).unwrap();
    check("transparent", &v);
    // Without --json clap's own text stays, and --help is not an error.
    let r = qtcp(&["probe", "--bogus"], None, Duration::from_secs(30));
    r.assert_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("Usage:"), "{}", r.stderr);
    qtcp(&["--json", "probe", "--help"], None, Duration::from_secs(30)).assert_code(0);
}
