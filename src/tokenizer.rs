//! The module's byte stream as tokens: pure, no I/O, no clock, fed arbitrary chunks.
//!
//! Lines end at CR or LF (empty lines are skipped); the `> ` prompt stands without a line end;
//! counted payloads (`+QIRD:` records, `+RECEIVE: i, n`, `IPD<n>[TCP|UDP]:`) are taken by
//! count, so payload bytes never reach a line matcher. Whether a text line is a URC or part of
//! a response is decided by the session (which knows the command in flight): see [`classify_urc`].

/// Largest counted payload accepted; a header announcing more is treated as a plain line, so a
/// garbled length can never make the tokenizer buffer without bound.
pub const MAX_PAYLOAD: usize = 65_536;

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
    Closed { index: Option<u8> },
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
}

/// Recognise a URC by its text. Lines such as `+CREG: 0,1` are also the information response
/// of `AT+CREG?`: the session asks this only for lines the command in flight does not expect.
pub fn classify_urc(_line: &[u8]) -> Option<Urc> {
    todo!()
}

/// The tokenizer state machine.
#[derive(Debug, Default)]
pub struct Tokenizer {}

impl Tokenizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed a chunk; complete tokens are appended to `out`. Never panics, on any input.
    pub fn feed(&mut self, _bytes: &[u8], _out: &mut Vec<Token>) {
        todo!()
    }

    /// The next `n` bytes are opaque (e.g. the module echoing QISEND payload): emit them as
    /// [`Token::Raw`] whatever they contain.
    pub fn expect_raw(&mut self, _n: usize) {
        todo!()
    }

    /// Data mode (transparent): every byte is [`Token::Raw`] until switched off.
    pub fn set_data_mode(&mut self, _on: bool) {
        todo!()
    }

    /// Bytes held back waiting for more input (a partial line or payload), for diagnostics.
    pub fn pending(&self) -> usize {
        todo!()
    }
}
