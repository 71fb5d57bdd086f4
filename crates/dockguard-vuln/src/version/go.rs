//! Go module versions (<https://go.dev/ref/mod#versions>) and Go's own release names, for the
//! OSV `Go` ecosystem.
//!
//! A module version is SemVer 2.0 with a `v` (`v1.2.3`, `v2.0.0-rc.1`) and is ordered by
//! SemVer precedence (see [`super::semver`]), build metadata ignored, so `+incompatible`
//! (`v2.0.0+incompatible`, a v2+ module without a go.mod) does not change the order. As in
//! Go's `golang.org/x/mod/semver`, `vMAJOR` and `vMAJOR.MINOR` are shorthands for `vMAJOR.0.0`
//! and `vMAJOR.MINOR.0` (without pre-release or build), and numbers have no leading zeros.
//!
//! Pseudo-versions are SemVer pre-releases and order as such, below the release they precede
//! and above the tag they follow (<https://go.dev/ref/mod#pseudo-versions>):
//! - `v0.0.0-20191109021931-daa7c04131f5` (no earlier tag) < `v0.0.0`;
//! - `v1.2.3-pre.0.20191109021931-daa7c04131f5` (after `v1.2.3-pre`) > `v1.2.3-pre`;
//! - `v1.2.4-0.20191109021931-daa7c04131f5` (after `v1.2.3`) > `v1.2.3`, < `v1.2.4-alpha`;
//!   pseudo-versions of one base compare by their UTC timestamp.
//!
//! OSV's Go records write module versions without the `v` (`1.6.0`, `8.1.7+incompatible`) and
//! `introduced: "0"`, so a missing `v` is accepted (then the full `X.Y.Z` is required) and
//! `0` reads as `0.0.0`. The `stdlib` and `toolchain` packages use the same SemVer form
//! (`1.22.3`, `1.21.0-rc.2`); Go's own names are read too, as OSV's converter maps them:
//! `go1.22.3` = 1.22.3, `go1.21` = 1.21.0, `go1` = 1.0.0, `go1.21rc2` = 1.21.0-rc.2,
//! `go1.9beta1` = 1.9.0-beta.1 (so `go1.21rc2 < go1.21.0`). Numbers must fit in a u64;
//! versions over 256 bytes are refused.

use std::cmp::Ordering;

use super::VersionError;
use super::semver::Version;

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// Parses a Go module version, a Go release name or OSV's `v`-less form.
pub fn parse(s: &str) -> Result<Version, VersionError> {
    super::semver::check_len(s)?;
    if s == "0" {
        return super::semver::parse("0.0.0");
    }
    if let Some(rest) = s.strip_prefix("go") {
        return parse_go_release(s, rest);
    }
    let (body, shorthand_ok) = match s.strip_prefix('v') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (main, build) = match body.split_once('+') {
        Some((m, b)) => (m, Some(b)),
        None => (body, None),
    };
    let (core, pre) = match main.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (main, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || !parts.iter().all(|p| is_num(p)) {
        return Err(VersionError::new(s, "not MAJOR.MINOR.PATCH with numbers"));
    }
    if parts.len() < 3 && !(shorthand_ok && pre.is_none() && build.is_none()) {
        return Err(VersionError::new(s, "needs MAJOR.MINOR.PATCH"));
    }
    if build.is_some_and(|b| b.is_empty()) || pre.is_some_and(|p| p.is_empty()) {
        return Err(VersionError::new(s, "empty pre-release or build"));
    }
    super::semver::parse(body)
}

fn parse_go_release(s: &str, rest: &str) -> Result<Version, VersionError> {
    let split = rest
        .find(|c: char| c != '.' && !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (nums, suffix) = rest.split_at(split);
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.len() > 3 || !parts.iter().all(|p| is_num(p)) {
        return Err(VersionError::new(
            s,
            "not a Go release name (go1.N[.P][rcN|betaN])",
        ));
    }
    let mut norm = parts.join(".");
    for _ in parts.len()..3 {
        norm.push_str(".0");
    }
    if !suffix.is_empty() {
        let kind = ["rc", "beta", "alpha"]
            .into_iter()
            .find(|k| suffix.starts_with(k))
            .ok_or_else(|| VersionError::new(s, "unknown Go pre-release kind"))?;
        let n = &suffix[kind.len()..];
        if !is_num(n) || parts.len() == 3 {
            return Err(VersionError::new(s, "not a Go release name"));
        }
        norm = format!("{norm}-{kind}.{n}");
    }
    super::semver::parse(&norm)
}

/// Compares two Go versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn pseudo_versions() {
        let v = [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-000000000000",
            "v0.0.0",
            "v1.2.3-pre",
            "v1.2.3-pre.0.20191109021931-daa7c04131f5",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-alpha",
            "v1.2.4",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn incompatible_and_shorthands() {
        assert_eq!(c("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(c("v2.0.1+incompatible", "v2.0.0"), Ordering::Greater);
        assert_eq!(c("8.1.7+incompatible", "v8.1.7"), Ordering::Equal);
        assert_eq!(c("v1", "v1.0.0"), Ordering::Equal);
        assert_eq!(c("v1.2", "v1.2.0"), Ordering::Equal);
        assert_eq!(c("0", "v0.0.0"), Ordering::Equal);
    }

    #[test]
    fn go_release_names() {
        assert_eq!(c("go1.21rc2", "1.21.0-rc.2"), Ordering::Equal);
        assert_eq!(c("go1.9beta1", "1.9.0-beta.1"), Ordering::Equal);
        assert_eq!(c("go1.22.3", "1.22.3"), Ordering::Equal);
        assert_eq!(c("go1.21", "1.21.0"), Ordering::Equal);
        assert_eq!(c("go1", "1.0.0"), Ordering::Equal);
        let v = [
            "go1.9beta1",
            "go1.9beta2",
            "go1.9rc1",
            "go1.9",
            "go1.9.1",
            "go1.10",
            "go1.21rc2",
        ];
        for w in v.windows(2) {
            assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(c("1.16.0-0", "1.16.0-beta.1"), Ordering::Less);
    }

    #[test]
    fn garbage_is_refused() {
        for g in [
            "",
            "v",
            "1.2",
            "1",
            "v1.2-pre",
            "v01.2.3",
            "v1.02.3",
            "v1.2.3.4",
            "v1.2.3-",
            "v1.2.3+",
            "v1.2.3-01",
            "go",
            "go1.21rc",
            "go1.21.0rc1",
            "go1.21gamma1",
            "go1..2",
            "gov1.2.3",
            "V1.2.3",
            "v1.2.3-é",
            "latest",
        ] {
            assert!(parse(g).is_err(), "{g:?} should be refused");
        }
        assert!(parse(&format!("v1.2.3-{}", "a.".repeat(200))).is_err());
    }
}
