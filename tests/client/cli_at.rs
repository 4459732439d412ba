//! Issue 14, item 3: `qtcp at CMD...` through the real binary against the simulator: responses
//! printed, exit codes for OK / ERROR / +CME ERROR, and refused or malformed lines that send
//! nothing at all (the simulator's --host-log proves it).

use crate::support::*;
use serde_json::Value;
use std::time::{Duration, Instant};

const FAST: &str = "--delays=fast";

/// Command lines the simulator received, in order (`--host-log`), once `marker` has arrived.
fn host_lines_through(log: &std::path::Path, marker: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines: Vec<String> = std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["line"].as_str().map(str::to_string))
            .collect();
        if lines.iter().any(|l| l == marker) {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "{marker} never reached the module: {lines:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn every_command_ok_prints_the_responses_and_exits_0() {
    let sim = Sim::start(&[FAST]);
    let r = sim.qtcp(&["at", "ATI", "AT+CSQ"]);
    r.assert_code(0);
    assert_eq!(
        String::from_utf8_lossy(&r.stdout),
        "Quectel_Ltd\nQuectel_M95\nRevision: M95FAR02A08\nOK\n+CSQ: 21,0\nOK\n"
    );
    let v = sim
        .qtcp(&["--json", "at", "at+cimi", "AT+QISTAT"])
        .assert_code(0)
        .json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["command"], "at");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["command"], "at+cimi");
    assert_eq!(results[0]["lines"], serde_json::json!(["460001234567890"]));
    assert_eq!(results[0]["final"], "OK");
    assert!(results[0]["duration_s"].as_f64().unwrap() >= 0.0);
    // AT+QISTAT answers OK then its STATE line: the line is kept, not taken for a URC.
    assert_eq!(results[1]["lines"], serde_json::json!(["STATE: IP INITIAL"]));
    // The JSON keeps its designed order: ok and command first.
    let text = String::from_utf8_lossy(&sim.qtcp(&["--json", "at", "AT"]).stdout).into_owned();
    assert!(
        text.starts_with("{\"ok\":true,\"command\":\"at\",\"dialect\":\"qi\",\"results\":["),
        "{text}"
    );
}

#[test]
fn error_is_12_and_stops_at_the_failing_command() {
    let log = tempfile::NamedTempFile::new().unwrap();
    // plain ERROR (the presets answer `+CME ERROR: 100`, also exit 12)
    let sim = Sim::start(&[FAST, "--cmee", "0", "--host-log", log.path().to_str().unwrap()]);
    let r = sim.qtcp(&["--json", "at", "AT+CSQ", "AT+NOSUCH", "AT+GSN"]);
    r.assert_code(12);
    let v = r.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["class"], "protocol");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{v}");
    assert_eq!(results[1]["command"], "AT+NOSUCH");
    assert_eq!(results[1]["final"], "ERROR");
    sim.qtcp(&["at", "AT+CGMR"]).assert_code(0);
    let sent = host_lines_through(log.path(), "AT+CGMR");
    assert!(sent.contains(&"AT+NOSUCH".to_string()), "{sent:?}");
    assert!(
        !sent.contains(&"AT+GSN".to_string()),
        "ran past the failure: {sent:?}"
    );
    // Text mode: the responses up to the failure on stdout, one error line on stderr.
    let r = sim.qtcp(&["at", "AT+NOSUCH"]);
    r.assert_code(12);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "ERROR\n");
    assert_eq!(
        r.stderr.trim(),
        "qtcp at: error: AT+NOSUCH: the module answered ERROR"
    );
}

#[test]
fn cme_error_takes_the_class_of_its_code() {
    // No SIM, numeric CME codes: +CME ERROR: 10 is a SIM problem (5).
    let sim = Sim::start(&[FAST, "--fault", "sim=absent", "--cmee", "1"]);
    let v = sim.qtcp(&["--json", "at", "AT+CIMI"]).assert_code(5).json();
    assert_eq!(v["error"]["class"], "sim");
    assert_eq!(v["results"][0]["final"], "+CME ERROR: 10");
    // Verbose CME texts (AT+CMEE=2) are classed too.
    let v = sim
        .qtcp(&["--json", "at", "AT+CMEE=2", "AT+CIMI"])
        .assert_code(5)
        .json();
    assert_eq!(v["results"][1]["final"], "+CME ERROR: SIM not inserted");
    // A code of no class of its own (3, operation not allowed) is protocol (12).
    let sim = Sim::start(&[FAST, "--cmee", "1"]);
    let v = sim.qtcp(&["--json", "at", "AT+CPIN=1234"]).json();
    assert_eq!(v["results"][0]["final"], "+CME ERROR: 3", "{v}");
    assert_eq!(v["error"]["exit_code"], 12);
}

#[test]
fn bad_or_refused_lines_are_2_and_nothing_is_sent() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let sim = Sim::start(&[FAST, "--host-log", log.path().to_str().unwrap()]);
    let refused = [
        ("AT+CSQ\rAT+QPOWD=1", "CR"),
        ("AT+CSQ\nAT", "LF"),
        ("AT+CSQ\x1a", "Ctrl-Z"),
        ("AT+CSQ\x1b", "ESC"),
        ("+CSQ", "must start with AT"),
        ("AT+QISEND=5", "qtcp send"),
        ("at+qisend", "qtcp send"),
        ("ATO", "qtcp transparent"),
        ("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80", "qtcp connect"),
        ("ATD123;", "ATD"),
        ("AT+QIRD=0,1,0,100", "qtcp recv"),
        ("AT+CSQ;+QISEND=3", "qtcp send"),
    ];
    for (bad, says) in refused {
        // A good command first: it must not be sent either.
        let r = sim.qtcp(&["--json", "at", "AT+CSQ", bad]);
        r.assert_code(2);
        let v = r.json();
        assert_eq!(v["error"]["class"], "usage");
        assert_eq!(v["results"], serde_json::json!([]));
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{bad:?}: {msg}");
    }
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(logged.is_empty(), "the module received: {logged}");
    // The log does work: a good command shows up in it, and nothing before it but the
    // synchronising ATs and the ATI that tells the module family (--dialect auto).
    sim.qtcp(&["at", "AT+CGMR"]).assert_code(0);
    let sent = host_lines_through(log.path(), "AT+CGMR");
    assert!(
        sent.iter().all(|l| l == "AT" || l == "ATI" || l == "AT+CGMR"),
        "the module received: {sent:?}"
    );
}

#[test]
fn timeout_is_per_command_and_silence_is_4() {
    let sim = Sim::start(&[FAST, "--fault", "silent=AT+GSN"]);
    let r = sim.qtcp(&["--json", "at", "--timeout", "300ms", "AT+GSN"]);
    r.assert_code(4);
    let v = r.json();
    assert_eq!(v["error"]["class"], "module_silent");
    assert_eq!(v["results"][0]["command"], "AT+GSN");
    assert_eq!(v["results"][0]["final"], Value::Null);
    assert!(r.elapsed < Duration::from_secs(30), "{:?}", r.elapsed);
}

#[test]
fn the_trace_records_the_conversation() {
    let sim = Sim::start(&[FAST]);
    let trace = sim.path("at.jsonl");
    sim.qtcp(&["--trace", trace.to_str().unwrap(), "at", "AT+CSQ"])
        .assert_code(0);
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(
        text.contains("\"dir\":\"tx\"") && text.contains(r#""data":"AT+CSQ\\r","dir":"tx""#),
        "{text}"
    );
    assert!(text.contains("+CSQ: 21,0"), "{text}");
}

/// Issue 18: an SMS command answered `+CMS ERROR: 314` (SIM busy) while the module boots was
/// "protocol" (12); it is the SIM's class (5), as `+CME ERROR: 14` is.
#[test]
fn cms_sim_busy_is_the_sim_class() {
    let sim = Sim::start(&[FAST, "--boot", "--sim-busy", "60s"]);
    // The module answers once it has booted; the SIM stays busy for a minute after.
    sim.qtcp(&["--json", "at", "AT"]).assert_code(0);
    let r = sim.qtcp(&["--json", "at", "AT+CMGF=1"]);
    r.assert_code(5);
    let v = r.json();
    assert_eq!(v["error"]["class"], "sim");
    assert_eq!(v["results"][0]["final"], "+CMS ERROR: 314", "{v}");
}
