//! The fault matrix's cases: one per (fault, operation), each with its documented exit code,
//! deadline and the script it runs ([`cases`]).

use super::*;

// ---------------------------------------------------------------------------------------------
// The cases

pub struct Case {
    pub fault: &'static str,
    pub op: &'static str,
    pub expect: i32,
    pub deadline_s: u64,
    pub f: fn(&Ctx),
}

macro_rules! case {
    ($fault:expr, $op:expr, $expect:expr, $deadline:expr, $f:expr) => {
        Case {
            fault: $fault,
            op: $op,
            expect: $expect,
            deadline_s: $deadline,
            f: $f,
        }
    };
}

fn peer_close() -> String {
    format!("peer-close-after-bytes={AT_BYTES}")
}
fn pdp_deact() -> String {
    format!("pdp-deact-after-bytes={AT_BYTES}")
}
fn ack_stall() -> String {
    format!("ack-stall-after-bytes={AT_BYTES}")
}
fn reboot() -> String {
    format!("reboot-after-bytes={AT_BYTES}")
}

/// `send` of the case file on a fresh connection with `fault`; asserts the offset; the next
/// script step is a new connection and a send.
fn send_with(c: &Ctx, fault: &str, extra: &[&str]) {
    let s = c.sim(&["--uplink", "200KB/s", "--fault", fault]);
    let sink = Sink::start();
    let (data, path) = file(&s, 11);
    connect(&s, &sink.addr);
    let mut args = vec!["--json", "send", "--file", &path, "--wait-ack"];
    args.extend_from_slice(extra);
    let r = c.op(&s, &args);
    let v = r.json();
    let acked = acked_prefix_true(&sink, &data, &v);
    assert!(acked < FILE_LEN as u64, "{v}");
    if fault.starts_with("ack-stall") {
        assert_eq!(acked, AT_BYTES.parse::<u64>().unwrap(), "{v}");
        c.then(&s, &["--json", "close"], 0);
    }
    if fault.starts_with("reboot") {
        // After a reboot the module has its saved settings and must register again: attach.
        c.then(&s, &["--json", "attach", "--apn", "CMNET"], 0);
    }
    c.then(&s, &["--json", "connect", &sink.addr], 0);
    let off = acked.to_string();
    c.then(
        &s,
        &["--json", "send", "--file", &path, "--offset", &off, "--wait-ack"],
        0,
    );
}

/// `push` of the case file with `fault`; the next step is the same push again.
fn push_with(c: &Ctx, fault: &str, extra: &[&str]) {
    let s = c.sim(&["--uplink", "200KB/s", "--fault", fault]);
    let sink = Sink::start();
    let (data, path) = file(&s, 12);
    let mut args = vec!["--json", "push", &path, &sink.addr];
    args.extend_from_slice(extra);
    let r = c.op(&s, &args);
    let v = r.json();
    if c.expect == 0 {
        assert_eq!(v["complete"], true, "{v}");
        whole_file_delivered(&sink, &data, &v);
        if !fault.starts_with("noise") && !fault.starts_with("fragment") {
            assert!(!v["reconnects"].as_array().unwrap().is_empty(), "{v}");
        }
    } else {
        acked_prefix_true(&sink, &data, &v);
        let r = c.then(&s, &["--json", "push", &path, &sink.addr], 0);
        assert_eq!(r.json()["complete"], true);
    }
}

fn sack_stalled_setup(s: &Sim, sink: &Sink) {
    connect(s, &sink.addr);
    run(
        s,
        Duration::from_secs(20),
        &["--json", "send", "--data", "0123456789"],
    )
    .assert_code(0);
}

pub fn cases() -> Vec<Case> {
    vec![
        // ---- peer close
        case!("peer close", "send", 9, 20, |c| send_with(c, &peer_close(), &[])),
        case!("peer close", "push", 9, 20, |c| push_with(c, &peer_close(), &[])),
        case!("peer close", "push --reconnect", 0, 20, |c| push_with(
            c,
            &peer_close(),
            &["--reconnect"]
        )),
        case!("peer close", "send --reconnect (reopen refused)", 9, 20, |c| {
            let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let dead_addr = dead.local_addr().unwrap().to_string();
            drop(dead);
            send_with(c, &peer_close(), &["--reconnect", &dead_addr]);
        }),
        case!("peer close", "sack-watch", 9, 10, |c| {
            let s = c.sim(&["--fault", "peer-close-after-bytes=3"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            c.op(
                &s,
                &[
                    "--json",
                    "sack-watch",
                    "--heartbeat",
                    "Heart01",
                    "--interval",
                    "100ms",
                ],
            );
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("peer close", "close", 0, 10, |c| {
            let s = c.sim(&["--fault", "peer-close-after-bytes=3"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            let _ = run(
                &s,
                Duration::from_secs(20),
                &["--json", "send", "--data", "hello", "--wait-ack"],
            );
            c.op(&s, &["--json", "close"]);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        // ---- +PDP DEACT
        case!("+PDP DEACT (after bytes)", "send", 7, 20, |c| send_with(
            c,
            &pdp_deact(),
            &[]
        )),
        case!("+PDP DEACT (after bytes)", "push", 7, 20, |c| push_with(
            c,
            &pdp_deact(),
            &[]
        )),
        case!("+PDP DEACT (after bytes)", "push --reconnect", 0, 20, |c| {
            push_with(c, &pdp_deact(), &["--reconnect"])
        }),
        case!("+PDP DEACT (timed)", "sack-watch", 7, 15, |c| {
            timed_sack_watch(c, "pdp-deact-after=2500ms");
        }),
        case!("+PDP DEACT (timed, idle)", "probe", 0, 10, |c| {
            let s = c.sim(&["--fault", "pdp-deact-after=300ms"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            await_state(&s, "PDP DEACT");
            let r = c.op(&s, &["--json", "probe"]);
            assert_eq!(r.json()["ip_state"], "PDP DEACT");
            c.then(&s, &["--json", "attach", "--apn", "CMNET", "--activate"], 0);
        }),
        // The connection went with its context before the send: 7 (the module's state says
        // the context is lost), as a chunk refused mid-send reads it, on both families.
        case!("+PDP DEACT (timed, idle)", "send", 7, 10, |c| {
            let s = c.sim(&["--fault", "pdp-deact-after=300ms"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            await_state(&s, "PDP DEACT");
            c.op(&s, &["--json", "send", "--data", "x"]);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
            c.then(&s, &["--json", "send", "--data", "x", "--wait-ack"], 0);
        }),
        case!("+PDP DEACT (timed, idle)", "connect", 0, 10, |c| {
            let s = c.sim(&["--fault", "pdp-deact-after=300ms"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            await_state(&s, "PDP DEACT");
            c.op(&s, &["--json", "connect", &sink.addr]);
            c.then(&s, &["--json", "send", "--data", "x", "--wait-ack"], 0);
        }),
        // ---- acknowledgement stall
        case!("ack stall", "send --ack-timeout 1s", 11, 20, |c| send_with(
            c,
            &ack_stall(),
            &["--ack-timeout", "1s"]
        )),
        case!("ack stall", "push --ack-timeout 1s", 11, 20, |c| push_with(
            c,
            &ack_stall(),
            &["--ack-timeout", "1s"]
        )),
        case!("ack stall", "push --reconnect --ack-timeout 1s", 0, 20, |c| {
            push_with(c, &ack_stall(), &["--reconnect", "--ack-timeout", "1s"])
        }),
        case!("ack stall", "sack-watch", 11, 10, |c| {
            let s = c.sim(&["--fault", "ack-stall-after-bytes=5"]);
            let sink = Sink::start();
            sack_stalled_setup(&s, &sink);
            c.op(
                &s,
                &["--json", "sack-watch", "--interval", "50ms", "--max-polls", "5"],
            );
            c.then(&s, &["--json", "close"], 0);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        // ---- CONNECT FAIL
        case!("CONNECT FAIL", "connect", 8, 10, |c| {
            let s = c.sim(&["--fault", "connect-fail=1"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", &sink.addr]);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("CONNECT FAIL", "push", 8, 10, |c| push_with(
            c,
            "connect-fail=1",
            &[]
        )),
        case!("CONNECT FAIL (nothing listening)", "connect", 8, 10, |c| {
            let s = c.sim(&[]);
            let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let dead_addr = dead.local_addr().unwrap().to_string();
            drop(dead);
            c.op(&s, &["--json", "connect", &dead_addr]);
            let sink = Sink::start();
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        // ---- DNS failure
        case!("DNS failure", "connect", 8, 10, |c| {
            let s = c.sim(&["--fault", "dns-fail"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", "nowhere.example.com:80"]);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("DNS failure", "push", 8, 10, |c| {
            let s = c.sim(&["--fault", "dns-fail"]);
            let sink = Sink::start();
            let (_, path) = file(&s, 13);
            c.op(&s, &["--json", "push", &path, "nowhere.example.com:80"]);
            c.then(&s, &["--json", "push", &path, &sink.addr], 0);
        }),
        // ---- SIM
        case!("SIM absent", "probe --expect ready", 5, 10, |c| sim_case(
            c, "absent", "probe"
        )),
        case!("SIM PIN", "probe --expect ready", 5, 10, |c| sim_case(
            c, "pin", "probe"
        )),
        // A SIM still starting after power-on (busy 3 s, then +CPIN: READY) is waited for.
        case!("SIM busy 3 s", "probe --expect ready", 0, 10, |c| sim_busy_case(
            c, "probe"
        )),
        case!("SIM busy 3 s", "attach", 0, 10, |c| sim_busy_case(c, "attach")),
        case!("SIM busy 3 s", "push --apn", 0, 15, |c| sim_busy_case(c, "push")),
        // Still busy at --sim-timeout: 5 within the deadline.
        case!(
            "SIM busy past --sim-timeout",
            "probe --expect ready --sim-timeout 1s",
            5,
            4,
            |c| { sim_case(c, "busy", "probe") }
        ),
        case!(
            "SIM busy past --sim-timeout",
            "attach --sim-timeout 1s",
            5,
            4,
            |c| sim_case(c, "busy", "attach")
        ),
        case!("SIM absent", "attach", 5, 10, |c| sim_case(c, "absent", "attach")),
        case!("SIM PIN", "attach", 5, 10, |c| sim_case(c, "pin", "attach")),
        case!("SIM absent", "push --apn", 5, 15, |c| sim_case(
            c, "absent", "push"
        )),
        // ---- network
        case!("not registered", "attach", 6, 10, |c| {
            let s = c.sim(&["--fault", "no-register"]);
            c.op(
                &s,
                &["--json", "attach", "--apn", "CMNET", "--register-timeout", "1s"],
            );
            c.note("persistent: the user must fix coverage");
        }),
        case!("not registered", "probe --expect ready", 6, 10, |c| {
            let s = c.sim(&["--fault", "no-register"]);
            c.op(&s, &["--json", "probe", "--expect", "ready"]);
        }),
        case!("GPRS not attached", "attach", 6, 10, |c| {
            let s = c.sim(&["--fault", "no-attach"]);
            c.op(
                &s,
                &["--json", "attach", "--apn", "CMNET", "--register-timeout", "1s"],
            );
        }),
        case!("QIACT fails", "attach --activate", 7, 10, |c| {
            let s = c.sim(&["--fault", "qiact-fail"]);
            c.op(&s, &["--json", "attach", "--apn", "CMNET", "--activate"]);
            // Left in a state probe can read (IP INITIAL after the driver's QIDEACT).
            let r = c.then(&s, &["--json", "probe"], 0);
            assert_eq!(r.json()["ip_state"], "IP INITIAL");
        }),
        // ---- module stops answering
        case!("silent (everything)", "probe", 4, 6, |c| silent_all(
            c,
            &["probe", "--sync-attempts", "3"]
        )),
        case!("silent (everything)", "attach", 4, 15, |c| silent_all(
            c,
            &["attach", "--apn", "CMNET"]
        )),
        case!("silent (everything)", "connect", 4, 15, |c| silent_all(
            c,
            &["connect", "127.0.0.1:9"]
        )),
        case!("silent (everything)", "send", 4, 15, |c| silent_all(
            c,
            &["send", "--data", "x"]
        )),
        case!("silent (everything)", "sack-watch", 4, 15, |c| silent_all(
            c,
            &["sack-watch"]
        )),
        case!("silent (everything)", "close", 4, 15, |c| silent_all(
            c,
            &["close"]
        )),
        case!("silent (everything)", "push", 4, 15, |c| silent_all(
            c,
            &["push", "Cargo.toml", "127.0.0.1:9"]
        )),
        case!("silent (AT+QISEND)", "send", 4, 10, |c| {
            // The data command of a 5-byte send: ctx's counters are AT+QISEND=0,0 (answered).
            let s = c.sim(&["--fault", c.pick("silent=AT+QISEND", "silent=AT+QISEND=0,5")]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            c.op(&s, &["--json", "send", "--data", "hello"]);
            // Not left in a data phase: the next commands are answered.
            c.then(&s, &["--json", "close"], 0);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("silent (AT+QIOPEN)", "connect --timeout 1s", 8, 10, |c| {
            let s = c.sim(&["--fault", "silent=AT+QIOPEN"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", &sink.addr, "--timeout", "1s"]);
            c.then(&s, &["--json", "probe"], 0);
        }),
        // (ctx: QICLOSE's own deadline is its 10 s timeout plus a second, research §1.10.)
        case!("silent (AT+QICLOSE)", "close", 4, 15, |c| {
            let s = c.sim(&["--fault", "silent=AT+QICLOSE"]);
            let sink = Sink::start();
            connect(&s, &sink.addr);
            c.op(&s, &["--json", "close"]);
            c.then(&s, &["--json", "send", "--data", "x", "--wait-ack"], 0);
        }),
        // ---- lost synchronisation (the first N command lines unanswered)
        case!("sync-after=3", "probe", 0, 10, |c| sync_case(c, &["probe"])),
        case!("sync-after=3", "attach", 0, 10, |c| sync_case(
            c,
            &["attach", "--apn", "CMNET"]
        )),
        case!("sync-after=3", "push", 0, 10, |c| {
            let s = c.sim(&["--fault", "sync-after=3"]);
            let sink = Sink::start();
            let (_, path) = file(&s, 14);
            c.op(&s, &["--json", "push", &path, &sink.addr]);
        }),
        case!("sync-after=3", "connect", 0, 10, |c| {
            let s = c.sim(&["--fault", "sync-after=3"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", &sink.addr]);
            c.then(&s, &["--json", "send", "--data", "x", "--wait-ack"], 0);
        }),
        // ---- module reboots
        case!("reboot (after bytes)", "send", 9, 20, |c| send_with(
            c,
            &reboot(),
            &[]
        )),
        case!("reboot (after bytes)", "push", 9, 20, |c| push_with(
            c,
            &reboot(),
            &[]
        )),
        case!("reboot (after bytes)", "push --reconnect", 0, 20, |c| push_with(
            c,
            &reboot(),
            &["--reconnect"]
        )),
        case!("reboot (timed)", "probe", 0, 15, |c| {
            // Slow responses so that RDY arrives in the middle of the probe.
            let s = c.sim(&["--fault", "fragment=1/3ms", "--fault", "reboot-after=700ms"]);
            let r = c.op(&s, &["--json", "probe"]);
            assert_eq!(r.json()["model"], c.model());
            c.then(&s, &["--json", "probe"], 0);
        }),
        case!("reboot (timed)", "attach --activate", 4, 10, |c| {
            let s = c.sim(&["--qiact-delay", "4s", "--fault", "reboot-after=1500ms"]);
            c.op(&s, &["--json", "attach", "--apn", "CMNET", "--activate"]);
            c.then(&s, &["--json", "attach", "--apn", "CMNET"], 0);
        }),
        case!("reboot (timed)", "connect", 4, 10, |c| {
            let s = c.sim(&["--qiopen-delay", "4s", "--fault", "reboot-after=1500ms"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", &sink.addr]);
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("reboot (timed)", "sack-watch", 9, 15, |c| {
            timed_sack_watch(c, "reboot-after=2500ms");
        }),
        // ---- line noise, fragmented and slow responses: everything still works
        case!("noise=0.2", "probe", 0, 10, |c| {
            let s = c.sim(&["--fault", "noise=0.2", "--seed", "7"]);
            let v = c.op(&s, &["--json", "probe"]).json();
            assert_eq!(v["model"], c.model(), "{v}");
            assert_eq!(v["manufacturer"], c.manufacturer(), "{v}");
            assert_eq!(v["ip_state"], "IP INITIAL", "{v}");
        }),
        case!("noise=0.2", "attach --activate", 0, 10, |c| {
            let s = c.sim(&["--fault", "noise=0.2", "--seed", "8"]);
            c.op(&s, &["--json", "attach", "--apn", "CMNET", "--activate"]);
        }),
        case!("noise=0.2", "connect, send, sack-watch, close", 0, 20, |c| {
            ok_script(c, "noise=0.2")
        }),
        case!("noise=0.2", "push", 0, 20, |c| push_with(c, "noise=0.2", &[])),
        case!("fragment=3/2ms", "probe", 0, 10, |c| {
            let s = c.sim(&["--fault", "fragment=3/2ms"]);
            let v = c.op(&s, &["--json", "probe"]).json();
            assert_eq!(v["model"], c.model(), "{v}");
        }),
        case!("fragment=3/2ms", "attach --activate", 0, 10, |c| {
            let s = c.sim(&["--fault", "fragment=3/2ms"]);
            c.op(&s, &["--json", "attach", "--apn", "CMNET", "--activate"]);
        }),
        case!("fragment=3/2ms", "connect, send, sack-watch, close", 0, 20, |c| {
            ok_script(c, "fragment=3/2ms")
        }),
        case!("fragment=3/2ms", "push", 0, 20, |c| push_with(
            c,
            "fragment=3/2ms",
            &[]
        )),
        case!(
            "slow (fragment=1/8ms)",
            "connect, send, sack-watch, close",
            0,
            30,
            |c| ok_script(c, "fragment=1/8ms")
        ),
        // ---- recv (retrieve mode): the server sends the case file
        case!(
            "peer close (server sends, then closes)",
            "recv --bytes",
            9,
            15,
            |c| { recv_case(c, &[], true, &["--bytes", "100000"], 0) }
        ),
        case!("noise=0.2", "recv --bytes", 0, 15, |c| recv_case(
            c,
            &["--fault", "noise=0.2", "--seed", "5"],
            false,
            &["--bytes", "60000"],
            0
        )),
        case!("fragment=64/1ms", "recv --bytes", 0, 20, |c| recv_case(
            c,
            &["--fault", "fragment=64/1ms"],
            false,
            &["--bytes", "60000"],
            0
        )),
        case!("reboot (timed)", "recv --bytes", 9, 15, |c| recv_case(
            c,
            &["--downlink", "20KB/s", "--fault", "reboot-after=1500ms"],
            false,
            &["--bytes", "60000"],
            0
        )),
        case!("+PDP DEACT (timed)", "recv --bytes", 7, 15, |c| recv_case(
            c,
            &["--downlink", "20KB/s", "--fault", "pdp-deact-after=1500ms"],
            false,
            &["--bytes", "60000"],
            0
        )),
        // ---- transparent mode (data mode): stdin is empty, so --linger keeps the bridge up
        // until the fault; a later command in the script works from what is left.
        case!("peer close", "transparent", 9, 15, |c| {
            let s = c.sim(&TRANSPARENT_SIM);
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = l.local_addr().unwrap().to_string();
            // The server accepts and closes at once: CLOSED arrives in data mode.
            std::thread::spawn(move || drop(l.accept()));
            let r = c.op(&s, &transparent_args(&addr, &["--linger", "5s"]));
            assert!(r.stdout.is_empty(), "the module's CLOSED is not data");
            let sink = Sink::start();
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("+PDP DEACT (timed)", "transparent", 7, 15, |c| {
            let mut flags = TRANSPARENT_SIM.to_vec();
            flags.extend(["--fault", "pdp-deact-after=1500ms"]);
            let s = c.sim(&flags);
            let sink = Sink::start();
            c.op(&s, &transparent_args(&sink.addr, &["--linger", "8s"]));
            c.then(&s, &["--json", "connect", &sink.addr], 0);
        }),
        case!("CONNECT FAIL", "transparent", 8, 15, |c| {
            let mut flags = TRANSPARENT_SIM.to_vec();
            flags.extend(["--fault", "connect-fail=1"]);
            let s = c.sim(&flags);
            let sink = Sink::start();
            c.op(&s, &transparent_args(&sink.addr, &[]));
            c.then(&s, &transparent_args(&sink.addr, &["--close"]), 0);
        }),
        case!("silent (QIOPEN)", "transparent", 8, 15, |c| {
            let mut flags = TRANSPARENT_SIM.to_vec();
            flags.extend(["--fault", "silent=AT+QIOPEN"]);
            let s = c.sim(&flags);
            let sink = Sink::start();
            c.op(&s, &transparent_args(&sink.addr, &["--timeout", "2s"]));
            c.note("persistent: the module never answers QIOPEN; probe still works");
            c.then(&s, &["--json", "probe"], 0);
        }),
        case!("device vanishes", "transparent", 13, 15, |c| {
            let mut flags = TRANSPARENT_SIM.to_vec();
            flags.extend(["--fault", "vanish-after=1500ms"]);
            let s = c.sim(&flags);
            let sink = Sink::start();
            c.op(&s, &transparent_args(&sink.addr, &["--linger", "8s"]));
            vanished_next(c, &s);
        }),
        case!("device vanishes", "recv --bytes", 13, 15, |c| recv_case(
            c,
            &["--downlink", "20KB/s", "--fault", "vanish-after=1500ms"],
            false,
            &["--bytes", "60000"],
            3
        )),
        // ---- the device vanishes (pty closed under the client)
        case!("device vanishes", "probe", 13, 10, |c| {
            let s = c.sim(&["--line-baud", "1200", "--fault", "vanish-after=500ms"]);
            c.op(&s, &["--json", "probe"]);
            vanished_next(c, &s);
        }),
        case!("device vanishes", "attach --activate", 13, 10, |c| {
            let s = c.sim(&["--qiact-delay", "4s", "--fault", "vanish-after=1500ms"]);
            c.op(&s, &["--json", "attach", "--apn", "CMNET", "--activate"]);
            vanished_next(c, &s);
        }),
        case!("device vanishes", "connect", 13, 10, |c| {
            let s = c.sim(&["--qiopen-delay", "4s", "--fault", "vanish-after=1500ms"]);
            let sink = Sink::start();
            c.op(&s, &["--json", "connect", &sink.addr]);
            vanished_next(c, &s);
        }),
        case!("device vanishes", "send", 13, 15, |c| {
            let s = c.sim(&["--uplink", "20KB/s", "--fault", "vanish-after=2s"]);
            let sink = Sink::start();
            let (data, path) = file(&s, 15);
            connect(&s, &sink.addr);
            let r = c.op(&s, &["--json", "send", "--file", &path, "--wait-ack"]);
            acked_prefix_true(&sink, &data, &r.json());
            vanished_next(c, &s);
        }),
        case!("device vanishes", "push", 13, 15, |c| {
            let s = c.sim(&["--uplink", "20KB/s", "--fault", "vanish-after=2s"]);
            let sink = Sink::start();
            let (data, path) = file(&s, 16);
            let r = c.op(&s, &["--json", "push", &path, &sink.addr]);
            acked_prefix_true(&sink, &data, &r.json());
            vanished_next(c, &s);
        }),
        case!("device vanishes", "sack-watch", 13, 15, |c| {
            let s = c.sim(&["--fault", "vanish-after=2s", "--fault", "ack-stall-after-bytes=1"]);
            let sink = Sink::start();
            sack_stalled_setup(&s, &sink);
            c.op(
                &s,
                &[
                    "--json",
                    "sack-watch",
                    "--interval",
                    "100ms",
                    "--max-polls",
                    "100",
                ],
            );
            vanished_next(c, &s);
        }),
    ]
}

/// attach (retrieve mode), connect to a server that sends the case file (and closes when
/// `close`), then `recv --out FILE ARGS`: whatever the exit, the bytes written are a prefix of
/// the file (all of it on success). `next_code` is what the next `probe` must return.
fn recv_case(c: &Ctx, flags: &[&str], close: bool, args: &[&str], next_code: i32) {
    let s = c.sim(flags);
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let data = random_bytes(FILE_LEN, 18);
    let d2 = data.clone();
    let server = std::thread::spawn(move || {
        use std::io::Write;
        let (mut sock, _) = l.accept().unwrap();
        let _ = sock.write_all(&d2);
        if close {
            let _ = sock.shutdown(std::net::Shutdown::Both);
        } else {
            // Keep the connection open while the case runs.
            std::thread::sleep(Duration::from_secs(20));
        }
    });
    run(
        &s,
        Duration::from_secs(20),
        &["--json", "attach", "--apn", "CMNET", "--recv", "retrieve"],
    )
    .assert_code(0);
    connect(&s, &addr);
    let out = s.path("got.bin");
    let mut full = vec![
        "--json",
        "recv",
        "--out",
        out.to_str().unwrap(),
        "--timeout",
        "20s",
    ];
    full.extend_from_slice(args);
    let r = c.op(&s, &full);
    let got = std::fs::read(&out).unwrap_or_default();
    assert!(
        got.len() <= data.len() && got[..] == data[..got.len()],
        "received bytes are not a prefix of the file"
    );
    if c.expect == 0 || close {
        assert_eq!(got.len(), data.len(), "{}", String::from_utf8_lossy(&r.stdout));
    }
    if next_code == 3 {
        vanished_next(c, &s);
    } else {
        c.then(&s, &["--json", "probe"], next_code);
    }
    drop(server);
}

/// sack-watch on a stalled connection while `fault` (timed) fires; then a new connection works.
fn timed_sack_watch(c: &Ctx, fault: &str) {
    let s = c.sim(&["--fault", fault, "--fault", "ack-stall-after-bytes=1"]);
    let sink = Sink::start();
    sack_stalled_setup(&s, &sink);
    let args = [
        "--json",
        "sack-watch",
        "--interval",
        "100ms",
        "--max-polls",
        "100",
    ];
    c.op(&s, &args);
    c.then(&s, &["--json", "connect", &sink.addr], 0);
}

/// `op` against a SIM fault that does not go away. An absent or locked SIM fails at once: the
/// case deadline (10 s) is shorter than the default --sim-timeout (20 s). A SIM that stays busy
/// fails once the 1 s --sim-timeout has passed, saying it was still busy.
fn sim_case(c: &Ctx, kind: &str, op: &str) {
    let fault = format!("sim={kind}");
    let s = c.sim(&["--fault", &fault]);
    let sink = Sink::start();
    let wait: &[&str] = if kind == "busy" {
        &["--sim-timeout", "1s"]
    } else {
        &[]
    };
    let mut args: Vec<&str> = match op {
        "probe" => vec!["--json", "probe", "--expect", "ready"],
        "attach" => vec!["--json", "attach", "--apn", "CMNET"],
        _ => vec!["--json", "push", "Cargo.toml", &sink.addr, "--apn", "CMNET"],
    };
    args.extend_from_slice(wait);
    let r = c.op(&s, &args);
    let v = last_json(&r);
    assert_eq!(v["error"]["class"], "sim", "{v}");
    if kind == "busy" {
        assert!(
            r.elapsed >= Duration::from_secs(1),
            "gave up before --sim-timeout: {v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("still busy"),
            "{v}"
        );
        c.note("persistent: the SIM never finished starting");
    } else {
        c.note("persistent: the user must insert/unlock the SIM");
    }
    let r = c.then(&s, &["--json", "probe"], 0);
    assert_eq!(r.json()["sim_ready"], false);
}

/// `op` right after a power-on whose SIM is busy for 3 s: waited for, then the operation runs.
fn sim_busy_case(c: &Ctx, op: &str) {
    let s = c.sim(&["--fault", "sim=busy:3s"]);
    let sink = Sink::start();
    let r = match op {
        "probe" => c.op(&s, &["--json", "probe", "--expect", "ready"]),
        "attach" => c.op(&s, &["--json", "attach", "--apn", "CMNET"]),
        _ => c.op(
            &s,
            &["--json", "push", "Cargo.toml", &sink.addr, "--apn", "CMNET"],
        ),
    };
    let v = r.json();
    assert_eq!(v["sim"].as_str().unwrap_or("READY"), "READY", "{v}");
    // Progress only on a terminal: stderr here is a pipe.
    assert!(!r.stderr.contains("waiting for the SIM"), "{}", r.stderr);
    if op == "push" {
        whole_file_delivered(&sink, &std::fs::read("Cargo.toml").unwrap(), &v);
    }
    c.then(&s, &["--json", "probe", "--expect", "ready"], 0);
}

fn silent_all(c: &Ctx, args: &[&str]) {
    let s = c.sim(&["--fault", "silent=*"]);
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let r = c.op(&s, &full);
    assert_eq!(last_json(&r)["error"]["class"], "module_silent");
    c.note("persistent: the user must power-cycle the module");
}

fn sync_case(c: &Ctx, args: &[&str]) {
    let s = c.sim(&["--fault", "sync-after=3"]);
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    c.op(&s, &full);
    c.then(&s, &["--json", "probe"], 0);
}

/// connect, send a file with --wait-ack, sack-watch with a heartbeat, close: all succeed.
fn ok_script(c: &Ctx, fault: &str) {
    let s = c.sim(&["--fault", fault, "--seed", "9"]);
    let sink = Sink::start();
    let (data, path) = file(&s, 17);
    c.op(&s, &["--json", "connect", &sink.addr]);
    c.op(&s, &["--json", "send", "--file", &path, "--wait-ack"]);
    c.op(
        &s,
        &[
            "--json",
            "sack-watch",
            "--heartbeat",
            "Heart01",
            "--interval",
            "50ms",
        ],
    );
    c.op(&s, &["--json", "close"]);
    let mut expect = data.clone();
    expect.extend_from_slice(b"Heart01");
    sink.wait_total(expect.len(), Duration::from_secs(10));
    assert!(sink.received()[0] == expect, "the server's bytes differ");
}

/// After the device vanished the port is gone: the next command says so at once (exit 3).
fn vanished_next(c: &Ctx, s: &Sim) {
    c.note("the user must reconnect the device");
    c.then(s, &["--json", "probe"], 3);
}
