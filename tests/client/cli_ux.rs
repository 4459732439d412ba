//! Issue 14, items 1, 2, 5, 6 and 8 through the real binary: the human text of each command
//! (pinned for the simulator's healthy module and for failures), SIM and network identity in
//! probe, progress only on a terminal, --json everywhere (clap's own errors too), and no server
//! byte dropped without a word.

use crate::support::*;

const FAST: &str = "--delays=fast";

/// Item 2: one probe gives a provisioning line IMEI, ICCID and IMSI (and the operator).
#[test]
fn probe_reads_sim_and_network_identity() {
    let sim = Sim::start(&[FAST]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["imei"], "867451020123456", "{v}");
    assert_eq!(v["imsi"], "460001234567890", "{v}");
    assert_eq!(v["iccid"], "89860012345678901234", "{v}");
    assert_eq!(v["operator"]["name"], "CHINA MOBILE", "{v}");
    // Read through AT+COPS=3,2 (the simulator honours the format), then the format restored.
    assert_eq!(v["operator"]["mcc_mnc"], "46000", "{v}");
    let after = sim.qtcp(&["--json", "at", "AT+COPS?"]).assert_code(0).json();
    assert_eq!(
        after["results"][0]["lines"],
        serde_json::json!(["+COPS: 0,0,\"CHINA MOBILE\""]),
        "the module's operator format is restored: {after}"
    );
}

/// Item 2: no SIM is null identity, never a failure of probe itself.
#[test]
fn probe_without_a_sim_reports_null_identity() {
    let sim = Sim::start(&[FAST, "--fault", "sim=absent"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["sim_ready"], false, "{v}");
    assert!(v["iccid"].is_null(), "{v}");
    assert!(v["imsi"].is_null(), "{v}");
    assert!(v["operator"].is_null(), "{v}");
}

fn text(r: &Run) -> String {
    String::from_utf8_lossy(&r.stdout).into_owned()
}

/// Item 1: probe's text for the simulator's healthy module, pinned. The identity the simulator
/// may or may not answer yet (ICCID, operator) is taken from the JSON of the same module.
#[test]
fn probe_text_is_pinned_for_a_healthy_module() {
    let sim = Sim::start(&[FAST]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    let mut sim_line = "ready".to_string();
    if let Some(i) = v["iccid"].as_str() {
        sim_line.push_str(&format!(", ICCID {i}"));
    }
    sim_line.push_str(", IMSI 460001234567890");
    let mut network = "registered (home)".to_string();
    match (v["operator"]["name"].as_str(), v["operator"]["mcc_mnc"].as_str()) {
        (Some(n), Some(m)) => network.push_str(&format!(" on {n} ({m})")),
        (Some(n), None) | (None, Some(n)) => network.push_str(&format!(" on {n}")),
        _ => {}
    }
    network.push_str("; GPRS attached");
    let r = sim.qtcp(&["probe"]);
    r.assert_code(0);
    assert_eq!(
        text(&r),
        format!(
            "Module     Quectel M95, revision M95FAR02A08, IMEI 867451020123456\n\
             Family     qi (M95 family)\n\
             SIM        {sim_line}\n\
             Network    {network}\n\
             Signal     -71 dBm (rssi 21/31, ber 0): good\n\
             TCP/IP     IP INITIAL (no context), single connection, receive mode direct\n"
        )
    );
    assert_eq!(r.stderr, "", "nothing on stderr in a pipe");
}

/// Item 1: attach, connect, send, sack-watch and close on the healthy module.
#[test]
fn the_other_commands_read_well_too() {
    let sim = Sim::start(&[FAST]);
    let r = sim.qtcp(&["attach", "--apn", "CMNET", "--activate"]);
    r.assert_code(0);
    assert_eq!(
        text(&r),
        "Network    registered (home); GPRS attached\n\
         SIM        ready\n\
         APN        CMNET\n\
         Receive    retrieve (data waits in the module until qtcp recv reads it)\n\
         Context    active, local IP 10.0.0.2\n\
         Changed    QINDI=1, QIREGAPP, QIACT\n"
    );
    let r = sim.qtcp(&["connect", "220.180.239.212:8063"]);
    r.assert_code(0);
    assert_eq!(
        text(&r),
        "Connected    TCP 220.180.239.212:8063\n\
         Before       IP STATUS (context active, no connection)\n"
    );
    let r = sim.qtcp(&["send", "--data", "hello", "--wait-ack"]);
    r.assert_code(0);
    let t = text(&r);
    assert!(
        t.starts_with("sent 5 bytes, every byte acknowledged by the server, in ") && t.lines().count() == 1,
        "{t}"
    );
    // A send of a few milliseconds says how many, not "in 0.0 s".
    assert!(!t.contains("in 0.0 s"), "{t}");
    let r = sim.qtcp(&["sack-watch"]);
    r.assert_code(0);
    assert_eq!(
        text(&r),
        "poll 1: 5 sent, 5 acknowledged, 0 pending\n\
         all 5 bytes acknowledged by the server (1 poll)\n"
    );
    let r = sim.qtcp(&["close", "--deact"]);
    r.assert_code(0);
    assert_eq!(
        text(&r),
        "Connection    closed (CLOSE OK)\n\
         TCP/IP        deactivated, IP INITIAL\n"
    );
}

/// Item 1, a failure: no SIM. What attach saw on stdout, one error line and a hint on stderr.
#[test]
fn attach_without_a_sim_says_what_to_check() {
    let sim = Sim::start(&[FAST, "--fault", "sim=absent"]);
    let r = sim.qtcp(&["attach", "--apn", "CMNET"]);
    r.assert_code(5);
    assert_eq!(text(&r), "SIM        NOT INSERTED\n");
    assert_eq!(
        r.stderr,
        "qtcp attach: error: SIM not ready: NOT INSERTED\n\
         hint: check that the SIM is inserted and unlocked; qtcp probe shows its state\n"
    );
}

/// Item 1, a failure: the server closes mid-push. Where it stopped on stdout; the error and the
/// command that resumes it on stderr, all naming the same offset.
#[test]
fn a_push_cut_short_says_how_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "data.bin", &random_bytes(20_000, 7));
    let file = file.to_str().unwrap();
    let r = qtcp(
        &[
            "--port",
            // past the first window (7300 bytes), so something is acknowledged to resume from
            "sim:--delays fast --fault peer-close-after-bytes=12000",
            "push",
            file,
            "220.180.239.212:8063",
        ],
        None,
        std::time::Duration::from_secs(60),
    );
    r.assert_code(9);
    let out = text(&r);
    let acked: u64 = out
        .trim_end()
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    // The peer took 12000 bytes, at most 7300 of them unacknowledged at any time.
    assert!((4700..=12_000).contains(&acked), "{out}");
    assert!(
        out.starts_with("stopped after sending ")
            && out.ends_with(&format!("bytes; the server acknowledged up to offset {acked}\n")),
        "{out}"
    );
    // The echo server's reply (direct mode, headers switched on by connect) may arrive before
    // the close: then a warning counts it, ahead of the error.
    let stderr = r
        .stderr
        .split_once("qtcp push: error:")
        .map(|(warning, rest)| {
            assert!(
                warning.is_empty() || warning.starts_with("qtcp push: warning: "),
                "{}",
                r.stderr
            );
            format!("qtcp push: error:{rest}")
        })
        .unwrap_or_else(|| r.stderr.clone());
    assert_eq!(
        stderr,
        format!(
            "qtcp push: error: the peer closed the connection (CLOSED); acknowledged up to offset {acked}\n\
             hint: resume with qtcp connect 220.180.239.212:8063 && qtcp send --file {file} --offset {acked} --wait-ack\n"
        )
    );
}

/// Item 5, the pipe: attach, connect, push and close draw nothing on stderr (no spinner, no
/// phase lines) when it is not a terminal; only errors go there.
#[test]
fn nothing_on_stderr_in_a_pipe() {
    let sim = Sim::start(&[FAST]);
    for args in [
        &["attach", "--apn", "CMNET", "--activate"][..],
        &["connect", "220.180.239.212:8063"],
        &["close", "--deact"],
        &["push", "Cargo.toml", "220.180.239.212:8063", "--apn", "CMNET"],
    ] {
        let r = sim.qtcp(args);
        r.assert_code(0);
        assert_eq!(r.stderr, "", "{args:?}");
    }
}

/// Run `qtcp ARGS` on a pseudo-terminal (util-linux `script`): what a user at a terminal sees,
/// stdout and stderr together, carriage returns and erase sequences included.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let line = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    assert!(out.status.success(), "{line}: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Item 5, the terminal: push prints one line per phase as it completes and a spinner with what
/// it waits for (QIOPEN and its deadline); with --quiet neither.
#[test]
fn push_on_a_terminal_shows_its_phases_and_what_it_waits_for() {
    let root = env!("CARGO_MANIFEST_DIR");
    let file = format!("{root}/Cargo.toml");
    // The simulator's own delays: QIOPEN takes a while, as on a real module.
    let args = [
        "--port",
        "sim",
        "push",
        file.as_str(),
        "220.180.239.212:8063",
        "--apn",
        "CMNET",
    ];
    let Some(seen) = on_a_terminal(&args) else {
        eprintln!("no `script` command: terminal case not checked");
        return;
    };
    for phase in [
        "synchronised with the module (1 attempt)",
        "attached: APN CMNET, registered, GPRS attached",
        "connected: TCP 220.180.239.212:8063",
        "every byte acknowledged",
        "closed the connection",
    ] {
        assert!(seen.contains(phase), "{phase:?} not in {seen:?}");
    }
    assert!(
        seen.contains("QIOPEN 220.180.239.212:8063, 0 s of 76 s"),
        "no QIOPEN spinner in {seen:?}"
    );
    // connect alone: the same spinner, then its result.
    let seen = on_a_terminal(&["connect", "--port", "sim", "220.180.239.212:8063"]).unwrap();
    assert!(seen.contains("QIOPEN 220.180.239.212:8063, "), "{seen:?}");
    assert!(seen.contains("Connected    TCP 220.180.239.212:8063"), "{seen:?}");
    let mut quiet = vec!["--quiet"];
    quiet.extend_from_slice(&args);
    let seen = on_a_terminal(&quiet).unwrap();
    assert!(
        !seen.contains("QIOPEN") && !seen.contains("synchronised"),
        "{seen:?}"
    );
    assert!(seen.contains("pushed "), "{seen:?}");
}

/// Item 8: in direct mode the echo of a send arrives during the send. Without --recv-out the
/// send says how many bytes it discarded (JSON and a warning); with --recv-out it keeps them,
/// byte for byte.
#[test]
fn a_direct_mode_send_reports_or_keeps_what_arrives_meanwhile() {
    let data = random_bytes(20_000, 14);
    for keep in [false, true] {
        // A paced uplink makes the send last about a second, and the echo of its first segments
        // comes back a round trip later, during the send (unpaced, a send may end first).
        let sim = Sim::start(&[FAST, "--uplink", "20KB/s", "--rtt", "100ms"]);
        sim.qtcp(&["attach", "--apn", "CMNET", "--recv", "direct", "--headers"])
            .assert_code(0);
        sim.qtcp(&["connect", "220.180.239.212:8063"]).assert_code(0);
        let file = write_file(sim.dir.path(), "data.bin", &data);
        let out = sim.path("echo.bin");
        let mut args = vec!["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"];
        if keep {
            args.extend(["--recv-out", out.to_str().unwrap()]);
        }
        let r = sim.qtcp(&args);
        r.assert_code(0);
        let v = r.json();
        assert_eq!(v["bytes_acked"], 20_000, "{v}");
        if keep {
            let kept = v["bytes_kept"].as_u64().unwrap();
            assert_eq!(v["bytes_discarded"], 0, "{v}");
            assert!(kept > 0, "the echo arrives during a 20 kB send: {v}");
            let got = std::fs::read(&out).unwrap();
            assert_eq!(got.len() as u64, kept);
            // The echo is the data's beginning, in order: same bytes, same hash.
            assert!(
                got == data[..got.len()],
                "--recv-out holds other bytes than the echo"
            );
            assert!(!r.stderr.contains("warning"), "{}", r.stderr);
        } else {
            let discarded = v["bytes_discarded"].as_u64().unwrap();
            assert!(discarded > 0, "the echo arrives during a 20 kB send: {v}");
            assert!(v.get("bytes_kept").is_none(), "{v}");
            assert!(
                r.stderr.starts_with(&format!(
                    "qtcp send: warning: {discarded} bytes the server sent arrived during send and were discarded"
                )) && r.stderr.contains("--recv-out FILE")
                    && r.stderr.contains("hint: use retrieve mode"),
                "{}",
                r.stderr
            );
        }
    }
}

/// A scripted module behind `--port tcp://`: answers each command line from `answer` (given the
/// line and the AT+COPS format set so far), records every line it was sent.
type Shared<T> = std::sync::Arc<std::sync::Mutex<T>>;

fn scripted_module(answer: fn(&str, &mut u8) -> String) -> (String, Shared<Vec<String>>, Shared<u8>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("tcp://{}", l.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let format = std::sync::Arc::new(std::sync::Mutex::new(0u8));
    let (seen2, format2) = (seen.clone(), format.clone());
    std::thread::spawn(move || {
        let Ok((mut c, _)) = l.accept() else { return };
        let mut line = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = match c.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            for &b in &buf[..n] {
                if b != b'\r' {
                    line.push(b);
                    continue;
                }
                let cmd = String::from_utf8_lossy(&line).trim().to_string();
                line.clear();
                let reply = {
                    let mut f = format2.lock().unwrap();
                    answer(&cmd, &mut f)
                };
                seen2.lock().unwrap().push(cmd);
                if c.write_all(reply.as_bytes()).is_err() {
                    return;
                }
            }
        }
    });
    (addr, seen, format)
}

/// A module with a SIM and an operator, as real M95s answer (module.md correction 9).
fn m95(cmd: &str, cops_format: &mut u8) -> String {
    let ok = |info: &str| format!("\r\n{info}\r\n\r\nOK\r\n");
    match cmd {
        "AT+QCCID" => ok("89860012345678901234"),
        "AT+CIMI" => ok("460001234567890"),
        "AT+CPIN?" => ok("+CPIN: READY"),
        "AT+CREG?" => ok("+CREG: 0,1"),
        "AT+CGREG?" => ok("+CGREG: 0,1"),
        "AT+CGATT?" => ok("+CGATT: 1"),
        "AT+CSQ" => ok("+CSQ: 21,0"),
        "AT+QIMUX?" => ok("+QIMUX: 0"),
        "AT+QINDI?" => ok("+QINDI: 1"),
        "AT+QISTAT" => "\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n".into(),
        "AT+COPS?" => match *cops_format {
            2 => ok("+COPS: 0,2,\"46000\""),
            f => ok(&format!("+COPS: 0,{f},\"CHINA MOBILE\"")),
        },
        c if c.starts_with("AT+COPS=3,") => {
            *cops_format = c[10..].parse().unwrap_or(0);
            "\r\nOK\r\n".into()
        }
        _ => "\r\nOK\r\n".into(),
    }
}

/// Item 2 against a module that answers everything: ICCID, IMSI, the operator's name and its
/// MCC/MNC (asked for with AT+COPS=3,2), and the module's COPS format left as it was.
#[test]
fn probe_reads_the_operator_in_both_forms_and_restores_the_format() {
    let (addr, seen, format) = scripted_module(m95);
    let r = qtcp(
        &["--port", &addr, "--json", "probe"],
        None,
        std::time::Duration::from_secs(30),
    );
    r.assert_code(0);
    let v = r.json();
    assert_eq!(v["iccid"], "89860012345678901234", "{v}");
    assert_eq!(v["imsi"], "460001234567890", "{v}");
    assert_eq!(v["operator"]["name"], "CHINA MOBILE", "{v}");
    assert_eq!(v["operator"]["mcc_mnc"], "46000", "{v}");
    assert_eq!(v["recv_mode"], "retrieve", "{v}");
    assert_eq!(*format.lock().unwrap(), 0, "the long-name format is restored");
    let seen = seen.lock().unwrap().clone();
    let cops: Vec<&String> = seen.iter().filter(|c| c.starts_with("AT+COPS")).collect();
    assert_eq!(
        cops,
        ["AT+COPS?", "AT+COPS=3,2", "AT+COPS?", "AT+COPS=3,0"],
        "{seen:?}"
    );
}

/// Item 1 with every identity present: the issue's own example, line for line.
#[test]
fn probe_text_with_full_identity() {
    let (addr, _, _) = scripted_module(|cmd, f| match cmd {
        "ATI" => "\r\nQuectel_Ltd\r\nQuectel_M95\r\nRevision: M95FAR02A08\r\n\r\nOK\r\n".into(),
        "AT+GSN" => "\r\n867451020123456\r\n\r\nOK\r\n".into(),
        "AT+CGMR" => "\r\nRevision: M95FAR02A08\r\n\r\nOK\r\n".into(),
        other => m95(other, f),
    });
    let r = qtcp(
        &["--port", &addr, "probe"],
        None,
        std::time::Duration::from_secs(30),
    );
    r.assert_code(0);
    assert_eq!(
        text(&r),
        "Module     Quectel M95, revision M95FAR02A08, IMEI 867451020123456\n\
         Family     qi (M95 family)\n\
         SIM        ready, ICCID 89860012345678901234, IMSI 460001234567890\n\
         Network    registered (home) on CHINA MOBILE (46000); GPRS attached\n\
         Signal     -71 dBm (rssi 21/31, ber 0): good\n\
         TCP/IP     IP INITIAL (no context), single connection, receive mode retrieve\n"
    );
}
