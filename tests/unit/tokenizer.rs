//! Tokenizer tests: a table of transcripts taken from the spec's exchanges (each fed whole, split
//! in two at every offset, and byte by byte), unit tests for `classify_urc`, `expect_raw` and
//! data mode, and property tests.
//!
//! The property tests run a small number of cases by default so that this file stays fast in
//! debug builds; raise it for a long run with the standard proptest variable, e.g.
//! `PROPTEST_CASES=100000 cargo test --release --test unit tokenizer`.

use proptest::prelude::*;
use qtcp::tokenizer::{
    classify_urc, is_registration_urc, parse_qirdi, Final, PayloadKind, QiResult, Token, Tokenizer, Urc,
    MAX_LINE, MAX_PAYLOAD,
};

mod properties;
mod transcripts;

use transcripts::transcripts;

// ---------------------------------------------------------------------------------------------
// Helpers

fn line(s: &str) -> Token {
    Token::Line(s.as_bytes().to_vec())
}
fn echo(s: &str) -> Token {
    Token::Echo(s.as_bytes().to_vec())
}
fn ok() -> Token {
    Token::Final(Final::Ok)
}
fn error() -> Token {
    Token::Final(Final::Error)
}
fn qi(result: QiResult) -> Token {
    Token::Qi { index: None, result }
}
fn qi_at(index: u8, result: QiResult) -> Token {
    Token::Qi {
        index: Some(index),
        result,
    }
}
fn qird(addr: &str, proto: &str, data: &[u8]) -> Token {
    Token::Payload {
        kind: PayloadKind::Qird {
            addr: addr.into(),
            proto: proto.into(),
        },
        data: data.to_vec(),
    }
}
fn receive(index: u8, data: &[u8]) -> Token {
    Token::Payload {
        kind: PayloadKind::Receive { index },
        data: data.to_vec(),
    }
}
fn ipd(proto: Option<&str>, data: &[u8]) -> Token {
    Token::Payload {
        kind: PayloadKind::Ipd {
            proto: proto.map(Into::into),
        },
        data: data.to_vec(),
    }
}

/// Feed `chunks` to a fresh tokenizer; check `pending()` stays bounded.
fn run<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Token>, usize) {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    for c in chunks {
        t.feed(c, &mut out);
        assert!(t.pending() <= MAX_LINE + MAX_PAYLOAD);
    }
    (out, t.pending())
}

/// Split `bytes` at the given (sorted or not, possibly out of range) offsets.
fn split_at<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(bytes.len())).collect();
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = 0;
    for c in cuts {
        pieces.push(&bytes[at..c]);
        at = c;
    }
    pieces.push(&bytes[at..]);
    pieces
}

/// Merge adjacent `Raw` tokens (their boundaries depend on the chunking).
fn merge_raw(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let (Token::Raw(next), Some(Token::Raw(prev))) = (&t, out.last_mut()) {
            prev.extend_from_slice(next);
            continue;
        }
        out.push(t);
    }
    out
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ---------------------------------------------------------------------------------------------
// Table tests

#[test]
fn table_is_big_enough() {
    assert!(transcripts().len() >= 25);
}

#[test]
fn transcripts_whole() {
    for t in transcripts() {
        let (tokens, pending) = run([t.bytes.as_slice()]);
        assert_eq!(tokens, t.tokens, "{}", t.name);
        assert_eq!(pending, 0, "{}: bytes left pending", t.name);
    }
}

#[test]
fn transcripts_split_in_two_at_every_offset() {
    for t in transcripts() {
        for cut in 0..=t.bytes.len() {
            let (tokens, pending) = run(split_at(&t.bytes, &[cut]));
            assert_eq!(tokens, t.tokens, "{} split at {cut}", t.name);
            assert_eq!(pending, 0, "{} split at {cut}", t.name);
        }
    }
}

#[test]
fn transcripts_byte_by_byte() {
    for t in transcripts() {
        let (tokens, pending) = run(t.bytes.chunks(1));
        assert_eq!(tokens, t.tokens, "{} byte by byte", t.name);
        assert_eq!(pending, 0, "{}", t.name);
    }
}

#[test]
fn all_transcripts_concatenated() {
    // Every transcript ends at a line boundary, so they can follow one another.
    let all = transcripts();
    let bytes: Vec<u8> = all.iter().flat_map(|t| t.bytes.clone()).collect();
    let expected: Vec<Token> = all.into_iter().flat_map(|t| t.tokens).collect();
    assert_eq!(run([bytes.as_slice()]).0, expected);
    assert_eq!(run(bytes.chunks(7)).0, expected);
}

/// Writes the transcripts as fuzzing seeds: `cargo test --test unit tokenizer -- --ignored`.
#[test]
#[ignore]
fn write_fuzz_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/tokenizer");
    std::fs::create_dir_all(&dir).unwrap();
    for t in transcripts() {
        let name = t
            .name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-")
            .to_ascii_lowercase();
        std::fs::write(dir.join(name), &t.bytes).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Unit tests

#[test]
fn partial_input_is_held_back() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"\r\nSTATE: IP", &mut out);
    assert!(out.is_empty());
    assert_eq!(t.pending(), 9);
    t.feed(b" INITIAL", &mut out);
    assert!(out.is_empty());
    t.feed(b"\r", &mut out);
    assert_eq!(out, vec![line("STATE: IP INITIAL")]);
    assert_eq!(t.pending(), 0);

    // A QIRD header ended by CR: the LF may come in the next chunk and is not payload.
    out.clear();
    t.feed(b"+QIRD: 1.2.3.4:80,TCP,2\r", &mut out);
    assert!(out.is_empty());
    t.feed(b"\n", &mut out);
    t.feed(b"a", &mut out);
    assert_eq!(t.pending(), 1);
    t.feed(b"b\r\nOK\r\n", &mut out);
    assert_eq!(out, vec![qird("1.2.3.4:80", "TCP", b"ab"), ok()]);

    // An ambiguous IPD prefix is held.
    out.clear();
    t.feed(b"IPD1", &mut out);
    assert!(out.is_empty());
    assert_eq!(t.pending(), 4);
    t.feed(b"0:0123456789", &mut out);
    assert_eq!(out, vec![ipd(None, b"0123456789")]);
}

#[test]
fn qird_header_ending_in_cr_then_payload_not_starting_with_lf() {
    // Header ended by a lone CR and the payload does not start with LF: nothing is swallowed.
    let (tokens, _) = run([&b"+QIRD: 1.2.3.4:80,TCP,2\rab"[..]]);
    assert_eq!(tokens, vec![qird("1.2.3.4:80", "TCP", b"ab")]);
}

#[test]
fn overlong_line_is_cut_and_the_rest_dropped() {
    let mut bytes = vec![b'x'; MAX_LINE + 100];
    bytes.extend_from_slice(b"OK\r\n\r\nOK\r\n");
    let expected = vec![Token::Line(vec![b'x'; MAX_LINE]), ok()];
    assert_eq!(run([bytes.as_slice()]).0, expected);
    assert_eq!(run(bytes.chunks(1)).0, expected);
    assert_eq!(run(bytes.chunks(1000)).0, expected);
    // A line of exactly MAX_LINE bytes is an ordinary line.
    let mut exact = vec![b'y'; MAX_LINE];
    exact.extend_from_slice(b"\r\n");
    assert_eq!(run([exact.as_slice()]).0, vec![Token::Line(vec![b'y'; MAX_LINE])]);
    // Memory stays bounded while the over-long line goes on.
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    for _ in 0..100 {
        t.feed(&[b'z'; 1000], &mut out);
        assert!(t.pending() <= MAX_LINE);
    }
    assert_eq!(out.len(), 1);
}

#[test]
fn max_payload_is_accepted() {
    let data: Vec<u8> = (0..MAX_PAYLOAD).map(|i| (i * 7) as u8).collect();
    let bytes = cat(&[
        format!("+QIRD: 1.2.3.4:80,TCP,{MAX_PAYLOAD}\r\n").as_bytes(),
        &data,
        b"\r\nOK\r\n",
    ]);
    let expected = vec![qird("1.2.3.4:80", "TCP", &data), ok()];
    assert_eq!(run([bytes.as_slice()]).0, expected);
    assert_eq!(run(bytes.chunks(1460)).0, expected);
}

#[test]
fn expect_raw_spans_chunks_and_emits_pieces() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"AT+QISEND=10\r\r\n> ", &mut out);
    assert_eq!(out, vec![echo("AT+QISEND=10"), Token::Prompt]);
    out.clear();
    t.expect_raw(10);
    assert_eq!(t.raw_remaining(), 10);
    t.feed(b"\r\nOK", &mut out);
    assert_eq!(out, vec![Token::Raw(b"\r\nOK".to_vec())]);
    t.feed(b"\r\n\x00\xff", &mut out);
    assert_eq!(out.len(), 2, "pieces are emitted as they come");
    t.feed(b"> \r\nSEND OK\r\n", &mut out);
    assert_eq!(t.raw_remaining(), 0);
    assert_eq!(
        merge_raw(out),
        vec![Token::Raw(b"\r\nOK\r\n\x00\xff> ".to_vec()), qi(QiResult::SendOk)]
    );
    assert_eq!(t.pending(), 0);
}

#[test]
fn expect_raw_from_the_current_position_keeps_a_held_line() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"\r\nSEND", &mut out);
    t.expect_raw(3);
    t.feed(b"abc OK\r\n", &mut out);
    assert_eq!(out, vec![Token::Raw(b"abc".to_vec()), qi(QiResult::SendOk)]);
    // expect_raw(0) cancels.
    out.clear();
    t.expect_raw(5);
    t.expect_raw(0);
    t.feed(b"OK\r\n", &mut out);
    assert_eq!(out, vec![ok()]);
}

#[test]
fn data_mode_is_raw_chunk_by_chunk() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"\r\nOK\r\n\r\nCONNECT\r\n", &mut out);
    assert_eq!(out, vec![ok(), qi(QiResult::Connect)]);
    out.clear();
    t.set_data_mode(true);
    assert!(t.data_mode());
    t.feed(b"\r\nOK\r\n", &mut out);
    t.feed(b"+QIRD: 1.2.3.4:80,TCP,3\r\n", &mut out);
    t.feed(b"", &mut out);
    assert_eq!(
        out,
        vec![
            Token::Raw(b"\r\nOK\r\n".to_vec()),
            Token::Raw(b"+QIRD: 1.2.3.4:80,TCP,3\r\n".to_vec()),
        ]
    );
    assert_eq!(t.pending(), 0);
    out.clear();
    t.set_data_mode(false);
    t.feed(b"\r\nOK\r\n", &mut out);
    assert_eq!(out, vec![ok()]);
}

#[test]
fn entering_data_mode_flushes_held_bytes_as_raw() {
    // A partial line.
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"OK\r\npartial", &mut out);
    t.set_data_mode(true);
    assert_eq!(t.pending(), 7);
    t.feed(b" more", &mut out);
    assert_eq!(out, vec![ok(), Token::Raw(b"partial more".to_vec())]);

    // An ambiguous prefix, then a switch back before any feed: the bytes still come out first.
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"IPD1", &mut out);
    t.set_data_mode(true);
    t.set_data_mode(false);
    t.feed(b"OK\r\n", &mut out);
    assert_eq!(out, vec![Token::Raw(b"IPD1".to_vec()), ok()]);

    // A partial payload.
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.feed(b"+RECEIVE: 0, 10\r\nabcd", &mut out);
    assert_eq!(t.pending(), 4);
    t.set_data_mode(true);
    t.feed(b"ef", &mut out);
    assert_eq!(out, vec![Token::Raw(b"abcdef".to_vec())]);
    t.set_data_mode(false);
    out.clear();
    t.feed(b"ghij\r\n", &mut out);
    assert_eq!(out, vec![line("ghij")], "the payload count was dropped");
}

#[test]
fn data_mode_on_connect_switches_within_the_chunk() {
    let mut t = Tokenizer::new();
    t.set_data_mode_on_connect(true);
    let mut out = Vec::new();
    t.feed(b"\r\nOK\r\n\r\nCONNECT\r\nHTTP/1.1 200 OK\r\n\r\n", &mut out);
    assert!(t.data_mode());
    assert_eq!(
        out,
        vec![
            ok(),
            qi(QiResult::Connect),
            // The LF after CONNECT's CR ends the line; it is not data.
            Token::Raw(b"HTTP/1.1 200 OK\r\n\r\n".to_vec())
        ]
    );
    // CONNECT OK (normal mode) does not switch.
    let mut t = Tokenizer::new();
    t.set_data_mode_on_connect(true);
    let mut out = Vec::new();
    t.feed(b"\r\nCONNECT OK\r\nOK\r\n", &mut out);
    assert!(!t.data_mode());
    assert_eq!(out, vec![qi(QiResult::ConnectOk), ok()]);
}

#[test]
fn classify_urc_cases() {
    let u = |s: &[u8]| classify_urc(s);
    assert_eq!(u(b"+QIRDI: 0,1,0"), Some(Urc::Qirdi(vec![0, 1, 0])));
    assert_eq!(
        u(b"+QIRDI: 0, 1, 2, 3, 1448 ,2896"),
        Some(Urc::Qirdi(vec![0, 1, 2, 3, 1448, 2896]))
    );
    assert_eq!(u(b"+QIRDI:0,1,0"), Some(Urc::Qirdi(vec![0, 1, 0])));
    assert_eq!(u(b"+QIRDI: 0,1"), None);
    assert_eq!(u(b"+QIRDI: 0,1,x"), None);
    assert_eq!(u(b"+QIRDI: 0,1,2,3,4,5,6"), None);
    assert_eq!(u(b"CLOSED"), Some(Urc::Closed { index: None }));
    assert_eq!(u(b"0, CLOSED"), Some(Urc::Closed { index: Some(0) }));
    assert_eq!(u(b"5,CLOSED"), Some(Urc::Closed { index: Some(5) }));
    assert_eq!(u(b"12, CLOSED"), None);
    assert_eq!(u(b"CLOSED!"), None);
    assert_eq!(u(b"+PDP DEACT"), Some(Urc::PdpDeact));
    assert_eq!(
        u(b"+CREG: 1,\"2842\",\"0461\""),
        Some(Urc::Creg("1,\"2842\",\"0461\"".into()))
    );
    assert_eq!(u(b"+CREG:5"), Some(Urc::Creg("5".into())));
    assert_eq!(u(b"+CGREG: 0 "), Some(Urc::Cgreg("0".into())));
    assert_eq!(u(b"+CPIN: NOT INSERTED"), Some(Urc::Cpin("NOT INSERTED".into())));
    assert_eq!(u(b"+CFUN: 1"), Some(Urc::Cfun("1".into())));
    assert_eq!(u(b"RDY"), Some(Urc::Rdy));
    assert_eq!(u(b"Call Ready"), Some(Urc::CallReady));
    assert_eq!(u(b"SMS Ready"), Some(Urc::SmsReady));
    assert_eq!(
        u(b"NORMAL POWER DOWN"),
        Some(Urc::PowerDown("NORMAL POWER DOWN".into()))
    );
    assert_eq!(
        u(b"UNDER_VOLTAGE POWER DOWN"),
        Some(Urc::PowerDown("UNDER_VOLTAGE POWER DOWN".into()))
    );
    assert_eq!(
        u(b"OVER_VOLTAGE POWER DOWN"),
        Some(Urc::PowerDown("OVER_VOLTAGE POWER DOWN".into()))
    );
    // Network URCs of a registered module (issue 18): never a command's information line.
    for network in [
        &b"+QNITZ: \"26/12/06,14:05:00+04,0\""[..],
        b"+CTZV: 32",
        b"+CMTI: \"SM\",1",
        b"+CDSI: \"SR\",2",
        b"RING",
        b"+CRING: VOICE",
        b"+CLIP: \"+8613900000000\",145",
    ] {
        assert_eq!(
            u(network),
            Some(Urc::Network(String::from_utf8_lossy(network).into_owned()))
        );
    }
    // `+CREG: <stat>` (URC form) against `+CREG: <n>,<stat>` (the answer to AT+CREG?)
    for (l, urc_form) in [
        (&b"+CREG: 1"[..], true),
        (b"+CGREG: 5", true),
        (b"+CREG: 1,\"2842\",\"0461\"", true),
        (b"+CREG: 0,1", false),
        (b"+CGREG: 2,1,\"2842\",\"0461\"", false),
        (b"+CREG: 2, 5", false),
        (b"+CSQ: 1", false),
    ] {
        assert_eq!(is_registration_urc(l), urc_form, "{}", String::from_utf8_lossy(l));
    }
    for not_urc in [
        &b"OK"[..],
        b"STATE: IP INITIAL",
        b"+QISACK: 5, 5, 0",
        b"10.0.0.2",
        b"",
        b"\xff\xfe",
        b"POWER DOWN",
        b"+CSQ: 21,0",
    ] {
        assert_eq!(u(not_urc), None, "{:?}", String::from_utf8_lossy(not_urc));
    }
    assert_eq!(parse_qirdi(b" 0,1,0"), Some(vec![0, 1, 0]));
    // Lines of a transcript, through the helper.
    assert_eq!(line("2, CLOSED").urc(), Some(Urc::Closed { index: Some(2) }));
    assert_eq!(ok().urc(), None);
}
