//! The AT command grammar, as a module's parser reads a command line: the text after `AT` split
//! into commands (basic `E0`, `&W`, extended `+X`, `+X?`, `+X=?`, `+X=...`), and parameter lists
//! split into values. Pure functions, no engine state.

/// One parameter of a write command: its text and whether it was double-quoted.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Param {
    pub(super) s: String,
    pub(super) quoted: bool,
}

/// The form of one command.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `AT+X`
    Exec,
    /// `AT+X?`
    Read,
    /// `AT+X=?`
    Test,
    /// `AT+X=<text>` (and a basic command's digits: `E0` is `Write("0")`)
    Write(String),
}

/// The text of `+CME ERROR: <n>` with AT+CMEE=2.
pub(super) fn cme_text(n: u16) -> &'static str {
    match n {
        3 => "operation not allowed",
        4 => "operation not supported",
        10 => "SIM not inserted",
        11 => "SIM PIN required",
        12 => "SIM PUK required",
        13 => "SIM failure",
        14 => "SIM busy",
        30 => "no network service",
        107 => "GPRS services not allowed",
        _ => "unknown",
    }
}

pub(super) fn split_params(b: &str) -> Option<Vec<Param>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut inq = false;
    for c in b.chars() {
        if inq {
            if c == '"' {
                inq = false;
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            if quoted || !cur.trim().is_empty() {
                return None;
            }
            cur.clear();
            inq = true;
            quoted = true;
        } else if c == ',' {
            out.push(Param {
                s: if quoted {
                    std::mem::take(&mut cur)
                } else {
                    cur.trim().to_string()
                },
                quoted,
            });
            cur.clear();
            quoted = false;
        } else if quoted {
            if !c.is_whitespace() {
                return None;
            }
        } else {
            cur.push(c);
        }
    }
    if inq {
        return None;
    }
    out.push(Param {
        s: if quoted { cur } else { cur.trim().to_string() },
        quoted,
    });
    Some(out)
}

pub(super) fn pint(p: &Param) -> Option<i64> {
    if p.quoted || p.s.is_empty() || p.s.len() > 12 || !p.s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    p.s.parse().ok()
}

pub(super) fn port_of(p: &Param) -> Option<u16> {
    let s = p.s.trim();
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match s.parse::<u32>() {
        Ok(v) if (1..=65535).contains(&v) => Some(v as u16),
        _ => None,
    }
}

pub(super) trait FromI64 {
    fn from_i64(v: i64) -> Self;
}

impl FromI64 for bool {
    fn from_i64(v: i64) -> Self {
        v != 0
    }
}

impl FromI64 for u8 {
    fn from_i64(v: i64) -> Self {
        v.clamp(0, 255) as u8
    }
}

/// Split the text after `AT` into commands: (canonical upper-case name, kind).
pub(super) fn parse_commands(s: &str) -> Option<Vec<(String, Kind)>> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c == ';' || c == ' ' {
            i += 1;
            continue;
        }
        if c == '+' || c == '$' || c == '^' || c == '#' {
            let st = i;
            i += 1;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == st + 1 {
                return None;
            }
            let name: String = b[st..i].iter().collect::<String>().to_ascii_uppercase();
            let kind = if i + 1 < b.len() && b[i] == '=' && b[i + 1] == '?' {
                i += 2;
                Kind::Test
            } else if i < b.len() && b[i] == '=' {
                i += 1;
                let st = i;
                let mut inq = false;
                while i < b.len() {
                    let ch = b[i];
                    if ch == '"' {
                        inq = !inq;
                    } else if !inq
                        && (ch == ';' || (ch == '&' && i + 1 < b.len() && b[i + 1].is_ascii_alphabetic()))
                    {
                        break;
                    }
                    i += 1;
                }
                Kind::Write(b[st..i].iter().collect())
            } else if i < b.len() && b[i] == '?' {
                i += 1;
                Kind::Read
            } else {
                Kind::Exec
            };
            out.push((name, kind));
            continue;
        }
        if c == '&' {
            if i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
                return None;
            }
            let name = format!("&{}", b[i + 1].to_ascii_uppercase());
            i += 2;
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push((name, Kind::Write(b[st..i].iter().collect())));
            continue;
        }
        if c.is_ascii_alphabetic() {
            let name = c.to_ascii_uppercase().to_string();
            i += 1;
            if !matches!(name.as_str(), "E" | "V" | "Q" | "Z" | "I" | "O" | "X" | "H") {
                return None;
            }
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = b[st..i].iter().collect();
            if digits.len() > 3 {
                return None;
            }
            out.push((name, Kind::Write(digits)));
            continue;
        }
        return None;
    }
    if out.is_empty() {
        out.push((String::new(), Kind::Exec));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<(String, Kind)> {
        parse_commands(s).expect("parses")
    }

    #[test]
    fn basic_and_extended_commands_chain() {
        assert_eq!(
            names("E0V1+CMEE=2;+CPIN?"),
            vec![
                ("E".into(), Kind::Write("0".into())),
                ("V".into(), Kind::Write("1".into())),
                ("+CMEE".into(), Kind::Write("2".into())),
                ("+CPIN".into(), Kind::Read),
            ]
        );
        assert_eq!(
            names("+IPR=115200&W"),
            vec![
                ("+IPR".into(), Kind::Write("115200".into())),
                ("&W".into(), Kind::Write(String::new()))
            ]
        );
        assert_eq!(names("+qiopen=?"), vec![("+QIOPEN".into(), Kind::Test)]);
        assert_eq!(names("+QIACT"), vec![("+QIACT".into(), Kind::Exec)]);
        assert_eq!(names(""), vec![(String::new(), Kind::Exec)]);
    }

    #[test]
    fn write_text_keeps_quoted_separators() {
        assert_eq!(
            names("+QICSGP=1,\"a;b&c\""),
            vec![("+QICSGP".into(), Kind::Write("1,\"a;b&c\"".into()))]
        );
    }

    #[test]
    fn rejects_what_a_module_rejects() {
        assert!(parse_commands("+").is_none());
        assert!(parse_commands("&").is_none());
        assert!(parse_commands("Y").is_none());
        assert!(parse_commands("E1234").is_none());
        assert!(parse_commands("!").is_none());
    }

    #[test]
    fn parameters_quoted_and_spaced() {
        let p = split_params("1, \"CMNET\" ,x").unwrap();
        assert_eq!(
            p,
            vec![
                Param {
                    s: "1".into(),
                    quoted: false
                },
                Param {
                    s: "CMNET".into(),
                    quoted: true
                },
                Param {
                    s: "x".into(),
                    quoted: false
                },
            ]
        );
        assert!(split_params("\"open").is_none());
        assert!(split_params("a\"b\"").is_none());
        assert!(split_params("\"a\"b").is_none());
        assert_eq!(pint(&p[0]), Some(1));
        assert_eq!(pint(&p[1]), None);
        assert_eq!(
            port_of(&Param {
                s: "8080".into(),
                quoted: true
            }),
            Some(8080)
        );
        assert_eq!(
            port_of(&Param {
                s: "0".into(),
                quoted: false
            }),
            None
        );
        assert_eq!(
            port_of(&Param {
                s: "65536".into(),
                quoted: false
            }),
            None
        );
    }
}
