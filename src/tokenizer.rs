//! The module's byte stream as tokens: pure, no I/O, no clock, fed arbitrary chunks.
//!
//! Lines end at CR or LF (empty lines are skipped); the `> ` prompt stands without a line end;
//! counted payloads (`+QIRD:` records, `+RECEIVE: i, n`, `IPD<n>[TCP|UDP]:`) are taken by
//! count, so payload bytes never reach a line matcher. Whether a text line is a URC or part of
//! a response is decided by the session (which knows the command in flight): see [`classify_urc`].
//!
//! Rules, all independent of how the input is chunked (the same bytes give the same tokens
//! whatever the splits; only the boundaries between [`Token::Raw`] pieces may differ):
//! - A line is emitted when its terminator (CR or LF) arrives; empty lines are skipped, so
//!   `\r\n`, `\r\r\n` and bare `\r` / `\n` framings all work.
//! - At the start of a line, `> ` is [`Token::Prompt`] and `IPD<n>[TCP|UDP]:` a counted
//!   payload; while a prefix is still ambiguous (`>`, `IPD1`) it is held back. Neither is
//!   recognised in the middle of a line.
//! - A `+QIRD:` / `+RECEIVE:` header line starts a payload after its terminator; when the
//!   header ended with CR, one LF right after it belongs to the terminator (even if it comes in
//!   a later chunk). A header whose length does not parse or exceeds [`MAX_PAYLOAD`] is a
//!   plain [`Token::Line`]. The header itself is not emitted: the [`PayloadKind`] carries it.
//! - Lines longer than [`MAX_LINE`]: the first [`MAX_LINE`] bytes are emitted as an
//!   unclassified [`Token::Line`] and the rest of that line is dropped.
//! - Text fields of tokens (addresses, error values) are decoded lossily from UTF-8.

/// Largest counted payload accepted; a header announcing more is treated as a plain line, so a
/// garbled length can never make the tokenizer buffer without bound.
pub const MAX_PAYLOAD: usize = 65_536;

/// Longest line kept; the rest of a longer line is dropped (see [`Tokenizer`]).
pub const MAX_LINE: usize = 4096;

/// A final result code: ends the response to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Final {
    Ok,
    Error,
    /// `+CME ERROR: <n or text>`
    CmeError(String),
    /// `+CMS ERROR: <n or text>`
    CmsError(String),
}

/// The QI results that stand without `OK`; `index` is set for the `<i>, …` forms of QIMUX=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QiResult {
    CloseOk,
    DeactOk,
    SendOk,
    SendFail,
    ConnectOk,
    ConnectFail,
    AlreadyConnect,
    /// Bare `CONNECT` (transparent mode entered data mode; also the answer to ATO).
    Connect,
}

/// What kind of counted payload a header announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadKind {
    /// `+QIRD: <ip>:<port>,<TCP|UDP>,<n>` (retrieve mode); the bytes follow the line's CRLF.
    Qird { addr: String, proto: String },
    /// `+RECEIVE: <i>, <n>` (direct mode, QIMUX=1); the bytes follow the line's CRLF.
    Receive { index: u8 },
    /// `IPD<n>[TCP|UDP]:` (direct mode with QIHEAD=1); the bytes follow the colon.
    Ipd { proto: Option<String> },
    /// ctx `+QIRD: <n>[,"<ip>",<port>]` in the answer to `AT+QIRD=<id>,<len>` (len > 0; see
    /// [`Tokenizer::set_counted_read`]); the bytes follow the line's CRLF. `peer` is set for a
    /// UDP service socket.
    Read { peer: Option<String> },
    /// ctx `+QIURC: "recv",<id>,<len>[,"<ip>",<port>]` on a direct-push socket (see
    /// [`Tokenizer::set_push_socket`]); the bytes follow the line's CRLF.
    Push { id: u8, peer: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A command echo (a line starting with `AT`/`at`), without its terminator.
    Echo(Vec<u8>),
    /// A final result code.
    Final(Final),
    /// A QI result, with the connection index of the mux form.
    Qi { index: Option<u8>, result: QiResult },
    /// The `> ` data prompt of AT+QISEND.
    Prompt,
    /// `RECV FROM:<ip>:<port>` (QISHOWRA=1): the source of the payload that follows.
    RecvFrom(String),
    /// A counted payload, complete.
    Payload { kind: PayloadKind, data: Vec<u8> },
    /// Any other text line (information response or URC), without terminators.
    Line(Vec<u8>),
    /// Opaque bytes: data mode (transparent) or bytes announced with [`Tokenizer::expect_raw`].
    Raw(Vec<u8>),
}

/// An unsolicited result code, recognised by [`classify_urc`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Urc {
    /// `+QIRDI: <id>,<sc>,<sid>[,<num>,<len>,<tlen>]`
    Qirdi(Vec<u32>),
    /// `CLOSED` or `<i>, CLOSED`
    Closed {
        index: Option<u8>,
    },
    /// `+PDP DEACT`
    PdpDeact,
    /// `+CREG: ...` / `+CGREG: ...` (the raw text after the colon)
    Creg(String),
    Cgreg(String),
    /// `+CPIN: <state>`
    Cpin(String),
    /// `+CFUN: <n>`
    Cfun(String),
    Rdy,
    CallReady,
    SmsReady,
    /// `NORMAL POWER DOWN`, `UNDER_VOLTAGE POWER DOWN`, ...
    PowerDown(String),
    /// What the network makes a registered module say on its own, of no concern to a TCP/IP
    /// client: `+QNITZ:` (network time), `+CTZV:`, `+CMTI:` / `+CDSI:` (an SMS stored),
    /// `RING`, `+CRING:`, `+CLIP:` (the whole line). Recognised so that it is never taken for
    /// a command's information line (issue 18).
    Network(String),
    /// ctx `+QIURC: "recv",<id>[,<len>]`: data waits in socket `id` (buffer mode; the length
    /// only with `QICFG="recvind",1`, and no bytes follow).
    SocketData {
        id: u8,
        len: Option<u32>,
    },
    /// ctx `+QIURC: "closed",<id>`: the peer or the network closed socket `id`.
    SocketClosed {
        id: u8,
    },
    /// ctx `+QIURC: "pdpdeact",<cid>`: the network deactivated context `cid`.
    ContextDeact {
        cid: u8,
    },
    /// ctx `+QIOPEN: <id>,<err>` outside the QIOPEN that asked for it (late): 0 is success.
    OpenResult {
        id: u8,
        err: u32,
    },
    /// ctx `APP RDY`: the module's application layer is up (after `RDY`).
    AppRdy,
    /// `+CEREG: ...` (the raw text after the colon).
    Cereg(String),
    /// A QI result outside the command it answers (a `CONNECT OK` after QIOPEN's deadline, a
    /// `CLOSE OK` after QICLOSE's): the session makes it a URC instead of dropping it or taking
    /// it for a response line (issue 18). Not from [`classify_urc`]: results are their own
    /// tokens.
    Late {
        index: Option<u8>,
        result: QiResult,
    },
}

/// Recognise a URC by its text. Lines such as `+CREG: 0,1` are also the information response
/// of `AT+CREG?`: the session asks this only for lines the command in flight does not expect.
///
/// Leading and trailing ASCII whitespace of the line is ignored.
pub fn classify_urc(line: &[u8]) -> Option<Urc> {
    let line = line.trim_ascii();
    let rest_of = |prefix: &[u8]| line.strip_prefix(prefix).map(lossy_trim);
    if let Some(rest) = line.strip_prefix(b"+QIRDI:") {
        return parse_qirdi(rest).map(Urc::Qirdi);
    }
    if line == b"CLOSED" {
        return Some(Urc::Closed { index: None });
    }
    if let Some((index, rest)) = split_index(line) {
        if rest == b"CLOSED" {
            return Some(Urc::Closed { index: Some(index) });
        }
    }
    if line == b"+PDP DEACT" {
        return Some(Urc::PdpDeact);
    }
    if let Some(rest) = line.strip_prefix(b"+QIURC:") {
        return parse_qiurc(rest.trim_ascii());
    }
    if let Some(rest) = line.strip_prefix(b"+QIOPEN:") {
        // `+QIOPEN: <id>,<err>`; the test answer `+QIOPEN: (1-16),...` is no URC.
        let mut f = rest.split(|&b| b == b',').map(|f| parse_u32(f.trim_ascii()));
        if let (Some(Some(id)), Some(Some(err)), None) = (f.next(), f.next(), f.next()) {
            return Some(Urc::OpenResult {
                id: u8::try_from(id).ok()?,
                err,
            });
        }
        return None;
    }
    if let Some(rest) = rest_of(b"+CEREG:") {
        return Some(Urc::Cereg(rest));
    }
    if let Some(rest) = rest_of(b"+CREG:") {
        return Some(Urc::Creg(rest));
    }
    if let Some(rest) = rest_of(b"+CGREG:") {
        return Some(Urc::Cgreg(rest));
    }
    if let Some(rest) = rest_of(b"+CPIN:") {
        return Some(Urc::Cpin(rest));
    }
    if let Some(rest) = rest_of(b"+CFUN:") {
        return Some(Urc::Cfun(rest));
    }
    match line {
        b"RDY" => return Some(Urc::Rdy),
        b"APP RDY" => return Some(Urc::AppRdy),
        b"Call Ready" => return Some(Urc::CallReady),
        b"SMS Ready" => return Some(Urc::SmsReady),
        _ => {}
    }
    if line.ends_with(b" POWER DOWN") {
        return Some(Urc::PowerDown(String::from_utf8_lossy(line).into_owned()));
    }
    const NETWORK: [&[u8]; 6] = [b"+QNITZ:", b"+CTZV:", b"+CMTI:", b"+CDSI:", b"+CRING:", b"+CLIP:"];
    if line == b"RING" || NETWORK.iter().any(|p| line.starts_with(p)) {
        return Some(Urc::Network(String::from_utf8_lossy(line).into_owned()));
    }
    None
}

/// Whether a `+CREG:` / `+CGREG:` line is the URC form (`+CREG: <stat>` or `+CREG:
/// <stat>,"<lac>","<ci>"`), not the read form (`+CREG: <n>,<stat>[,...]`, whose second field is
/// a bare number): a `+CREG: 1` that comes just before the answer to `AT+CREG?` is not that
/// answer (issue 18).
pub fn is_registration_urc(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    let Some(rest) = line
        .strip_prefix(b"+CREG:")
        .or_else(|| line.strip_prefix(b"+CGREG:"))
    else {
        return false;
    };
    match rest.split(|&b| b == b',').nth(1) {
        None => true,
        Some(second) => parse_u32(second.trim_ascii()).is_none(),
    }
}

/// `"recv",<id>[,<len>]`, `"closed",<id>`, `"pdpdeact",<cid>` (other `+QIURC` kinds: `None`).
fn parse_qiurc(rest: &[u8]) -> Option<Urc> {
    let mut f = rest.split(|&b| b == b',').map(<[u8]>::trim_ascii);
    let kind = f.next()?;
    let n = |x: Option<&[u8]>| x.and_then(parse_u32);
    let id = u8::try_from(n(f.next())?).ok()?;
    match kind {
        b"\"recv\"" => Some(Urc::SocketData { id, len: n(f.next()) }),
        b"\"closed\"" => Some(Urc::SocketClosed { id }),
        b"\"pdpdeact\"" => Some(Urc::ContextDeact { cid: id }),
        _ => None,
    }
}

/// Parse the fields after `+QIRDI:` (`<id>,<sc>,<sid>[,<num>,<len>,<tlen>]`, spaces tolerated).
/// Three to six unsigned integers; anything else is `None`.
pub fn parse_qirdi(fields: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(6);
    for field in fields.split(|&b| b == b',') {
        out.push(parse_u32(field.trim_ascii())?);
    }
    (3..=6).contains(&out.len()).then_some(out)
}

/// Longest `IPD<n>[TCP|UDP]:` header: `IPD` + 6 digits + protocol + colon.
const MAX_IPD_DIGITS: usize = 6;

impl Token {
    /// The text of a [`Token::Line`], if this is one.
    pub fn as_line(&self) -> Option<&[u8]> {
        match self {
            Token::Line(l) => Some(l),
            _ => None,
        }
    }

    /// `Some(urc)` when this is a [`Token::Line`] that [`classify_urc`] recognises.
    pub fn urc(&self) -> Option<Urc> {
        self.as_line().and_then(classify_urc)
    }
}

/// Where the tokenizer stands in the byte stream.
#[derive(Debug, Default)]
enum State {
    /// At the start of a line (stream start, after a terminator, a prompt or a payload).
    /// `buf` may hold an ambiguous prefix: `>` (prompt?) or a partial `IPD<n>...:` header.
    #[default]
    Start,
    /// Inside an ordinary line, collected in `buf` (at most [`MAX_LINE`] bytes).
    Line,
    /// Dropping the rest of an over-long line up to its terminator.
    Skip,
    /// A payload header line ended with CR: a following LF belongs to its terminator.
    PayloadLf { kind: PayloadKind, need: usize },
    /// Collecting `need` payload bytes (`data` holds those received so far).
    Payload {
        kind: PayloadKind,
        need: usize,
        data: Vec<u8>,
    },
}

/// The tokenizer state machine.
///
/// Memory is bounded: a partial line holds at most [`MAX_LINE`] bytes, a partial payload at
/// most [`MAX_PAYLOAD`]. A line longer than [`MAX_LINE`] is emitted as a [`Token::Line`] of its
/// first [`MAX_LINE`] bytes (unclassified) as soon as the next byte arrives, and the rest of it,
/// up to its terminator, is dropped.
///
/// `IPD<n>[TCP|UDP]:` and the `> ` prompt are recognised only at the start of a line.
#[derive(Debug, Default)]
pub struct Tokenizer {
    state: State,
    /// The partial line (or ambiguous line-start prefix).
    buf: Vec<u8>,
    /// Bytes still to emit as [`Token::Raw`] (see [`Tokenizer::expect_raw`]).
    raw_left: usize,
    data_mode: bool,
    /// Bytes held back when data mode was switched on, emitted as `Raw` by the next `feed`.
    flushed: Vec<u8>,
    connect_data_mode: bool,
    /// `CONNECT` ended with CR and switched data mode on: one LF right after it belongs to the
    /// line terminator, not to the data.
    connect_lf: bool,
    /// A ctx `+QIRD: <n>` line announces `n` payload bytes (see [`Tokenizer::set_counted_read`]).
    counted_read: bool,
    /// ctx sockets (bit per id) whose `+QIURC: "recv",<id>,<len>` carries `len` bytes.
    push_sockets: u16,
}

/// How a complete line is classified.
enum Classified {
    Token(Token),
    /// A counted-payload header announcing `n` bytes.
    Header(PayloadKind, usize),
}

impl Tokenizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed a chunk; complete tokens are appended to `out`. Never panics, on any input.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Token>) {
        let mut input = bytes;
        if !self.flushed.is_empty() {
            let mut raw = std::mem::take(&mut self.flushed);
            if self.data_mode {
                raw.extend_from_slice(input);
                out.push(Token::Raw(raw));
                return;
            }
            out.push(Token::Raw(raw));
        }
        while !input.is_empty() {
            if self.data_mode {
                if std::mem::take(&mut self.connect_lf) && input[0] == b'\n' {
                    input = &input[1..];
                    continue;
                }
                out.push(Token::Raw(input.to_vec()));
                return;
            }
            if self.raw_left > 0 {
                let k = self.raw_left.min(input.len());
                out.push(Token::Raw(input[..k].to_vec()));
                self.raw_left -= k;
                input = &input[k..];
                continue;
            }
            let used = self.step(input, out);
            input = &input[used..];
        }
    }

    /// The next `n` bytes are opaque (e.g. the module echoing QISEND payload): emit them as
    /// [`Token::Raw`] whatever they contain.
    ///
    /// They are emitted piecewise, as they arrive. The count starts at the next byte fed; a
    /// partial line held back at the time (normally there is none: call this at a line
    /// boundary) stays held and resumes after the raw bytes. A second call replaces the count.
    pub fn expect_raw(&mut self, n: usize) {
        self.raw_left = n;
    }

    /// Data mode (transparent): every byte is [`Token::Raw`] until switched off.
    ///
    /// Switching on: any bytes held back (a partial line, an ambiguous `IPD`/`>` prefix, the
    /// part of a payload received so far) are not lost: they are emitted as `Raw` at the head
    /// of the next [`feed`](Tokenizer::feed), and the pending payload or
    /// [`expect_raw`](Tokenizer::expect_raw) count is dropped. Switching off: tokenizing resumes at the start of a line.
    ///
    /// Bytes that arrive in the same chunk right after `CONNECT` would be tokenized before the
    /// session could switch; [`set_data_mode_on_connect`](Tokenizer::set_data_mode_on_connect)
    /// makes the tokenizer switch by itself instead.
    pub fn set_data_mode(&mut self, on: bool) {
        if on && !self.data_mode {
            let state = std::mem::take(&mut self.state);
            self.flushed.append(&mut self.buf);
            if let State::Payload { mut data, .. } = state {
                self.flushed.append(&mut data);
            }
            self.raw_left = 0;
        } else if !on && self.data_mode {
            self.state = State::Start;
            self.connect_lf = false;
        }
        self.data_mode = on;
    }

    /// When on, a bare `CONNECT` line (transparent mode) switches data mode on right after its
    /// terminator, within the same `feed`, so no data byte that follows in the same chunk is
    /// tokenized as text. Off by default.
    pub fn set_data_mode_on_connect(&mut self, on: bool) {
        self.connect_data_mode = on;
    }

    /// What a ctx `+QIRD:` line announces, as the session knows from the command in flight:
    /// on for `AT+QIRD=<id>,<len>` with `len` > 0 (`+QIRD: <n>` then `n` bytes), off otherwise
    /// (after `AT+QIRD=<id>,0` the line holds counters, `+QIRD: <total>,<read>,<unread>`, and is
    /// a plain line). The QI form `+QIRD: <ip>:<port>,<TCP|UDP>,<n>` is a header either way.
    pub fn set_counted_read(&mut self, on: bool) {
        self.counted_read = on;
    }

    /// Whether ctx socket `id` is in direct-push mode: then `+QIURC: "recv",<id>,<len>` is
    /// followed by `len` payload bytes; otherwise it is a URC (buffer mode, `recvind`) and no
    /// bytes follow. Ids above 15 are never push sockets.
    pub fn set_push_socket(&mut self, id: u8, on: bool) {
        if id < 16 {
            let bit = 1u16 << id;
            if on {
                self.push_sockets |= bit;
            } else {
                self.push_sockets &= !bit;
            }
        }
    }

    /// Whether data mode is on (set by [`set_data_mode`](Tokenizer::set_data_mode) or by a
    /// `CONNECT` with [`set_data_mode_on_connect`](Tokenizer::set_data_mode_on_connect)).
    pub fn data_mode(&self) -> bool {
        self.data_mode
    }

    /// Bytes still to come as [`Token::Raw`] from [`expect_raw`](Tokenizer::expect_raw).
    pub fn raw_remaining(&self) -> usize {
        self.raw_left
    }

    /// Bytes held back waiting for more input (a partial line or payload), for diagnostics.
    /// Never more than [`MAX_LINE`] + [`MAX_PAYLOAD`].
    pub fn pending(&self) -> usize {
        let payload = match &self.state {
            State::Payload { data, .. } => data.len(),
            _ => 0,
        };
        self.buf.len() + payload + self.flushed.len()
    }

    /// Handle the head of `input` in the current state; returns the bytes consumed. Returns 0
    /// only after changing to a state that will consume.
    fn step(&mut self, input: &[u8], out: &mut Vec<Token>) -> usize {
        match &mut self.state {
            State::Start => self.step_start(input, out),
            State::Line => self.step_line(input, out),
            State::Skip => match find_eol(input) {
                Some(i) => {
                    self.state = State::Start;
                    i + 1
                }
                None => input.len(),
            },
            State::PayloadLf { .. } => {
                let State::PayloadLf { kind, need } = std::mem::take(&mut self.state) else {
                    unreachable!()
                };
                self.state = State::Payload {
                    kind,
                    need,
                    data: Vec::new(),
                };
                usize::from(input[0] == b'\n')
            }
            State::Payload { need, data, .. } => {
                let k = (*need - data.len()).min(input.len());
                if data.is_empty() && k == *need {
                    // The whole payload is in this chunk: one copy, no intermediate buffer.
                    let State::Payload { kind, .. } = std::mem::take(&mut self.state) else {
                        unreachable!()
                    };
                    out.push(Token::Payload {
                        kind,
                        data: input[..k].to_vec(),
                    });
                    return k;
                }
                if data.capacity() == 0 {
                    data.reserve_exact(*need);
                }
                data.extend_from_slice(&input[..k]);
                if data.len() == *need {
                    let State::Payload { kind, data, .. } = std::mem::take(&mut self.state) else {
                        unreachable!()
                    };
                    out.push(Token::Payload { kind, data });
                }
                k
            }
        }
    }

    fn step_start(&mut self, input: &[u8], out: &mut Vec<Token>) -> usize {
        let b = input[0];
        match self.buf.first() {
            None => match b {
                b'\r' | b'\n' => input
                    .iter()
                    .position(|&c| c != b'\r' && c != b'\n')
                    .unwrap_or(input.len()),
                b'>' | b'I' => {
                    self.buf.push(b);
                    1
                }
                _ => {
                    self.state = State::Line;
                    0
                }
            },
            Some(b'>') => {
                if b == b' ' {
                    self.buf.clear();
                    out.push(Token::Prompt);
                    1
                } else {
                    self.state = State::Line;
                    0
                }
            }
            Some(_) => {
                // A partial `IPD...` header.
                if b == b'\r' || b == b'\n' {
                    self.state = State::Line;
                    return 0;
                }
                self.buf.push(b);
                match ipd_status(&self.buf) {
                    Ipd::Prefix => {}
                    Ipd::No => self.state = State::Line,
                    Ipd::Match(n, proto) => {
                        self.buf.clear();
                        self.begin_payload(PayloadKind::Ipd { proto }, n, false, out);
                    }
                }
                1
            }
        }
    }

    fn step_line(&mut self, input: &[u8], out: &mut Vec<Token>) -> usize {
        let room = MAX_LINE - self.buf.len();
        let eol = find_eol(input);
        match eol {
            Some(i) if i <= room => {
                self.buf.extend_from_slice(&input[..i]);
                self.end_line(input[i] == b'\r', out);
                i + 1
            }
            _ if eol.is_none() && input.len() <= room => {
                self.buf.extend_from_slice(input);
                input.len()
            }
            _ => {
                // Over-long: keep the first MAX_LINE bytes, drop the rest of the line.
                self.buf.extend_from_slice(&input[..room]);
                out.push(Token::Line(std::mem::take(&mut self.buf)));
                self.state = State::Skip;
                room
            }
        }
    }

    /// The line in `buf` got its terminator (`cr`: it was a CR).
    fn end_line(&mut self, cr: bool, out: &mut Vec<Token>) {
        self.state = State::Start;
        if self.buf.is_empty() {
            return;
        }
        let line = std::mem::take(&mut self.buf);
        match classify_line(line, self.counted_read, self.push_sockets) {
            Classified::Token(t) => {
                let connect = matches!(
                    t,
                    Token::Qi {
                        index: None,
                        result: QiResult::Connect
                    }
                );
                out.push(t);
                if connect && self.connect_data_mode {
                    self.data_mode = true;
                    self.connect_lf = cr;
                }
            }
            Classified::Header(kind, n) => self.begin_payload(kind, n, cr, out),
        }
    }

    fn begin_payload(&mut self, kind: PayloadKind, need: usize, cr: bool, out: &mut Vec<Token>) {
        if need == 0 {
            // A LF after a CR would be an empty line: skipped anyway.
            out.push(Token::Payload {
                kind,
                data: Vec::new(),
            });
        } else if cr {
            self.state = State::PayloadLf { kind, need };
        } else {
            self.state = State::Payload {
                kind,
                need,
                data: Vec::new(),
            };
        }
    }
}

fn find_eol(input: &[u8]) -> Option<usize> {
    input.iter().position(|&b| b == b'\r' || b == b'\n')
}

enum Ipd {
    Prefix,
    No,
    Match(usize, Option<String>),
}

/// Match `buf` against `IPD<n>[TCP|UDP]:`.
fn ipd_status(buf: &[u8]) -> Ipd {
    const HEAD: &[u8] = b"IPD";
    if buf.len() <= HEAD.len() {
        return if HEAD.starts_with(buf) {
            Ipd::Prefix
        } else {
            Ipd::No
        };
    }
    let Some(rest) = buf.strip_prefix(HEAD) else {
        return Ipd::No;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > MAX_IPD_DIGITS {
        return Ipd::No;
    }
    let after = &rest[digits..];
    if after.is_empty() {
        return Ipd::Prefix;
    }
    if digits == 0 {
        return Ipd::No;
    }
    let n = match parse_len(&rest[..digits]) {
        Some(n) => n,
        None => return Ipd::No,
    };
    if after == b":" {
        return Ipd::Match(n, None);
    }
    for proto in ["TCP", "UDP"] {
        let p = proto.as_bytes();
        if after.len() <= p.len() {
            if p.starts_with(after) {
                return Ipd::Prefix;
            }
        } else if after.len() == p.len() + 1 && after.starts_with(p) && after[p.len()] == b':' {
            return Ipd::Match(n, Some(proto.to_string()));
        }
    }
    Ipd::No
}

/// Classify a complete, non-empty line (without terminator). `counted_read`, `push_sockets`:
/// what the session says ctx `+QIRD:` and `+QIURC: "recv"` lines announce.
fn classify_line(line: Vec<u8>, counted_read: bool, push_sockets: u16) -> Classified {
    let t = |t| Classified::Token(t);
    if line.len() >= 2
        && line[0].eq_ignore_ascii_case(&b'A')
        && (line[1].eq_ignore_ascii_case(&b'T') || line[1] == b'/')
    {
        return t(Token::Echo(line));
    }
    match line.as_slice() {
        b"OK" => return t(Token::Final(Final::Ok)),
        b"ERROR" => return t(Token::Final(Final::Error)),
        _ => {}
    }
    if let Some(rest) = line.strip_prefix(b"+CME ERROR:") {
        return t(Token::Final(Final::CmeError(lossy_trim(rest))));
    }
    if let Some(rest) = line.strip_prefix(b"+CMS ERROR:") {
        return t(Token::Final(Final::CmsError(lossy_trim(rest))));
    }
    if let Some(result) = qi_result(&line) {
        return t(Token::Qi { index: None, result });
    }
    if let Some((index, rest)) = split_index(&line) {
        if let Some(
            result @ (QiResult::ConnectOk
            | QiResult::ConnectFail
            | QiResult::CloseOk
            | QiResult::AlreadyConnect
            // Multi-connection send results name the connection (`2, SEND OK` on a GC65
            // [LOG], module.md correction 6).
            | QiResult::SendOk
            | QiResult::SendFail),
        ) = qi_result(rest)
        {
            return t(Token::Qi {
                index: Some(index),
                result,
            });
        }
    }
    if let Some(rest) = line.strip_prefix(b"RECV FROM:") {
        return t(Token::RecvFrom(lossy_trim(rest)));
    }
    if let Some(rest) = line.strip_prefix(b"+QIRD:") {
        if let Some((kind, n)) = parse_qird(rest) {
            return Classified::Header(kind, n);
        }
        if counted_read {
            if let Some((peer, n)) = parse_counted(rest) {
                return Classified::Header(PayloadKind::Read { peer }, n);
            }
        }
    } else if let Some(rest) = line.strip_prefix(b"+QIURC:") {
        if push_sockets != 0 {
            if let Some((id, peer, n)) = parse_push(rest) {
                if id < 16 && push_sockets & (1 << id) != 0 {
                    return Classified::Header(PayloadKind::Push { id, peer }, n);
                }
            }
        }
    } else if let Some(rest) = line.strip_prefix(b"+RECEIVE:") {
        if let Some((kind, n)) = parse_receive(rest) {
            return Classified::Header(kind, n);
        }
    }
    t(Token::Line(line))
}

fn qi_result(s: &[u8]) -> Option<QiResult> {
    Some(match s {
        b"CLOSE OK" => QiResult::CloseOk,
        b"DEACT OK" => QiResult::DeactOk,
        b"SEND OK" => QiResult::SendOk,
        b"SEND FAIL" => QiResult::SendFail,
        b"CONNECT OK" => QiResult::ConnectOk,
        b"CONNECT FAIL" => QiResult::ConnectFail,
        b"ALREADY CONNECT" => QiResult::AlreadyConnect,
        b"CONNECT" => QiResult::Connect,
        _ => return None,
    })
}

/// `<d>,<spaces><rest>` with a single digit `d`.
fn split_index(line: &[u8]) -> Option<(u8, &[u8])> {
    match line {
        [d @ b'0'..=b'9', b',', rest @ ..] => Some((d - b'0', rest.trim_ascii_start())),
        _ => None,
    }
}

/// `<ip>:<port>,<TCP|UDP>,<n>` (spaces around fields tolerated).
fn parse_qird(rest: &[u8]) -> Option<(PayloadKind, usize)> {
    let mut fields = rest.rsplitn(3, |&b| b == b',');
    let n = parse_len(fields.next()?.trim_ascii())?;
    let proto = fields.next()?.trim_ascii();
    let addr = fields.next()?.trim_ascii();
    if !(proto == b"TCP" || proto == b"UDP") || addr.is_empty() {
        return None;
    }
    let kind = PayloadKind::Qird {
        addr: String::from_utf8_lossy(addr).into_owned(),
        proto: String::from_utf8_lossy(proto).into_owned(),
    };
    Some((kind, n))
}

/// ctx `<n>` or `<n>,"<ip>",<port>` (UDP service): the length and the peer.
fn parse_counted(rest: &[u8]) -> Option<(Option<String>, usize)> {
    let mut f = rest.splitn(2, |&b| b == b',');
    let n = parse_len(f.next()?.trim_ascii())?;
    let peer = match f.next() {
        None => None,
        Some(p) => Some(parse_peer(p)?),
    };
    Some((peer, n))
}

/// `"<ip>",<port>` as `ip:port`.
fn parse_peer(p: &[u8]) -> Option<String> {
    let mut f = p.split(|&b| b == b',').map(<[u8]>::trim_ascii);
    let ip = f.next()?.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    let port = parse_u32(f.next()?)?;
    if f.next().is_some() || ip.is_empty() || port > 65_535 {
        return None;
    }
    Some(format!("{}:{port}", String::from_utf8_lossy(ip)))
}

/// ctx direct push `"recv",<id>,<len>[,"<ip>",<port>]`.
fn parse_push(rest: &[u8]) -> Option<(u8, Option<String>, usize)> {
    let rest = rest.trim_ascii().strip_prefix(b"\"recv\",")?;
    let mut f = rest.splitn(3, |&b| b == b',');
    let id = u8::try_from(parse_u32(f.next()?.trim_ascii())?).ok()?;
    let n = parse_len(f.next()?.trim_ascii())?;
    let peer = match f.next() {
        None => None,
        Some(p) => Some(parse_peer(p)?),
    };
    Some((id, peer, n))
}

/// `<i>, <n>` or `<i>,<n>`.
fn parse_receive(rest: &[u8]) -> Option<(PayloadKind, usize)> {
    let (i, n) = rest.split_at(rest.iter().position(|&b| b == b',')?);
    let index = u8::try_from(parse_u32(i.trim_ascii())?).ok()?;
    let n = parse_len(n[1..].trim_ascii())?;
    Some((PayloadKind::Receive { index }, n))
}

/// A payload length: decimal digits only, at most [`MAX_PAYLOAD`].
fn parse_len(s: &[u8]) -> Option<usize> {
    let n = parse_u32(s)?;
    usize::try_from(n).ok().filter(|&n| n <= MAX_PAYLOAD)
}

/// Decimal digits only (no sign, no spaces), no overflow.
fn parse_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 10 {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u32::from(d))
    })
}

fn lossy_trim(s: &[u8]) -> String {
    String::from_utf8_lossy(s.trim_ascii()).into_owned()
}
