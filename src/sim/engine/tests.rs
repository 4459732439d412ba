//! Engine-level tests: bytes in, bytes out, on a simulated clock.

use super::*;
use crate::sim::SimArgs;
use proptest::prelude::*;

/// An engine; every host write below comes at the same instant, so lines are queued
/// (`--type-ahead queue`) unless the flags say otherwise.
fn eng(flags: &str) -> (Engine, Instant) {
    let flags = if flags.contains("--type-ahead") {
        flags.to_string()
    } else {
        format!("{flags} --type-ahead queue")
    };
    let args = SimArgs::parse_inline(&flags).unwrap();
    let t = Instant::now();
    (Engine::new(args.engine_config(), t), t)
}

fn host_out(e: &mut Engine) -> Vec<u8> {
    Action::host_bytes(e.take_actions())
}

#[test]
fn chained_and_errors() {
    let (mut e, t) = eng("--echo off --cmee 0");
    e.host_bytes(t, b"AT+IPR=115200&W\r");
    assert_eq!(host_out(&mut e), b"\r\nOK\r\n");
    e.host_bytes(t, b"AT+IPR?\r");
    assert_eq!(host_out(&mut e), b"\r\n+IPR: 115200\r\n\r\nOK\r\n");
    e.host_bytes(t, b"AT+CSQ;+BOGUS;+CSQ\r");
    assert_eq!(host_out(&mut e), b"\r\n+CSQ: 21,0\r\n\r\nERROR\r\n");
    e.host_bytes(t, b"garbage\r");
    assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
    e.host_bytes(t, b"ATV0\r");
    assert_eq!(host_out(&mut e), b"0\r");
    e.host_bytes(t, b"AT+QISTAT\r");
    assert_eq!(host_out(&mut e), b"0\r0\r\n");
    e.host_bytes(t, b"AT+FOO\r");
    assert_eq!(host_out(&mut e), b"4\r");
    e.host_bytes(t, b"ATV1\r");
    host_out(&mut e);
    let long = vec![b'A'; 2000];
    e.host_bytes(t, &long);
    e.host_bytes(t, b"\r");
    assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
    e.host_bytes(t, b"at+cmee=2;+cpin?\r");
    assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    e.host_bytes(t, b"A/");
    assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
}

#[test]
fn sim_busy_for_a_window_then_ready_urc() {
    let (mut e, t) = eng("--echo off --cmee 1 --fault sim=busy:3s");
    e.host_bytes(t, b"AT+CPIN?\r");
    assert_eq!(host_out(&mut e), b"\r\n+CME ERROR: 14\r\n");
    let later = t + Duration::from_millis(2999);
    e.tick(later);
    e.host_bytes(later, b"AT+CPIN?\r");
    assert_eq!(host_out(&mut e), b"\r\n+CME ERROR: 14\r\n");
    let ready = t + Duration::from_secs(3);
    e.tick(ready);
    assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n");
    e.host_bytes(ready, b"AT+CPIN?\r");
    assert_eq!(host_out(&mut e), b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
}

#[test]
fn qisend_variable_and_escape() {
    let (mut e, t) = eng("--echo off --delays fast");
    // not connected
    e.host_bytes(t, b"AT+QISEND\r");
    assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
    e.host_bytes(t, b"AT+QISEND=0\r");
    assert_eq!(host_out(&mut e), b"\r\nERROR\r\n");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics(
        chunks in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..40),
                proptest::sample::select(vec![
                    b"AT+QIREGAPP\r".to_vec(), b"AT+QIACT\r".to_vec(), b"AT+QIMUX=1\r".to_vec(),
                    b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r".to_vec(),
                    b"AT+QIOPEN=1,\"UDP\",\"localhost\",\"9\"\r".to_vec(),
                    b"AT+QISEND=3\r".to_vec(), b"AT+QISEND\r".to_vec(), b"AT+QISEND=1,3\r".to_vec(),
                    b"AT+QIRD=0,1,0,1500\r".to_vec(), b"AT+QICLOSE\r".to_vec(), b"AT+QIDEACT\r".to_vec(),
                    b"AT+QIMODE=1\r".to_vec(), b"+++".to_vec(), b"ATO\r".to_vec(), b"AT+QINDI=2\r".to_vec(),
                    b"ATV0\r".to_vec(), b"AT+CFUN=1,1\r".to_vec(), b"A/".to_vec(), b"\x1a".to_vec(),
                    b"\x1b".to_vec(), b"AT+QISTATE\r".to_vec(), b"AT+QISACK\r".to_vec(),
                    b"AT+QIDNSGIP=\"x\"\r".to_vec(), b"AT+QPOWD=1\r".to_vec(),
                ]),
            ],
            0..40,
        ),
        net in proptest::collection::vec((0usize..7, 0u64..4, 0u8..3, 0u64..50), 0..20),
        flags in proptest::sample::select(vec![
            "--delays fast", "--delays fast --echo off --qirdi per-packet",
            "--delays fast --uplink 100 --downlink 50 --rtt 10ms --fault ack-stall-after-bytes=2",
            "--delays fast --fault noise=0.5 --fault silent=AT+QI --fault sync-after=2",
            "--delays fast --fault peer-close-after-bytes=1 --fault reboot-after-bytes=5",
        ]),
    ) {
        let (mut e, t0) = eng(flags);
        let mut t = t0;
        for (i, c) in chunks.iter().enumerate() {
            t += Duration::from_millis(3);
            e.host_bytes(t, c);
            if let Some(&(slot, gen, k, adv)) = net.get(i) {
                t += Duration::from_millis(adv);
                let ev = match k {
                    0 => NetEvent::Connected { slot: slot.min(5), gen, ok: adv % 2 == 0 },
                    1 => NetEvent::Data { slot: slot.min(5), gen, data: c.clone() },
                    _ => NetEvent::Eof { slot: slot.min(5), gen },
                };
                e.net_event(t, ev);
            }
            // answer connects like the network layer would
            for a in e.take_actions() {
                if let Action::Connect { slot, gen, .. } = a {
                    e.net_event(t, NetEvent::Connected { slot, gen, ok: true });
                }
            }
            t += Duration::from_millis(5);
            e.tick(t);
            let _ = e.next_deadline();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// The context dialect under random host bytes, commands and network events.
    #[test]
    fn never_panics_in_the_context_dialect(
        chunks in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..40),
                proptest::sample::select(vec![
                    b"AT+QICSGP=1,1,\"a\",\"\",\"\",1\r".to_vec(), b"AT+QIACT=1\r".to_vec(),
                    b"AT+QIACT=16\r".to_vec(), b"AT+QIACT?\r".to_vec(), b"AT+QIDEACT=1\r".to_vec(),
                    b"AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0\r".to_vec(),
                    b"AT+QIOPEN=1,11,\"UDP\",\"localhost\",9,0,1\r".to_vec(),
                    b"AT+QIOPEN=1,3,\"TCP\",\"x.example\",80,0,2\r".to_vec(),
                    b"AT+QISEND=0,3\r".to_vec(), b"AT+QISEND=11\r".to_vec(), b"AT+QISEND=0,0\r".to_vec(),
                    b"AT+QIRD=0,1500\r".to_vec(), b"AT+QIRD=11,0\r".to_vec(), b"AT+QIRD=3\r".to_vec(),
                    b"AT+QICLOSE=0\r".to_vec(), b"AT+QISTATE?\r".to_vec(), b"AT+QISTATE=0,1\r".to_vec(),
                    b"AT+QISWTMD=0,2\r".to_vec(), b"AT+QISWTMD=11,1\r".to_vec(), b"+++".to_vec(),
                    b"ATO\r".to_vec(), b"AT+QICFG=\"recvind\",1\r".to_vec(),
                    b"AT+QICFG=\"transpktsize\",1\r".to_vec(), b"AT+QIDNSGIP=1,\"x\"\r".to_vec(),
                    b"AT+QURCCFG=\"urcport\",\"usbat\"\r".to_vec(), b"AT+QIGETERROR\r".to_vec(),
                    b"AT+CFUN=1,1\r".to_vec(), b"AT+QPOWD\r".to_vec(), b"ATV0\r".to_vec(),
                    b"\x1a".to_vec(), b"\x1b".to_vec(),
                ]),
            ],
            0..40,
        ),
        net in proptest::collection::vec((0usize..13, 0u64..4, 0u8..4, 0u64..50), 0..20),
        flags in proptest::sample::select(vec![
            "--model bg96 --delays fast",
            "--model ec200u --delays fast --echo off --recv-urc-len --connected-state 2",
            "--model bg95 --delays fast --uplink 100 --downlink 50 --rtt 10ms --fault drop-recv-urc",
            "--model ug96 --delays fast --fault noise=0.5 --fault qiopen-no-urc --failed-open-keeps-id off",
            "--model ec21 --delays fast --fault peer-close-after-bytes=1 --fault reboot-after-bytes=5",
            "--model eg25 --delays fast --fault pdp-deact-after=20ms --qird-trailer none",
        ]),
    ) {
        let (mut e, t0) = eng(flags);
        let mut t = t0;
        for (i, c) in chunks.iter().enumerate() {
            t += Duration::from_millis(3);
            e.host_bytes(t, c);
            if let Some(&(slot, gen, k, adv)) = net.get(i) {
                t += Duration::from_millis(adv);
                let slot = slot.min(11);
                let ev = match k {
                    0 => NetEvent::Connected { slot, gen, ok: adv % 2 == 0 },
                    1 => NetEvent::Data { slot, gen, data: c.clone() },
                    2 => NetEvent::ConnectFailed { slot, gen, why: ConnectError::Timeout },
                    _ => NetEvent::Eof { slot, gen },
                };
                e.net_event(t, ev);
            }
            for a in e.take_actions() {
                if let Action::Connect { slot, gen, .. } = a {
                    e.net_event(t, NetEvent::Connected { slot, gen, ok: gen % 3 != 0 });
                }
            }
            t += Duration::from_millis(5);
            e.tick(t);
            let _ = e.next_deadline();
        }
    }
}

/// The counted QISEND payload is taken in runs (`send_fixed_run`), not byte by byte: whatever
/// way the host's bytes are split, with echo and QISDE on or off, the module says and sends the
/// same as when every byte arrives alone. The payload holds CR LF, `AT`, Ctrl-Z and ESC, and
/// the line's own CR LF comes first (the LF after the CR is not data).
#[test]
fn qisend_payload_in_runs_equals_byte_by_byte() {
    let payload = b"ab\r\nAT\x1a\x1bcd";
    let mut input = format!("AT+QISEND={}\r\n", payload.len()).into_bytes();
    input.extend_from_slice(payload);
    input.extend_from_slice(b"AT\r");
    for flags in [
        "--delays fast",
        "--delays fast --echo off",
        "--delays fast --fault fragment=3/5ms",
    ] {
        for qisde in [b"AT+QISDE=1\r".as_slice(), b"AT+QISDE=0\r"] {
            let connected = || {
                let (mut e, t) = eng(flags);
                e.host_bytes(t, qisde);
                e.host_bytes(t, b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r");
                let mut now = t;
                for _ in 0..20 {
                    now += Duration::from_millis(50);
                    e.tick(now);
                    for a in e.take_actions() {
                        if let Action::Connect { slot, gen, .. } = a {
                            e.net_event(now, NetEvent::Connected { slot, gen, ok: true });
                        }
                    }
                }
                (e, now)
            };
            // The reference: the per-byte path itself, as host_bytes drove it before runs.
            let (mut e, t) = connected();
            e.set_now(t);
            e.input.arrival = t;
            for &b in &input {
                e.host_byte(b);
            }
            e.tdata.last_host_at = t;
            e.after_step();
            let want = e.take_actions();
            // All at once: the same actions, message for message (output faults act per message).
            let (mut e, t) = connected();
            e.host_bytes(t, &input);
            assert_eq!(e.take_actions(), want, "{flags}, all at once");
            assert!(
                want.iter()
                    .any(|a| matches!(a, Action::Send { data, .. } if data == payload)),
                "{flags}: {want:?}"
            );
            let want_host = Action::host_bytes(want.clone());
            let want_sends: Vec<_> = want
                .into_iter()
                .filter(|a| matches!(a, Action::Send { .. }))
                .collect();
            for cut in 0..=input.len() {
                let (mut e, t) = connected();
                e.host_bytes(t, &input[..cut]);
                e.host_bytes(t, &input[cut..]);
                let got = e.take_actions();
                let sends: Vec<_> = got
                    .iter()
                    .filter(|a| matches!(a, Action::Send { .. }))
                    .cloned()
                    .collect();
                assert_eq!(sends, want_sends, "{flags}, cut at {cut}");
                assert_eq!(Action::host_bytes(got), want_host, "{flags}, cut at {cut}");
            }
        }
    }
}
