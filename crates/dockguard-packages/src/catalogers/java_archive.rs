//! Java archives: `*.jar`, `*.war`, `*.ear`, `*.jpi`, `*.hpi` (Jenkins plugins), read as ZIP
//! files from memory. Packages are Maven (`groupId:artifactId`):
//!
//! - every `META-INF/maven/<groupId>/<artifactId>/pom.properties` entry gives one package
//!   (`groupId`, `artifactId`, `version` keys; the path segments when a key is missing);
//! - an archive with none of them gives one package from `META-INF/MANIFEST.MF` (main section):
//!   name from `Implementation-Title`, else `Bundle-SymbolicName` (attributes after `;`
//!   dropped), version from `Implementation-Version`, else `Bundle-Version`; the name has no
//!   group (artifact only, as syft reports it when no group is known). What the manifest lacks is
//!   taken from the file name `name-1.2.3.jar` (split at the last `-` followed by a digit).
//! - archives nested in `WEB-INF/lib/`, `BOOT-INF/lib/` and `lib/` are read the same way, up to
//!   depth 3; their packages are located at `app.war:WEB-INF/lib/x.jar`.
//!
//! Licences and dependencies are not read (they are in `pom.xml`, not resolved here). Untrusted
//! input: every entry's declared uncompressed size is checked against a per-entry cap and a
//! budget shared by the whole archive tree before it is read, and reads are bounded by `take`.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Location, Package};

pub struct JavaArchive;

const EXTENSIONS: &[&str] = &[".jar", ".war", ".ear", ".jpi", ".hpi"];
/// Nested archives are read this deep (the file itself is depth 0).
const MAX_DEPTH: u32 = 3;
/// Uncompressed bytes read in all, over the archive and everything nested in it.
const TOTAL_BUDGET: u64 = 512 << 20;
/// Largest `pom.properties` or `MANIFEST.MF` read.
const MAX_METADATA: u64 = 1 << 20;
/// Directories whose archives are read as nested archives.
const NESTED_DIRS: &[&str] = &["WEB-INF/lib/", "BOOT-INF/lib/", "lib/"];

impl Cataloger for JavaArchive {
    fn name(&self) -> &'static str {
        "java-archive"
    }

    fn wants(&self, path: &str) -> bool {
        is_java_archive(file_name(path))
    }

    fn max_size(&self) -> u64 {
        256 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let mut budget = TOTAL_BUDGET;
        read_archive(&mut parsed, path, path, content, 0, &mut budget);
        parsed
    }
}

fn is_java_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS
        .iter()
        .any(|e| lower.len() > e.len() && lower.ends_with(e))
}

/// Reads one archive: `warn_path` is the image path warnings name, `location` the path packages
/// are located at (`app.war:WEB-INF/lib/x.jar` for nested archives).
fn read_archive(
    parsed: &mut Parsed,
    warn_path: &str,
    location: &str,
    content: &[u8],
    depth: u32,
    budget: &mut u64,
) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(content)) {
        Ok(a) => a,
        Err(e) => {
            parsed.warn(
                warn_path,
                None,
                format!("{location}: not a readable ZIP archive: {e}"),
            );
            return;
        }
    };
    let mut poms: Vec<(String, String)> = Vec::new();
    let mut manifest: Option<String> = None;
    let mut nested: Vec<String> = Vec::new();
    let entries: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    for name in entries {
        if is_pom_properties(&name) {
            poms.push((name, String::new()));
        } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
            manifest = Some(name);
        } else if depth < MAX_DEPTH && is_nested_archive(&name) {
            nested.push(name);
        }
    }

    let mut packages = Vec::new();
    for (entry, _) in &poms {
        let Some(bytes) = read_entry(
            parsed,
            warn_path,
            location,
            &mut archive,
            entry,
            MAX_METADATA,
            budget,
        ) else {
            continue;
        };
        match pom_package(entry, &String::from_utf8_lossy(&bytes)) {
            Some(p) => packages.push(p),
            None => parsed.warn(
                warn_path,
                None,
                format!("{location}: {entry} has no groupId/artifactId/version"),
            ),
        }
    }
    if packages.is_empty() {
        let (mut name, mut version) = (None, None);
        if let Some(entry) = &manifest
            && let Some(bytes) = read_entry(
                parsed,
                warn_path,
                location,
                &mut archive,
                entry,
                MAX_METADATA,
                budget,
            )
        {
            (name, version) = manifest_name_version(&String::from_utf8_lossy(&bytes));
        }
        let inner = location.rsplit(':').next().unwrap_or(location);
        let (file_artifact, file_version) = split_file_name(file_name(inner));
        let name = name.or(file_artifact);
        let version = version.or(file_version);
        if let (Some(n), Some(v)) = (name, version) {
            packages.push(Package::new(Ecosystem::Maven, n, v));
        }
    }
    let mut seen = HashSet::new();
    for mut p in packages {
        if seen.insert((p.name.clone(), p.version.clone())) {
            p.locations.push(Location {
                path: location.to_string(),
                layer: None,
                layer_digest: None,
            });
            parsed.packages.push(p);
        }
    }

    for entry in nested {
        let cap = *budget;
        let Some(bytes) = read_entry(
            parsed,
            warn_path,
            location,
            &mut archive,
            &entry,
            cap,
            budget,
        ) else {
            continue;
        };
        let inner = format!("{location}:{entry}");
        read_archive(parsed, warn_path, &inner, &bytes, depth + 1, budget);
    }
}

/// The bytes of entry `name`, at most `cap` and within `budget` (which is charged), or `None`
/// after a warning.
fn read_entry(
    parsed: &mut Parsed,
    warn_path: &str,
    location: &str,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    cap: u64,
    budget: &mut u64,
) -> Option<Vec<u8>> {
    let file = match archive.by_name(name) {
        Ok(f) => f,
        Err(e) => {
            parsed.warn(
                warn_path,
                None,
                format!("{location}: cannot open {name}: {e}"),
            );
            return None;
        }
    };
    let declared = file.size();
    let limit = cap.min(*budget);
    if declared > limit {
        parsed.warn(
            warn_path,
            None,
            format!("{location}: {name} declares {declared} bytes uncompressed, over the limit of {limit}; skipped"),
        );
        return None;
    }
    let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0).min(1 << 20));
    // One byte more than declared shows an entry lying about its size.
    let result = file.take(declared.saturating_add(1)).read_to_end(&mut out);
    *budget = budget.saturating_sub(out.len() as u64);
    match result {
        Ok(_) if out.len() as u64 > declared => {
            parsed.warn(
                warn_path,
                None,
                format!("{location}: {name} is longer than declared; skipped"),
            );
            None
        }
        Ok(_) => Some(out),
        Err(e) => {
            parsed.warn(
                warn_path,
                None,
                format!("{location}: cannot read {name}: {e}"),
            );
            None
        }
    }
}

/// `META-INF/maven/<group>/<artifact>/pom.properties`.
fn is_pom_properties(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    parts.len() == 5
        && parts[0] == "META-INF"
        && parts[1] == "maven"
        && !parts[2].is_empty()
        && !parts[3].is_empty()
        && parts[4] == "pom.properties"
}

/// An archive directly inside one of [`NESTED_DIRS`].
fn is_nested_archive(name: &str) -> bool {
    NESTED_DIRS.iter().any(|dir| {
        name.strip_prefix(dir)
            .is_some_and(|rest| !rest.contains('/') && is_java_archive(rest))
    })
}

/// The package of one `pom.properties` (`key=value` or `key:value`, `#`/`!` comments).
fn pom_package(entry: &str, text: &str) -> Option<Package> {
    let (mut group, mut artifact, mut version) = (None, None, None);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.trim() {
            "groupId" => group = Some(value.to_string()),
            "artifactId" => artifact = Some(value.to_string()),
            "version" => version = Some(value.to_string()),
            _ => {}
        }
    }
    let mut segments = entry.split('/').skip(2);
    let group = group.or_else(|| segments.next().map(str::to_string))?;
    let artifact = artifact.or_else(|| segments.next().map(str::to_string))?;
    Some(Package::new(
        Ecosystem::Maven,
        format!("{group}:{artifact}"),
        version?,
    ))
}

/// Name and version from the main section of a manifest (continuation lines start with a space).
fn manifest_name_version(text: &str) -> (Option<String>, Option<String>) {
    let mut attrs: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Some(more) = line.strip_prefix(' ') {
            if let Some(last) = attrs.last_mut() {
                last.1.push_str(more);
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            attrs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let name = get("Implementation-Title").or_else(|| {
        get("Bundle-SymbolicName").map(|n| n.split(';').next().unwrap_or(&n).trim().to_string())
    });
    let version = get("Implementation-Version").or_else(|| get("Bundle-Version"));
    (name.filter(|n| !n.is_empty()), version)
}

/// `name-1.2.3.jar` → (`name`, `1.2.3`); without such a version, the name alone.
fn split_file_name(file: &str) -> (Option<String>, Option<String>) {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let split = stem
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()) && i > 0
        })
        .map(|(i, _)| i);
    match split {
        Some(i) => (Some(stem[..i].to_string()), Some(stem[i + 1..].to_string())),
        None => ((!stem.is_empty()).then(|| stem.to_string()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn build(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn names(parsed: &Parsed) -> Vec<(String, String, String)> {
        parsed
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.version.clone(),
                    p.locations[0].path.clone(),
                )
            })
            .collect()
    }

    const POM: &[u8] = b"#Generated by Maven\n#Tue Dec 14 09:10:55 CET 2021\n\
        artifactId=log4j-core\ngroupId=org.apache.logging.log4j\nversion=2.14.1\n";

    #[test]
    fn java_wants() {
        assert!(JavaArchive.wants("app/lib/foo-1.0.jar"));
        assert!(JavaArchive.wants("usr/share/jenkins/ref/plugins/git.JPI"));
        assert!(JavaArchive.wants("opt/app.war"));
        assert!(!JavaArchive.wants("opt/jar"));
        assert!(!JavaArchive.wants("opt/foo.jar.sha1"));
    }

    #[test]
    fn java_pom_properties() {
        let jar = build(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nImplementation-Title: Apache Log4j Core\r\nImplementation-Version: 2.14.1\r\n\r\n"),
            ("META-INF/maven/org.apache.logging.log4j/log4j-core/pom.xml", b"<project/>"),
            ("META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties", POM),
            ("META-INF/maven/com.lmax/disruptor/pom.properties", b"version=3.4.4\n"),
        ]);
        let parsed = JavaArchive.parse("opt/log4j-core-2.14.1.jar", &jar);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            names(&parsed),
            vec![
                (
                    "org.apache.logging.log4j:log4j-core".into(),
                    "2.14.1".into(),
                    "opt/log4j-core-2.14.1.jar".into()
                ),
                (
                    "com.lmax:disruptor".into(),
                    "3.4.4".into(),
                    "opt/log4j-core-2.14.1.jar".into()
                ),
            ]
        );
        assert_eq!(
            parsed.packages[0].purl(None),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
    }

    #[test]
    fn java_manifest_only() {
        let jar = build(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nBundle-SymbolicName: org.eclipse.jgit;singleton:=tr\r\n ue\r\nBundle-Version: 5.13.0.202109080827-r\r\n\r\nName: foo\r\nImplementation-Version: 9\r\n",
        )]);
        let parsed = JavaArchive.parse("opt/jgit.jar", &jar);
        assert_eq!(
            names(&parsed),
            vec![(
                "org.eclipse.jgit".into(),
                "5.13.0.202109080827-r".into(),
                "opt/jgit.jar".into()
            )]
        );
        let jar = build(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nImplementation-Title: commons-lang\nImplementation-Version: 2.6\n",
        )]);
        let parsed = JavaArchive.parse("x.jar", &jar);
        assert_eq!(
            names(&parsed),
            vec![("commons-lang".into(), "2.6".into(), "x.jar".into())]
        );
    }

    #[test]
    fn java_file_name_only() {
        let jar = build(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nCreated-By: Maven\r\n",
        )]);
        let parsed = JavaArchive.parse("app/log4j-1.2-api-2.17.1.jar", &jar);
        assert_eq!(
            names(&parsed),
            vec![(
                "log4j-1.2-api".into(),
                "2.17.1".into(),
                "app/log4j-1.2-api-2.17.1.jar".into()
            )]
        );
        let parsed = JavaArchive.parse("app/foo-1.0-SNAPSHOT.jar", &build(&[("a.class", b"x")]));
        assert_eq!(names(&parsed)[0].1, "1.0-SNAPSHOT");
        // No version anywhere: nothing.
        let parsed = JavaArchive.parse("app/plain.jar", &build(&[("a.class", b"x")]));
        assert!(parsed.packages.is_empty());
        assert_eq!(split_file_name("-1.0.jar"), (Some("-1.0".into()), None));
    }

    #[test]
    fn java_war_with_nested_jars() {
        let inner = build(&[(
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            POM,
        )]);
        let deeper = build(&[("lib/guava-31.1-jre.jar", &build(&[("a.class", b"x")]))]);
        let war = build(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n"),
            ("WEB-INF/lib/log4j-core-2.14.1.jar", &inner),
            ("WEB-INF/lib/shaded-2.0.jar", &deeper),
            ("WEB-INF/classes/not-nested-1.0.jar", &inner),
        ]);
        let parsed = JavaArchive.parse("srv/app-1.0.war", &war);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(
            names(&parsed),
            vec![
                ("app".into(), "1.0".into(), "srv/app-1.0.war".into()),
                (
                    "org.apache.logging.log4j:log4j-core".into(),
                    "2.14.1".into(),
                    "srv/app-1.0.war:WEB-INF/lib/log4j-core-2.14.1.jar".into()
                ),
                (
                    "shaded".into(),
                    "2.0".into(),
                    "srv/app-1.0.war:WEB-INF/lib/shaded-2.0.jar".into()
                ),
                (
                    "guava".into(),
                    "31.1-jre".into(),
                    "srv/app-1.0.war:WEB-INF/lib/shaded-2.0.jar:lib/guava-31.1-jre.jar".into()
                ),
            ]
        );
    }

    #[test]
    fn java_depth_limit() {
        let mut jar = build(&[("a.class", b"x")]);
        for _ in 0..5 {
            jar = build(&[("lib/n-1.0.jar", &jar)]);
        }
        let parsed = JavaArchive.parse("n-1.0.jar", &jar);
        assert_eq!(parsed.packages.len(), 4);
    }

    #[test]
    fn java_hostile_input() {
        let parsed = JavaArchive.parse("a-1.0.jar", b"this is not a zip file at all");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.warnings.len(), 1);

        let jar = build(&[("META-INF/maven/g/a/pom.properties", POM)]);
        for cut in [0, 10, jar.len() / 2, jar.len() - 10] {
            let parsed = JavaArchive.parse("a-1.0.jar", &jar[..cut]);
            assert!(!parsed.warnings.is_empty() || !parsed.packages.is_empty());
        }

        // A nested archive that is garbage: a warning, the outer archive still read.
        let war = build(&[
            (
                "META-INF/maven/g/a/pom.properties",
                b"groupId=g\nartifactId=a\nversion=1\n",
            ),
            ("WEB-INF/lib/bad-1.0.jar", b"garbage"),
        ]);
        let parsed = JavaArchive.parse("w.war", &war);
        assert_eq!(parsed.packages.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(
            parsed.warnings[0]
                .message
                .contains("w.war:WEB-INF/lib/bad-1.0.jar")
        );

        // An entry claiming a huge uncompressed size (central directory patched): skipped.
        let mut jar = build(&[("META-INF/maven/g/a/pom.properties", POM)]);
        let cd = jar
            .windows(4)
            .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        jar[cd + 24..cd + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
        let parsed = JavaArchive.parse("a-1.0.jar", &jar);
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.message.contains("declares")),
            "{:?}",
            parsed.warnings
        );
        assert!(
            !parsed
                .packages
                .iter()
                .any(|p| p.name == "org.apache.logging.log4j:log4j-core")
        );

        // pom.properties without a version.
        let jar = build(&[("META-INF/maven/g/a/pom.properties", b"groupId=g\n")]);
        let parsed = JavaArchive.parse("a.jar", &jar);
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.warnings.len(), 1);
    }
}
