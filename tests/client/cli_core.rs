//! Issue 3: probe and attach through the real binary against `qtcp sim`: exit codes and JSON.

use crate::support::*;
use std::time::Duration;

const FAST: &str = "--delays=fast";

#[test]
fn probe_healthy_module_echo_on() {
    let sim = Sim::start(&[FAST]);
    let r = sim.qtcp(&["--json", "probe"]);
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["command"], "probe");
    assert_eq!(v["echo"], true);
    assert_eq!(v["sim"], "READY");
    assert_eq!(v["sim_ready"], true);
    assert_eq!(v["cs_registration"]["registered"], true);
    assert_eq!(v["gprs_attached"], true);
    assert_eq!(v["ip_state"], "IP INITIAL");
    assert!(v["imei"].as_str().unwrap().len() >= 15, "{v}");
    assert!(v["signal"]["dbm"].is_i64(), "{v}");
    assert_eq!(v["sync_attempts"], 1);
}

#[test]
fn probe_echo_off() {
    let sim = Sim::start(&[FAST, "--echo", "off"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["echo"], false);
    assert_eq!(v["sim_ready"], true);
}

#[test]
fn probe_synchronises_after_several_at() {
    let sim = Sim::start(&[FAST, "--fault", "sync-after=3"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["sync_attempts"], 4, "{v}");
}

#[test]
fn probe_human_output_on_stdout_only() {
    let sim = Sim::start(&[FAST]);
    let r = sim.qtcp(&["probe"]);
    r.assert_code(0);
    let out = String::from_utf8(r.stdout.clone()).unwrap();
    assert!(out.contains("\nSIM        ready"), "{out}");
}

#[test]
fn probe_expect_ready_no_sim_is_5() {
    let sim = Sim::start(&[FAST, "--fault", "sim=absent"]);
    let r = sim.qtcp(&["--json", "probe"]);
    r.assert_code(0);
    assert_eq!(r.json()["sim_ready"], false);
    let r = sim.qtcp(&["--json", "probe", "--expect", "ready"]);
    r.assert_code(5);
    let v = r.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["class"], "sim");
    assert_eq!(v["error"]["exit_code"], 5);
}

#[test]
fn attach_sim_pin_is_5() {
    let sim = Sim::start(&[FAST, "--fault", "sim=pin"]);
    let r = sim.qtcp(&["--json", "attach", "--apn", "CMNET"]);
    r.assert_code(5);
    let v = r.json();
    assert_eq!(v["sim"], "SIM PIN");
    assert_eq!(v["error"]["exit_code"], 5);
}

#[test]
fn attach_no_sim_is_5() {
    let sim = Sim::start(&[FAST, "--fault", "sim=absent"]);
    sim.qtcp(&["--json", "attach", "--apn", "CMNET"]).assert_code(5);
}

#[test]
fn attach_never_registers_is_6_within_deadline() {
    let sim = Sim::start(&[FAST, "--fault", "no-register"]);
    let r = sim.qtcp(&["--json", "attach", "--apn", "CMNET", "--register-timeout", "2s"]);
    r.assert_code(6);
    assert!(r.elapsed < Duration::from_secs(20));
    assert_eq!(r.json()["error"]["class"], "network");
}

#[test]
fn attach_qiact_failure_is_7() {
    let sim = Sim::start(&[FAST, "--fault", "qiact-fail"]);
    let r = sim.qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"]);
    r.assert_code(7);
    assert_eq!(r.json()["error"]["class"], "pdp_context");
}

#[test]
fn attach_activate_twice_is_harmless() {
    let sim = Sim::start(&[FAST]);
    let v = sim
        .qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"])
        .assert_code(0)
        .json();
    let ip = v["local_ip"].as_str().unwrap().to_string();
    assert_eq!(v["ip_state"], "IP STATUS");
    let v2 = sim
        .qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"])
        .assert_code(0)
        .json();
    assert_eq!(v2["local_ip"].as_str().unwrap(), ip);
    assert!(
        !v2["actions"].as_array().unwrap().iter().any(|a| a == "QIACT"),
        "{v2}"
    );
}

#[test]
fn silent_module_is_4_within_deadline() {
    let sim = Sim::start(&[FAST, "--fault", "silent=*"]);
    let r = sim.qtcp(&["--json", "probe"]);
    r.assert_code(4);
    assert!(r.elapsed < Duration::from_secs(15), "{:?}", r.elapsed);
    assert_eq!(r.json()["error"]["class"], "module_silent");
}

#[test]
fn missing_device_is_3() {
    let r = qtcp(
        &["--json", "--port", "/dev/does-not-exist-qtcp", "probe"],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(3);
    assert_eq!(r.json()["error"]["class"], "port_unavailable");
}

#[test]
fn port_held_by_another_process_is_3() {
    let sim = Sim::start(&[FAST]);
    // Hold the port exclusively, as a running qtcp would.
    let _held = serialport::new(&sim.port, 115200)
        .open_native()
        .expect("first open");
    let r = sim.qtcp(&["--json", "probe"]);
    r.assert_code(3);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("busy"));
    assert!(r.elapsed < Duration::from_secs(5));
}

#[test]
fn bad_apn_is_2_and_nothing_is_sent() {
    let log = tempfile::NamedTempFile::new().unwrap();
    let log_path = log.path().to_str().unwrap().to_string();
    let sim = Sim::start(&[FAST, "--host-log", &log_path]);
    for bad in ["CM\"NET", "CMNET\r\nAT+QPOWD=1", "a\x1bb"] {
        let r = sim.qtcp(&["--json", "attach", "--apn", bad]);
        r.assert_code(2);
        assert_eq!(r.json()["error"]["class"], "usage");
    }
    let r = sim.qtcp(&["--json", "attach", "--apn", "ok", "--password", "p\"w"]);
    r.assert_code(2);
    let logged = std::fs::read_to_string(log.path()).unwrap();
    assert!(logged.is_empty(), "the module received: {logged}");
}

#[test]
fn no_port_is_usage_error() {
    let r = qtcp(&["--json", "probe"], None, Duration::from_secs(10));
    r.assert_code(2);
}

#[test]
fn in_process_sim_probe_and_attach() {
    let r = qtcp(
        &["--json", "--port", "sim", "probe"],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(0);
    assert_eq!(r.json()["port"], "sim");
    let r = qtcp(
        &[
            "--json",
            "--port",
            "sim",
            "attach",
            "--apn",
            "CMNET",
            "--activate",
        ],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(0);
    assert!(r.json()["local_ip"].is_string());
}

#[test]
fn trace_records_both_directions_and_redacts_password() {
    let sim = Sim::start(&[FAST]);
    let trace = sim.path("t.jsonl");
    sim.qtcp(&[
        "--trace",
        trace.to_str().unwrap(),
        "attach",
        "--apn",
        "CMNET",
        "--user",
        "u",
        "--password",
        "s3cr3t",
    ])
    .assert_code(0);
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(!text.contains("s3cr3t"));
    assert!(text.contains("\"dir\":\"tx\"") && text.contains("\"dir\":\"rx\""));
    assert!(
        text.contains("AT+QICSGP=1,\\\"CMNET\\\",\\\"u\\\",\\\"***\\\""),
        "{text}"
    );
}

/// Issue 12: device options belong to the subcommands that drive a device; `qtcp sim --help`
/// lists none of them. Before the subcommand name they are still accepted (older scripts).
#[test]
fn device_options_only_where_a_device_is_driven() {
    let help = qtcp(&["sim", "--help"], None, Duration::from_secs(10));
    help.assert_code(0);
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--port <",
        "--baud",
        "--json",
        "--quiet",
        "--cmd-timeout",
        "--reset-cmd",
    ] {
        assert!(!text.contains(flag), "qtcp sim --help lists {flag}");
    }
    let help = qtcp(&["probe", "--help"], None, Duration::from_secs(10));
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--port",
        "--baud",
        "--json",
        "--quiet",
        "--cmd-timeout",
        "--reset-cmd",
    ] {
        assert!(text.contains(flag), "qtcp probe --help lacks {flag}");
    }
    let sim = Sim::start(&[FAST]);
    let after = qtcp(
        &["probe", "--port", &sim.port, "--json"],
        None,
        Duration::from_secs(30),
    );
    after.assert_code(0);
    let before = sim.qtcp(&["--json", "probe"]);
    before.assert_code(0);
    assert_eq!(after.json()["port"], before.json()["port"]);
}

/// Issue 12: a panic is a bug of ours: "internal error" and exit 1, not Rust's 101.
#[test]
fn a_panic_is_an_internal_error_exit_1() {
    let out = std::process::Command::new(BIN)
        .args(["probe", "--port", "sim"])
        .env("QTCP_TEST_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("internal error"));
    assert!(out.stdout.is_empty());
}
