//! The transcript table: exchanges taken from the spec, each with the tokens it must give.

use super::*;

// ---------------------------------------------------------------------------------------------
// The transcript table

pub struct Transcript {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub tokens: Vec<Token>,
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

pub fn transcripts() -> Vec<Transcript> {
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
