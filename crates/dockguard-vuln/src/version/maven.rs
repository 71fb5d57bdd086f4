//! Maven versions, ordered as Maven's `ComparableVersion` orders them (the POM reference's
//! "Version Order Specification", <https://maven.apache.org/pom.html#version-order-specification>).
//!
//! The version is lower-cased and cut into items at `.`, at `-` and at every transition between
//! digits and letters (`1.0alpha1` = `1.0-alpha-1`); an empty item reads as `0`. A `-` or a
//! transition opens a sub-list, so a version is a tree: `1.0-rc-1` = `[1, 0, [rc, [1]]]`. Each
//! list is normalised by dropping its trailing "null" items (`0`, the release qualifier, an
//! empty list), so `1 == 1.0 == 1.0.0 == 1-0 == 1.0-ga == 1-final`.
//!
//! Qualifiers: `alpha` (`a` when followed by a digit) < `beta` (`b`…) < `milestone` (`m`…) <
//! `rc` = `cr` < `snapshot` < release (`""` = `ga` = `final` = `release`) < `sp`; other
//! qualifiers come after all of these, in lexical order (`1-sp < 1-abc < 1-def`).
//!
//! Items compare as: number vs number numerically (unbounded); a number is above a string and
//! above a sub-list (`1.1 > 1-1 > 1-sp`); a sub-list is above a string (`1-1 > 1-sp`); two
//! lists item by item, a missing item compared as "null" (a number against null is `> 0`, a
//! qualifier against null by its rank against the release, a list against null by its items
//! in turn). So `1-alpha < 1 < 1-sp < 1-1 < 1.1`, and `1.0-SNAPSHOT < 1.0`.
//!
//! This follows the classic `ComparableVersion` (Maven 3.x), which is also what OSV's
//! reference matcher implements; Maven 4's later "combination item" refinements
//! (`1-x-1 == 1-x1`) are not followed. Test vectors: Maven's own `ComparableVersionTest`
//! (`VERSIONS_QUALIFIER`, `VERSIONS_NUMBER`, `testVersionsEqual`). Versions over 256 bytes are
//! refused, as Maven 4 refuses them; any other string (even empty) is a valid Maven version.

use std::cmp::Ordering;

use super::VersionError;

#[derive(Debug, Clone)]
enum Item {
    /// digits without leading zeros ("0" for zero)
    Int(String),
    /// a qualifier, aliases resolved (`cr` -> `rc`; `ga`/`final`/`release` -> "")
    Str(String),
    List(Vec<Item>),
}

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub struct Version(Vec<Item>);

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK: usize = 5;

/// Rank of a qualifier: its index among the known ones, unknown ones after them, lexically.
fn rank(q: &str) -> (usize, &str) {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => (i, ""),
        None => (QUALIFIERS.len(), q),
    }
}

fn cmp_int(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n == "0",
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with `other`, `None` standing for a missing item.
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(n), None) => {
                if n == "0" {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Str(s), None) => rank(s).cmp(&(RELEASE_RANK, "")),
            (Item::List(l), None) => l
                .iter()
                .map(|i| i.cmp_opt(None))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
            (Item::Int(a), Some(Item::Int(b))) => cmp_int(a, b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => rank(a).cmp(&rank(b)),
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let o = match (a.get(i), b.get(i)) {
            (Some(l), r) => l.cmp_opt(r),
            (None, Some(r)) => r.cmp_opt(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.0, &other.0)
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Version {}

fn int_item(digits: &str) -> Item {
    let t = digits.trim_start_matches('0');
    Item::Int(if t.is_empty() { "0".into() } else { t.into() })
}

fn str_item(s: &str, followed_by_digit: bool) -> Item {
    let s = match (followed_by_digit, s) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        _ => s,
    };
    let s = match s {
        "cr" => "rc",
        "ga" | "final" | "release" => "",
        _ => s,
    };
    Item::Str(s.to_string())
}

fn parse_item(is_digit: bool, s: &str) -> Item {
    if is_digit {
        int_item(s)
    } else {
        str_item(s, false)
    }
}

/// The list tree under construction: `path` holds the open lists, innermost last.
struct Builder {
    path: Vec<Vec<Item>>,
}

impl Builder {
    fn push(&mut self, item: Item) {
        self.path.last_mut().expect("root list").push(item);
    }
    fn open(&mut self) {
        self.path.push(Vec::new());
    }
    fn finish(mut self) -> Vec<Item> {
        // close every open list innermost first, normalising each as it closes
        while self.path.len() > 1 {
            let mut inner = self.path.pop().expect("checked");
            normalize(&mut inner);
            self.push(Item::List(inner));
        }
        let mut root = self.path.pop().expect("root list");
        normalize(&mut root);
        root
    }
}

/// Drops trailing null items, looking past (non-null) sub-lists as Maven 3 does.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Parses a Maven version (every string under 256 bytes is one).
pub fn parse(s: &str) -> Result<Version, VersionError> {
    super::semver::check_len(s)?;
    let v = s.to_lowercase();
    let mut b = Builder {
        path: vec![Vec::new()],
    };
    let mut is_digit = false;
    let mut start = 0;
    // A sub-list opened in the middle of the string is pushed into its parent only when it is
    // closed (at the end), so Maven's "list.add(list = new ListItem())" becomes open() here;
    // the parent already holds everything before it, so order is kept.
    for (i, c) in v.char_indices() {
        if c == '.' || c == '-' {
            if i == start {
                b.push(Item::Int("0".into()));
            } else {
                b.push(parse_item(is_digit, &v[start..i]));
            }
            start = i + 1;
            if c == '-' {
                b.open();
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                b.push(str_item(&v[start..i], true));
                start = i;
                b.open();
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                b.push(parse_item(true, &v[start..i]));
                start = i;
                b.open();
            }
            is_digit = false;
        }
    }
    if v.len() > start {
        b.push(parse_item(is_digit, &v[start..]));
    }
    Ok(Version(b.finish()))
}

/// Compares two Maven versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    fn increasing(v: &[&str]) {
        for (i, a) in v.iter().enumerate() {
            for b in &v[i + 1..] {
                assert_eq!(c(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(c(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn maven_test_vectors_qualifiers() {
        // Maven's ComparableVersionTest.VERSIONS_QUALIFIER
        increasing(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
    }

    #[test]
    fn maven_test_vectors_numbers() {
        // Maven 3's ComparableVersionTest.VERSIONS_NUMBER (Maven 4 moved `2.0.a` below `2-1`)
        increasing(&[
            "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
            "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11",
            "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
        ]);
    }

    #[test]
    fn maven_test_vectors_equal() {
        // Maven's ComparableVersionTest.testVersionsEqual (the ones Maven 3 and 4 agree on)
        for (a, b) in [
            ("1", "1"),
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-0"),
            ("1.0", "1.0-0"),
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1a", "1.0.0-a"),
            ("1.0a", "1-a"),
            ("1.0.0a", "1-a"),
            ("1x", "1-x"),
            ("1x", "1.0-x"),
            ("1x", "1.0.0-x"),
            ("1.0x", "1-x"),
            ("1.0.0x", "1-x"),
            ("1ga", "1"),
            ("1release", "1"),
            ("1final", "1"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1b2", "1-beta-2"),
            ("1m3", "1-milestone-3"),
            ("1X", "1x"),
            ("1A", "1a"),
            ("1B", "1b"),
            ("1M", "1m"),
            ("1Ga", "1"),
            ("1GA", "1"),
            ("1RELEASE", "1"),
            ("1FINAL", "1"),
            ("1Cr", "1Rc"),
            ("1cR", "1rC"),
            ("1m3", "1Milestone3"),
            ("1m3", "1MileStone3"),
            ("1m3", "1MILESTONE3"),
        ] {
            assert_eq!(c(a, b), Ordering::Equal, "{a} == {b}");
        }
    }

    #[test]
    fn common_shapes() {
        assert_eq!(c("1.0-SNAPSHOT", "1.0"), Ordering::Less);
        assert_eq!(c("2.13.4.2", "2.13.4"), Ordering::Greater);
        assert_eq!(c("5.3.18.RELEASE", "5.3.18"), Ordering::Equal);
        assert_eq!(c("1.2.3.Final", "1.2.3.CR1"), Ordering::Greater);
        assert_eq!(c("9.4.44.v20210927", "9.4.44"), Ordering::Greater);
        assert_eq!(c("31.1-jre", "31.1-android"), Ordering::Greater);
        assert_eq!(c("1.0.0-M1", "1.0.0-RC1"), Ordering::Less);
        // MNG-6964: the whole sub-list decides against a missing item
        assert_eq!(c("1-0.alpha", "1"), Ordering::Less);
        assert_eq!(c("1-0.beta", "1"), Ordering::Less);
        assert_eq!(
            c("99999999999999999999999", "9999999999999999999999"),
            Ordering::Greater
        );
    }

    #[test]
    fn garbage_never_panics() {
        for g in [
            "", "-", ".", "--..--", "-a-", "é", "1..-.2", "a1b2c3", "\u{0}", "1-é-2",
        ] {
            let _ = compare(g, "1.0").unwrap();
        }
        assert_eq!(c("", "0"), Ordering::Equal);
        assert!(parse(&"1-".repeat(200)).is_err());
        let _ = parse(&"1-".repeat(128)).unwrap();
    }
}
