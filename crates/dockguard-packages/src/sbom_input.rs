//! SBOM documents as input: a CycloneDX (1.2–1.6) or SPDX (2.2/2.3) JSON document read back into
//! an [`Inventory`], so that a document written by syft, Trivy or dockguard can stand in for an
//! image.
//!
//! - [`sniff`] looks at the first 8 KiB only (a JSON object with `"bomFormat": "CycloneDX"`, or
//!   `"spdxVersion": "SPDX-2.…"` / `"SPDXID": "SPDXRef-DOCUMENT"`); [`detect`] confirms by parsing.
//! - CycloneDX: `components` (nested `components` too, at most [`MAX_COMPONENT_DEPTH`] levels).
//!   The package is its `purl` (`packageurl` crate): ecosystem, name (namespaces joined back as
//!   our model writes them: `@scope/name`, `group:artifact`, `module/path`), version (an `epoch`
//!   qualifier becomes `E:V`), `arch`, `distro` (`debian-12`) and `upstream` (`src`, `src@ver`,
//!   or a source rpm file name) qualifiers. Where the purl lowercased the name (npm, PyPI, Go,
//!   Composer, deb), the component's `name` is kept if it is the same name up to case.
//!   Licences: `licenses[].license.id|name`, `licenses[].expression`. Dependencies: top-level
//!   `dependencies[]` (`ref` → `dependsOn`), through `bom-ref` to package names. Source package:
//!   properties `dockguard:package:source-name|source-version`, Trivy's
//!   `aquasecurity:trivy:SrcName|SrcVersion|SrcRelease|SrcEpoch`, syft's `syft:metadata:source|
//!   sourceVersion|originPackage|sourceRpm`, else the purl's `upstream`; Debian and Alpine packages
//!   without any default to their own name and version, as the dpkg and apk catalogers do.
//!   Locations: `dockguard:location:path|layer-digest`, `syft:location:N:path|layerID`,
//!   `aquasecurity:trivy:FilePath|LayerDiffID`, `evidence.occurrences[].location`, and for Trivy's
//!   lockfile packages the path of the `lang-pkgs` application that depends on them. Distro: a
//!   component (or `metadata.component`) of type `operating-system` (`name` = id, `version`,
//!   `description` = pretty name, syft's `syft:distro:versionCodename`), else the first purl
//!   `distro` qualifier.
//! - SPDX: `packages[]` with an `externalRefs[]` entry of `referenceType` `purl` (read as above);
//!   licences from `licenseDeclared`, else `licenseConcluded` (NOASSERTION/NONE skipped; a plain
//!   `A AND B` list is split; `LicenseRef-…` ids named through `hasExtractedLicensingInfos`), else
//!   dockguard's `licenseComments` "as recorded: …"; dependencies from `relationships`
//!   (`DEPENDS_ON`, `DEPENDENCY_OF` reversed); `sourceInfo` gives locations (dockguard "found in",
//!   syft "acquired package info from …:", Trivy "package found in:") or the source package
//!   (Trivy "built package from: NAME VERSION"); Trivy's `LayerDiffID:` annotation the layer.
//!   Distro: a package whose `primaryPackagePurpose` is `OPERATING-SYSTEM`, else purl qualifiers.
//!
//! Packages with the same ecosystem, name, version and architecture are merged. Components
//! without a purl of a supported type are skipped and counted in one warning per document.
//! Malformed JSON is an error naming the file, line and column; a wrongly typed field is skipped
//! (with a warning where something is lost); nothing panics.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::model::{Distro, Ecosystem, Inventory, Location, Package, Warning};

/// How many bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// Nested CycloneDX `components` deeper than this are skipped (with a warning).
pub const MAX_COMPONENT_DEPTH: usize = 64;

/// The kind of SBOM document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbomFormat {
    CycloneDx,
    Spdx,
}

/// Why a document could not be read. Displayed as one line naming the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SbomInputError {
    /// Not JSON (or truncated): 1-based line and column from the JSON parser.
    Malformed {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but neither CycloneDX nor SPDX 2.x.
    NotAnSbom { path: String },
}

impl fmt::Display for SbomInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SbomInputError::Malformed {
                path,
                line,
                column,
                message,
            } => write!(f, "{path}:{line}:{column}: malformed JSON: {message}"),
            SbomInputError::NotAnSbom { path } => {
                write!(f, "{path}: not a CycloneDX or SPDX JSON document")
            }
        }
    }
}

impl std::error::Error for SbomInputError {}

/// A document read: its inventory and what it says it describes.
#[derive(Debug, Clone)]
pub struct SbomDocument {
    pub format: SbomFormat,
    pub inventory: Inventory,
    /// The described subject's name (CycloneDX `metadata.component.name`, the SPDX package the
    /// document DESCRIBES, else the SPDX document `name`).
    pub subject_name: Option<String>,
    /// Its type: CycloneDX `metadata.component.type` (`container`, `file`, …) or SPDX
    /// `primaryPackagePurpose` (`CONTAINER`, `SOURCE`, …).
    pub subject_type: Option<String>,
}

/// Whether the start of a file (at most [`SNIFF_BYTES`] are looked at) reads as a CycloneDX or
/// SPDX JSON document. Cheap; [`detect`] confirms by parsing.
pub fn sniff(prefix: &[u8]) -> Option<SbomFormat> {
    let head = &prefix[..prefix.len().min(SNIFF_BYTES)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    if key_then_value(head, b"\"bomFormat\"", b"\"CycloneDX\"") {
        Some(SbomFormat::CycloneDx)
    } else if key_then_value(head, b"\"spdxVersion\"", b"\"SPDX-2.")
        || key_then_value(head, b"\"SPDXID\"", b"\"SPDXRef-DOCUMENT\"")
    {
        Some(SbomFormat::Spdx)
    } else {
        None
    }
}

/// Whether `key` occurs in `text` followed by `:` and a value starting with `value`.
fn key_then_value(text: &[u8], key: &[u8], value: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = text
        .get(from..)
        .and_then(|t| t.windows(key.len()).position(|w| w == key))
    {
        let mut rest = text.get(from + at + key.len()..).unwrap_or_default();
        rest = rest.trim_ascii_start();
        if let Some(r) = rest.strip_prefix(b":")
            && r.trim_ascii_start().starts_with(value)
        {
            return true;
        }
        from += at + 1;
    }
    false
}

/// The format of a CycloneDX or SPDX JSON document, `None` for anything else: [`sniff`] on the
/// first bytes, then a full parse to confirm.
pub fn detect(bytes: &[u8]) -> Option<SbomFormat> {
    let format = sniff(bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).ok()?;
    (classify(&value) == Some(format)).then_some(format)
}

fn classify(doc: &Value) -> Option<SbomFormat> {
    let obj = doc.as_object()?;
    if obj.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        Some(SbomFormat::CycloneDx)
    } else if obj
        .get("spdxVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("SPDX-2."))
    {
        Some(SbomFormat::Spdx)
    } else {
        None
    }
}

/// Reads a CycloneDX or SPDX JSON document (`path` names it in errors and warnings).
pub fn read(path: &str, bytes: &[u8]) -> Result<Inventory, SbomInputError> {
    read_document(path, bytes).map(|d| d.inventory)
}

/// [`read`], with the document's format and subject.
pub fn read_document(path: &str, bytes: &[u8]) -> Result<SbomDocument, SbomInputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        SbomInputError::Malformed {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })?;
    match classify(&doc) {
        Some(SbomFormat::CycloneDx) => Ok(cyclonedx(path, &doc)),
        Some(SbomFormat::Spdx) => Ok(spdx(path, &doc)),
        None => Err(SbomInputError::NotAnSbom {
            path: path.to_string(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Package URLs

/// A package URL, decoded.
#[derive(Debug, Clone, Default)]
struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
}

impl Purl {
    fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// Parses with the `packageurl` crate; purls it rejects (a type rule broken, as some tools
/// write them) are split by hand, without the type rules.
fn parse_purl(text: &str) -> Option<Purl> {
    if let Ok(p) = packageurl::PackageUrl::from_str(text) {
        let mut qualifiers: Vec<(String, String)> = p
            .qualifiers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        qualifiers.sort();
        return Some(Purl {
            ty: p.ty().to_ascii_lowercase(),
            namespace: p.namespace().map(str::to_string).filter(|n| !n.is_empty()),
            name: p.name().to_string(),
            version: p.version().map(str::to_string).filter(|v| !v.is_empty()),
            qualifiers,
        });
    }
    let rest = text.trim();
    let rest = rest
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("pkg:"))
        .and_then(|_| rest.get(4..))?
        .trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (
            r,
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_ascii_lowercase(), percent_decode(v)))
                .collect(),
        ),
        None => (rest, Vec::new()),
    };
    let (ty, rest) = rest.split_once('/')?;
    let (rest, version) = match rest.rsplit_once('@') {
        Some((r, v)) if !v.contains('/') && !r.is_empty() => (r, Some(percent_decode(v))),
        _ => (rest, None),
    };
    let rest = rest.trim_end_matches('/');
    let (namespace, name) = match rest.rsplit_once('/') {
        Some((ns, n)) => (Some(percent_decode(ns)), percent_decode(n)),
        None => (None, percent_decode(rest)),
    };
    if ty.is_empty() || name.is_empty() {
        return None;
    }
    Some(Purl {
        ty: ty.to_ascii_lowercase(),
        namespace: namespace.filter(|n| !n.is_empty()),
        name,
        version: version.filter(|v| !v.is_empty()),
        qualifiers,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ecosystem_of(purl_type: &str) -> Option<Ecosystem> {
    Some(match purl_type {
        "deb" => Ecosystem::Deb,
        "apk" => Ecosystem::Apk,
        "rpm" => Ecosystem::Rpm,
        "cargo" => Ecosystem::Cargo,
        "golang" => Ecosystem::Golang,
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::Pypi,
        "gem" => Ecosystem::Gem,
        "composer" => Ecosystem::Composer,
        "maven" => Ecosystem::Maven,
        "nuget" => Ecosystem::Nuget,
        // What syft and dockguard report for programs recognised in executables.
        "generic" => Ecosystem::Binary,
        _ => return None,
    })
}

/// PEP 503 normalised name: lowercase, runs of `-_.` as one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `debian-12` → (`debian`, `12`); `opensuse-leap-15.5` → (`opensuse-leap`, `15.5`).
fn distro_from_qualifier(value: &str) -> Distro {
    let split = value
        .char_indices()
        .find(|&(i, c)| {
            c == '-'
                && value
                    .get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(|d| d.is_ascii_digit())
        })
        .map(|(i, _)| i);
    match split {
        Some(i) => Distro {
            id: value.get(..i).unwrap_or(value).to_string(),
            version_id: value.get(i + 1..).map(str::to_string),
            ..Distro::default()
        },
        None => Distro {
            id: value.to_string(),
            ..Distro::default()
        },
    }
}

/// `openssl-3.0.7-27.el9.src.rpm` → (`openssl`, `3.0.7-27.el9`).
fn split_source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    let version_len = version.len() + 1 + release.len();
    Some((name, stem.get(stem.len() - version_len..)?))
}

/// What a document says about a package beside its purl.
#[derive(Debug, Default)]
struct Hints<'a> {
    /// The name and version fields of the component / package.
    name: Option<&'a str>,
    version: Option<&'a str>,
    /// Source name and version as a tool recorded them explicitly (properties, sourceInfo).
    source_name: Option<String>,
    source_version: Option<String>,
}

/// The package a purl names, or `None` for types we have no ecosystem for. Also the distro its
/// `distro` qualifier names.
fn package_from_purl(purl: &Purl, hints: Hints) -> Option<(Package, Option<Distro>)> {
    let ecosystem = ecosystem_of(&purl.ty)?;
    let ns = purl.namespace.as_deref();
    let derived = match (ecosystem, ns) {
        (Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm, _) | (_, None) => purl.name.clone(),
        (Ecosystem::Npm, Some(ns)) if ns.starts_with('@') => format!("{ns}/{}", purl.name),
        (Ecosystem::Npm, Some(ns)) => format!("@{ns}/{}", purl.name),
        (Ecosystem::Maven, Some(ns)) => format!("{ns}:{}", purl.name),
        (_, Some(ns)) => format!("{ns}/{}", purl.name),
    };
    let name = match hints.name {
        Some(n)
            if n.eq_ignore_ascii_case(&derived)
                || (ecosystem == Ecosystem::Pypi && pep503(n) == pep503(&derived)) =>
        {
            n.to_string()
        }
        _ => derived,
    };
    if name.is_empty() {
        return None;
    }
    let mut version = purl
        .version
        .clone()
        .or_else(|| hints.version.map(str::to_string))
        .unwrap_or_default();
    let mut package = Package::new(ecosystem, name, String::new());
    let mut distro = None;
    if ecosystem.is_os() {
        if let Some(epoch) = purl.qualifier("epoch")
            && !version.starts_with(&format!("{epoch}:"))
        {
            version = format!("{epoch}:{version}");
        }
        package.arch = purl.qualifier("arch").map(str::to_string);
        distro = purl.qualifier("distro").map(distro_from_qualifier);
        let (mut source_name, mut source_version) = (hints.source_name, hints.source_version);
        if source_name.is_none()
            && let Some(upstream) = purl.qualifier("upstream")
        {
            if let Some((n, v)) = split_source_rpm(upstream) {
                source_name = Some(n.to_string());
                if source_version.is_none() {
                    // As the rpm cataloger: the source version with the binary's epoch.
                    source_version = Some(match version.split_once(':') {
                        Some((e, _)) if e.bytes().all(|b| b.is_ascii_digit()) => {
                            format!("{e}:{v}")
                        }
                        _ => v.to_string(),
                    });
                }
            } else if let Some((n, v)) = upstream.split_once('@') {
                source_name = Some(n.to_string());
                source_version = source_version.or_else(|| Some(v.to_string()));
            } else {
                source_name = Some(upstream.to_string());
            }
        }
        if source_name.is_none() && matches!(ecosystem, Ecosystem::Deb | Ecosystem::Apk) {
            source_name = Some(package.name.clone());
        }
        if source_name.is_some() && source_version.is_none() {
            source_version = Some(version.clone());
        }
        package.source_name = source_name;
        package.source_version = source_version;
    } else {
        package.source_name = hints.source_name;
        package.source_version = hints.source_version;
    }
    package.version = version;
    Some((package, distro))
}

/// A path as our model writes it: relative, no leading `/` or `./`.
fn normal_path(path: &str) -> Option<String> {
    let p = path.trim();
    let p = p.trim_start_matches("./").trim_start_matches('/');
    (!p.is_empty()).then(|| p.to_string())
}

fn location(path: &str, layer_digest: Option<&str>) -> Option<Location> {
    Some(Location {
        path: normal_path(path)?,
        layer: None,
        layer_digest: layer_digest.map(str::to_string),
    })
}

// ---------------------------------------------------------------------------------------------
// Building the inventory

type Key = (Ecosystem, String, String, Option<String>);

#[derive(Default)]
struct Builder {
    path: String,
    packages: Vec<Package>,
    by_key: HashMap<Key, usize>,
    /// bom-ref / SPDXID → package.
    refs: HashMap<String, usize>,
    /// Layer digests known for packages whose location is not known yet.
    layer_hint: HashMap<usize, String>,
    /// bom-ref / SPDXID of Trivy's `lang-pkgs` applications → their file path.
    applications: HashMap<String, String>,
    /// Raw (from, to) references, resolved once every package is known.
    edges: Vec<(String, String)>,
    distro: Option<Distro>,
    qualifier_distro: Option<Distro>,
    skipped: usize,
    warnings: Vec<Warning>,
    /// Warnings given once per document whatever the number of places (hostile documents).
    warned_once: HashSet<&'static str>,
}

impl Builder {
    fn new(path: &str) -> Self {
        Builder {
            path: path.to_string(),
            ..Builder::default()
        }
    }

    fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: self.path.clone(),
            layer: None,
            line: None,
            message: message.into(),
        });
    }

    fn warn_once(&mut self, key: &'static str, message: impl Into<String>) {
        if self.warned_once.insert(key) {
            self.warn(message);
        }
    }

    /// Adds (or merges) a package; `reference` is its bom-ref / SPDXID.
    fn add(
        &mut self,
        reference: Option<&str>,
        package: Package,
        distro: Option<Distro>,
        layer: Option<String>,
    ) {
        if self.qualifier_distro.is_none() {
            self.qualifier_distro = distro;
        }
        let key = (
            package.ecosystem,
            package.name.clone(),
            package.version.clone(),
            package.arch.clone(),
        );
        let index = match self.by_key.get(&key) {
            Some(&i) => {
                if let Some(existing) = self.packages.get_mut(i) {
                    existing.locations.extend(package.locations);
                    existing.licenses.extend(package.licenses);
                    existing.dependencies.extend(package.dependencies);
                    if existing.source_name.is_none() {
                        existing.source_name = package.source_name;
                        existing.source_version = package.source_version;
                    }
                }
                i
            }
            None => {
                self.packages.push(package);
                let i = self.packages.len() - 1;
                self.by_key.insert(key, i);
                i
            }
        };
        if let Some(layer) = layer {
            self.layer_hint.entry(index).or_insert(layer);
        }
        if let Some(r) = reference.filter(|r| !r.is_empty()) {
            self.refs.insert(r.to_string(), index);
        }
    }

    fn finish(mut self, what: &str) -> Inventory {
        // Dependencies, by name; Trivy's applications (lockfiles) and the packages they hold.
        let mut from_applications: Vec<(String, usize)> = Vec::new();
        let mut graph: HashMap<usize, Vec<usize>> = HashMap::new();
        for (from, to) in std::mem::take(&mut self.edges) {
            let Some(&t) = self.refs.get(&to) else {
                continue;
            };
            if let Some(path) = self.applications.get(&from) {
                from_applications.push((path.clone(), t));
                continue;
            }
            let Some(&f) = self.refs.get(&from) else {
                continue;
            };
            if f == t {
                continue;
            }
            graph.entry(f).or_default().push(t);
            let Some(name) = self.packages.get(t).map(|p| p.name.clone()) else {
                continue;
            };
            if let Some(p) = self.packages.get_mut(f) {
                p.dependencies.push(name);
            }
        }
        // A lockfile's packages without a location of their own: the application's path, for
        // the packages it lists and (Trivy's CycloneDX lists only the root) what they depend on.
        let mut visited: HashSet<usize> = HashSet::new();
        let mut queue: std::collections::VecDeque<(String, usize)> = from_applications.into();
        while let Some((path, i)) = queue.pop_front() {
            if !visited.insert(i) {
                continue;
            }
            let Some(p) = self.packages.get_mut(i) else {
                continue;
            };
            if !p.locations.is_empty() {
                continue;
            }
            p.locations.push(Location {
                path: path.clone(),
                layer: None,
                layer_digest: self.layer_hint.get(&i).cloned(),
            });
            for &d in graph.get(&i).into_iter().flatten() {
                queue.push_back((path.clone(), d));
            }
        }
        for p in &mut self.packages {
            dedup(&mut p.locations);
            dedup(&mut p.licenses);
            dedup(&mut p.dependencies);
        }
        if self.skipped > 0 {
            let n = self.skipped;
            self.warn(format!(
                "{n} {what}{} without a supported package URL {} skipped",
                if n == 1 { "" } else { "s" },
                if n == 1 { "was" } else { "were" },
            ));
        }
        Inventory {
            distro: self.distro.or(self.qualifier_distro),
            packages: self.packages,
            warnings: self.warnings,
        }
    }
}

/// Removes repeated items, keeping the first of each (linear time).
fn dedup<T: Clone + Eq + std::hash::Hash>(items: &mut Vec<T>) {
    let mut seen = HashSet::with_capacity(items.len());
    items.retain(|i| seen.insert(i.clone()));
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------------
// CycloneDX

fn cyclonedx(path: &str, doc: &Value) -> SbomDocument {
    let mut b = Builder::new(path);
    let metadata_component = doc.get("metadata").and_then(|m| m.get("component"));
    if let Some(mc) = metadata_component
        && str_of(mc, "type") == Some("operating-system")
    {
        b.distro = Some(cyclonedx_distro(mc));
    }
    match doc.get("components") {
        None | Some(Value::Null) => {}
        Some(components) => walk_components(&mut b, components, 1),
    }
    match doc.get("dependencies") {
        None | Some(Value::Null) => {}
        Some(Value::Array(deps)) => {
            for d in deps {
                let Some(from) = str_of(d, "ref") else {
                    continue;
                };
                for to in d
                    .get("dependsOn")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    b.edges.push((from.to_string(), to.to_string()));
                }
            }
        }
        Some(_) => b.warn("`dependencies` is not an array; dependencies not read"),
    }
    SbomDocument {
        format: SbomFormat::CycloneDx,
        inventory: b.finish("component"),
        subject_name: metadata_component.and_then(|c| str_of(c, "name").map(str::to_string)),
        subject_type: metadata_component.and_then(|c| str_of(c, "type").map(str::to_string)),
    }
}

fn walk_components(b: &mut Builder, components: &Value, depth: usize) {
    let Some(list) = components.as_array() else {
        b.warn_once(
            "components",
            "`components` is not an array; the components it should list were not read",
        );
        return;
    };
    if depth > MAX_COMPONENT_DEPTH {
        b.warn_once(
            "depth",
            format!("components nested deeper than {MAX_COMPONENT_DEPTH} levels were not read"),
        );
        return;
    }
    for c in list {
        cyclonedx_component(b, c);
        if let Some(nested) = c.get("components").filter(|n| !n.is_null()) {
            walk_components(b, nested, depth + 1);
        }
    }
}

/// `(name, value)` of every well-formed property.
fn properties(c: &Value) -> Vec<(&str, &str)> {
    c.get("properties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("name")?.as_str()?, p.get("value")?.as_str()?)))
        .collect()
}

fn cyclonedx_distro(c: &Value) -> Distro {
    let props = properties(c);
    let prop = |k: &str| {
        props
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    };
    Distro {
        id: str_of(c, "name").unwrap_or_default().to_ascii_lowercase(),
        version_id: str_of(c, "version").map(str::to_string),
        codename: prop("syft:distro:versionCodename"),
        pretty_name: str_of(c, "description")
            .map(str::to_string)
            .or_else(|| prop("syft:distro:prettyName")),
    }
}

fn cyclonedx_component(b: &mut Builder, c: &Value) {
    if !c.is_object() {
        b.skipped += 1;
        return;
    }
    let ty = str_of(c, "type");
    let props = properties(c);
    let prop = |k: &str| props.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    if ty == Some("operating-system") {
        if b.distro.is_none() {
            b.distro = Some(cyclonedx_distro(c));
        }
        return;
    }
    let trivy_class = prop("aquasecurity:trivy:Class");
    if trivy_class == Some("lang-pkgs")
        && let (Some(r), Some(name)) = (str_of(c, "bom-ref"), str_of(c, "name"))
        && let Some(p) = normal_path(name)
    {
        b.applications.insert(r.to_string(), p);
    }
    let purl = str_of(c, "purl").and_then(parse_purl);
    let source = source_from_properties(&props);
    let hints = Hints {
        name: str_of(c, "name"),
        version: str_of(c, "version"),
        source_name: source.0,
        source_version: source.1,
    };
    let Some((mut package, distro)) = purl.and_then(|p| package_from_purl(&p, hints)) else {
        if !matches!(ty, Some("container" | "file")) && trivy_class.is_none() {
            b.skipped += 1;
        }
        return;
    };
    package.licenses = cyclonedx_licenses(c);
    let (locations, layer) = cyclonedx_locations(c, &props);
    package.locations = locations;
    b.add(str_of(c, "bom-ref"), package, distro, layer);
}

/// Source name and version from dockguard's, Trivy's or syft's properties.
fn source_from_properties(props: &[(&str, &str)]) -> (Option<String>, Option<String>) {
    let prop = |k: &str| {
        props
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    if let Some(n) = prop("dockguard:package:source-name") {
        return (
            Some(n.to_string()),
            prop("dockguard:package:source-version").map(str::to_string),
        );
    }
    if let Some(n) = prop("aquasecurity:trivy:SrcName") {
        let version = prop("aquasecurity:trivy:SrcVersion").map(|v| {
            let mut s = String::new();
            if let Some(e) = prop("aquasecurity:trivy:SrcEpoch").filter(|e| *e != "0") {
                s.push_str(e);
                s.push(':');
            }
            s.push_str(v);
            if let Some(r) = prop("aquasecurity:trivy:SrcRelease") {
                s.push('-');
                s.push_str(r);
            }
            s
        });
        return (Some(n.to_string()), version);
    }
    if let Some(srpm) = prop("syft:metadata:sourceRpm")
        && let Some((n, _)) = split_source_rpm(srpm)
    {
        // The version (with the binary's epoch) is filled in from the purl's upstream.
        return (Some(n.to_string()), None);
    }
    if let Some(n) = prop("syft:metadata:source").or_else(|| prop("syft:metadata:originPackage")) {
        return (
            Some(n.to_string()),
            prop("syft:metadata:sourceVersion").map(str::to_string),
        );
    }
    (
        None,
        prop("dockguard:package:source-version").map(str::to_string),
    )
}

fn cyclonedx_licenses(c: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for l in c
        .get("licenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(e) = str_of(l, "expression") {
            out.push(e.to_string());
        } else if let Some(lic) = l.get("license")
            && let Some(v) = str_of(lic, "id").or_else(|| str_of(lic, "name"))
        {
            out.push(v.to_string());
        }
    }
    out
}

/// Locations from properties (dockguard, syft, Trivy) and CycloneDX 1.5 evidence; also a layer
/// digest known without a path (Trivy OS packages), for a location found later.
fn cyclonedx_locations(c: &Value, props: &[(&str, &str)]) -> (Vec<Location>, Option<String>) {
    let mut out: Vec<Location> = Vec::new();
    let mut syft: BTreeMap<u64, (Option<&str>, Option<&str>)> = BTreeMap::new();
    let mut trivy_layer = None;
    let mut trivy_paths = Vec::new();
    for &(name, value) in props {
        match name {
            "dockguard:location:path" => out.extend(location(value, None)),
            "dockguard:location:layer-digest" => {
                if let Some(last) = out.last_mut() {
                    last.layer_digest = Some(value.to_string());
                }
            }
            "aquasecurity:trivy:FilePath" => trivy_paths.push(value),
            "aquasecurity:trivy:LayerDiffID" => trivy_layer = Some(value),
            _ => {
                if let Some(rest) = name.strip_prefix("syft:location:")
                    && let Some((n, field)) = rest.split_once(':')
                    && let Ok(n) = n.parse::<u64>()
                {
                    let entry = syft.entry(n).or_default();
                    match field {
                        "path" => entry.0 = Some(value),
                        "layerID" => entry.1 = Some(value),
                        _ => {}
                    }
                }
            }
        }
    }
    out.extend(
        trivy_paths
            .into_iter()
            .filter_map(|p| location(p, trivy_layer)),
    );
    out.extend(
        syft.into_values()
            .filter_map(|(p, layer)| location(p?, layer)),
    );
    for o in c
        .get("evidence")
        .and_then(|e| e.get("occurrences"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(p) = str_of(o, "location") {
            out.extend(location(p, None));
        }
    }
    (out, trivy_layer.map(str::to_string))
}

// ---------------------------------------------------------------------------------------------
// SPDX

fn spdx(path: &str, doc: &Value) -> SbomDocument {
    let mut b = Builder::new(path);
    let document_id = str_of(doc, "SPDXID").unwrap_or("SPDXRef-DOCUMENT");
    // LicenseRef-… → the name it stands for.
    let mut extracted: HashMap<&str, &str> = HashMap::new();
    for info in doc
        .get("hasExtractedLicensingInfos")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = str_of(info, "licenseId") else {
            continue;
        };
        let name = match info.get("name") {
            Some(n) => n
                .as_str()
                .map(str::trim)
                .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("NOASSERTION")),
            // syft: no name, the text is the licence as the package states it.
            None => str_of(info, "extractedText").filter(|t| t.len() <= 200 && !t.contains('\n')),
        };
        if let Some(name) = name {
            extracted.insert(id, name);
        }
    }
    let relationships: &[Value] = match doc.get("relationships") {
        Some(Value::Array(r)) => r,
        None | Some(Value::Null) => &[],
        Some(_) => {
            b.warn("`relationships` is not an array; dependencies not read");
            &[]
        }
    };
    let mut contains: Vec<(&str, &str)> = Vec::new();
    let mut described: HashSet<&str> = doc
        .get("documentDescribes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for r in relationships {
        let (Some(a), Some(kind), Some(z)) = (
            str_of(r, "spdxElementId"),
            str_of(r, "relationshipType"),
            str_of(r, "relatedSpdxElement"),
        ) else {
            continue;
        };
        match kind {
            "DESCRIBES" if a == document_id => {
                described.insert(z);
            }
            "DESCRIBED_BY" if z == document_id => {
                described.insert(a);
            }
            "DEPENDS_ON" => b.edges.push((a.to_string(), z.to_string())),
            "CONTAINS" => contains.push((a, z)),
            "DEPENDENCY_OF" => b.edges.push((z.to_string(), a.to_string())),
            _ => {}
        }
    }
    let mut subject: Option<&Value> = None;
    let packages: &[Value] = match doc.get("packages") {
        Some(Value::Array(p)) => p,
        None | Some(Value::Null) => &[],
        Some(_) => {
            b.warn("`packages` is not an array; no package read");
            &[]
        }
    };
    for p in packages {
        let Some(id) = str_of(p, "SPDXID") else {
            b.skipped += 1;
            continue;
        };
        if described.contains(id) && subject.is_none() {
            subject = Some(p);
        }
        spdx_package(&mut b, p, id, &extracted, described.contains(id));
    }
    // CONTAINS only counts from Trivy's applications (their packages' location).
    b.edges.extend(
        contains
            .into_iter()
            .filter(|(a, _)| b.applications.contains_key(*a))
            .map(|(a, z)| (a.to_string(), z.to_string())),
    );
    SbomDocument {
        format: SbomFormat::Spdx,
        inventory: b.finish("package"),
        subject_name: subject
            .and_then(|s| str_of(s, "name"))
            .or_else(|| str_of(doc, "name"))
            .map(str::to_string),
        subject_type: subject.and_then(|s| str_of(s, "primaryPackagePurpose").map(str::to_string)),
    }
}

fn spdx_package(
    b: &mut Builder,
    p: &Value,
    id: &str,
    extracted: &HashMap<&str, &str>,
    described: bool,
) {
    let purpose = str_of(p, "primaryPackagePurpose")
        .map(|s| s.to_ascii_uppercase().replace('_', "-"))
        .unwrap_or_default();
    if purpose == "OPERATING-SYSTEM" {
        if b.distro.is_none() {
            b.distro = Some(Distro {
                id: str_of(p, "name").unwrap_or_default().to_ascii_lowercase(),
                version_id: str_of(p, "versionInfo").map(str::to_string),
                ..Distro::default()
            });
        }
        return;
    }
    let annotations: Vec<&str> = p
        .get("annotations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| str_of(a, "comment"))
        .collect();
    let annotation = |k: &str| {
        annotations
            .iter()
            .find_map(|a| a.strip_prefix(k).map(str::trim))
            .filter(|v| !v.is_empty())
    };
    let trivy_class = annotation("Class:");
    if trivy_class == Some("lang-pkgs")
        && let Some(name) = str_of(p, "name").and_then(normal_path)
    {
        b.applications.insert(id.to_string(), name);
    }
    let (locations, source) = match str_of(p, "sourceInfo") {
        Some(info) => spdx_source_info(info),
        None => (Vec::new(), None),
    };
    let layer = annotation("LayerDiffID:");
    let purl = p
        .get("externalRefs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| str_of(r, "referenceType").is_some_and(|t| t.eq_ignore_ascii_case("purl")))
        .filter_map(|r| parse_purl(str_of(r, "referenceLocator")?))
        .find(|purl| ecosystem_of(&purl.ty).is_some());
    let (source_name, source_version) = match source {
        Some((n, v)) => (Some(n), v),
        None => (None, None),
    };
    let hints = Hints {
        name: str_of(p, "name"),
        version: str_of(p, "versionInfo"),
        source_name,
        source_version,
    };
    let Some((mut package, distro)) = purl.and_then(|purl| package_from_purl(&purl, hints)) else {
        if !described && purpose != "CONTAINER" && trivy_class.is_none() {
            b.skipped += 1;
        }
        return;
    };
    package.licenses = spdx_licenses(p, extracted);
    package.locations = locations
        .into_iter()
        .filter_map(|l| location(&l, layer))
        .collect();
    b.add(Some(id), package, distro, layer.map(str::to_string));
}

/// Locations or the source package, from the free-text `sourceInfo` of dockguard, syft and
/// Trivy.
fn spdx_source_info(info: &str) -> (Vec<String>, Option<(String, Option<String>)>) {
    if let Some(rest) = info.strip_prefix("built package from:") {
        let rest = rest.trim();
        let source = match rest.split_once(char::is_whitespace) {
            Some((n, v)) => (n.to_string(), Some(v.trim().to_string())),
            None => (rest.to_string(), None),
        };
        return (Vec::new(), (!source.0.is_empty()).then_some(source));
    }
    let list = if let Some(rest) = info.strip_prefix("found in ") {
        rest
    } else if info.starts_with("acquired package info from") || info.starts_with("package found in")
    {
        match info.split_once(": ") {
            Some((_, rest)) => rest,
            None => return (Vec::new(), None),
        }
    } else {
        return (Vec::new(), None);
    };
    let paths = list
        .split(", ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    (paths, None)
}

/// The terms of a plain `A AND B WITH E AND …` list (no `OR`, no parentheses: the form dockguard
/// and Trivy write several licences in), to be split back; `None` for other expressions.
fn and_list(text: &str) -> Option<Vec<&str>> {
    if text.contains(['(', ')']) || text.split_whitespace().any(|t| t == "OR") {
        return None;
    }
    let terms: Vec<&str> = text.split(" AND ").map(str::trim).collect();
    terms
        .iter()
        .all(|t| {
            let words: Vec<&str> = t.split_whitespace().collect();
            matches!(words.as_slice(), [_] | [_, "WITH", _]) && !words.contains(&"AND")
        })
        .then_some(terms)
}

fn spdx_licenses(p: &Value, extracted: &HashMap<&str, &str>) -> Vec<String> {
    let name_of = |id: &str| -> String {
        if id.starts_with("LicenseRef-") {
            extracted.get(id).map_or(id, |n| *n).to_string()
        } else {
            id.to_string()
        }
    };
    for field in ["licenseDeclared", "licenseConcluded"] {
        let Some(text) = str_of(p, field) else {
            continue;
        };
        if text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE") {
            continue;
        }
        return match and_list(text) {
            Some(ids) => ids.into_iter().map(name_of).collect(),
            None => vec![name_of(text)],
        };
    }
    if let Some(recorded) =
        str_of(p, "licenseComments").and_then(|c| c.strip_prefix("as recorded: "))
    {
        return recorded
            .split(", ")
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::{self, Subject, SubjectKind};
    use serde_json::json;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/fixtures/sbom-input/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    fn find<'a>(inv: &'a Inventory, eco: Ecosystem, name: &str) -> &'a Package {
        inv.packages
            .iter()
            .find(|p| p.ecosystem == eco && p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    fn at(path: &str, digest: Option<&str>) -> Location {
        Location {
            path: path.into(),
            layer: Some(0),
            layer_digest: digest.map(str::to_string),
        }
    }

    fn pkg(
        eco: Ecosystem,
        name: &str,
        version: &str,
        licenses: &[&str],
        deps: &[&str],
        loc: &Location,
    ) -> Package {
        let mut p = Package::new(eco, name, version);
        p.licenses = licenses.iter().map(|s| s.to_string()).collect();
        p.dependencies = deps.iter().map(|s| s.to_string()).collect();
        p.locations = vec![loc.clone()];
        p
    }

    fn os(mut p: Package, arch: &str, source: &str, source_version: &str) -> Package {
        p.arch = Some(arch.into());
        p.source_name = Some(source.into());
        p.source_version = Some(source_version.into());
        p
    }

    fn sample() -> Inventory {
        use Ecosystem::*;
        let dpkg = at("var/lib/dpkg/status", Some("sha256:aa"));
        let apk = at("lib/apk/db/installed", None);
        let rpm = at("var/lib/rpm/rpmdb.sqlite", None);
        let npm = at("app/package-lock.json", Some("sha256:bb"));
        let war = at("srv/app.war", None);
        let cargo = at("app/Cargo.lock", None);
        let login = "1:4.13+dfsg1-1+deb12u2";
        let openssl_rpm = "1:3.0.7-27.el9";
        let packages = vec![
            os(
                pkg(
                    Deb,
                    "login",
                    login,
                    &["BSD-3-Clause", "GPL-2.0-only"],
                    &["libc6"],
                    &dpkg,
                ),
                "amd64",
                "shadow",
                login,
            ),
            os(
                pkg(
                    Deb,
                    "libc6",
                    "2.36-9+deb12u14",
                    &["LGPL-2.1-only"],
                    &[],
                    &dpkg,
                ),
                "amd64",
                "glibc",
                "2.36-9+deb12u14",
            ),
            // binNMU: the source version differs (only CycloneDX carries it).
            os(
                pkg(
                    Deb,
                    "bash",
                    "5.2.15-2+b13",
                    &["GPL-3.0-or-later"],
                    &[],
                    &dpkg,
                ),
                "amd64",
                "bash",
                "5.2.15-2",
            ),
            os(
                pkg(Apk, "ssl_client", "3.3.2-r0", &["Apache-2.0"], &[], &apk),
                "x86_64",
                "openssl",
                "3.3.2-r0",
            ),
            os(
                pkg(Rpm, "openssl-libs", openssl_rpm, &["Apache-2.0"], &[], &rpm),
                "x86_64",
                "openssl",
                openssl_rpm,
            ),
            pkg(
                Npm,
                "@types/node",
                "20.1.0",
                &["MIT"],
                &["undici-types"],
                &npm,
            ),
            pkg(Npm, "undici-types", "5.26.5", &["MIT"], &[], &npm),
            pkg(
                Pypi,
                "PyYAML",
                "6.0.1",
                &["MIT"],
                &[],
                &at(
                    "usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA",
                    None,
                ),
            ),
            pkg(
                Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                &["Apache-2.0"],
                &["org.apache.logging.log4j:log4j-api"],
                &war,
            ),
            pkg(
                Maven,
                "org.apache.logging.log4j:log4j-api",
                "2.14.1",
                &["GPL-2.0-or-later WITH Classpath-exception-2.0"],
                &[],
                &war,
            ),
            pkg(
                Golang,
                "github.com/BurntSushi/toml",
                "v1.3.2",
                &[],
                &[],
                &at("app/go.mod", None),
            ),
            pkg(
                Cargo,
                "serde",
                "1.0.200",
                &["MIT OR Apache-2.0"],
                &["serde_derive"],
                &cargo,
            ),
            pkg(
                Cargo,
                "serde_derive",
                "1.0.200",
                &["Some Custom Licence"],
                &[],
                &cargo,
            ),
            pkg(
                Nuget,
                "Newtonsoft.Json",
                "13.0.3",
                &["MIT"],
                &[],
                &at("app/packages.lock.json", None),
            ),
            pkg(
                Gem,
                "rack",
                "3.0.8",
                &["MIT"],
                &[],
                &at("app/Gemfile.lock", None),
            ),
            pkg(
                Composer,
                "monolog/monolog",
                "3.5.0",
                &["MIT"],
                &[],
                &at("app/composer.lock", None),
            ),
        ];
        Inventory {
            distro: Some(Distro {
                id: "debian".into(),
                version_id: Some("12".into()),
                codename: None,
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
            }),
            packages,
            warnings: Vec::new(),
        }
    }

    const SUBJECT: Subject<'static> = Subject {
        name: "demo:1",
        kind: SubjectKind::Container,
        tool_version: "0.1.0",
    };

    /// What survives a trip through a document: layers (indices) are not written, and SPDX
    /// keeps neither the source version nor layer digests.
    fn expected(p: &Package, spdx: bool) -> Package {
        let mut p = p.clone();
        p.dependencies.sort();
        for l in &mut p.locations {
            l.layer = None;
            if spdx {
                l.layer_digest = None;
            }
        }
        if spdx && p.ecosystem.is_os() {
            p.source_version = Some(p.version.clone());
        }
        p
    }

    fn check_round_trip(doc: &serde_json::Value, format: SbomFormat) {
        let spdx = format == SbomFormat::Spdx;
        let bytes = serde_json::to_vec_pretty(doc).unwrap();
        assert_eq!(sniff(&bytes), Some(format));
        assert_eq!(detect(&bytes), Some(format));
        let read = read_document("our.json", &bytes).unwrap();
        assert_eq!(read.format, format);
        assert_eq!(read.subject_name.as_deref(), Some("demo:1"));
        let inv = read.inventory;
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        let original = sample();
        assert_eq!(inv.packages.len(), original.packages.len());
        for (want, got) in original.packages.iter().zip(&inv.packages) {
            let mut got = got.clone();
            got.dependencies.sort();
            assert_eq!(got, expected(want, spdx), "{format:?}");
        }
        let distro = inv.distro.unwrap();
        assert_eq!(distro.id, "debian");
        assert_eq!(distro.version_id.as_deref(), Some("12"));
        if !spdx {
            assert_eq!(
                distro.pretty_name.as_deref(),
                Some("Debian GNU/Linux 12 (bookworm)")
            );
        }
    }

    #[test]
    fn round_trip_through_our_cyclonedx_and_spdx() {
        let inv = sample();
        check_round_trip(&sbom::cyclonedx(&SUBJECT, &inv), SbomFormat::CycloneDx);
        check_round_trip(&sbom::spdx(&SUBJECT, &inv), SbomFormat::Spdx);
    }

    #[test]
    fn detection_is_cheap_and_confirmed() {
        let cdx = serde_json::to_vec(&sbom::cyclonedx(&SUBJECT, &sample())).unwrap();
        let spdx = serde_json::to_vec(&sbom::spdx(&SUBJECT, &sample())).unwrap();
        assert_eq!(detect(&cdx), Some(SbomFormat::CycloneDx));
        assert_eq!(detect(&spdx), Some(SbomFormat::Spdx));
        for f in [
            "syft-lang.cdx.json",
            "trivy-lang.cdx.json",
            "syft-lang.spdx.json",
            "trivy-lang.spdx.json",
        ] {
            let want = if f.contains("cdx") {
                SbomFormat::CycloneDx
            } else {
                SbomFormat::Spdx
            };
            assert_eq!(detect(&fixture(f)), Some(want), "{f}");
        }
        // With a byte-order mark and whitespace.
        let mut bom = b"\xEF\xBB\xBF \n".to_vec();
        bom.extend_from_slice(&cdx);
        assert_eq!(detect(&bom), Some(SbomFormat::CycloneDx));
        assert!(read("bom.json", &bom).is_ok());
        // Not SBOMs.
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"\0\0\0ustar"), None);
        assert_eq!(detect(br#"{"name": "x", "version": "1"}"#), None);
        assert_eq!(detect(br#"["bomFormat", "CycloneDX"]"#), None);
        // The key inside a string value, or with another value, is not enough.
        assert_eq!(detect(br#"{"note": "\"bomFormat\": \"CycloneDX\""}"#), None);
        assert_eq!(detect(br#"{"bomFormat": "SPDX"}"#), None);
        assert_eq!(detect(br#"{"spdxVersion": "SPDX-3.0"}"#), None);
        // A large file whose first 8 KiB say nothing is not parsed at all.
        let mut big = b"{\"padding\": \"".to_vec();
        big.resize(64 * 1024 * 1024, b'a');
        assert_eq!(sniff(&big), None);
        let start = std::time::Instant::now();
        assert_eq!(detect(&big), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        // Sniff alone accepts a truncated document: `read` gives the error.
        assert_eq!(sniff(&cdx[..100]), Some(SbomFormat::CycloneDx));
        assert_eq!(detect(&cdx[..100]), None);
    }

    #[test]
    fn syft_cyclonedx() {
        let inv = read("syft.cdx.json", &fixture("syft-lang.cdx.json")).unwrap();
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        assert_eq!(inv.packages.len(), 24);
        let d = inv.distro.as_ref().unwrap();
        assert_eq!(
            (
                d.id.as_str(),
                d.version_id.as_deref(),
                d.codename.as_deref()
            ),
            ("debian", Some("12"), Some("bookworm"))
        );
        let login = find(&inv, Ecosystem::Deb, "login");
        assert_eq!(login.version, "1:4.13+dfsg1-1+deb12u2");
        assert_eq!(login.source_name.as_deref(), Some("shadow"));
        assert_eq!(
            login.source_version.as_deref(),
            Some("1:4.13+dfsg1-1+deb12u2")
        );
        assert_eq!(login.arch.as_deref(), Some("amd64"));
        assert!(login.licenses.contains(&"public-domain".to_string()));
        assert_eq!(login.dependencies, ["libc6"]);
        assert!(login.locations.contains(&Location {
            path: "var/lib/dpkg/status".into(),
            layer: None,
            layer_digest: Some(
                "sha256:c1d7dcb839cd925738e111f9ded20c956a77128f9ef5c633350f2b15f116b4b5".into()
            ),
        }));
        // `upstream=bash%405.2.15-2`: binNMU source version.
        let bash = find(&inv, Ecosystem::Deb, "bash");
        assert_eq!(bash.source_version.as_deref(), Some("5.2.15-2"));
        assert_eq!(
            find(&inv, Ecosystem::Deb, "libstdc++6")
                .source_name
                .as_deref(),
            Some("gcc-12")
        );
        let requests = find(&inv, Ecosystem::Pypi, "requests");
        assert_eq!(requests.version, "2.31.0");
        assert_eq!(requests.licenses, ["Apache 2.0"]);
        let mut deps = requests.dependencies.clone();
        deps.sort();
        assert_eq!(deps, ["certifi", "idna", "urllib3"]);
        assert_eq!(
            requests.locations[0].path,
            "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA"
        );
    }

    #[test]
    fn trivy_cyclonedx() {
        let inv = read("trivy.cdx.json", &fixture("trivy-lang.cdx.json")).unwrap();
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        assert_eq!(inv.packages.len(), 28);
        let d = inv.distro.as_ref().unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("debian", Some("12.15"))
        );
        // `epoch=1` qualifier; SrcName/SrcEpoch/SrcVersion/SrcRelease properties.
        let login = find(&inv, Ecosystem::Deb, "login");
        assert_eq!(login.version, "1:4.13+dfsg1-1+deb12u2");
        assert_eq!(login.source_name.as_deref(), Some("shadow"));
        assert_eq!(
            login.source_version.as_deref(),
            Some("1:4.13+dfsg1-1+deb12u2")
        );
        assert_eq!(
            find(&inv, Ecosystem::Deb, "bash").source_version.as_deref(),
            Some("5.2.15-2")
        );
        let libc = find(&inv, Ecosystem::Deb, "libc6");
        assert_eq!(libc.source_name.as_deref(), Some("glibc"));
        assert_eq!(libc.source_version.as_deref(), Some("2.36-9+deb12u14"));
        // The purl says `pyyaml`, the component `PyYAML`.
        assert_eq!(find(&inv, Ecosystem::Pypi, "PyYAML").version, "6.0.1");
        let requests = find(&inv, Ecosystem::Pypi, "requests");
        assert_eq!(requests.licenses, ["Apache-2.0"]);
        assert_eq!(
            requests.locations[0].path,
            "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA"
        );
        // Cargo packages are located through the `app/Cargo.lock` application.
        for name in ["bench-app", "serde", "serde_json", "itoa"] {
            let p = find(&inv, Ecosystem::Cargo, name);
            assert_eq!(p.locations.len(), 1, "{name}");
            assert_eq!(p.locations[0].path, "app/Cargo.lock");
            assert!(p.locations[0].layer_digest.is_some());
        }
        let mut deps = find(&inv, Ecosystem::Cargo, "serde_json")
            .dependencies
            .clone();
        deps.sort();
        assert_eq!(deps, ["itoa", "serde"]);
    }

    #[test]
    fn syft_spdx() {
        let inv = read("syft.spdx.json", &fixture("syft-lang.spdx.json")).unwrap();
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        assert_eq!(inv.packages.len(), 24);
        // No OS package: from the purls' `distro=debian-12`.
        let d = inv.distro.as_ref().unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("debian", Some("12"))
        );
        let login = find(&inv, Ecosystem::Deb, "login");
        assert_eq!(login.version, "1:4.13+dfsg1-1+deb12u2");
        assert_eq!(login.source_name.as_deref(), Some("shadow"));
        // `LicenseRef-public-domain`, named by hasExtractedLicensingInfos.
        assert!(login.licenses.contains(&"public-domain".to_string()));
        assert!(
            login
                .locations
                .iter()
                .any(|l| l.path == "var/lib/dpkg/status")
        );
        let requests = find(&inv, Ecosystem::Pypi, "requests");
        assert_eq!(requests.licenses, ["Apache 2.0"]);
        // DEPENDENCY_OF, reversed.
        let mut deps = requests.dependencies.clone();
        deps.sort();
        assert_eq!(deps, ["certifi", "idna", "urllib3"]);
        // Same packages as syft's CycloneDX document of the same image.
        let cdx = read("syft.cdx.json", &fixture("syft-lang.cdx.json")).unwrap();
        let key = |i: &Inventory| {
            let mut k: Vec<_> = i
                .packages
                .iter()
                .map(|p| {
                    let mut deps = p.dependencies.clone();
                    deps.sort();
                    (
                        p.ecosystem,
                        p.name.clone(),
                        p.version.clone(),
                        p.source_name.clone(),
                        p.source_version.clone(),
                        p.arch.clone(),
                        deps,
                    )
                })
                .collect();
            k.sort();
            k
        };
        assert_eq!(key(&inv), key(&cdx));
    }

    #[test]
    fn trivy_spdx() {
        let inv = read("trivy.spdx.json", &fixture("trivy-lang.spdx.json")).unwrap();
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        assert_eq!(inv.packages.len(), 28);
        let d = inv.distro.as_ref().unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("debian", Some("12.15"))
        );
        // sourceInfo "built package from: shadow 1:4.13+dfsg1-1+deb12u2".
        let login = find(&inv, Ecosystem::Deb, "login");
        assert_eq!(login.version, "1:4.13+dfsg1-1+deb12u2");
        assert_eq!(login.source_name.as_deref(), Some("shadow"));
        assert_eq!(
            login.source_version.as_deref(),
            Some("1:4.13+dfsg1-1+deb12u2")
        );
        assert!(login.licenses.contains(&"public-domain".to_string()));
        // An AND list with a WITH term and a LicenseRef is split and named.
        let diff = find(&inv, Ecosystem::Deb, "diffutils");
        assert!(
            diff.licenses
                .contains(&"GPL-3.0-only WITH autoconf-exception+".to_string()),
            "{:?}",
            diff.licenses
        );
        assert!(diff.licenses.iter().all(|l| !l.contains(" AND ")));
        assert_eq!(find(&inv, Ecosystem::Pypi, "requests").version, "2.31.0");
        let serde = find(&inv, Ecosystem::Cargo, "serde");
        assert_eq!(serde.locations[0].path, "app/Cargo.lock");
        assert!(serde.locations[0].layer_digest.is_some());
    }

    #[test]
    fn malformed_documents_are_errors_with_a_position() {
        let cdx = serde_json::to_string_pretty(&sbom::cyclonedx(&SUBJECT, &sample())).unwrap();
        let cut = &cdx[..cdx.len() / 2];
        let err = read("dir/bom.cdx.json", cut.as_bytes()).unwrap_err();
        let SbomInputError::Malformed { line, column, .. } = &err else {
            panic!("{err:?}")
        };
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "dir/bom.cdx.json:{line}:{column}: malformed JSON: "
            )),
            "{text}"
        );
        assert_eq!(*line, cut.lines().count());
        assert!(!text.contains('\n'));
        let err = read("x.json", br#"{"a": 1,}"#).unwrap_err();
        assert!(
            err.to_string().starts_with("x.json:1:9: malformed JSON"),
            "{err}"
        );
        let err = read("x.json", br#"{"name": "not an sbom"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.json: not a CycloneDX or SPDX JSON document"
        );
        assert!(read("x.json", b"").is_err());
    }

    #[test]
    fn wrongly_typed_fields_are_skipped_with_warnings() {
        let doc = json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6",
            "components": {"not": "an array"},
            "dependencies": "nope",
        });
        let inv = read("w.json", doc.to_string().as_bytes()).unwrap();
        assert!(inv.packages.is_empty());
        assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
        assert!(
            inv.warnings[0]
                .message
                .contains("`components` is not an array")
        );
        assert_eq!(inv.warnings[0].path, "w.json");
        let doc = json!({
            "bomFormat": "CycloneDX", "specVersion": "1.4",
            "components": [
                7, null, "x", [],
                {"type": "library", "name": "a"},
                {"type": "library", "purl": 5},
                {"type": "library", "purl": "pkg:bitbucket/openssl/openssl@3.0"},
                {"type": "library", "purl": "pkg:github/package-url/purl-spec@244fd47e07d1004"},
                {"type": "library", "purl": "not a purl"},
                {"type": "library", "purl": "pkg:npm/ok@1.0.0", "licenses": "MIT",
                 "properties": [{"name": 1}, "x", {"name": "syft:location:x:path", "value": "a"},
                                {"name": "syft:location:0:path", "value": ""}],
                 "components": [{"purl": "pkg:npm/nested@2.0.0", "components": 5}]},
                {"type": "container", "name": "image"},
            ],
            "dependencies": [1, {"ref": 2}, {"ref": "x", "dependsOn": "y"}],
        });
        let inv = read("w.json", doc.to_string().as_bytes()).unwrap();
        let names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok", "nested"]);
        assert!(inv.packages[0].locations.is_empty());
        let messages: Vec<&str> = inv.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(
            messages.contains(&"9 components without a supported package URL were skipped"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("not an array")),
            "{messages:?}"
        );
        let doc = json!({
            "spdxVersion": "SPDX-2.2", "SPDXID": "SPDXRef-DOCUMENT",
            "packages": [
                {"SPDXID": "a", "name": "x", "externalRefs": "nope"},
                {"SPDXID": "b", "name": "y", "externalRefs": [{"referenceType": "purl",
                  "referenceCategory": "PACKAGE_MANAGER", "referenceLocator": "pkg:gem/rack@3.0.8"}],
                  "licenseDeclared": "NONE", "licenseConcluded": "MIT", "sourceInfo": 3},
                {"name": "no id"}, 4,
            ],
            "relationships": [{"spdxElementId": "b", "relationshipType": "DEPENDS_ON",
                               "relatedSpdxElement": "b"}, 5],
        });
        let inv = read("s.json", doc.to_string().as_bytes()).unwrap();
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].name, "rack");
        assert_eq!(inv.packages[0].licenses, ["MIT"]);
        assert!(inv.packages[0].dependencies.is_empty());
        assert_eq!(
            inv.warnings[0].message,
            "3 packages without a supported package URL were skipped"
        );
        let inv = read("s.json", br#"{"spdxVersion": "SPDX-2.3", "packages": 1}"#).unwrap();
        assert!(inv.packages.is_empty() && inv.warnings.len() == 1);
    }

    fn nested(levels: usize) -> serde_json::Value {
        let mut c = json!({"type": "library", "purl": format!("pkg:cargo/c{levels}@1.0.0")});
        for i in (1..levels).rev() {
            c = json!({"type": "library", "purl": format!("pkg:cargo/c{i}@1.0.0"),
                       "components": [c]});
        }
        json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [c]})
    }

    #[test]
    fn hostile_nesting_and_sizes() {
        // Nested components are read, down to the depth limit.
        let inv = read("n.json", nested(50).to_string().as_bytes()).unwrap();
        assert_eq!(inv.packages.len(), 50);
        assert!(inv.warnings.is_empty());
        let doc = cyclonedx("n.json", &nested(100));
        assert_eq!(doc.inventory.packages.len(), MAX_COMPONENT_DEPTH);
        assert!(doc.inventory.warnings[0].message.contains("nested deeper"));
        // Deeper than the JSON parser's recursion limit: an error, not a stack overflow.
        let deep = format!(
            "{{\"bomFormat\":\"CycloneDX\",\"components\":{}{}}}",
            "[{\"components\":".repeat(5000),
            "[]}]".repeat(5000)
        );
        let err = read("deep.json", deep.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
        // Many components, each depending on the next, one huge dependsOn list.
        let n = 20_000;
        let components: Vec<_> = (0..n)
            .map(|i| json!({"bom-ref": format!("r{i}"), "purl": format!("pkg:npm/p{i}@1.0.0")}))
            .collect();
        let mut deps: Vec<_> = (0..n - 1)
            .map(|i| json!({"ref": format!("r{i}"), "dependsOn": [format!("r{}", i + 1)]}))
            .collect();
        deps.push(
            json!({"ref": "r0", "dependsOn": (0..n).map(|i| format!("r{i}")).collect::<Vec<_>>()}),
        );
        let doc = json!({"bomFormat": "CycloneDX", "components": components, "dependencies": deps});
        let start = std::time::Instant::now();
        let inv = read("big.json", doc.to_string().as_bytes()).unwrap();
        assert_eq!(inv.packages.len(), n);
        assert_eq!(inv.packages[0].dependencies.len(), n - 1);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        // Duplicates are merged.
        let doc = json!({"bomFormat": "CycloneDX", "components": [
            {"bom-ref": "a", "purl": "pkg:pypi/six@1.16.0", "properties": [
                {"name": "aquasecurity:trivy:FilePath", "value": "a/METADATA"}]},
            {"bom-ref": "b", "purl": "pkg:pypi/six@1.16.0", "properties": [
                {"name": "aquasecurity:trivy:FilePath", "value": "b/METADATA"}]},
            {"bom-ref": "c", "purl": "pkg:pypi/attrs@23.2.0"},
        ], "dependencies": [{"ref": "c", "dependsOn": ["a", "b"]}]});
        let inv = read("dup.json", doc.to_string().as_bytes()).unwrap();
        assert_eq!(inv.packages.len(), 2);
        let paths: Vec<&str> = inv.packages[0]
            .locations
            .iter()
            .map(|l| l.path.as_str())
            .collect();
        assert_eq!(paths, ["a/METADATA", "b/METADATA"]);
        assert_eq!(inv.packages[1].dependencies, ["six"]);
    }

    #[test]
    fn purl_details() {
        let p = |s: &str, name: Option<&str>| {
            package_from_purl(
                &parse_purl(s).unwrap(),
                Hints {
                    name,
                    ..Hints::default()
                },
            )
            .unwrap()
        };
        // syft rpm: upstream is the source rpm; the epoch qualifier goes into both versions.
        let (rpm, distro) = p(
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm&distro=rhel-9.3",
            None,
        );
        assert_eq!(rpm.version, "1:3.0.7-27.el9");
        assert_eq!(rpm.source_name.as_deref(), Some("openssl"));
        assert_eq!(rpm.source_version.as_deref(), Some("1:3.0.7-27.el9"));
        let distro = distro.unwrap();
        assert_eq!(
            (distro.id.as_str(), distro.version_id.as_deref()),
            ("rhel", Some("9.3"))
        );
        // An rpm without source information has none; apk defaults to its own name.
        assert_eq!(
            p("pkg:rpm/fedora/bash@5.2-1.fc40", None).0.source_name,
            None
        );
        let (apk, _) = p(
            "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1",
            None,
        );
        assert_eq!(apk.source_name.as_deref(), Some("busybox"));
        assert_eq!(apk.source_version.as_deref(), Some("1.36.1-r15"));
        let (deb, _) = p(
            "pkg:deb/debian/libgcc-s1@12.2.0-14?upstream=gcc-12%4012.2.0-14",
            None,
        );
        assert_eq!(
            (deb.source_name.as_deref(), deb.source_version.as_deref()),
            (Some("gcc-12"), Some("12.2.0-14"))
        );
        assert_eq!(
            distro_from_qualifier("opensuse-leap-15.5"),
            Distro {
                id: "opensuse-leap".into(),
                version_id: Some("15.5".into()),
                ..Distro::default()
            }
        );
        assert_eq!(distro_from_qualifier("wolfi").id, "wolfi");
        // Names: namespaces joined back; case from the document where the purl lowercased it.
        assert_eq!(
            p("pkg:npm/%40Types/Node@1.0.0", Some("@Types/Node")).0.name,
            "@Types/Node"
        );
        assert_eq!(
            p("pkg:npm/%40types/node@1.0.0", Some("node")).0.name,
            "@types/node"
        );
        assert_eq!(p("pkg:pypi/pyyaml@6.0.1", Some("PyYAML")).0.name, "PyYAML");
        assert_eq!(
            p("pkg:pypi/zope-interface@6.0", Some("zope.interface"))
                .0
                .name,
            "zope.interface"
        );
        assert_eq!(
            p("pkg:pypi/requests@2.31.0", Some("other")).0.name,
            "requests"
        );
        assert_eq!(
            p("pkg:maven/org.apache/commons-io@2.0", Some("commons-io"))
                .0
                .name,
            "org.apache:commons-io"
        );
        // A purl the crate rejects (pypi forbids namespaces) is still read.
        let (odd, _) = p("pkg:pypi/ns/odd@1.0?x=1#sub", None);
        assert_eq!((odd.name.as_str(), odd.version.as_str()), ("ns/odd", "1.0"));
        assert!(parse_purl("pkg:").is_none());
        assert!(parse_purl("https://example.com").is_none());
        assert!(
            package_from_purl(
                &parse_purl("pkg:oci/debian@sha256%3Aabc").unwrap(),
                Hints::default()
            )
            .is_none()
        );
        assert_eq!(percent_decode("a%2Bb%zz%4"), "a+b%zz%4");
        assert_eq!(
            split_source_rpm("openssl-3.0.7-27.el9.src.rpm"),
            Some(("openssl", "3.0.7-27.el9"))
        );
        assert_eq!(split_source_rpm("broken.src.rpm"), None);
    }
}
