//! The whole script flow of a provisioning line, through the real binary, against the simulator
//! as every module model and with every firmware knob flipped from its default. The client was
//! written to tolerate every variant real firmware shows; this is where that claim is checked,
//! one simulator (pty, loopback servers) per configuration so they run in parallel.

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::time::Duration;

fn sha(b: &[u8]) -> Vec<u8> {
    Sha256::digest(b).to_vec()
}

/// Transparent-mode guards short enough for a quick test; qtcp's --guard covers them.
const GUARDS: &[&str] = &["--guard-before", "300ms", "--guard-after", "200ms"];

/// The built-in echo service of the simulator.
const ECHO_TCP: &str = "220.180.239.212:8063";
const ECHO_UDP: &str = "220.180.239.212:8062";

fn flow(extra: &[&str]) {
    let mut flags = vec!["--boot", "--delays", "fast"];
    flags.extend_from_slice(GUARDS);
    flags.extend_from_slice(extra);
    let sim = Sim::start(&flags);
    let ctx = format!("sim {extra:?}");

    // A module just powered on: probe answers, attach waits for the SIM, then all is ready.
    sim.qtcp(&["--json", "probe"]).assert_code(0);
    sim.qtcp(&["--json", "attach", "--apn", "CMNET"]).assert_code(0);
    sim.qtcp(&["--json", "probe", "--expect", "ready"]).assert_code(0);

    // Connect, and a second connect while open is "already connected": 8.
    let sink = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    let again = sim.qtcp(&["--json", "connect", &sink.addr]);
    assert_eq!(again.code, 8, "{ctx}: second connect: {}", again.stderr);

    // 1 MiB with every byte acknowledged, and the server's hash checked.
    let data = random_bytes(1 << 20, 0x5EED);
    let file = write_file(sim.dir.path(), "up.bin", &data);
    sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0);
    assert_eq!(
        sink.wait_total(data.len(), Duration::from_secs(20)),
        data.len(),
        "{ctx}"
    );
    assert_eq!(sha(&sink.received()[0]), sha(&data), "{ctx}: uplink bytes");
    sim.qtcp(&["--json", "close"]).assert_code(0);

    // 256 KiB from a server, then the peer closes in the middle of a receive.
    let server = Server::start();
    sim.qtcp(&["--json", "connect", &server.addr]).assert_code(0);
    let down = random_bytes(256 << 10, 0xD0);
    server.send(&down);
    let out = sim.path("down.bin");
    sim.qtcp(&[
        "--json",
        "recv",
        "--bytes",
        &down.len().to_string(),
        "--timeout",
        "30s",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert_code(0);
    assert_eq!(sha(&std::fs::read(&out).unwrap()), sha(&down), "{ctx}: downlink");
    let tail = random_bytes(10_000, 0x7A);
    server.send(&tail);
    server.close();
    let r = sim.qtcp(&["recv", "--timeout", "30s"]);
    r.assert_code(0);
    assert_eq!(r.stdout, tail, "{ctx}: bytes before the peer closed");
    assert!(r.stderr.contains("closed"), "{ctx}: {}", r.stderr);
    let c = sim.qtcp(&["--json", "close"]);
    assert!(c.code == 0, "{ctx}: close after the peer closed: {}", c.stderr);

    // UDP: several datagrams echoed, read back in order.
    sim.qtcp(&["--json", "connect", "--udp", ECHO_UDP]).assert_code(0);
    let grams: [&str; 3] = ["first datagram", "second", "the third one"];
    for g in grams {
        sim.qtcp(&["--json", "send", "--udp", "--data", g]).assert_code(0);
    }
    let total: usize = grams.iter().map(|g| g.len()).sum();
    let r = sim.qtcp(&["recv", "--bytes", &total.to_string(), "--timeout", "10s"]);
    r.assert_code(0);
    assert_eq!(r.stdout, grams.concat().as_bytes(), "{ctx}: UDP echo");
    sim.qtcp(&["--json", "close"]).assert_code(0);

    // Transparent mode: a binary round trip through the built-in echo, then back to commands.
    let payload = random_bytes(20_000, 0x77);
    let mut full = vec!["--port", sim.port.as_str(), "--json", "transparent", ECHO_TCP];
    full.extend_from_slice(&["--guard", "400ms", "--linger", "500ms", "--close"]);
    let r = qtcp(&full, Some(&payload), Duration::from_secs(60));
    r.assert_code(0);
    assert_eq!(sha(&r.stdout), sha(&payload), "{ctx}: transparent echo");
    sim.qtcp(&["--json", "probe", "--expect", "ready"]).assert_code(0);
}

macro_rules! configs {
    ($($name:ident: [$($flag:expr),*];)*) => {
        $(
            #[test]
            fn $name() {
                flow(&[$($flag),*]);
            }
        )*
    };
}

configs! {
    defaults: [];
    model_m95: ["--model", "m95"];
    model_m66: ["--model", "m66"];
    model_mc60: ["--model", "mc60"];
    model_m26: ["--model", "m26"];
    model_m35: ["--model", "m35"];
    model_gc65: ["--model", "gc65"];
    echo_off: ["--echo", "off"];
    cmee_1: ["--cmee", "1"];
    cmee_2: ["--cmee", "2"];
    close_urc_plain: ["--close-urc", "plain"];
    already_connect_plain: ["--already-connect", "plain"];
    already_connect_mux_connect_fail: ["--already-connect", "mux-connect-fail"];
    qideact_in_initial_error: ["--qideact-in-initial", "error"];
    no_implicit_activation: ["--no-implicit-activation"];
    qiact_fail_state_ip_initial: ["--qiact-fail-state", "ip-initial"];
    qirdi_per_packet: ["--qirdi", "per-packet"];
    qird_max_512: ["--qird-max", "512"];
    qisend_max_512: ["--qisend-max", "512"];
    lf_after_cr_always: ["--lf-after-cr", "always"];
}
