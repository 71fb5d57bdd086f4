//! Accepted vulnerabilities: ignore rules written by a project (the `[vuln] ignore` entries of
//! `.dockguard.toml`), each with a reason and, optionally, an expiry date.
//!
//! A rule matches a finding when its `id` is the finding's id or one of its aliases (compared
//! ASCII case-insensitively: `cve-2023-43804` is `CVE-2023-43804`), and, when the rule names a
//! `package`, when that is the package's name as the inventory writes it, its source package
//! (`openssl` for `libssl3`), or the same name under the ecosystem's equality (PEP 503 for PyPI:
//! `PyYAML` = `pyyaml`; case-insensitive for NuGet and Packagist). A `package` that is a package
//! URL (`pkg:pypi/urllib3`, `pkg:deb/debian/openssl@3.0.15-1~deb12u1`) is compared with the
//! package's purl as OpenVEX products are ([`crate::vex::purl_matches`]).
//!
//! `expires = 2027-01-31` means the rule applies through that day (UTC) and no longer from
//! 2027-02-01: an expired rule ignores nothing, so its findings are reported again, and the CLI
//! warns about it.

use std::fmt;

use dockguard_packages::model::Inventory;

use crate::ecosystem::normalize_name;
use crate::matcher::Finding;

/// A calendar date (proleptic Gregorian), as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Reads exactly `YYYY-MM-DD` (a valid day of that month: `2024-02-29` yes, `2023-02-29`
    /// no).
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date (YYYY-MM-DD)");
        let b = text.as_bytes();
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().map_err(|_| bad());
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year as i32, month as u8) {
            return Err(format!("`{text}` is not a day of the calendar"));
        }
        Ok(Date {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The UTC date of a Unix time (seconds).
    pub fn from_unix(secs: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let m = i64::from(self.month);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Date::from_unix(secs)
    }
}

fn days_in_month(year: i32, month: u8) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One ignore rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// A vulnerability id or alias.
    pub id: String,
    /// Only this package (a name or a purl), when set.
    pub package: Option<String>,
    /// Why it is accepted (required: shown with every ignored finding in JSON output).
    pub reason: String,
    /// The last day the rule applies.
    pub expires: Option<Date>,
    /// Where it was written (`file:line:col`), for messages.
    pub origin: String,
}

impl Rule {
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|last| today > last)
    }

    /// Whether the rule names `finding` (expiry aside).
    pub fn matches(&self, finding: &Finding, inventory: &Inventory) -> bool {
        let id_matches = std::iter::once(&finding.id)
            .chain(&finding.aliases)
            .any(|id| id.eq_ignore_ascii_case(self.id.trim()));
        if !id_matches {
            return false;
        }
        let Some(wanted) = self.package.as_deref().map(str::trim) else {
            return true;
        };
        let Some(package) = inventory.packages.get(finding.package) else {
            return false;
        };
        if wanted.starts_with("pkg:") {
            return crate::vex::purl_matches(wanted, &package.purl(inventory.distro.as_ref()));
        }
        let base = finding
            .ecosystem
            .split_once(':')
            .map_or(finding.ecosystem.as_str(), |(b, _)| b);
        let wanted = normalize_name(base, wanted);
        std::iter::once(&package.name)
            .chain(package.source_name.as_ref())
            .any(|name| normalize_name(base, name) == wanted)
    }
}

/// What applying the rules did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Findings no (current) rule matched.
    pub kept: Vec<Finding>,
    /// Findings left out, each with the index of the first rule that matched it.
    pub ignored: Vec<(Finding, usize)>,
    /// Indexes of the rules past their expiry date (whether or not they match anything).
    pub expired: Vec<usize>,
}

/// Splits `findings` into kept and ignored ones, as of `today`.
pub fn apply(
    rules: &[Rule],
    findings: Vec<Finding>,
    inventory: &Inventory,
    today: Date,
) -> Outcome {
    let mut outcome = Outcome {
        expired: (0..rules.len())
            .filter(|&i| rules[i].is_expired(today))
            .collect(),
        ..Outcome::default()
    };
    for finding in findings {
        match rules
            .iter()
            .position(|r| !r.is_expired(today) && r.matches(&finding, inventory))
        {
            Some(rule) => outcome.ignored.push((finding, rule)),
            None => outcome.kept.push(finding),
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockguard_packages::model::{Distro, Ecosystem, Package};

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(
            date("2027-01-31"),
            Date {
                year: 2027,
                month: 1,
                day: 31
            }
        );
        assert_eq!(date("2024-02-29").to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in [
            "",
            "2027-1-31",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "27-01-31",
            "2027/01/31",
            "2027-01-31T00:00:00Z",
            "+027-01-31",
            "２０２７-01-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse(&"9".repeat(100_000)).is_err());
        assert!(date("2026-12-31") < date("2027-01-01"));
        // Round trips through days since the epoch, either side of it and across leap days.
        assert_eq!(Date::from_unix(0), date("1970-01-01"));
        assert_eq!(Date::from_unix(-1), date("1969-12-31"));
        assert_eq!(Date::from_unix(951_782_400), date("2000-02-29"));
        for d in [
            "1600-03-01",
            "1969-12-31",
            "2000-02-29",
            "2100-03-01",
            "2027-01-31",
        ] {
            let d = date(d);
            assert_eq!(Date::from_unix(d.days_since_epoch() * 86_400), d);
            assert_eq!(Date::from_unix(d.days_since_epoch() * 86_400 + 86_399), d);
        }
    }

    fn inventory() -> Inventory {
        let mut ssl = Package::new(Ecosystem::Deb, "libssl3", "3.0.15-1~deb12u1");
        ssl.source_name = Some("openssl".into());
        Inventory {
            distro: Some(Distro {
                id: "debian".into(),
                version_id: Some("12".into()),
                ..Distro::default()
            }),
            packages: vec![ssl, Package::new(Ecosystem::Pypi, "PyYAML", "5.3")],
            warnings: vec![],
        }
    }

    fn finding(id: &str, aliases: &[&str], package: usize, ecosystem: &str) -> Finding {
        Finding {
            id: id.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            package,
            ecosystem: ecosystem.into(),
            installed: String::new(),
            fixed: None,
            rating: Default::default(),
            summary: None,
        }
    }

    fn rule(id: &str, package: Option<&str>, expires: Option<&str>) -> Rule {
        Rule {
            id: id.into(),
            package: package.map(str::to_string),
            reason: "accepted".into(),
            expires: expires.map(date),
            origin: "x.toml:1:1".into(),
        }
    }

    #[test]
    fn matching_by_id_alias_and_package() {
        let inv = inventory();
        let ssl = finding(
            "CVE-2024-1",
            &["DSA-1-1", "DEBIAN-CVE-2024-1"],
            0,
            "Debian:12",
        );
        let yaml = finding(
            "CVE-2020-1747",
            &["GHSA-6757-jp84-gxfx", "PYSEC-2020-96"],
            1,
            "PyPI",
        );
        assert!(rule("CVE-2024-1", None, None).matches(&ssl, &inv));
        assert!(rule("dsa-1-1", None, None).matches(&ssl, &inv));
        assert!(!rule("CVE-2024-10", None, None).matches(&ssl, &inv));
        // Binary name, source name, ecosystem equality, purls.
        assert!(rule("CVE-2024-1", Some("libssl3"), None).matches(&ssl, &inv));
        assert!(rule("CVE-2024-1", Some("openssl"), None).matches(&ssl, &inv));
        assert!(!rule("CVE-2024-1", Some("OpenSSL"), None).matches(&ssl, &inv));
        assert!(!rule("CVE-2024-1", Some("curl"), None).matches(&ssl, &inv));
        assert!(rule("PYSEC-2020-96", Some("pyyaml"), None).matches(&yaml, &inv));
        assert!(!rule("PYSEC-2020-96", Some("py_yaml"), None).matches(&yaml, &inv));
        assert!(rule("PYSEC-2020-96", Some("PyYaml"), None).matches(&yaml, &inv));
        assert!(rule("CVE-2020-1747", Some("pkg:pypi/pyyaml"), None).matches(&yaml, &inv));
        assert!(rule("CVE-2020-1747", Some("pkg:pypi/pyyaml@5.3"), None).matches(&yaml, &inv));
        assert!(!rule("CVE-2020-1747", Some("pkg:pypi/pyyaml@5.4"), None).matches(&yaml, &inv));
        assert!(rule("CVE-2024-1", Some("pkg:deb/debian/libssl3"), None).matches(&ssl, &inv));
        // A package index outside the inventory never matches a package rule.
        let stray = finding("CVE-2024-1", &[], 9, "Debian:12");
        assert!(!rule("CVE-2024-1", Some("libssl3"), None).matches(&stray, &inv));
    }

    #[test]
    fn expiry_and_counts() {
        let inv = inventory();
        let findings = vec![
            finding("CVE-2024-1", &[], 0, "Debian:12"),
            finding("CVE-2020-1747", &["PYSEC-2020-96"], 1, "PyPI"),
            finding("CVE-2020-14343", &[], 1, "PyPI"),
        ];
        let rules = vec![
            rule("CVE-2024-1", None, Some("2027-01-31")),
            rule("PYSEC-2020-96", Some("PyYAML"), Some("2020-01-01")),
            rule("CVE-1999-0001", None, Some("2001-01-01")),
        ];
        let out = apply(&rules, findings.clone(), &inv, date("2027-01-31"));
        assert_eq!(out.ignored, vec![(findings[0].clone(), 0)]);
        assert_eq!(out.kept, findings[1..].to_vec());
        assert_eq!(out.expired, vec![1, 2]);
        // The day after the last day, the first rule is expired too.
        let out = apply(&rules, findings.clone(), &inv, date("2027-02-01"));
        assert!(out.ignored.is_empty());
        assert_eq!(out.kept.len(), 3);
        assert_eq!(out.expired, vec![0, 1, 2]);
        // No rules: everything kept.
        let out = apply(&[], findings.clone(), &inv, date("2027-01-01"));
        assert_eq!(out.kept, findings);
    }
}
