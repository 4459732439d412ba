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
// The transcript table

struct Transcript {
    name: &'static str,
    bytes: Vec<u8>,
    tokens: Vec<Token>,
}

fn tr(name: &'static str, bytes: impl Into<Vec<u8>>, tokens: Vec<Token>) -> Transcript {
    Transcript {
        name,
        bytes: bytes.into(),
        tokens,
    }
}

/// The 100- and 49-byte bodies of OT#14's two QIRD reads (an HTTP response).
fn ot14_bodies() -> (Vec<u8>, Vec<u8>) {
    let mut first = b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\n\r\n".to_vec();
    first.resize(100, b'x');
    let mut second = b"OK\r\nCLOSED\r\n0, CLOSED\r\nERROR\r\n".to_vec();
    second.resize(49, b'\n');
    (first, second)
}

fn transcripts() -> Vec<Transcript> {
    use QiResult::*;
    let (ot100, ot49) = ot14_bodies();
    let binary: Vec<u8> = (0..=255u8).collect();
    vec![
        // §7.5 golden transcript, single mode, ATE0.
        tr(
            "golden single ATE0",
            cat(&[
                b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n",
                b"\r\nOK\r\n",
                b"\r\nOK\r\n",
                b"\r\n10.0.0.2\r\n",
                b"\r\nOK\r\n\r\nCONNECT OK\r\n",
                b"\r\n> ",
                b"\r\nSEND OK\r\n",
                b"\r\n+QISACK: 5, 5, 0\r\n\r\nOK\r\n",
                b"\r\n+QIRDI: 0,1,0\r\n",
                b"\r\n+QIRD: 1.2.3.4:80,TCP,3\r\nabc\r\nOK\r\n",
                b"\r\nOK\r\n",
                b"\r\nCLOSE OK\r\n",
                b"\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n",
                b"\r\nDEACT OK\r\n",
            ]),
            vec![
                ok(),
                line("STATE: IP INITIAL"),
                ok(),
                ok(),
                line("10.0.0.2"),
                ok(),
                qi(ConnectOk),
                Token::Prompt,
                qi(SendOk),
                line("+QISACK: 5, 5, 0"),
                ok(),
                line("+QIRDI: 0,1,0"),
                qird("1.2.3.4:80", "TCP", b"abc"),
                ok(),
                ok(),
                qi(CloseOk),
                ok(),
                line("STATE: IP CLOSE"),
                qi(DeactOk),
            ],
        ),
        // The same with echo on (each echo ends with the command's CR, then the response's CRLF).
        tr(
            "golden single ATE1",
            cat(&[
                b"AT+QISTAT\r\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n",
                b"AT+QIREGAPP\r\r\nOK\r\n",
                b"AT+QIACT\r\r\nOK\r\n",
                b"AT+QILOCIP\r\r\n10.0.0.2\r\n",
                b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r\r\nOK\r\n\r\nCONNECT OK\r\n",
                b"AT+QISEND=5\r\r\n> ",
                b"\r\nSEND OK\r\n",
                b"AT+QISACK\r\r\n+QISACK: 5, 5, 0\r\n\r\nOK\r\n",
                b"\r\n+QIRDI: 0,1,0\r\n",
                b"AT+QIRD=0,1,0,1500\r\r\n+QIRD: 1.2.3.4:80,TCP,3\r\nabc\r\nOK\r\n",
                b"AT+QIRD=0,1,0,1500\r\r\nOK\r\n",
                b"AT+QICLOSE\r\r\nCLOSE OK\r\n",
                b"AT+QISTAT\r\r\nOK\r\n\r\nSTATE: IP CLOSE\r\n",
                b"AT+QIDEACT\r\r\nDEACT OK\r\n",
            ]),
            vec![
                echo("AT+QISTAT"),
                ok(),
                line("STATE: IP INITIAL"),
                echo("AT+QIREGAPP"),
                ok(),
                echo("AT+QIACT"),
                ok(),
                echo("AT+QILOCIP"),
                line("10.0.0.2"),
                echo("AT+QIOPEN=\"TCP\",\"1.2.3.4\",80"),
                ok(),
                qi(ConnectOk),
                echo("AT+QISEND=5"),
                Token::Prompt,
                qi(SendOk),
                echo("AT+QISACK"),
                line("+QISACK: 5, 5, 0"),
                ok(),
                line("+QIRDI: 0,1,0"),
                echo("AT+QIRD=0,1,0,1500"),
                qird("1.2.3.4:80", "TCP", b"abc"),
                ok(),
                echo("AT+QIRD=0,1,0,1500"),
                ok(),
                echo("AT+QICLOSE"),
                qi(CloseOk),
                echo("AT+QISTAT"),
                ok(),
                line("STATE: IP CLOSE"),
                echo("AT+QIDEACT"),
                qi(DeactOk),
            ],
        ),
        // §7.5 mux variant, ATE0, QINDI=0 push.
        tr(
            "golden mux ATE0",
            cat(&[
                b"\r\nOK\r\n\r\n2, CONNECT OK\r\n",
                b"\r\n> ",
                b"\r\nSEND OK\r\n",
                b"\r\n+RECEIVE: 2, 3\r\nabc",
                b"\r\n2, CLOSE OK\r\n",
                b"\r\n2, CLOSED\r\n",
            ]),
            vec![
                ok(),
                qi_at(2, ConnectOk),
                Token::Prompt,
                qi(SendOk),
                receive(2, b"abc"),
                qi_at(2, CloseOk),
                line("2, CLOSED"),
            ],
        ),
        tr(
            "golden mux ATE1",
            cat(&[
                b"AT+QIOPEN=2,\"TCP\",\"1.2.3.4\",80\r\r\nOK\r\n\r\n2, CONNECT OK\r\n",
                b"AT+QISEND=2,5\r\r\n> ",
                b"\r\nSEND OK\r\n",
                b"\r\n+RECEIVE: 2, 3\r\nabc",
                b"AT+QICLOSE=2\r\r\n2, CLOSE OK\r\n",
            ]),
            vec![
                echo("AT+QIOPEN=2,\"TCP\",\"1.2.3.4\",80"),
                ok(),
                qi_at(2, ConnectOk),
                echo("AT+QISEND=2,5"),
                Token::Prompt,
                qi(SendOk),
                receive(2, b"abc"),
                echo("AT+QICLOSE=2"),
                qi_at(2, CloseOk),
            ],
        ),
        tr(
            "QIRD payload holding CRLF OK CRLF",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,6\r\n\r\nOK\r\n\r\nOK\r\n".to_vec(),
            vec![qird("1.2.3.4:80", "TCP", b"\r\nOK\r\n"), ok()],
        ),
        tr(
            "QIRD payload holding CLOSED and ERROR",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,26\r\nCLOSED\r\n0, CLOSED\r\nERROR\r\n\r\nOK\r\n".to_vec(),
            vec![
                qird("1.2.3.4:80", "TCP", b"CLOSED\r\n0, CLOSED\r\nERROR\r\n"),
                ok(),
            ],
        ),
        tr(
            "QIRD payload of every byte value",
            cat(&[b"\r\n+QIRD: 10.1.1.1:5000,UDP,256\r\n", &binary, b"\r\nOK\r\n"]),
            vec![qird("10.1.1.1:5000", "UDP", &binary), ok()],
        ),
        // A GC65 (issue 18): the next header right after the previous datagram's last byte,
        // no CR LF between them; a datagram may end in CR or LF, or look like a line end.
        tr(
            "GC65 UDP records with no CR LF between them",
            b"\r\n+QIRD: 1.2.3.4:9000,UDP,3\r\none+QIRD: 1.2.3.4:9000,UDP,4\r\ntwo\r\
              +QIRD: 1.2.3.4:9000,UDP,2\r\n\r\n+QIRD: 1.2.3.4:9000,UDP,5\r\nthree\r\nOK\r\n"
                .to_vec(),
            vec![
                qird("1.2.3.4:9000", "UDP", b"one"),
                qird("1.2.3.4:9000", "UDP", b"two\r"),
                qird("1.2.3.4:9000", "UDP", b"\r\n"),
                qird("1.2.3.4:9000", "UDP", b"three"),
                ok(),
            ],
        ),
        tr(
            "QIRD payload holding a prompt and headers",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,37\r\n> IPD3:abc+QIRD: 1.2.3.4:80,TCP,3\r\n\x00\xff\r\nOK\r\n"
                .to_vec(),
            vec![
                qird(
                    "1.2.3.4:80",
                    "TCP",
                    b"> IPD3:abc+QIRD: 1.2.3.4:80,TCP,3\r\n\x00\xff",
                ),
                ok(),
            ],
        ),
        tr(
            "QIRD payload of a bare LF, header ends with CRLF",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,1\r\n\n\r\nOK\r\n".to_vec(),
            vec![qird("1.2.3.4:80", "TCP", b"\n"), ok()],
        ),
        tr(
            "QIRD header ended by a bare LF: payload starts right after",
            b"+QIRD: 1.2.3.4:80,UDP,4\n\r\nab\r\nOK\r\n".to_vec(),
            vec![qird("1.2.3.4:80", "UDP", b"\r\nab"), ok()],
        ),
        tr(
            "QIRD with no data: OK only",
            b"\r\nOK\r\n".to_vec(),
            vec![ok()],
        ),
        tr(
            "QIRD announcing 0 bytes",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,0\r\n\r\nOK\r\n".to_vec(),
            vec![qird("1.2.3.4:80", "TCP", b""), ok()],
        ),
        tr(
            "QIRD announcing more than MAX_PAYLOAD, or garbage: plain lines",
            b"\r\n+QIRD: 1.2.3.4:80,TCP,70000\r\nabc\r\n+QIRD: 1.2.3.4:80,TCP,x\r\n+QIRD: 1.2.3.4:80,SCTP,3\r\nOK\r\n"
                .to_vec(),
            vec![
                line("+QIRD: 1.2.3.4:80,TCP,70000"),
                line("abc"),
                line("+QIRD: 1.2.3.4:80,TCP,x"),
                line("+QIRD: 1.2.3.4:80,SCTP,3"),
                ok(),
            ],
        ),
        tr(
            "the recommended process's QIRD example",
            b"\r\n+QIRDI: 0,1,0\r\n\r\n+QIRD: 220.180.239.212:8063,TCP,36\r\n1234567890abcdefghijklmnopqrstuvwxyz\r\nOK\r\n"
                .to_vec(),
            vec![
                line("+QIRDI: 0,1,0"),
                qird(
                    "220.180.239.212:8063",
                    "TCP",
                    b"1234567890abcdefghijklmnopqrstuvwxyz",
                ),
                ok(),
            ],
        ),
        // OT#14: a real M95 log, echo on.
        tr(
            "OT#14 QIRD 100 then 49 bytes, then 0, CLOSED, then ERROR",
            cat(&[
                b"AT+QIRD=0,1,0,100\r\r\nOK\r\n",
                b"\r\n+QIRDI: 0,1,0\r\n",
                b"AT+QIRD=0,1,0,100\r\r\n+QIRD: 78.46.45.61:80,TCP,100\r\n",
                &ot100,
                b"\r\nOK\r\n",
                b"AT+QIRD=0,1,0,100\r\r\n+QIRD: 78.46.45.61:80,TCP,49\r\n",
                &ot49,
                b"\r\nOK\r\n",
                b"\r\n0, CLOSED\r\n",
                b"AT+QIRD=0,1,0,100\r\r\nERROR\r\n",
            ]),
            vec![
                echo("AT+QIRD=0,1,0,100"),
                ok(),
                line("+QIRDI: 0,1,0"),
                echo("AT+QIRD=0,1,0,100"),
                qird("78.46.45.61:80", "TCP", &ot100),
                ok(),
                echo("AT+QIRD=0,1,0,100"),
                qird("78.46.45.61:80", "TCP", &ot49),
                ok(),
                line("0, CLOSED"),
                echo("AT+QIRD=0,1,0,100"),
                error(),
            ],
        ),
        tr(
            "QIOPEN: OK, a URC, then CONNECT OK",
            b"\r\nOK\r\n\r\n+QIRDI: 0,1,0\r\n\r\nCONNECT OK\r\n".to_vec(),
            vec![ok(), line("+QIRDI: 0,1,0"), qi(ConnectOk)],
        ),
        tr(
            "QIOPEN failures and ALREADY CONNECT",
            b"\r\nOK\r\n\r\nCONNECT FAIL\r\n\r\nALREADY CONNECT\r\n\r\n3, CONNECT FAIL\r\n\r\n4,ALREADY CONNECT\r\n\r\n5,CONNECT OK\r\n"
                .to_vec(),
            vec![
                ok(),
                qi(ConnectFail),
                qi(AlreadyConnect),
                qi_at(3, ConnectFail),
                qi_at(4, AlreadyConnect),
                qi_at(5, ConnectOk),
            ],
        ),
        tr(
            "RECEIVE with and without the space",
            b"\r\n+RECEIVE: 2, 3\r\nabc\r\n+RECEIVE: 0,5\r\n\r\nOK\r\n\r\n+RECEIVE: 1, 0\r\n".to_vec(),
            vec![receive(2, b"abc"), receive(0, b"\r\nOK\r"), receive(1, b"")],
        ),
        tr(
            "RECV FROM then IPD with protocol",
            b"RECV FROM:1.2.3.4:80\r\nIPD5TCP:hello\r\nRECV FROM: 5.6.7.8:9\r\nIPD2UDP:\r\n".to_vec(),
            vec![
                Token::RecvFrom("1.2.3.4:80".into()),
                ipd(Some("TCP"), b"hello"),
                Token::RecvFrom("5.6.7.8:9".into()),
                ipd(Some("UDP"), b"\r\n"),
            ],
        ),
        tr(
            "the recommended process's IPD36TCP example",
            b"RECV FROM:220.180.239.212:8063\r\nIPD36TCP:1234567890abcdefghijklmnopgrstuvwxyz\r\nOK\r\n"
                .to_vec(),
            vec![
                Token::RecvFrom("220.180.239.212:8063".into()),
                ipd(Some("TCP"), b"1234567890abcdefghijklmnopgrstuvwxyz"),
                ok(),
            ],
        ),
        tr(
            "IPD without protocol, back to back, and empty",
            b"IPD5:helloIPD3:\r\n\x00IPD0:\r\nOK\r\n".to_vec(),
            vec![
                ipd(None, b"hello"),
                ipd(None, b"\r\n\x00"),
                ipd(None, b""),
                ok(),
            ],
        ),
        tr(
            "IPD look-alikes are lines",
            b"IPDX\r\nIPD\r\nIPD12\r\nIPD5TCPX:abc\r\nIPD1234567:x\r\nIPD70000:ab\r\nIPD:\r\nIPD5TC\r\nIPD3UDP\r\nIPv4\r\n"
                .to_vec(),
            vec![
                line("IPDX"),
                line("IPD"),
                line("IPD12"),
                line("IPD5TCPX:abc"),
                line("IPD1234567:x"),
                line("IPD70000:ab"),
                line("IPD:"),
                line("IPD5TC"),
                line("IPD3UDP"),
                line("IPv4"),
            ],
        ),
        tr(
            "single-mode QISTAT",
            b"\r\nOK\r\n\r\nSTATE: IP INITIAL\r\n".to_vec(),
            vec![ok(), line("STATE: IP INITIAL")],
        ),
        tr(
            "mux QISTAT lines",
            b"\r\n+QISTAT: 0, \"TCP\", \"121.15.212.251\", 10002,\r\n\r\n+QISTAT: 1, \"\", \"\",\r\n\r\n+QISTAT: 2, \"\", \"\"\r\n\r\nOK\r\n"
                .to_vec(),
            vec![
                line("+QISTAT: 0, \"TCP\", \"121.15.212.251\", 10002,"),
                line("+QISTAT: 1, \"\", \"\","),
                line("+QISTAT: 2, \"\", \"\""),
                ok(),
            ],
        ),
        tr(
            "mux QISTATE",
            b"\r\nOK\r\n\r\nSTATE: IP STATUS\r\n\r\n+QISTATE: 0, \"TCP\", \"1.2.3.4\", 80, \"CONNECTED\"\r\n\r\n+QISTATE: 1, \"\", \"\", , \"INITIAL\"\r\n\r\nOK\r\n"
                .to_vec(),
            vec![
                ok(),
                line("STATE: IP STATUS"),
                line("+QISTATE: 0, \"TCP\", \"1.2.3.4\", 80, \"CONNECTED\""),
                line("+QISTATE: 1, \"\", \"\", , \"INITIAL\""),
                ok(),
            ],
        ),
        tr(
            "boot URCs with a CME error in between (OT#28)",
            b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CME ERROR: 14\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n"
                .to_vec(),
            vec![
                line("RDY"),
                line("+CFUN: 1"),
                Token::Final(Final::CmeError("14".into())),
                line("+CPIN: READY"),
                line("Call Ready"),
                line("SMS Ready"),
            ],
        ),
        tr(
            "CME and CMS errors, spacing tolerated",
            b"\r\n+CME ERROR: 14\r\n\r\n+CME ERROR:SIM busy\r\n\r\n+CME ERROR:   10  \r\n\r\n+CMS ERROR: 500\r\n\r\n+CME ERROR 3\r\n"
                .to_vec(),
            vec![
                Token::Final(Final::CmeError("14".into())),
                Token::Final(Final::CmeError("SIM busy".into())),
                Token::Final(Final::CmeError("10".into())),
                Token::Final(Final::CmsError("500".into())),
                line("+CME ERROR 3"),
            ],
        ),
        tr(
            "QILOCIP: the address line without OK",
            b"\r\n10.170.12.34\r\n".to_vec(),
            vec![line("10.170.12.34")],
        ),
        tr(
            "ALREADY CONNECT alone",
            b"\r\nALREADY CONNECT\r\n".to_vec(),
            vec![qi(AlreadyConnect)],
        ),
        tr(
            "echo framing with CR CR LF (ATV1, ATE0, AT, GSN, A/)",
            b"ATV1\r\r\nOK\r\nATE0\r\r\nOK\r\nAT\r\r\nOK\r\nat+gsn\r\r\n861234567890123\r\n\r\nOK\r\nA/\r\r\nOK\r\n"
                .to_vec(),
            vec![
                echo("ATV1"),
                ok(),
                echo("ATE0"),
                ok(),
                echo("AT"),
                ok(),
                echo("at+gsn"),
                line("861234567890123"),
                ok(),
                echo("A/"),
                ok(),
            ],
        ),
        tr(
            "ATV0 numeric results are lines",
            b"ATV0\r0\r4\r1\r".to_vec(),
            vec![echo("ATV0"), line("0"), line("4"), line("1")],
        ),
        tr(
            "ATI information lines",
            b"\r\nQuectel_Ltd\r\nQuectel_M95\r\nRevision: M95FAR02A08\r\n\r\nOK\r\n".to_vec(),
            vec![
                line("Quectel_Ltd"),
                line("Quectel_M95"),
                line("Revision: M95FAR02A08"),
                ok(),
            ],
        ),
        tr(
            "transparent QIOPEN: OK then CONNECT",
            b"\r\nOK\r\n\r\nCONNECT\r\n".to_vec(),
            vec![ok(), qi(Connect)],
        ),
        tr(
            "QISEND results and connection-loss URCs",
            b"\r\n> \r\nSEND FAIL\r\n\r\n> \r\nERROR\r\n\r\nCLOSED\r\n\r\n+PDP DEACT\r\n\r\nDEACT OK\r\n".to_vec(),
            vec![
                Token::Prompt,
                qi(SendFail),
                Token::Prompt,
                error(),
                line("CLOSED"),
                line("+PDP DEACT"),
                qi(DeactOk),
            ],
        ),
        tr(
            "prompt look-alikes",
            b">x\r\n>\r\n > \r\n>> \r\n> > ".to_vec(),
            vec![
                line(">x"),
                line(">"),
                line(" > "),
                line(">> "),
                Token::Prompt,
                Token::Prompt,
            ],
        ),
        tr(
            "QIDNSGIP and QNTP: OK then a later line",
            b"\r\nOK\r\n\r\n93.184.216.34\r\n\r\nOK\r\n\r\n+QNTP: 0\r\n".to_vec(),
            vec![ok(), line("93.184.216.34"), ok(), line("+QNTP: 0")],
        ),
        tr(
            "power down and non-UTF-8 line",
            b"\r\nNORMAL POWER DOWN\r\n\xff\xfe garbage \x00\r\n".to_vec(),
            vec![
                line("NORMAL POWER DOWN"),
                Token::Line(b"\xff\xfe garbage \x00".to_vec()),
            ],
        ),
        tr(
            "not quite results are lines",
            b"OK \r\nok\r\nSEND OK?\r\n10, CLOSE OK\r\n".to_vec(),
            vec![line("OK "), line("ok"), line("SEND OK?"), line("10, CLOSE OK")],
        ),
        // module.md correction 6: mux send results carry the index, either spacing.
        tr(
            "mux send results name the connection",
            b"\r\n0, SEND OK\r\n\r\n2,SEND FAIL\r\n".to_vec(),
            vec![qi_at(0, SendOk), qi_at(2, SendFail)],
        ),
    ]
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
