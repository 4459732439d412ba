//! The model matrix (issue 11): the whole script flow with the real `qtcp` binary against a
//! freshly booted `qtcp sim`, for every `--model` preset and with every firmware knob flipped
//! from its default: probe, attach, connect, ALREADY CONNECT -> 8, send 1 MiB (the server's hash
//! checked), receive 256 KiB with a peer close in the middle of the receive, UDP with several
//! datagrams, close, and a transparent round trip through the built-in echo.

use crate::support::*;
use std::time::Duration;

fn script_flow(flags: &[&str]) {
    script_flow_with(flags, true)
}

fn script_flow_with(flags: &[&str], with_transparent: bool) {
    let mut args = vec![
        "--boot",
        "--delays=fast",
        "--guard-before",
        "300ms",
        "--guard-after",
        "150ms",
    ];
    args.extend_from_slice(flags);
    let sim = Sim::start(&args);
    let ctx = format!("sim flags {flags:?}");

    let probe = sim.qtcp(&["--json", "probe"]);
    assert_eq!(probe.code, 0, "{ctx}: probe: {}", probe.stderr);
    sim.qtcp(&[
        "--json",
        "attach",
        "--apn",
        "CMNET",
        "--activate",
        "--recv",
        "retrieve",
    ])
    .assert_code(0);

    // connect, and a second connect is ALREADY CONNECT: 8
    let sink = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    let again = sim.qtcp(&["--json", "connect", &sink.addr]);
    assert_eq!(again.code, 8, "{ctx}: second connect: {}", again.stderr);

    // send 1 MiB, every byte at the server
    let data = random_bytes(1 << 20, 71);
    let file = write_file(sim.dir.path(), "up.bin", &data);
    sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0);
    sink.wait_total(data.len(), Duration::from_secs(20));
    assert_eq!(sha(&sink.received()[0]), sha(&data), "{ctx}: uploaded bytes");
    sim.qtcp(&["--json", "close"]).assert_code(0);

    // receive 256 KiB while the server closes after sending them
    let server = Server::start();
    sim.qtcp(&["--json", "connect", &server.addr]).assert_code(0);
    let down = random_bytes(256 << 10, 72);
    let out = sim.path("down.bin");
    let recv = {
        let port = sim.port.clone();
        let out = out.clone();
        std::thread::spawn(move || {
            qtcp(
                &[
                    "--port",
                    &port,
                    "recv",
                    "--timeout",
                    "40s",
                    "--out",
                    out.to_str().unwrap(),
                ],
                None,
                Duration::from_secs(60),
            )
        })
    };
    for piece in down.chunks(32 << 10) {
        server.send(piece);
    }
    server.close();
    let r = recv.join().unwrap();
    assert_eq!(r.code, 0, "{ctx}: recv: {}", r.stderr);
    let got = std::fs::read(&out).unwrap();
    assert_eq!(got.len(), down.len(), "{ctx}: received length");
    assert_eq!(sha(&got), sha(&down), "{ctx}: received bytes");

    // UDP, several datagrams
    let (udp, peer) = udp_peer(&sim);
    // Each fits in one read of every firmware in the matrix (--qird-max 512 included): a longer
    // datagram loses its tail on a module, as with recv(2) into a short buffer.
    let grams = [random_bytes(100, 73), random_bytes(7, 74), random_bytes(500, 75)];
    for g in &grams {
        udp.send_to(g, peer).unwrap();
    }
    let total: usize = grams.iter().map(Vec::len).sum();
    let r = sim.qtcp(&["recv", "--bytes", &total.to_string(), "--timeout", "20s"]);
    assert_eq!(r.code, 0, "{ctx}: UDP recv: {}", r.stderr);
    assert_eq!(r.stdout, grams.concat(), "{ctx}: UDP bytes");
    sim.qtcp(&["--json", "close"]).assert_code(0);

    if !with_transparent {
        return;
    }
    // transparent round trip through the built-in echo
    let data = random_bytes(20_000, 76);
    let r = qtcp(
        &[
            "--port",
            &sim.port,
            "transparent",
            "220.180.239.212:8063",
            "--guard",
            "400ms",
            "--linger",
            "500ms",
            "--close",
        ],
        Some(&data),
        Duration::from_secs(60),
    );
    assert_eq!(r.code, 0, "{ctx}: transparent: {}", r.stderr);
    assert_eq!(
        sha(&r.stdout),
        sha(&data),
        "{ctx}: transparent echo ({} bytes)",
        r.stdout.len()
    );
}

macro_rules! flavours {
    ($($(#[$attr:meta])* $name:ident: [$($flag:expr),*];)*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                script_flow(&[$($flag),*]);
            }
        )*
    };
}

flavours! {
    model_m95: ["--model", "m95"];
    model_m66: ["--model", "m66"];
    model_mc60: ["--model", "mc60"];
    model_m26: ["--model", "m26"];
    model_m35: ["--model", "m35"];
    model_gc65: ["--model", "gc65"];
    knob_close_urc_plain: ["--close-urc", "plain"];
    knob_already_connect_plain: ["--already-connect", "plain"];
    knob_qird_udp_one: ["--qird-udp", "one"];
    knob_mux_index_compact: ["--mux-index", "compact"];
    knob_qirdi_per_packet: ["--qirdi", "per-packet"];
    knob_qideact_in_initial_error: ["--qideact-in-initial", "error"];
    knob_qiact_fail_state_ip_initial: ["--qiact-fail-state", "ip-initial"];
    knob_echo_off: ["--echo", "off"];
    knob_cmee_2: ["--cmee", "2"];
    knob_cmee_1: ["--cmee", "1"];
    knob_already_connect_mux_connect_fail: ["--already-connect", "mux-connect-fail"];
    knob_qird_max_512: ["--qird-max", "512"];
    knob_qisend_max_512: ["--qisend-max", "512"];
    knob_lf_after_cr_always: ["--lf-after-cr", "always"];
    knob_lf_after_cr_none: ["--lf-after-cr", "none"];
    // Issue 18 presets: every knob value away from the presets' (which run above).
    knob_cmee_0: ["--cmee", "0"];
    knob_type_ahead_queue: ["--type-ahead", "queue"];
    knob_qird_gap_none: ["--qird-gap", "none"];
    knob_qicsgp_read_mode: ["--qicsgp-read", "mode"];
    // Autobauding: no RDY, +CFUN/+CPIN after the first answer.
    knob_ipr_0: ["--ipr", "0"];
    // Network URCs before a third of the responses: nothing may notice.
    fault_urc_noise: ["--fault", "urc-noise=0.3"];
    fault_urc_noise_before_every_block: ["--fault", "urc-noise=1", "--seed", "7"];
    // A SIM still busy when attach starts: the client waits for it (issue 11, client part).
    knob_slow_boot_sim: ["--sim-busy", "3s", "--call-ready-delay", "500ms"];
    // Issue 20: the ctx family (BG96 and its kin), every preset, and each ctx knob flipped
    // from BG96's default, with the same script flow.
    model_bg96: ["--model", "bg96"];
    model_bg95: ["--model", "bg95"];
    model_bg77: ["--model", "bg77"];
    model_ec21: ["--model", "ec21"];
    model_ec25: ["--model", "ec25"];
    model_eg25: ["--model", "eg25"];
    model_ec200u: ["--model", "ec200u"];
    model_ug96: ["--model", "ug96"];
    ctx_knob_qiact_when_active_ok: ["--model", "bg96", "--qiact-when-active", "ok"];
    ctx_knob_failed_open_keeps_id_off: ["--model", "bg96", "--failed-open-keeps-id", "off"];
    ctx_knob_connected_state_2: ["--model", "bg96", "--connected-state", "2"];
    ctx_knob_recv_urc_len: ["--model", "bg96", "--recv-urc-len"];
    ctx_knob_qird_trailer_none: ["--model", "bg96", "--qird-trailer", "none"];
    ctx_knob_echo_off: ["--model", "bg96", "--echo", "off"];
    ctx_knob_cmee_2: ["--model", "bg96", "--cmee", "2"];
    ctx_knob_qird_max_512: ["--model", "bg96", "--qird-max", "512"];
    ctx_knob_transparent_close_qiurc: ["--model", "bg96", "--transparent-close", "qiurc"];
    ctx_knob_qisend_max_512: ["--model", "bg96", "--qisend-max", "512"];
    // §6.6 questions 7 and 8: +CME ERROR: <5xx> for TCP/IP failures; a sticky QIGETERROR.
    knob_cme_5xx_on: ["--model", "bg96", "--cme-5xx", "on", "--cmee", "1"];
    knob_cme_5xx_on_cmee_2: ["--model", "bg96", "--cme-5xx", "on", "--cmee", "2"];
    knob_qigeterror_keep_on: ["--model", "bg96", "--qigeterror-keep", "on"];
    // Modules that forget the recv URC: recv's timer poll (AT+QIRD=<id>,0) finds the data.
    ctx_fault_drop_recv_urc: ["--model", "bg96", "--fault", "drop-recv-urc"];
    ctx_fault_urc_noise: ["--model", "bg96", "--fault", "urc-noise=0.3"];
}

#[test]
fn knob_no_implicit_activation() {
    script_flow_with(&["--no-implicit-activation"], false);
}

#[test]
fn knob_no_implicit_activation_transparent() {
    script_flow_with(&["--no-implicit-activation"], true);
}
