//! Hostile input: property-based fuzzing of the tokenizer and the response parsers.
//!
//! Every property runs twice: a quick pass in the default `cargo test` (64 cases each), and a
//! deep pass that is `#[ignore]`d, with `PROPTEST_CASES` cases each (100 000 when unset):
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --test unit fuzz_parsers -- --ignored
//! ```
//!
//! Tokenizer inputs start from the corpus of the spec's exchanges (`fuzz/corpus/tokenizer/`),
//! mutated (bytes inserted, deleted, overwritten, pieces of other corpus files spliced in), fed in
//! random pieces with `expect_raw` and data mode toggled at random points. Asserted: no panic,
//! `pending()` bounded after every feed, and no payload byte lost (counted payloads of every
//! kind, `expect_raw` and data mode give back exactly the bytes that went in).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qtcp::proc::state::{parse_sack, IpState};
use qtcp::tokenizer::{classify_urc, parse_qirdi, PayloadKind, Token, Tokenizer, MAX_LINE, MAX_PAYLOAD};
use qtcp::validate;

const QUICK: u32 = 64;

fn runner(deep: bool) -> TestRunner {
    let cases = if deep {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000)
    } else {
        QUICK
    };
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/tokenizer");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let v: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(v.len() >= 30, "corpus missing in {}", dir.display());
    v
}

/// One mutation or control action.
#[derive(Debug, Clone)]
enum Op {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Overwrite(usize, Vec<u8>),
    Splice(usize, usize, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(p, b)| Op::Insert(p, b)),
        (any::<usize>(), 1..64usize).prop_map(|(p, n)| Op::Delete(p, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(p, b)| Op::Overwrite(p, b)),
        (any::<usize>(), any::<usize>(), any::<usize>(), 1..200usize)
            .prop_map(|(f, from, at, n)| Op::Splice(f, from, at, n)),
        // Interesting bytes, inserted whole.
        (
            any::<usize>(),
            prop::sample::select(vec![
                &b"\r\n"[..],
                b"\r",
                b"\n",
                b"> ",
                b"+QIRD: 1.2.3.4:5,TCP,",
                b"+RECEIVE: 0, ",
                b"IPD",
                b"IPD65536TCP:",
                b"+QIRD: 1.2.3.4:5,TCP,99999\r\n",
                b"CLOSED\r\n",
                b"RDY\r\n",
                b"OK\r\n",
                b"0, CONNECT OK\r\n",
                b"RECV FROM:",
            ])
        )
            .prop_map(|(p, b)| Op::Insert(p, b.to_vec())),
    ]
}

fn mutate(corpus: &[Vec<u8>], base: usize, ops: &[Op]) -> Vec<u8> {
    let mut v = corpus[base % corpus.len()].clone();
    for o in ops {
        let at = |p: usize, v: &Vec<u8>| if v.is_empty() { 0 } else { p % (v.len() + 1) };
        match o {
            Op::Insert(p, b) => {
                let i = at(*p, &v);
                v.splice(i..i, b.iter().copied());
            }
            Op::Delete(p, n) => {
                let i = at(*p, &v);
                let j = (i + n).min(v.len());
                v.drain(i..j);
            }
            Op::Overwrite(p, b) => {
                let i = at(*p, &v);
                for (k, x) in b.iter().enumerate() {
                    if let Some(y) = v.get_mut(i + k) {
                        *y = *x;
                    }
                }
            }
            Op::Splice(f, from, p, n) => {
                let src = &corpus[f % corpus.len()];
                if !src.is_empty() {
                    let s = from % src.len();
                    let e = (s + n).min(src.len());
                    let i = at(*p, &v);
                    v.splice(i..i, src[s..e].iter().copied());
                }
            }
        }
    }
    v
}

/// A control action taken before a piece is fed.
#[derive(Debug, Clone, Copy)]
enum Ctl {
    None,
    ExpectRaw(usize),
    DataOn,
    DataOff,
}

fn ctl() -> impl Strategy<Value = Ctl> {
    prop_oneof![
        8 => Just(Ctl::None),
        1 => (0..300usize).prop_map(Ctl::ExpectRaw),
        1 => Just(Ctl::DataOn),
        1 => Just(Ctl::DataOff),
    ]
}

fn feed_pieces(t: &mut Tokenizer, input: &[u8], pieces: &[(usize, Ctl)]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let (n, c) = pieces.get(i).copied().unwrap_or((rest.len(), Ctl::None));
        i += 1;
        match c {
            Ctl::None => {}
            Ctl::ExpectRaw(k) => t.expect_raw(k),
            Ctl::DataOn => t.set_data_mode(true),
            Ctl::DataOff => t.set_data_mode(false),
        }
        let n = n.clamp(1, rest.len());
        t.feed(&rest[..n], &mut out);
        rest = &rest[n..];
        assert!(
            t.pending() <= MAX_LINE + MAX_PAYLOAD,
            "pending {} after a feed",
            t.pending()
        );
    }
    out
}

/// Whatever the bytes of a token, check what can be checked of it.
fn check_token(tok: &Token) {
    match tok {
        Token::Line(l) => {
            assert!(l.len() <= MAX_LINE);
            let _ = classify_urc(l);
        }
        Token::Payload { data, .. } => assert!(data.len() <= MAX_PAYLOAD),
        Token::Echo(e) => assert!(e.len() <= MAX_LINE),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn mutated_corpus(deep: bool) {
    let corpus = corpus();
    let strat = (
        any::<usize>(),
        prop::collection::vec(op(), 0..12),
        prop::collection::vec((1..80usize, ctl()), 0..40),
    );
    runner(deep)
        .run(&strat, |(base, ops, pieces)| {
            let input = mutate(&corpus, base, &ops);
            let mut t = Tokenizer::new();
            for tok in feed_pieces(&mut t, &input, &pieces) {
                check_token(&tok);
            }
            Ok(())
        })
        .unwrap();
}

fn random_bytes_any_split(deep: bool) {
    let strat = (
        prop::collection::vec(any::<u8>(), 0..2048),
        prop::collection::vec((1..300usize, ctl()), 0..20),
    );
    runner(deep)
        .run(&strat, |(input, pieces)| {
            let mut t = Tokenizer::new();
            for tok in feed_pieces(&mut t, &input, &pieces) {
                check_token(&tok);
            }
            Ok(())
        })
        .unwrap();
}

/// Counted payloads of every kind, holding any bytes, between lines, split anywhere: the
/// payload comes out whole, and the `OK` after it is still seen.
fn payloads_are_never_lost(deep: bool) {
    let strat = (
        prop::collection::vec(any::<u8>(), 0..1600),
        0..3u8,
        prop::collection::vec(1..64usize, 0..60),
        prop::sample::select(vec![
            &b""[..],
            b"\r\n+QIRDI: 0,1,0\r\n",
            b"\r\nOK\r\n",
            b"\r\nCLOSED\r\n",
        ]),
    );
    runner(deep)
        .run(&strat, |(payload, kind, splits, before)| {
            let mut input = before.to_vec();
            let header = match kind {
                0 => format!("\r\n+QIRD: 1.2.3.4:80,TCP,{}\r\n", payload.len()),
                1 => format!("\r\n+RECEIVE: 0, {}\r\n", payload.len()),
                _ => format!("\r\nIPD{}TCP:", payload.len()),
            };
            input.extend_from_slice(header.as_bytes());
            input.extend_from_slice(&payload);
            input.extend_from_slice(if kind == 0 {
                b"\r\nOK\r\n"
            } else {
                b"\r\n\r\nOK\r\n"
            });
            let pieces: Vec<(usize, Ctl)> = splits.iter().map(|&n| (n, Ctl::None)).collect();
            let mut t = Tokenizer::new();
            let toks = feed_pieces(&mut t, &input, &pieces);
            let got: Vec<&Vec<u8>> = toks
                .iter()
                .filter_map(|t| match t {
                    Token::Payload { data, kind: k } => {
                        let ok = matches!(
                            (kind, k),
                            (0, PayloadKind::Qird { .. })
                                | (1, PayloadKind::Receive { .. })
                                | (2, PayloadKind::Ipd { .. })
                        );
                        assert!(ok, "payload of the wrong kind {k:?}");
                        Some(data)
                    }
                    _ => None,
                })
                .collect();
            prop_assert_eq!(got.len(), 1, "tokens: {:?}", toks);
            prop_assert_eq!(got[0], &payload);
            prop_assert!(
                toks.iter()
                    .any(|t| matches!(t, Token::Final(qtcp::tokenizer::Final::Ok))),
                "the OK after the payload is lost: {:?}",
                toks
            );
            Ok(())
        })
        .unwrap();
}

/// `expect_raw(n)` and data mode give back exactly the bytes fed, in order.
fn raw_bytes_are_never_lost(deep: bool) {
    let strat = (
        prop::collection::vec(any::<u8>(), 0..3000),
        prop::collection::vec(1..200usize, 0..40),
        any::<bool>(),
    );
    runner(deep)
        .run(&strat, |(bytes, splits, data_mode)| {
            let mut t = Tokenizer::new();
            if data_mode {
                t.set_data_mode(true);
            } else {
                t.expect_raw(bytes.len());
            }
            let pieces: Vec<(usize, Ctl)> = splits.iter().map(|&n| (n, Ctl::None)).collect();
            let mut input = bytes.clone();
            if !data_mode {
                input.extend_from_slice(b"\r\nSEND OK\r\n");
            }
            let toks = feed_pieces(&mut t, &input, &pieces);
            let raw: Vec<u8> = toks
                .iter()
                .filter_map(|t| match t {
                    Token::Raw(b) => Some(b.clone()),
                    _ => None,
                })
                .flatten()
                .collect();
            prop_assert_eq!(raw, bytes);
            if !data_mode {
                prop_assert!(
                    toks.iter().any(|t| matches!(t, Token::Qi { .. })),
                    "SEND OK lost after the raw bytes: {:?}",
                    toks
                );
            }
            Ok(())
        })
        .unwrap();
}

/// The response parsers on any text: no panic; what they accept is consistent.
fn response_parsers(deep: bool) {
    let strat = prop_oneof![
        ".{0,40}",
        "[0-9 ,]{0,30}",
        "[0-9]{1,25}, ?[0-9]{1,25}, ?[0-9]{1,25}",
        "(IP |TCP |UDP |PDP |CONNECT )?[A-Z ]{0,12}",
    ];
    runner(deep)
        .run(&strat, |s: String| {
            if let Some(sack) = parse_sack(&s) {
                // The first three fields (later ones are ignored).
                let n: Vec<u64> = s.split(',').take(3).map(|f| f.trim().parse().unwrap()).collect();
                prop_assert_eq!((sack.sent, sack.acked, sack.unacked), (n[0], n[1], n[2]));
            }
            let st = IpState::parse(&s);
            let _ = st.context_active();
            let _ = classify_urc(s.as_bytes());
            let _ = parse_qirdi(s.as_bytes());
            Ok(())
        })
        .unwrap();
}

/// Validation: nothing accepted can break out of the AT command's quoted string.
fn validators(deep: bool) {
    let strat = prop_oneof![
        any::<String>(),
        "[ -~]{0,120}",
        "[a-zA-Z0-9.\"\r\n\x1a\x1b-]{0,40}(:[0-9]{0,6})?",
    ];
    runner(deep)
        .run(&strat, |s: String| {
            let safe = |v: &str| v.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"');
            if validate::apn(&s).is_ok() {
                prop_assert!(safe(&s) && s.len() <= validate::MAX_APN);
            }
            if validate::user(&s).is_ok() || validate::password(&s).is_ok() {
                prop_assert!(safe(&s) && s.len() <= validate::MAX_CREDENTIAL);
            }
            if let Ok(d) = validate::destination(&s) {
                prop_assert!(safe(&d.host) && !d.host.is_empty() && d.port != 0);
                prop_assert!(!d.host.contains(' ') && !d.host.contains(','));
                // The host is the text before the last colon; the port goes into the command
                // as a number (leading zeros or `+` in the flag are harmless).
                let (h, p) = s.rsplit_once(':').unwrap();
                prop_assert_eq!(&d.host, h);
                prop_assert_eq!(p.parse::<u16>().ok(), Some(d.port));
            }
            Ok(())
        })
        .unwrap();
}

macro_rules! both {
    ($quick:ident, $deep:ident, $f:ident) => {
        #[test]
        fn $quick() {
            $f(false)
        }
        #[test]
        #[ignore = "deep fuzzing: PROPTEST_CASES=100000 cargo test --release --test unit fuzz_parsers -- --ignored"]
        fn $deep() {
            $f(true)
        }
    };
}

both!(
    tokenizer_mutated_corpus,
    deep_tokenizer_mutated_corpus,
    mutated_corpus
);
both!(
    tokenizer_random_bytes,
    deep_tokenizer_random_bytes,
    random_bytes_any_split
);
both!(
    tokenizer_payloads_never_lost,
    deep_tokenizer_payloads_never_lost,
    payloads_are_never_lost
);
both!(
    tokenizer_raw_never_lost,
    deep_tokenizer_raw_never_lost,
    raw_bytes_are_never_lost
);
both!(parsers_any_text, deep_parsers_any_text, response_parsers);
both!(validators_never_let_a_quote_through, deep_validators, validators);

/// Long garbage without a line end, and a payload announced but never completed: the memory
/// held stays bounded.
#[test]
fn tokenizer_memory_is_bounded_on_endless_input() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..64 {
        t.feed(&chunk, &mut out);
        out.clear();
        assert!(t.pending() <= MAX_LINE + MAX_PAYLOAD);
    }
    let mut t = Tokenizer::new();
    t.feed(
        format!("\r\n+QIRD: 1.2.3.4:5,TCP,{MAX_PAYLOAD}\r\n").as_bytes(),
        &mut out,
    );
    for _ in 0..64 {
        t.feed(&chunk, &mut out);
        assert!(t.pending() <= MAX_LINE + MAX_PAYLOAD);
    }
}
