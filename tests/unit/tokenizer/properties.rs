//! Property tests of the tokenizer (a small number of cases by default; `PROPTEST_CASES`
//! raises it).

use super::*;

// ---------------------------------------------------------------------------------------------
// Property tests

fn config() -> ProptestConfig {
    // ProptestConfig::default() reads PROPTEST_CASES; keep a small default otherwise.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Bytes made of protocol fragments and random bytes, so headers and prompts actually occur.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..8),
        1 => Just(b"\r\n".to_vec()),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\n".to_vec()),
        1 => Just(b"> ".to_vec()),
        1 => Just(b"OK".to_vec()),
        1 => Just(b"AT+QIRD=0,1,0,1500".to_vec()),
        1 => (0usize..40).prop_map(|n| format!("+QIRD: 1.2.3.4:80,TCP,{n}").into_bytes()),
        1 => (0usize..40).prop_map(|n| format!("+RECEIVE: 1, {n}").into_bytes()),
        1 => (0usize..40).prop_map(|n| format!("IPD{n}TCP:").into_bytes()),
        1 => (0usize..40).prop_map(|n| format!("IPD{n}:").into_bytes()),
        1 => Just(b"IPD".to_vec()),
        1 => Just(b"0, CONNECT OK".to_vec()),
        1 => Just(b"RECV FROM:1.2.3.4:80".to_vec()),
        1 => Just(b"+CME ERROR: 14".to_vec()),
    ];
    proptest::collection::vec(fragment, 0..60).prop_map(|v| v.concat())
}

/// One record of a receive stream: a payload (framed one of three ways) or a text line.
#[derive(Debug, Clone)]
enum Record {
    Qird(Vec<u8>),
    Receive(Vec<u8>),
    Ipd(Vec<u8>),
    Text(String),
}

fn record() -> impl Strategy<Value = Record> {
    let data = || proptest::collection::vec(any::<u8>(), 0..300);
    prop_oneof![
        3 => data().prop_map(Record::Qird),
        1 => data().prop_map(Record::Receive),
        1 => data().prop_map(Record::Ipd),
        2 => prop_oneof![
            Just("+QIRDI: 0,1,0".to_string()),
            Just("0, CLOSED".to_string()),
            Just("OK".to_string()),
            Just("SEND OK".to_string()),
            Just("+CREG: 1".to_string()),
            // Never an `IPD<n>:` header by accident.
            "[a-zA-Z0-9 ,.:]{0,40}".prop_filter("IPD", |t| !t.starts_with("IPD")),
        ]
        .prop_map(Record::Text),
    ]
}

fn frame(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        match r {
            Record::Qird(d) => {
                out.extend_from_slice(format!("\r\n+QIRD: 1.2.3.4:80,TCP,{}\r\n", d.len()).as_bytes());
                out.extend_from_slice(d);
                out.extend_from_slice(b"\r\nOK\r\n");
            }
            Record::Receive(d) => {
                out.extend_from_slice(format!("\r\n+RECEIVE: 3, {}\r\n", d.len()).as_bytes());
                out.extend_from_slice(d);
            }
            Record::Ipd(d) => {
                // IPD is recognised at the start of a line: put it after a line end.
                out.extend_from_slice(format!("\r\nIPD{}UDP:", d.len()).as_bytes());
                out.extend_from_slice(d);
            }
            Record::Text(t) => {
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(t.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn transcripts_at_random_splits(
        which in any::<proptest::sample::Index>(),
        cuts in proptest::collection::vec(0usize..2000, 0..12),
    ) {
        let all = transcripts();
        let t = &all[which.index(all.len())];
        let (tokens, pending) = run(split_at(&t.bytes, &cuts));
        prop_assert_eq!(tokens, t.tokens.clone(), "{}", t.name);
        prop_assert_eq!(pending, 0);
    }

    #[test]
    fn byte_soup_is_deterministic_across_splits(
        bytes in soup(),
        cuts in proptest::collection::vec(0usize..600, 0..20),
    ) {
        let (whole, p1) = run([bytes.as_slice()]);
        let (split, p2) = run(split_at(&bytes, &cuts));
        prop_assert_eq!(merge_raw(whole), merge_raw(split));
        prop_assert_eq!(p1, p2);
    }

    #[test]
    fn random_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        cuts in proptest::collection::vec(0usize..2000, 0..20),
    ) {
        let (whole, _) = run([bytes.as_slice()]);
        let (split, _) = run(split_at(&bytes, &cuts));
        prop_assert_eq!(merge_raw(whole), merge_raw(split));
    }

    #[test]
    fn payloads_come_out_byte_exact_and_in_order(
        records in proptest::collection::vec(record(), 0..30),
        cuts in proptest::collection::vec(0usize..10_000, 0..30),
    ) {
        let bytes = frame(&records);
        let expected: Vec<Vec<u8>> = records
            .iter()
            .filter_map(|r| match r {
                Record::Qird(d) | Record::Receive(d) | Record::Ipd(d) => Some(d.clone()),
                Record::Text(_) => None,
            })
            .collect();
        let (tokens, pending) = run(split_at(&bytes, &cuts));
        let got: Vec<Vec<u8>> = tokens
            .into_iter()
            .filter_map(|t| match t {
                Token::Payload { data, .. } => Some(data),
                _ => None,
            })
            .collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(pending, 0);
    }

    #[test]
    fn data_mode_loses_no_byte(
        before in soup(),
        during in proptest::collection::vec(any::<u8>(), 0..500),
        cuts in proptest::collection::vec(0usize..500, 0..10),
    ) {
        // Whatever was held back when data mode starts, plus every byte fed during it, comes
        // out as Raw: the raw bytes end with exactly `during`, preceded by the held-back tail.
        let mut t = Tokenizer::new();
        let mut out = Vec::new();
        t.feed(&before, &mut out);
        let held = t.pending();
        t.set_data_mode(true);
        let mut raw_out = Vec::new();
        for c in split_at(&during, &cuts) {
            t.feed(c, &mut raw_out);
            prop_assert_eq!(t.pending(), 0);
        }
        let raw: Vec<u8> = raw_out
            .into_iter()
            .flat_map(|t| match t {
                Token::Raw(r) => r,
                other => panic!("not raw in data mode: {other:?}"),
            })
            .collect();
        prop_assert!(raw.ends_with(&during));
        prop_assert_eq!(raw.len(), held + during.len());
        prop_assert!(before.ends_with(&raw[..held]));
    }
}
