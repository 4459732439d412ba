//! Issue 8: the JSON Schema of each subcommand (schemas/*.json) is checked against real output of
//! the binary, for success and failure, so the documented JSON cannot drift from the code.

mod common;
use common::*;
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
