//! Issue 20: the core client scenarios, defined once and run on each module family through the
//! real binary: `name::qi` against `qtcp sim --model m95`, `name::ctx` against `--model bg96`
//! (see `per_family!` in tests/support). Same flags, same exit codes, same JSON; where a family
//! says something in its own words (transparent's actions), the scenario says which.

use crate::per_family;
use crate::support::*;
use base64::Engine;
use serde_json::Value;
use std::time::Duration;

const FAST: &str = "--delays=fast";

fn schema_check(name: &str, doc: &Value) {
    let path = format!("{}/schemas/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let s = jsonschema::validator_for(&v).unwrap();
    let errors: Vec<String> = s
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {doc}\n{}", errors.join("\n"));
}

/// Data lines of a JSON Lines recv run, decoded, and the summary.
fn decode(run: &Run) -> (Vec<u8>, Vec<Value>, Value) {
    let mut data = Vec::new();
    let mut records = Vec::new();
    let lines = run.lines();
    for v in &lines {
        if v["type"] == "data" {
            let b = base64::engine::general_purpose::STANDARD
                .decode(v["bytes"].as_str().unwrap())
                .unwrap();
            assert_eq!(v["offset"].as_u64().unwrap(), data.len() as u64);
            data.extend_from_slice(&b);
            records.push(v.clone());
        }
    }
    let summary = lines.last().cloned().expect("a summary line");
    assert_eq!(summary["type"], "summary", "last line: {summary}");
    (data, records, summary)
}

per_family!(
    /// connect opens a socket and says which family and (ctx) context and access mode; a second
    /// connect is exit 8 unless --reuse; close closes it, a second close is a success with a
    /// note, `--deact` leaves no context.
    connect_already_connected_and_close,
    |f| {
        let sim = f.sim(&[FAST]);
        let sink = Sink::start();
        let v = sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0).json();
        schema_check("connect", &v);
        assert_eq!(v["dialect"], f.name);
        assert_eq!(v["protocol"], "TCP");
        if f.is_ctx() {
            assert_eq!(v["context_id"], 1);
            assert_eq!(v["access_mode"], 0);
            // Every ctx socket is numbered: no QIMUX to report (as probe says).
            assert!(v["mux"].is_null(), "{v}");
        } else {
            assert!(v["context_id"].is_null() && v["access_mode"].is_null(), "{v}");
            assert!(v["mux"].is_boolean(), "{v}");
        }
        let r = sim.qtcp(&["--json", "connect", &sink.addr]);
        r.assert_code(8);
        let e = r.json();
        schema_check("connect", &e);
        assert_eq!(e["error"]["class"], "connect");
        assert_eq!(e["dialect"], f.name);
        let v = sim
            .qtcp(&["--json", "connect", &sink.addr, "--reuse"])
            .assert_code(0)
            .json();
        assert_eq!(v["reused"], true);
        let v = sim.qtcp(&["--json", "close"]).assert_code(0).json();
        schema_check("close", &v);
        assert_eq!(v["closed"], true);
        let v = sim.qtcp(&["--json", "close", "--deact"]).assert_code(0).json();
        schema_check("close", &v);
        assert_eq!(v["closed"], false, "{v}");
        assert!(v["note"].is_string(), "{v}");
        assert_eq!(v["deactivated"], true);
        assert_eq!(v["ip_state"], "IP INITIAL");
    }
);

per_family!(
    /// `--id` beyond the family's sockets is a usage error (2) with nothing sent after detection;
    /// the highest index is accepted.
    id_range_is_the_familys,
    |f| {
        let sim = f.sim(&[FAST]);
        let over = (f.max_id() + 1).to_string();
        let r = sim.qtcp(&["--json", "connect", "127.0.0.1:9", "--id", &over]);
        r.assert_code(2);
        if f.is_ctx() {
            // 12 is no socket on any family: the parser refuses it before any module is reached.
            assert!(r.json()["dialect"].is_null());
        } else {
            // 6 is a ctx socket: refused once the module said it is a QI one.
            assert_eq!(r.json()["dialect"], f.name);
        }
        if f.is_ctx() {
            let sink = Sink::start();
            let v = sim
                .qtcp(&["--json", "connect", &sink.addr, "--id", "11"])
                .assert_code(0)
                .json();
            assert_eq!(v["id"], 11);
            sim.qtcp(&["--json", "close", "--id", "11"]).assert_code(0);
        }
    }
);

per_family!(
    /// 1 MiB of random bytes from a file: the server's hash matches and every byte is
    /// acknowledged.
    send_one_mib_every_byte_acknowledged,
    |f| {
        let sim = f.sim(&[FAST]);
        let sink = Sink::start();
        let data = random_bytes(1 << 20, 1);
        let file = write_file(sim.dir.path(), "d", &data);
        sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
        let v = sim
            .qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
            .assert_code(0)
            .json();
        schema_check("send", &v);
        assert_eq!(v["dialect"], f.name);
        assert_eq!(v["bytes_sent"], 1 << 20);
        assert_eq!(v["bytes_acked"], 1 << 20);
        assert_eq!(v["bytes_unacked"], 0);
        assert_eq!(v["complete"], true);
        sink.wait_total(data.len(), Duration::from_secs(20));
        assert_eq!(sha(&sink.received()[0]), sha(&data));
        sim.qtcp(&["--json", "close"]).assert_code(0);
    }
);

per_family!(
    /// 256 KiB in retrieve (buffer) mode with the peer closing while recv runs: every byte, in
    /// order, then the close; a recv after that with bytes asked is exit 9.
    recv_256_kib_with_a_peer_close,
    |f| {
        let sim = f.sim(&[FAST]);
        let server = Server::start();
        sim.qtcp(&["--json", "attach", "--apn", "x", "--recv", "retrieve"])
            .assert_code(0);
        sim.qtcp(&["--json", "connect", &server.addr]).assert_code(0);
        let data = random_bytes(256 << 10, 53);
        let live = Live::spawn(&sim, &["--json", "recv", "--timeout", "60s"]);
        live.wait_json(Duration::from_secs(20), |v| v["event"] == "ready");
        server.send(&data);
        server.close();
        let r = live.finish(Duration::from_secs(90));
        r.assert_code(0);
        let (got, _, summary) = decode(&r);
        assert_eq!(sha(&got), sha(&data));
        assert_eq!(summary["reason"], "closed");
        assert_eq!(summary["dialect"], f.name);
        for l in r.lines() {
            schema_check("recv", &l);
        }
        let r = sim.qtcp(&["--json", "recv", "--bytes", "10", "--timeout", "10s"]);
        r.assert_code(9);
    }
);

per_family!(
    /// The server's bytes while the socket is in direct (push) mode, set at connect.
    recv_direct_mode_set_at_connect,
    |f| {
        let sim = f.sim(&[FAST]);
        let server = Server::start();
        let mut connect = vec!["--json", "connect", &server.addr, "--recv", "direct"];
        if !f.is_ctx() {
            // QI's direct mode needs IPD framing to be told from responses.
            sim.qtcp(&["--json", "attach", "--apn", "x", "--recv", "direct", "--headers"])
                .assert_code(0);
            connect.truncate(3);
        }
        let v = sim.qtcp(&connect).assert_code(0).json();
        if f.is_ctx() {
            assert_eq!(v["access_mode"], 1);
        }
        let data = random_bytes(20_000, 61);
        let live = Live::spawn(&sim, &["--json", "recv", "--timeout", "60s"]);
        live.wait_json(Duration::from_secs(20), |v| v["event"] == "ready");
        server.send(&data);
        server.close();
        let r = live.finish(Duration::from_secs(60));
        r.assert_code(0);
        let (got, _, summary) = decode(&r);
        assert_eq!(sha(&got), sha(&data));
        assert_eq!(summary["mode"], "direct");
    }
);

per_family!(
    /// UDP: a datagram out, three back, one record each with its sender.
    udp_datagrams,
    |f| {
        let sim = f.sim(&[FAST]);
        sim.qtcp(&["--json", "attach", "--apn", "x", "--recv", "retrieve"])
            .assert_code(0);
        let (udp, peer) = udp_peer(&sim);
        let grams = [random_bytes(100, 55), random_bytes(1, 56), random_bytes(1200, 57)];
        for g in &grams {
            udp.send_to(g, peer).unwrap();
        }
        let total: usize = grams.iter().map(Vec::len).sum();
        let r = sim.qtcp(&["--json", "recv", "--bytes", &total.to_string(), "--timeout", "20s"]);
        r.assert_code(0);
        let (got, records, _) = decode(&r);
        assert_eq!(got, grams.concat());
        let lens: Vec<u64> = records.iter().map(|v| v["len"].as_u64().unwrap()).collect();
        assert_eq!(lens, vec![100, 1, 1200], "one record per datagram");
        for v in &records {
            assert_eq!(v["protocol"], "UDP");
        }
    }
);

per_family!(
    /// transparent: 100 KB through an echo server and back, byte for byte; afterwards the
    /// module takes commands again (a plain connect and send work).
    transparent_round_trip,
    |f| {
        let sim = f.sim(&[FAST, "--guard-before", "300ms", "--guard-after", "200ms"]);
        let echo = Echo::start();
        let data = random_bytes(100_000, 71);
        let r = qtcp(
            &[
                "--port",
                sim.port.as_str(),
                "--json",
                "transparent",
                &echo.addr,
                "--guard",
                "400ms",
                "--linger",
                "500ms",
                "--close",
            ],
            Some(&data),
            Duration::from_secs(90),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(sha(&r.stdout), sha(&data));
        let summary = r
            .stderr
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .rfind(|v| v["type"] == "summary")
            .unwrap_or_else(|| panic!("no summary: {}", r.stderr));
        schema_check("transparent", &summary);
        assert_eq!(summary["dialect"], f.name);
        assert_eq!(summary["bytes_in"], 100_000);
        let actions = summary["actions"].to_string();
        if f.is_ctx() {
            assert!(actions.contains("transpktsize"), "{actions}");
            assert!(summary["qimode_restored"].is_null(), "{summary}");
        } else {
            assert!(actions.contains("QIMODE=1"), "{actions}");
        }
        let sink = Sink::start();
        sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
        sim.qtcp(&["--json", "send", "--data", "after", "--wait-ack"])
            .assert_code(0);
        sink.wait_total(5, Duration::from_secs(10));
    }
);

per_family!(
    /// probe and attach: the JSON matches the schema, names the family, and fields that mean
    /// nothing in a family are null (mux on ctx; contexts and sockets on QI).
    probe_and_attach_json,
    |f| {
        let sim = f.sim(&[FAST]);
        let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
        schema_check("probe", &v);
        assert_eq!(v["dialect"], f.name);
        assert_eq!(v["ip_state"], "IP INITIAL");
        if f.is_ctx() {
            assert!(v["mux"].is_null(), "{v}");
            assert!(v["contexts"].is_array(), "{v}");
            assert!(v["sockets"].is_array(), "{v}");
            assert!(v["revision_extended"].is_string(), "{v}");
        } else {
            assert!(v["contexts"].is_null() && v["sockets"].is_null(), "{v}");
        }
        let v = sim
            .qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"])
            .assert_code(0)
            .json();
        schema_check("attach", &v);
        assert!(v["local_ip"].is_string(), "{v}");
        if f.is_ctx() {
            // Nothing is kept for a later connect: the access mode is chosen at each open.
            let v = sim
                .qtcp(&["--json", "attach", "--apn", "CMNET", "--recv", "direct"])
                .assert_code(0)
                .json();
            schema_check("attach", &v);
            assert!(v["recv_mode"].is_null(), "{v}");
            assert!(v["note"].as_str().unwrap().contains("connect"), "{v}");
        }
        // QI says IP STATUS once the address was read (QILOCIP); ctx's synthesis has no such
        // step (research §6.2).
        let active = if f.is_ctx() { "IP GPRSACT" } else { "IP STATUS" };
        assert_eq!(v["ip_state"], active);
        let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
        assert_eq!(v["ip_state"], active);
        let sink = Sink::start();
        sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
        let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
        assert_eq!(v["ip_state"], "CONNECT OK");
        let r = sim.qtcp(&["--json", "attach", "--apn", "bad\"apn"]);
        r.assert_code(2);
        schema_check("attach", &r.json());
    }
);

per_family!(
    /// The server refusing the connection: exit 8, and on ctx the module's code and words.
    refused_connection_is_8_with_the_module_code,
    |f| {
        let sim = f.sim(&[FAST]);
        // A port nothing listens on.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        drop(l);
        let r = sim.qtcp(&["--json", "connect", &addr]);
        r.assert_code(8);
        let v = r.json();
        schema_check("connect", &v);
        if f.is_ctx() {
            assert!(v["error"]["module_code"].is_u64(), "{v}");
            assert!(v["error"]["module_text"].is_string(), "{v}");
        }
    }
);

per_family!(
    /// The network drops the context mid-send: exit 7 with the acknowledged offset; a connect
    /// afterwards brings the context back (ctx: QIDEACT then QIACT of the broken context).
    context_lost_mid_send_is_7_and_connect_recovers,
    |f| {
        let sim = f.sim(&[FAST, "--fault", "pdp-deact-after-bytes=20000"]);
        let sink = Sink::start();
        let data = random_bytes(100_000, 81);
        let file = write_file(sim.dir.path(), "d", &data);
        sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
        let r = sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"]);
        r.assert_code(7);
        let v = r.json();
        schema_check("send", &v);
        assert_eq!(v["error"]["class"], "pdp_context");
        let acked = v["acked_offset"].as_u64().unwrap();
        assert!(acked > 0 && acked < 100_000, "{v}");
        let sink2 = Sink::start();
        sim.qtcp(&["--json", "connect", &sink2.addr]).assert_code(0);
        sim.qtcp(&["--json", "send", "--data", "again", "--wait-ack"])
            .assert_code(0);
        sink2.wait_total(5, Duration::from_secs(10));
    }
);

per_family!(
    /// The peer closes mid-send: exit 9 with the acknowledged offset, said in the family's
    /// words.
    peer_close_mid_send_is_9,
    |f| {
        let sim = f.sim(&[FAST, "--fault", "peer-close-after-bytes=30000"]);
        let sink = Sink::start();
        let data = random_bytes(100_000, 82);
        let file = write_file(sim.dir.path(), "d", &data);
        sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
        let r = sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"]);
        r.assert_code(9);
        let acked = r.json()["acked_offset"].as_u64().unwrap();
        assert!(acked > 0 && acked < 100_000, "{}", r.json());
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        if f.is_ctx() {
            assert!(!msg.contains("CLOSED") && !msg.contains("QISACK"), "{msg}");
        }
    }
);

/// ctx only: a module whose URCs go to another port (AT+QURCCFG="urcport") is reported by
/// probe, and an open whose +QIOPEN never arrives here is exit 8 at the deadline, cleaned up.
#[test]
fn urcs_routed_elsewhere_show_in_probe_and_an_open_is_8() {
    let sim = Family::CTX.sim(&[FAST, "--urc-port", "usbmodem"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    schema_check("probe", &v);
    assert_eq!(v["urc_port"], "usbmodem");
    // A pty is no USB port: which port qtcp holds cannot be told.
    assert!(v["usb"].is_null() && v["urcs_elsewhere"].is_null(), "{v}");
    let sink = Sink::start();
    let r = sim.qtcp(&["--json", "connect", &sink.addr, "--timeout", "1s"]);
    r.assert_code(8);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(
        v["sockets"],
        serde_json::json!([]),
        "the failed open was closed: {v}"
    );
}

/// ctx only: `connect --reuse` reuses socket 0 only when it is open to the peer asked for
/// (QISTATE's type, IP and port, research §6.2); another peer or protocol is exit 8, and the
/// socket is left as it was.
#[test]
fn reuse_is_for_the_same_peer_only() {
    let sim = Family::CTX.sim(&[FAST]);
    let sink = Sink::start();
    let other = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    let other_port = other.addr.rsplit(':').next().unwrap();
    let udp_dest = format!("127.0.0.1:{other_port}");
    for args in [
        vec!["--json", "connect", "--reuse", "--udp", &udp_dest],
        vec!["--json", "connect", "--reuse", &other.addr],
        vec!["--json", "connect", "--reuse", "--udp", &sink.addr],
    ] {
        let r = sim.qtcp(&args);
        r.assert_code(8);
        let e = r.json();
        schema_check("connect", &e);
        assert_eq!(e["error"]["class"], "connect", "{e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains("socket 0 is connected to TCP"), "{msg}");
    }
    let v = sim
        .qtcp(&["--json", "connect", "--reuse", &sink.addr])
        .assert_code(0)
        .json();
    assert_eq!(v["reused"], true);
    assert_eq!(v["protocol"], "TCP");
}

/// ctx only: a QIACT that answers ERROR reports the module's code (AT+QIGETERROR asked right
/// after it, before QIACT?/QIDEACT reset the register): exit 7 with error.module_code 561; the
/// same when the module words it `+CME ERROR: 561` (`--cme-5xx on`, §6.6 question 7) or keeps
/// the register through successes (`--qigeterror-keep on`, question 8).
#[test]
fn failed_activation_keeps_its_module_code() {
    for knob in [
        &[][..],
        &["--cme-5xx", "on", "--cmee", "1"],
        &["--qigeterror-keep", "on"],
    ] {
        let mut flags = vec![FAST, "--fault", "qiact-fail"];
        flags.extend_from_slice(knob);
        let sim = Family::CTX.sim(&flags);
        let r = sim.qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"]);
        r.assert_code(7);
        let v = r.json();
        schema_check("attach", &v);
        assert_eq!(v["error"]["module_code"], 561, "{knob:?}: {v}");
    }
}
