//! Presets from the captures (issue 18): what real M95-family modules were seen doing beyond
//! the manual, each on by default in the `--model` presets and each a knob.

use crate::support::pty::*;
use qtcp::sim::args::Model;
use std::time::Duration;

/// A real M35 answered an unknown command `+CME ERROR: 100`, and a real M95 a busy SIM
/// `+CME ERROR: 14`, before any AT+CMEE was sent: every preset starts with numeric errors;
/// `--cmee 0` keeps plain ERROR.
#[test]
fn presets_answer_numeric_errors_before_any_cmee() {
    for m in Model::ALL {
        let (sim, mut p) = start(&format!(
            "--echo off --delays fast --model {} --fault sim=busy",
            m.name()
        ));
        p.cmd("AT+NOSUCH\r", b"\r\n+CME ERROR: 100\r\n");
        p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
        p.cmd("AT+CMEE?\r", b"\r\n+CMEE: 1\r\n\r\nOK\r\n");
        sim.shutdown();
    }
    let (sim, mut p) = start("--echo off --delays fast --cmee 0 --fault sim=busy");
    p.cmd("AT+NOSUCH\r", b"\r\nERROR\r\n");
    p.cmd("AT+CPIN?\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

/// A line written before the previous one's final result is dropped (an MC60 answered one of
/// two lines typed ahead; QIREGAPP sent early got nothing); `--type-ahead queue` runs it after.
#[test]
fn a_line_typed_ahead_is_dropped_by_the_presets() {
    // default delays: AT+CGATT=1 takes 300 ms
    for m in Model::ALL {
        let (sim, mut p) = start(&format!("--echo off --model {}", m.name()));
        // two lines in one write: one answer
        p.cmd("AT\rAT+CSQ\r", b"\r\nOK\r\n");
        p.quiet(Duration::from_millis(100));
        // a line sent while a slow command executes: no answer, no effect
        // (whether the pty delivers the two writes together or apart, the second is typed
        // before the first's result)
        p.send(b"AT+CGATT=1\r");
        p.send(b"AT+QIREGAPP\r");
        p.read_until_t(b"\r\nOK\r\n", Duration::from_secs(2));
        p.quiet(Duration::from_millis(100));
        p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n");
        sim.shutdown();
    }
    let (sim, mut p) = start("--echo off --type-ahead queue");
    p.cmd("AT\rAT+CSQ\r", b"\r\nOK\r\n\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
    p.send(b"AT+CGATT=1\r");
    p.send(b"AT+QIREGAPP\r");
    p.read_until_t(b"\r\nOK\r\n\r\nOK\r\n", Duration::from_secs(2));
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP START\r\n");
    sim.shutdown();
}

/// A factory-default M95 autobauding (AT+IPR=0) sends no RDY, but `+CFUN: 1` and `+CPIN:
/// READY` come after its first answer: they wait for the host's first command.
#[test]
fn autobauding_boot_shows_cfun_and_cpin_after_the_first_answer() {
    let (sim, mut p) = start(
        "--boot --ipr 0 --echo off --delays fast --rdy-delay 20ms --sim-busy 50ms --call-ready-delay 5s",
    );
    p.quiet(Duration::from_millis(400));
    p.cmd("AT\r", b"\r\nOK\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n");
    p.cmd("AT\r", b"\r\nOK\r\n");
    sim.shutdown();
    // synchronised before the SIM is ready: +CPIN: READY comes on its own, later
    let (sim, mut p) = start(
        "--boot --ipr 0 --echo off --delays fast --rdy-delay 20ms --sim-busy 600ms --call-ready-delay 5s",
    );
    p.quiet(Duration::from_millis(200));
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n\r\n+CFUN: 1\r\n");
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(2));
    sim.shutdown();
    // a fixed rate shows all three on its own, as before
    let (sim, mut p) = start("--boot --echo off --delays fast --call-ready-delay 5s");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(2));
    p.read_until_t(b"\r\n+CFUN: 1\r\n", Duration::from_secs(2));
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(2));
    sim.shutdown();
}

/// SMS commands answer `+CMS ERROR: <n>` until SMS Ready.
#[test]
fn sms_commands_answer_cms_errors_during_boot() {
    let (sim, mut p) =
        start("--boot --echo off --delays fast --rdy-delay 20ms --sim-busy 400ms --call-ready-delay 800ms");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(2));
    p.read_until_t(b"\r\n+CFUN: 1\r\n", Duration::from_secs(2));
    p.cmd("AT+CMGF=1\r", b"\r\n+CMS ERROR: 314\r\n");
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(2));
    p.cmd("AT+CMGL=\"ALL\"\r", b"\r\n+CMS ERROR: 302\r\n");
    p.cmd("AT+CMGF=?\r", b"\r\n+CMGF: (0-1)\r\n\r\nOK\r\n");
    p.read_until_t(b"\r\nSMS Ready\r\n", Duration::from_secs(3));
    p.cmd("AT+CMGF=1\r", b"\r\nOK\r\n");
    sim.shutdown();
}

/// `AT+QICSGP?` answered `+QICSGP: 1` only on an MC60; the others answer the APN too.
#[test]
fn qicsgp_read_by_model_and_by_flag() {
    for (flags, want) in [
        ("", &b"\r\n+QICSGP: 1,\"CMNET\",\"\",\"\"\r\n\r\nOK\r\n"[..]),
        ("--model mc60", b"\r\n+QICSGP: 1\r\n\r\nOK\r\n"),
        (
            "--model mc60 --qicsgp-read full",
            b"\r\n+QICSGP: 1,\"CMNET\",\"\",\"\"\r\n\r\nOK\r\n",
        ),
        ("--qicsgp-read mode", b"\r\n+QICSGP: 1\r\n\r\nOK\r\n"),
    ] {
        let (sim, mut p) = start(&format!("--echo off --delays fast {flags}"));
        p.cmd("AT+QICSGP?\r", want);
        sim.shutdown();
    }
}

/// QIOPEN right after QIREGAPP (IP START, no QIACT) opens, activating on the way: a
/// field-proven flow.
#[test]
fn qiopen_in_ip_start_activates_and_connects() {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--echo off --delays fast --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    p.cmd("AT+QIREGAPP\r", b"\r\nOK\r\n");
    p.cmd("AT+QISTAT\r", b"\r\nOK\r\n\r\nSTATE: IP START\r\n");
    p.cmd("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let _s = accept(&l);
    p.expect(b"\r\nCONNECT OK\r\n");
    p.cmd("AT+QILOCIP\r", b"\r\n10.0.0.2\r\n");
    sim.shutdown();
}

/// `urc-noise=1`: a network URC before every response block, none inside a data phase.
#[test]
fn urc_noise_puts_network_urcs_between_responses() {
    let (sim, mut p) = start("--echo off --delays fast --fault urc-noise=1 --seed 3");
    let mut seen = String::new();
    for _ in 0..12 {
        p.send(b"AT\r");
        let got = p.read_until(b"\r\nOK\r\n");
        let text = String::from_utf8_lossy(&got).into_owned();
        assert!(text.starts_with("\r\n+"), "{text:?}");
        seen.push_str(&text);
    }
    for urc in ["+QNITZ: ", "+CMTI: \"SM\",1", "+CREG: 1\r\n"] {
        assert!(seen.contains(urc), "{urc} never came: {seen:?}");
    }
    sim.shutdown();
}

/// Network URCs (`+QNITZ`, `+CMTI`, `+CREG: 1`) before every response block: every command of
/// the real binary works and reports exactly what it reports without them (a `+QNITZ` before
/// `AT+QISTAT`'s OK was read as the state, "QIDEACT (state was Other)"; a `+CREG: 1` before
/// `AT+CREG?`'s answer as the registration).
#[test]
fn network_urcs_between_responses_change_nothing_qtcp_reports() {
    use crate::support::*;
    let reports = |flags: &[&str]| -> Vec<serde_json::Value> {
        let sink = Sink::start();
        let server = Server::start();
        let map_sink = format!("--map=1.2.3.4:80={}", sink.addr);
        let map_server = format!("--map=1.2.3.5:80={}", server.addr);
        let mut args = vec!["--delays=fast", map_sink.as_str(), map_server.as_str()];
        args.extend_from_slice(flags);
        let sim = Sim::start(&args);
        let mut out = Vec::new();
        let mut run = |a: &[&str]| -> Vec<u8> {
            let r = sim.qtcp(a);
            assert_eq!(r.code, 0, "{flags:?} {a:?}: {}", r.stderr);
            if a.contains(&"--json") {
                assert!(r.stderr.trim().is_empty(), "{flags:?} {a:?}: {}", r.stderr);
                let mut v = r.json();
                if let Some(o) = v.as_object_mut() {
                    // (timings and poll counts are the clock's, not the module's)
                    o.retain(|k, _| {
                        !matches!(k.as_str(), "port" | "goodput_bps" | "polls" | "duration_s")
                            && !k.ends_with("_ms")
                    });
                }
                out.push(v);
            }
            r.stdout
        };
        run(&["--json", "probe"]);
        run(&[
            "--json",
            "attach",
            "--apn",
            "CMNET",
            "--activate",
            "--recv",
            "retrieve",
        ]);
        run(&["--json", "connect", "1.2.3.4:80"]);
        let data = random_bytes(64 << 10, 18);
        let file = write_file(sim.dir.path(), "up.bin", &data);
        run(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"]);
        sink.wait_total(data.len(), std::time::Duration::from_secs(20));
        assert_eq!(
            sha(&sink.received()[0]),
            sha(&data),
            "{flags:?}: the server's hash"
        );
        run(&["--json", "close"]);
        run(&["--json", "connect", "1.2.3.5:80"]);
        let down = random_bytes(20_000, 19);
        server.send(&down);
        let got = run(&["recv", "--bytes", "20000", "--timeout", "20s"]);
        // (its summary on stderr says how many chunks in how many ms: not compared)
        assert_eq!(sha(&got), sha(&down), "{flags:?}: received bytes");
        run(&["--json", "close"]);
        out
    };
    let clean = reports(&[]);
    let noisy = reports(&["--fault", "urc-noise=1", "--seed", "5"]);
    assert_eq!(clean, noisy);
}

/// A `+CREG: 1` URC right before the answer to `AT+CREG?` is not that answer: probe reports the
/// registration the answer gives (it reported none: the URC form has no `<n>` field).
#[test]
fn a_creg_urc_before_the_creg_answer_is_not_the_answer() {
    use crate::support::*;
    // seed 1: the URC before AT+CREG?'s answer is `+CREG: 1` (checked in the trace below)
    let sim = Sim::start(&["--delays=fast", "--fault", "urc-noise=1", "--seed", "1"]);
    let trace = sim.path("probe.jsonl");
    let r = sim.qtcp(&["--trace", trace.to_str().unwrap(), "--json", "probe"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wire = std::fs::read_to_string(&trace).unwrap();
    assert!(
        wire.contains(r#"AT+CREG?\\r\\r\\n+CREG: 1\\r\\n\\r\\n+CREG: 0,1\\r\\n"#),
        "the case is not exercised: {wire}"
    );
    let v = r.json();
    assert_eq!(v["cs_registration"]["stat"], 1, "{v}");
    assert_eq!(v["cs_registration"]["registered"], true, "{v}");
}
