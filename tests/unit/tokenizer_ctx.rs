//! Tokenizer tests for the ctx family's framing (issue 20): the lines whose meaning depends on
//! what the session told the tokenizer. Each transcript is fed whole, split in two at every
//! byte offset, and byte by byte, with the context the session would have set:
//! - `+QIRD: <n>` announces n bytes only in the answer to `AT+QIRD=<id>,<len>` (len > 0); after
//!   `AT+QIRD=<id>,0` the line holds counters;
//! - `+QIURC: "recv",<id>,<len>` carries len bytes only for a direct-push socket;
//! - `+QIOPEN: (1-16),...` (test answer) is no open result, `+QIOPEN: 0,0` is;
//! - `+QISEND: 9,9,0` and `+QISACK: 9, 9, 0` are plain lines that parse to the same counters.
//!
//! (In a file of its own: tokenizer.rs is over the ~900-line mark already.)

use qtcp::proc::state::parse_sack;
use qtcp::tokenizer::{classify_urc, Final, PayloadKind, Token, Tokenizer, Urc};

/// What the session says before the bytes arrive.
#[derive(Clone, Copy, Default)]
struct Context {
    counted_read: bool,
    push: &'static [u8],
}

struct Case {
    name: &'static str,
    ctx: Context,
    bytes: Vec<u8>,
    tokens: Vec<Token>,
}

fn line(s: &str) -> Token {
    Token::Line(s.as_bytes().to_vec())
}
fn ok() -> Token {
    Token::Final(Final::Ok)
}
fn read(peer: Option<&str>, data: &[u8]) -> Token {
    Token::Payload {
        kind: PayloadKind::Read {
            peer: peer.map(Into::into),
        },
        data: data.to_vec(),
    }
}
fn push(id: u8, peer: Option<&str>, data: &[u8]) -> Token {
    Token::Payload {
        kind: PayloadKind::Push {
            id,
            peer: peer.map(Into::into),
        },
        data: data.to_vec(),
    }
}

const READING: Context = Context {
    counted_read: true,
    push: &[],
};
const IDLE: Context = Context {
    counted_read: false,
    push: &[],
};
const PUSH_1: Context = Context {
    counted_read: false,
    push: &[1],
};

fn case(name: &'static str, ctx: Context, bytes: &[u8], tokens: Vec<Token>) -> Case {
    Case {
        name,
        ctx,
        bytes: bytes.to_vec(),
        tokens,
    }
}

const QIOPEN_TEST: &str = "+QIOPEN: (1-16),(0-11),\"TCP/UDP/TCP LISTENER/UDP SERVICE\",\
                           \"<IP_address>/<domain_name>\",<remote_port>,<local_port>,(0-2)";

fn cases() -> Vec<Case> {
    vec![
        // research §1.8 [DOC AN-BG96 p.22; LOG AZS#381]: header, bytes, CR LF, OK.
        case(
            "qird data",
            READING,
            b"\r\n+QIRD: 5\r\nhello\r\n\r\nOK\r\n",
            vec![read(None, b"hello"), ok()],
        ),
        case(
            "qird data that looks like lines",
            READING,
            b"\r\n+QIRD: 13\r\n\r\nOK\r\n+QIRD: \r\n\r\nOK\r\n",
            vec![read(None, b"\r\nOK\r\n+QIRD: "), ok()],
        ),
        case(
            "qird header ended by a bare CR",
            READING,
            b"\r\n+QIRD: 3\rabc\r\nOK\r\n",
            vec![read(None, b"abc"), ok()],
        ),
        case(
            "qird nothing buffered",
            READING,
            b"\r\n+QIRD: 0\r\n\r\nOK\r\n",
            vec![read(None, b""), ok()],
        ),
        case(
            "qird udp service",
            READING,
            b"\r\n+QIRD: 3,\"10.0.0.9\",5000\r\nabc\r\nOK\r\n",
            vec![read(Some("10.0.0.9:5000"), b"abc"), ok()],
        ),
        // After AT+QIRD=<id>,0 [LOG TG#475 `+QIRD: 4,0,4`]: counters, no payload.
        case(
            "qird counters",
            IDLE,
            b"\r\n+QIRD: 4,0,4\r\n\r\nOK\r\n",
            vec![line("+QIRD: 4,0,4"), ok()],
        ),
        case(
            "qird counters of nothing",
            IDLE,
            b"\r\n+QIRD: 0,0,0\r\n\r\nOK\r\n",
            vec![line("+QIRD: 0,0,0"), ok()],
        ),
        // Counters while a read is announced (a confused session) stay a line: three numbers
        // are no count.
        case(
            "counters are never a count",
            READING,
            b"\r\n+QIRD: 4,0,4\r\nOK\r\n",
            vec![line("+QIRD: 4,0,4"), ok()],
        ),
        // A single number outside a read is a line: nothing is taken by count.
        case(
            "a count outside a read",
            IDLE,
            b"\r\n+QIRD: 5\r\nhello\r\n",
            vec![line("+QIRD: 5"), line("hello")],
        ),
        // research §1.9 [CODE FRT-BG96 `+QIURC: "recv",0,4\r\ntest`].
        case(
            "direct push",
            PUSH_1,
            b"\r\n+QIURC: \"recv\",1,4\r\ntest\r\n",
            vec![push(1, None, b"test")],
        ),
        case(
            "direct push that looks like a close",
            PUSH_1,
            b"\r\n+QIURC: \"recv\",1,22\r\n\r\n+QIURC: \"closed\",1\r\n\r\n+QIURC: \"closed\",1\r\n",
            vec![
                push(1, None, b"\r\n+QIURC: \"closed\",1\r\n"),
                line("+QIURC: \"closed\",1"),
            ],
        ),
        case(
            "direct push udp service",
            PUSH_1,
            b"\r\n+QIURC: \"recv\",1,2,\"1.2.3.4\",7\r\nhi",
            vec![push(1, Some("1.2.3.4:7"), b"hi")],
        ),
        // Buffer mode with recvind: the same line, and no bytes follow.
        case(
            "recv urc with a length in buffer mode",
            IDLE,
            b"\r\n+QIURC: \"recv\",1,4\r\n\r\nOK\r\n",
            vec![line("+QIURC: \"recv\",1,4"), ok()],
        ),
        case(
            "recv urc of another socket than the push one",
            PUSH_1,
            b"\r\n+QIURC: \"recv\",2,4\r\ntest\r\n",
            vec![line("+QIURC: \"recv\",2,4"), line("test")],
        ),
        case(
            "open test answer",
            IDLE,
            format!("\r\n{QIOPEN_TEST}\r\n\r\nOK\r\n").as_bytes(),
            vec![line(QIOPEN_TEST), ok()],
        ),
        case(
            "open result",
            IDLE,
            b"\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n",
            vec![ok(), line("+QIOPEN: 0,0")],
        ),
        case(
            "send counters and the old acknowledgement line",
            IDLE,
            b"\r\n+QISEND: 9,9,0\r\n\r\nOK\r\n\r\n+QISACK: 9, 9, 0\r\n\r\nOK\r\n",
            vec![line("+QISEND: 9,9,0"), ok(), line("+QISACK: 9, 9, 0"), ok()],
        ),
        case(
            "boot",
            IDLE,
            b"\r\nRDY\r\n\r\nAPP RDY\r\n",
            vec![line("RDY"), line("APP RDY")],
        ),
    ]
}

fn tokenizer(ctx: Context) -> Tokenizer {
    let mut t = Tokenizer::new();
    t.set_counted_read(ctx.counted_read);
    for &id in ctx.push {
        t.set_push_socket(id, true);
    }
    t
}

fn feed<'a>(ctx: Context, chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Token> {
    let mut t = tokenizer(ctx);
    let mut out = Vec::new();
    for c in chunks {
        t.feed(c, &mut out);
    }
    out
}

#[test]
fn ctx_transcripts_whole_split_in_two_at_every_offset_and_byte_by_byte() {
    for c in cases() {
        assert_eq!(feed(c.ctx, [&c.bytes[..]]), c.tokens, "{}: whole", c.name);
        for cut in 0..=c.bytes.len() {
            let (a, b) = c.bytes.split_at(cut);
            assert_eq!(feed(c.ctx, [a, b]), c.tokens, "{}: cut at {cut}", c.name);
        }
        let bytes: Vec<&[u8]> = c.bytes.chunks(1).collect();
        assert_eq!(feed(c.ctx, bytes), c.tokens, "{}: byte by byte", c.name);
    }
}

/// A socket switched out of push mode stops taking bytes by count.
#[test]
fn push_mode_is_per_socket_and_can_be_switched_off() {
    let mut t = Tokenizer::new();
    let mut out = Vec::new();
    t.set_push_socket(3, true);
    t.feed(b"\r\n+QIURC: \"recv\",3,2\r\nab", &mut out);
    t.set_push_socket(3, false);
    t.feed(b"\r\n+QIURC: \"recv\",3,2\r\n", &mut out);
    assert_eq!(out, vec![push(3, None, b"ab"), line("+QIURC: \"recv\",3,2")]);
    // Ids beyond the socket range are never push sockets.
    t.set_push_socket(200, true);
    out.clear();
    t.feed(b"\r\n+QIURC: \"recv\",200,2\r\n", &mut out);
    assert_eq!(out, vec![line("+QIURC: \"recv\",200,2")]);
}

#[test]
fn ctx_urcs() {
    let u = |s: &str| classify_urc(s.as_bytes());
    assert_eq!(
        u("+QIURC: \"recv\",1"),
        Some(Urc::SocketData { id: 1, len: None })
    );
    assert_eq!(
        u("+QIURC: \"recv\",11,1500"),
        Some(Urc::SocketData {
            id: 11,
            len: Some(1500)
        })
    );
    assert_eq!(u("+QIURC: \"closed\",0"), Some(Urc::SocketClosed { id: 0 }));
    assert_eq!(u("+QIURC: \"pdpdeact\",1"), Some(Urc::ContextDeact { cid: 1 }));
    assert_eq!(u("+QIURC: \"dnsgip\",0,2,399"), None);
    assert_eq!(u("+QIURC: \"incoming full\""), None);
    assert_eq!(u("+QIOPEN: 0,0"), Some(Urc::OpenResult { id: 0, err: 0 }));
    assert_eq!(u("+QIOPEN: 3,566"), Some(Urc::OpenResult { id: 3, err: 566 }));
    assert_eq!(u(QIOPEN_TEST), None, "the test answer is no open result");
    assert_eq!(u("+QIOPEN: 1,2,3"), None);
    assert_eq!(u("APP RDY"), Some(Urc::AppRdy));
    assert_eq!(u("+CEREG: 0,5"), Some(Urc::Cereg("0,5".into())));
    assert_eq!(u("+QISEND: 9,9,0"), None);
    assert_eq!(u("+QIRD: 4,0,4"), None);
}

/// Both counter lines read the same: `+QISEND:` has no spaces, `+QISACK:` comma-space.
#[test]
fn send_counters_parse_like_sack() {
    assert_eq!(parse_sack("9,9,0"), parse_sack(" 9, 9, 0"));
    assert_eq!(
        parse_sack("9,9,0").map(|s| (s.sent, s.acked, s.unacked)),
        Some((9, 9, 0))
    );
}
