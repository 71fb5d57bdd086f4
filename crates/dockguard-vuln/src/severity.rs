//! How severe an advisory is: scored from its CVSS vectors (v4.0 preferred, then v3.1/3.0, with
//! the RustSec `cvss` crate, which implements the specifications' formulas and v4 tables), else
//! the source's own word (GHSA's `database_specific.severity`, Ubuntu's priority, a Debian
//! urgency), else unknown. Vectors are scored here rather than trusted as a number: OSV carries
//! only the vector.

use std::str::FromStr;

use serde::Serialize;

use crate::osv::Record;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    #[default]
    Unknown = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Reads a severity word (`high`, `MODERATE`, `important`, `negligible`, …).
    pub fn from_word(word: &str) -> Option<Severity> {
        Some(match word.trim().to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" | "important" => Severity::High,
            "medium" | "moderate" => Severity::Medium,
            "low" | "negligible" | "unimportant" | "minor" => Severity::Low,
            _ => return None,
        })
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::from_word(s)
            .or_else(|| {
                s.eq_ignore_ascii_case("unknown")
                    .then_some(Severity::Unknown)
            })
            .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium, low, unknown)"))
    }
}

/// A severity and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rating {
    pub severity: Severity,
    /// The CVSS base score, when a vector gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The vector, or the field the word came from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// Rates `record` (matched in `ecosystem`, for ecosystem-specific words).
pub fn rate(record: &Record, ecosystem: &str) -> Rating {
    let vectors = record
        .severity
        .iter()
        .chain(record.affected.iter().flat_map(|a| a.severity.iter()));
    let mut best: Option<(u8, Rating)> = None;
    for s in vectors {
        let rank = match s.kind.as_str() {
            "CVSS_V4" => 3,
            "CVSS_V3" => 2,
            _ => continue,
        };
        let Some(rating) = score_vector(&s.score) else {
            continue;
        };
        if best.as_ref().is_none_or(|(r, _)| rank > *r) {
            best = Some((rank, rating));
        }
    }
    if let Some((_, rating)) = best {
        return rating;
    }
    for s in &record.severity {
        if s.kind == "Ubuntu"
            && let Some(sev) = Severity::from_word(&s.score)
        {
            return Rating {
                severity: sev,
                score: None,
                source: "Ubuntu priority".into(),
            };
        }
    }
    let words = [
        (
            "database_specific.severity",
            record.database_specific.get("severity"),
        ),
        (
            "ecosystem_specific.severity",
            record
                .affected
                .iter()
                .find_map(|a| a.ecosystem_specific.get("severity")),
        ),
        (
            "ecosystem_specific.urgency",
            record
                .affected
                .iter()
                .find_map(|a| a.ecosystem_specific.get("urgency")),
        ),
    ];
    for (field, value) in words {
        if let Some(sev) = value.and_then(|v| v.as_str()).and_then(Severity::from_word) {
            return Rating {
                severity: sev,
                score: None,
                source: format!("{field} ({ecosystem})"),
            };
        }
    }
    Rating::default()
}

/// Scores a CVSS v3.x or v4.0 vector.
pub fn score_vector(vector: &str) -> Option<Rating> {
    let parsed = cvss::Cvss::from_str(vector.trim()).ok()?;
    let score = parsed.score();
    let severity = match parsed.severity() {
        cvss::Severity::Critical => Severity::Critical,
        cvss::Severity::High => Severity::High,
        cvss::Severity::Medium => Severity::Medium,
        cvss::Severity::Low => Severity::Low,
        cvss::Severity::None => Severity::Unknown,
    };
    Some(Rating {
        severity,
        score: Some(score),
        source: vector.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_scored() {
        let r = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N").unwrap();
        assert_eq!((r.score, r.severity), (Some(6.1), Severity::Medium));
        let r = score_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!((r.score, r.severity), (Some(9.8), Severity::Critical));
        let r = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
            .unwrap();
        assert_eq!((r.score, r.severity), (Some(9.3), Severity::Critical));
        assert!(score_vector("CVSS:3.1/AV:X").is_none());
        assert!(score_vector("").is_none());
    }

    fn record(json: &str) -> Record {
        crate::osv::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn v4_over_v3_over_words() {
        let r = record(
            r#"{"id": "X", "severity": [
              {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"},
              {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
              "database_specific": {"severity": "LOW"}}"#,
        );
        assert_eq!(rate(&r, "PyPI").severity, Severity::Critical);
        let r = record(r#"{"id": "X", "database_specific": {"severity": "MODERATE"}}"#);
        let rating = rate(&r, "npm");
        assert_eq!((rating.severity, rating.score), (Severity::Medium, None));
        let r = record(r#"{"id": "X", "severity": [{"type": "Ubuntu", "score": "negligible"}]}"#);
        assert_eq!(rate(&r, "Ubuntu:22.04").severity, Severity::Low);
        let r = record(r#"{"id": "X", "severity": [{"type": "CVSS_V3", "score": "garbage"}]}"#);
        assert_eq!(rate(&r, "Go"), Rating::default());
    }

    #[test]
    fn words() {
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert_eq!("UNKNOWN".parse::<Severity>(), Ok(Severity::Unknown));
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Unknown);
    }
}
