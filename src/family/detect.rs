//! Which family a module is: `--dialect auto|qi|ctx` (`QTCP_DIALECT`); auto reads the model
//! (`ATI` line 2, else `AT+CGMM`, else the revision's prefix; research §3.1), and a module the
//! table does not place answers `AT+QIGETERROR` (the ctx family does, the QI family answers
//! `ERROR`; §3.2). NB-IoT modules (BC66, BC95, BC660K) speak a third variant qtcp does not
//! drive: refused unless a family is forced.

use super::ctx::CTX_FAMILY;
use super::qi::QI_FAMILY;
use super::Family;
use crate::command::At;
use crate::error::{Error, Result};
use crate::session::Session;

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    #[default]
    Auto,
    Qi,
    Ctx,
}

impl Choice {
    /// `auto`, `qi`, `ctx` (the value of `--dialect` / `QTCP_DIALECT`).
    pub fn parse(s: &str) -> Option<Choice> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Choice::Auto),
            "qi" => Some(Choice::Qi),
            "ctx" => Some(Choice::Ctx),
            _ => None,
        }
    }
}

/// What a model string says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Qi,
    Ctx,
    /// BC66, BC95, BC660K: new-style QIOPEN but `CLOSE OK`, other URCs [CODE RN].
    NbIot,
    Unknown,
}

/// Place a model string (`ATI` line 2 or `AT+CGMM`): research §3.1.
pub fn model_kind(model: &str) -> ModelKind {
    let m = model.trim();
    let bare = m.strip_prefix("Quectel_").unwrap_or(m).to_ascii_uppercase();
    const QI: &[&str] = &["M95", "MC60", "M66", "M26", "M35", "M72", "M85", "MC20"];
    const CTX: &[&str] = &[
        "BG96", "BG95", "BG77", "BG600L", "EC21", "EC25", "EG91", "EG21", "EG25", "EG95", "EC200", "EG915U",
        "EG912Y", "EC600N", "EC800", "UG96", "UG95", "UC20",
    ];
    const NB: &[&str] = &["BC66", "BC660K", "BC95"];
    let is = |names: &[&str]| {
        names.iter().any(|n| {
            // A name, then the end or a variant suffix (`BG95-M3`, `EC200U-CN`, `EC25E`).
            bare.strip_prefix(n)
                .is_some_and(|rest| rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit()))
        })
    };
    if is(NB) {
        ModelKind::NbIot
    } else if is(QI) {
        ModelKind::Qi
    } else if is(CTX) {
        ModelKind::Ctx
    } else {
        ModelKind::Unknown
    }
}

/// The model from `ATI`'s lines: the line after the manufacturer, else the model the revision
/// starts with (`Revision: BG96MAR02A07M1G`).
pub fn model_from_ati(lines: &[String]) -> Option<String> {
    let mut it = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let first = it.next()?;
    let mut rest = it.filter(|l| !l.starts_with("Revision"));
    if let Some(m) = rest.next() {
        return Some(m.to_string());
    }
    let rev = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("Revision:"))
        .map(str::trim)
        .or_else(|| (!first.starts_with("Quectel")).then_some(first))?;
    revision_model(rev).map(str::to_string)
}

/// The model a revision string starts with (`EC25EFAR06A01M4G` → `EC25`, `M95FAR02A08` →
/// `M95`).
pub fn revision_model(rev: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "BG600L", "BG96", "BG95", "BG77", "EC200", "EC600N", "EC800", "EG915U", "EG912Y", "EC21", "EC25",
        "EG91", "EG21", "EG25", "EG95", "UG96", "UG95", "UC20", "BC660K", "BC66", "BC95", "MC60", "MC20",
        "M95", "M66", "M26", "M35", "M72", "M85",
    ];
    KNOWN
        .iter()
        .copied()
        .find(|k| rev.to_ascii_uppercase().starts_with(k))
}

/// The family detected, and how.
#[derive(Clone)]
pub struct Detected {
    pub family: &'static dyn Family,
    pub model: Option<String>,
    /// `forced`, `model`, `qigeterror`.
    pub how: &'static str,
}

/// Detect the family of a synchronised module and switch the session to it.
pub fn detect(s: &mut Session, choice: Choice) -> Result<Detected> {
    let forced = |family: &'static dyn Family| Detected {
        family,
        model: None,
        how: "forced",
    };
    let d = match choice {
        Choice::Qi => forced(&QI_FAMILY),
        Choice::Ctx => forced(&CTX_FAMILY),
        Choice::Auto => auto(s)?,
    };
    s.set_family(d.family);
    Ok(d)
}

/// A question detection may ask: `None` when the module does not answer it in time (a
/// firmware that lacks it stays silent rather than answering ERROR [INF]).
fn ask(s: &mut Session, cmd: &At) -> Result<Option<crate::session::Response>> {
    match s.run(cmd) {
        Ok(r) => Ok(r.is_ok().then_some(r)),
        Err(e) if e.class == crate::error::ErrorClass::ModuleSilent && !s.rebooted() => Ok(None),
        Err(e) => Err(e),
    }
}

fn auto(s: &mut Session) -> Result<Detected> {
    let mut model = ask(s, &At::Identify)?.and_then(|r| model_from_ati(&r.lines));
    if model
        .as_deref()
        .is_none_or(|m| model_kind(m) == ModelKind::Unknown)
    {
        if let Some(m) = ask(s, &At::Model)?.and_then(|r| r.lines.first().cloned()) {
            model = Some(m.trim().to_string());
        }
    }
    let by_model = |family: &'static dyn Family, model: Option<String>| Detected {
        family,
        model,
        how: "model",
    };
    match model.as_deref().map_or(ModelKind::Unknown, model_kind) {
        ModelKind::Qi => return Ok(by_model(&QI_FAMILY, model)),
        ModelKind::Ctx => return Ok(by_model(&CTX_FAMILY, model)),
        ModelKind::NbIot => {
            return Err(Error::usage(format!(
                "{} is an NB-IoT module (BC66/BC95/BC660K family), whose TCP/IP commands differ \
                 from both families qtcp drives; --dialect qi|ctx forces one at your own risk",
                model.unwrap_or_default()
            )))
        }
        ModelKind::Unknown => {}
    }
    // A read-only probe: the ctx family answers it, the QI family has no such command (and
    // stays the reading when nothing says otherwise: the family qtcp was first written for).
    let ctx = ask(s, &At::LastError)?.is_some_and(|r| r.value("+QIGETERROR:").is_some());
    Ok(Detected {
        family: if ctx { &CTX_FAMILY } else { &QI_FAMILY },
        model,
        how: "qigeterror",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    /// Every model string of research §3.1.
    #[test]
    fn model_strings() {
        for m in [
            "Quectel_M95",
            "Quectel_MC60",
            "Quectel_M66",
            "Quectel_M26",
            "Quectel_M35",
            "Quectel_M72",
            "Quectel_M85",
            "Quectel_MC20",
        ] {
            assert_eq!(model_kind(m), ModelKind::Qi, "{m}");
        }
        for m in [
            "BG96",
            "BG95-M3",
            "BG95-M4",
            "BG95-M6",
            "BG77",
            "BG600L-M3",
            "EC21",
            "EC25",
            "EG91",
            "EG21",
            "EG25",
            "EG95",
            "EC200U",
            "EC200T-CN",
            "EG915U",
            "EG912Y",
            "EC600N",
            "EC800M",
            "UG96",
            "UG95",
            "UC20",
        ] {
            assert_eq!(model_kind(m), ModelKind::Ctx, "{m}");
        }
        for m in ["Quectel_BC660K-GL", "BC66", "BC95", "BC660K-GL"] {
            assert_eq!(model_kind(m), ModelKind::NbIot, "{m}");
        }
        for m in ["UC15", "", "SIM800", "Quectel_Ltd", "BG9"] {
            assert_eq!(model_kind(m), ModelKind::Unknown, "{m}");
        }
    }

    /// `ATI` as captured: line 2 is the model; the manufacturer alone does not decide (BC660K
    /// prints `Quectel_Ltd` like the GSM modules).
    #[test]
    fn models_from_ati() {
        let cases: &[(&[&str], &str, ModelKind)] = &[
            (
                &["Quectel_Ltd", "Quectel_M95", "Revision: M95FAR02A08"],
                "Quectel_M95",
                ModelKind::Qi,
            ),
            (
                &["Quectel_Ltd", "Quectel_MC60", "Revision: MC60CAR01A10"],
                "Quectel_MC60",
                ModelKind::Qi,
            ),
            (
                &["Quectel", "BG96", "Revision: BG96MAR02A07M1G"],
                "BG96",
                ModelKind::Ctx,
            ),
            (
                &["Quectel", "BG95-M3", "Revision: BG95M3LAR02A03"],
                "BG95-M3",
                ModelKind::Ctx,
            ),
            (
                &["Quectel", "UG96", "Revision: UG96LNAR02A06E1G"],
                "UG96",
                ModelKind::Ctx,
            ),
            (
                &["Quectel_Ltd", "Quectel_BC660K-GL", "Revision: BC660KGLAAR01A03"],
                "Quectel_BC660K-GL",
                ModelKind::NbIot,
            ),
            // No model line: the revision's prefix.
            (&["Quectel", "Revision: EC25EFAR06A01M4G"], "EC25", ModelKind::Ctx),
            (&["Quectel", "Revision: BG95M4LAR02A02"], "BG95", ModelKind::Ctx),
            (&["Quectel_Ltd", "Revision: M95FAR02A08"], "M95", ModelKind::Qi),
        ];
        for (ati, model, kind) in cases {
            let m = model_from_ati(&lines(ati)).expect("a model");
            assert_eq!(m, *model, "{ati:?}");
            assert_eq!(model_kind(&m), *kind, "{ati:?}");
        }
        assert_eq!(model_from_ati(&[]), None);
    }

    #[test]
    fn choices() {
        assert_eq!(Choice::parse("auto"), Some(Choice::Auto));
        assert_eq!(Choice::parse("QI"), Some(Choice::Qi));
        assert_eq!(Choice::parse(" ctx "), Some(Choice::Ctx));
        assert_eq!(Choice::parse("legacy"), None);
    }
}
