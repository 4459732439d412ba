//! Session tests on a loopback "serial server" that stays silent: each feeds what the module
//! says itself.

use super::*;

/// A session on a loopback TCP "serial server" that stays silent: the test feeds what the
/// module says itself.
fn quiet_session() -> (Session, std::net::TcpStream) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let tracer = crate::trace::Tracer::new(None, false).unwrap();
    let t = Transport::open_tcp(&addr, tracer).unwrap();
    let (peer, _) = l.accept().unwrap();
    (Session::new(t, SessionOptions::default()), peer)
}

/// Boot URCs that arrive just before the answer to `AT+CREG?` (a module powered on a moment
/// ago) are URCs, never the response, however the bytes are split.
#[test]
fn boot_urcs_before_a_creg_answer_are_not_the_response() {
    let bytes: &[u8] = b"\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n\
                         \r\n+CREG: 0,1\r\n\r\nOK\r\n";
    for cut in 0..=bytes.len() {
        let (mut s, _peer) = quiet_session();
        s.feed(&bytes[..cut]);
        s.feed(&bytes[cut..]);
        let r = s
            .await_response("AT+CREG?", Expect::Final, Duration::from_millis(300))
            .unwrap();
        assert_eq!(r.outcome(), &Outcome::Ok, "cut {cut}");
        assert_eq!(r.lines, vec!["+CREG: 0,1".to_string()], "cut {cut}");
        assert_eq!(
            s.take_urcs(),
            vec![
                Urc::Cfun("1".into()),
                Urc::Cpin("READY".into()),
                Urc::CallReady,
                Urc::SmsReady
            ],
            "cut {cut}"
        );
    }
}

/// A `+CPIN: READY` URC before the answer to `AT+CPIN?` of a SIM still busy: the final
/// result decides, the URC line is not taken for a READY answer.
#[test]
fn a_cpin_urc_before_a_busy_answer_does_not_make_it_ready() {
    let (mut s, _peer) = quiet_session();
    s.feed(b"\r\n+CPIN: READY\r\n\r\n+CME ERROR: 14\r\n");
    let r = s
        .await_response("AT+CPIN?", Expect::Final, Duration::from_millis(300))
        .unwrap();
    assert_eq!(r.outcome(), &Outcome::CmeError("14".into()));
}

/// Issue 18: a QI result outside its command (a `CONNECT OK` after QIOPEN's deadline) was
/// kept in the next response's lines as a Rust Debug name (`ConnectOk`), and dropped when
/// it came between commands; it is a URC with its wire text, whatever the split.
#[test]
fn a_late_qi_result_is_a_urc_never_a_response_line() {
    let bytes: &[u8] = b"\r\nCONNECT OK\r\n\r\n+QILOCIP: x\r\n\r\nOK\r\n";
    for cut in 0..=bytes.len() {
        let (mut s, _peer) = quiet_session();
        s.feed(&bytes[..cut]);
        s.feed(&bytes[cut..]);
        let r = s
            .await_response("AT+QILOCIP", Expect::Final, Duration::from_millis(300))
            .unwrap();
        assert_eq!(r.lines, vec!["+QILOCIP: x".to_string()], "cut {cut}");
        let late = s.take_urcs();
        assert_eq!(
            late,
            vec![Urc::Late {
                index: None,
                result: QiResult::ConnectOk
            }],
            "cut {cut}"
        );
        assert_eq!(
            describe(&Outcome::Qi {
                index: None,
                result: QiResult::ConnectOk
            }),
            "CONNECT OK"
        );
    }
    // Between commands (pump), with the index of multi-connection mode.
    let (mut s, _peer) = quiet_session();
    s.feed(b"\r\n1, CLOSE OK\r\n");
    assert!(s.pump(s.now() + Duration::from_millis(50)).unwrap());
    assert_eq!(
        s.take_urcs(),
        vec![Urc::Late {
            index: Some(1),
            result: QiResult::CloseOk
        }]
    );
}

#[test]
fn info_prefixes() {
    assert_eq!(info_prefix("AT+CREG?").as_deref(), Some("+CREG:"));
    assert_eq!(info_prefix("AT+QISACK=1").as_deref(), Some("+QISACK:"));
    assert_eq!(info_prefix("ATI"), None);
}
