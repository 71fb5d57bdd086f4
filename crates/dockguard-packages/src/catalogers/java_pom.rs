//! Maven project files: `pom.xml` anywhere, except under `META-INF/maven/` (those are copies
//! inside unpacked archives; [`super::java_archive`] reads their `pom.properties`).
//!
//! The file is one XML document (`<project>`, in the POM namespace or none; elements are
//! matched by local name). Read:
//!
//! - the project itself: `groupId`, `artifactId`, `version`, the group and version inherited
//!   from `<parent>` when missing, licences from `<licenses><license><name>`. It is reported
//!   (Maven `groupId:artifactId`, as [`super::java_archive`] names packages) when all three
//!   are known, with the names of its reported dependencies.
//! - `<dependencies><dependency>`: `groupId:artifactId` and `version`. Versions, groups and
//!   artifacts may use `${…}` references to `<properties>`, `${project.version}`,
//!   `${project.groupId}`, `${project.parent.version}` (and the older `${pom.version}`,
//!   `${version}`), resolved recursively. A dependency without a version takes it (and its
//!   scope and `optional` when it has none) from `<dependencyManagement>` of the same file.
//!   As in Trivy, only dependencies of scope `compile` or `runtime` (or none) that are not
//!   `<optional>true</optional>` are reported; `test`, `provided`, `system` and `import` are
//!   not.
//!
//! Not done (Trivy does it, with network access): parent POMs and imported BOMs are not read, so
//! a dependency whose version comes only from the parent (or an unknown property) is skipped,
//! silently: that is normal in multi-module projects. Version ranges are kept as written.
//!
//! Untrusted input: `roxmltree` with DTDs refused (no entity expansion) and a node limit;
//! property expansion is bounded in depth and length.

use std::collections::{HashMap, HashSet};

use roxmltree::{Document, Node, ParsingOptions};

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct JavaPom;

/// XML nodes parsed at most (a 4 MiB file has fewer in practice).
const NODES_LIMIT: u32 = 1 << 20;
/// `${…}` substitutions per value.
const MAX_SUBSTITUTIONS: usize = 32;
/// Longest value built by substitution.
const MAX_VALUE: usize = 1024;

impl Cataloger for JavaPom {
    fn name(&self) -> &'static str {
        "java-pom"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "pom.xml"
            && !path.starts_with("META-INF/maven/")
            && !path.contains("/META-INF/maven/")
    }

    fn max_size(&self) -> u64 {
        4 << 20
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let text = String::from_utf8_lossy(content);
        let options = ParsingOptions {
            allow_dtd: false,
            nodes_limit: NODES_LIMIT,
            ..ParsingOptions::default()
        };
        let doc = match Document::parse_with_options(&text, options) {
            Ok(doc) => doc,
            Err(e) => {
                let line = Some(e.pos().row).filter(|r| *r > 0);
                parsed.warn(path, line, format!("not a valid pom.xml: {e}"));
                return parsed;
            }
        };
        let project = doc.root_element();
        if project.tag_name().name() != "project" {
            parsed.warn(path, Some(1), "the root element is not <project>");
            return parsed;
        }
        read_project(&mut parsed, path, &doc, project);
        parsed
    }
}

/// The first child element named `name`.
fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The child elements named `name`.
fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of child `name`, when not empty.
fn text_of(node: Node, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The `${…}` references of `value` replaced from `props`, or `None` when one is unknown (or
/// the expansion does not end).
fn resolve(value: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut value = value.to_string();
    for _ in 0..MAX_SUBSTITUTIONS {
        let Some(start) = value.find("${") else {
            return Some(value);
        };
        let end = start + value.get(start..)?.find('}')?;
        let key = value.get(start + 2..end)?;
        let replacement = props.get(key)?;
        let next = format!(
            "{}{replacement}{}",
            value.get(..start)?,
            value.get(end + 1..)?
        );
        if next.len() > MAX_VALUE {
            return None;
        }
        value = next;
    }
    None
}

/// A `<dependency>` as written, references resolved where possible.
struct Dependency {
    name: Option<String>,
    version: Option<String>,
    scope: Option<String>,
    optional: Option<bool>,
    line: u32,
}

fn read_dependency(doc: &Document, node: Node, props: &HashMap<String, String>) -> Dependency {
    let field = |name: &str| text_of(node, name).and_then(|v| resolve(&v, props));
    let name = match (field("groupId"), field("artifactId")) {
        (Some(g), Some(a)) => Some(format!("{g}:{a}")),
        _ => None,
    };
    Dependency {
        name,
        version: field("version"),
        scope: field("scope"),
        optional: field("optional").map(|o| o.eq_ignore_ascii_case("true")),
        line: doc.text_pos_at(node.range().start).row,
    }
}

fn read_project(parsed: &mut Parsed, path: &str, doc: &Document, project: Node) {
    let parent = child(project, "parent");
    let parent_field = |name: &str| parent.and_then(|p| text_of(p, name));
    let mut props: HashMap<String, String> = HashMap::new();
    if let Some(properties) = child(project, "properties") {
        for p in properties.children().filter(Node::is_element) {
            let value = p.text().unwrap_or("").trim().to_string();
            props.insert(p.tag_name().name().to_string(), value);
        }
    }
    let own = |name: &str| text_of(project, name);
    let group = own("groupId").or_else(|| parent_field("groupId"));
    let artifact = own("artifactId");
    let version = own("version").or_else(|| parent_field("version"));
    let builtins = [
        ("project.groupId", group.clone()),
        ("project.artifactId", artifact.clone()),
        ("project.version", version.clone()),
        ("project.parent.groupId", parent_field("groupId")),
        ("project.parent.artifactId", parent_field("artifactId")),
        ("project.parent.version", parent_field("version")),
        ("pom.groupId", group.clone()),
        ("pom.artifactId", artifact.clone()),
        ("pom.version", version.clone()),
        ("version", version.clone()),
    ];
    for (key, value) in builtins {
        if let Some(v) = value {
            props.entry(key.to_string()).or_insert(v);
        }
    }

    let mut managed: HashMap<String, Dependency> = HashMap::new();
    if let Some(list) =
        child(project, "dependencyManagement").and_then(|m| child(m, "dependencies"))
    {
        for node in children(list, "dependency") {
            let d = read_dependency(doc, node, &props);
            if let Some(name) = &d.name
                && d.scope.as_deref() != Some("import")
            {
                managed.entry(name.clone()).or_insert(d);
            }
        }
    }

    let mut packages: Vec<Package> = Vec::new();
    let mut seen = HashSet::new();
    if let Some(list) = child(project, "dependencies") {
        for node in children(list, "dependency") {
            let d = read_dependency(doc, node, &props);
            let Some(name) = d.name else {
                parsed.warn(
                    path,
                    Some(d.line),
                    "dependency without a (resolvable) groupId and artifactId",
                );
                continue;
            };
            let m = managed.get(&name);
            let version = d.version.or_else(|| m.and_then(|m| m.version.clone()));
            let scope = d.scope.or_else(|| m.and_then(|m| m.scope.clone()));
            let optional = d.optional.or_else(|| m.and_then(|m| m.optional));
            if !matches!(scope.as_deref(), None | Some("compile" | "runtime"))
                || optional == Some(true)
            {
                continue;
            }
            let Some(version) = version else { continue };
            if seen.insert((name.clone(), version.clone())) {
                packages.push(Package::new(Ecosystem::Maven, name, version));
            }
        }
    }

    let project_package = match (
        group.and_then(|g| resolve(&g, &props)),
        artifact.and_then(|a| resolve(&a, &props)),
        version.and_then(|v| resolve(&v, &props)),
    ) {
        (Some(g), Some(a), Some(v)) => {
            let mut p = Package::new(Ecosystem::Maven, format!("{g}:{a}"), v);
            if let Some(licenses) = child(project, "licenses") {
                for license in children(licenses, "license") {
                    if let Some(name) = text_of(license, "name")
                        && !p.licenses.contains(&name)
                    {
                        p.licenses.push(name);
                    }
                }
            }
            p.dependencies = packages.iter().map(|d| d.name.clone()).collect();
            Some(p)
        }
        _ => None,
    };
    parsed.packages.extend(project_package);
    parsed.packages.extend(packages);
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.2.1</version>
    <relativePath/> <!-- lookup parent from repository -->
  </parent>
  <groupId>com.example</groupId>
  <artifactId>demo</artifactId>
  <version>0.0.1-SNAPSHOT</version>
  <name>demo</name>
  <licenses>
    <license>
      <name>Apache License, Version 2.0</name>
      <url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>
    </license>
  </licenses>
  <properties>
    <java.version>17</java.version>
    <jackson.version>2.15.3</jackson.version>
    <log4j2.version>2.14.1</log4j2.version>
    <log4j.api>${log4j2.version}</log4j.api>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.google.guava</groupId>
        <artifactId>guava</artifactId>
        <version>32.1.3-jre</version>
      </dependency>
      <dependency>
        <groupId>org.mockito</groupId>
        <artifactId>mockito-core</artifactId>
        <version>5.7.0</version>
        <scope>test</scope>
      </dependency>
      <dependency>
        <groupId>org.junit</groupId>
        <artifactId>junit-bom</artifactId>
        <version>5.10.1</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-api</artifactId>
      <version>${log4j.api}</version>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>demo-common</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.springframework</groupId>
      <artifactId>spring-core</artifactId>
      <version>${project.parent.version}</version>
      <scope>runtime</scope>
    </dependency>
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>guava</artifactId>
    </dependency>
    <dependency>
      <groupId>org.mockito</groupId>
      <artifactId>mockito-core</artifactId>
    </dependency>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>4.13.2</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>javax.servlet</groupId>
      <artifactId>javax.servlet-api</artifactId>
      <version>4.0.1</version>
      <scope>provided</scope>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <version>42.7.1</version>
      <optional>true</optional>
    </dependency>
    <dependency>
      <groupId>org.example</groupId>
      <artifactId>unknown</artifactId>
      <version>${no.such.property}</version>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>2.15.3</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
"#;

    fn summary(p: &Parsed) -> Vec<(&str, &str)> {
        p.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn wants() {
        let c = JavaPom;
        assert!(c.wants("pom.xml"));
        assert!(c.wants("app/module/pom.xml"));
        assert!(!c.wants("app/META-INF/maven/org.x/y/pom.xml"));
        assert!(!c.wants("META-INF/maven/org.x/y/pom.xml"));
        assert!(!c.wants("app/pom.properties"));
        assert!(!c.wants("app/mypom.xml"));
    }

    #[test]
    fn project_and_dependencies() {
        let p = JavaPom.parse("app/pom.xml", POM.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            summary(&p),
            [
                ("com.example:demo", "0.0.1-SNAPSHOT"),
                ("com.fasterxml.jackson.core:jackson-databind", "2.15.3"),
                ("org.apache.logging.log4j:log4j-api", "2.14.1"),
                ("com.example:demo-common", "0.0.1-SNAPSHOT"),
                ("org.springframework:spring-core", "3.2.1"),
                ("com.google.guava:guava", "32.1.3-jre"),
            ]
        );
        let project = &p.packages[0];
        assert_eq!(project.licenses, ["Apache License, Version 2.0"]);
        assert_eq!(
            project.dependencies,
            [
                "com.fasterxml.jackson.core:jackson-databind",
                "org.apache.logging.log4j:log4j-api",
                "com.example:demo-common",
                "org.springframework:spring-core",
                "com.google.guava:guava",
            ]
        );
        assert_eq!(
            p.packages[2].purl(None),
            "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1"
        );
    }

    /// A module inheriting group and version from its parent; no namespace.
    #[test]
    fn inherited_coordinates() {
        let pom = r#"<project>
  <parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>1.4.0</version></parent>
  <artifactId>acme-core</artifactId>
  <dependencies>
    <dependency><groupId>org.acme</groupId><artifactId>acme-api</artifactId><version>${project.version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
  </dependencies>
</project>"#;
        let p = JavaPom.parse("acme-core/pom.xml", pom.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(
            summary(&p),
            [
                ("org.acme:acme-core", "1.4.0"),
                ("org.acme:acme-api", "1.4.0")
            ]
        );
        assert!(p.packages[0].licenses.is_empty());
    }

    #[test]
    fn garbage() {
        let c = JavaPom;
        // Truncated.
        let p = c.parse("pom.xml", &POM.as_bytes()[..900]);
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].line.is_some());
        // Not XML, not a project.
        let p = c.parse("pom.xml", b"\xff\xfe\0\0garbage");
        assert_eq!(p.warnings.len(), 1);
        let p = c.parse("pom.xml", b"<settings><x/></settings>");
        assert_eq!(p.warnings.len(), 1);
        // A DTD with entity expansion is refused.
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<project><groupId>&lol2;</groupId><artifactId>a</artifactId><version>1</version></project>"#;
        let p = c.parse("pom.xml", bomb.as_bytes());
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        // Self-referencing and growing properties end; a dependency without an artifact warns.
        let pom = r#"<project><groupId>g</groupId><artifactId>a</artifactId><version>${a}</version>
<properties><a>${a}</a><b>${b}${b}</b></properties>
<dependencies>
<dependency><groupId>x</groupId><artifactId>y</artifactId><version>${b}</version></dependency>
<dependency><groupId>x</groupId><version>1</version></dependency>
<dependency><groupId>x</groupId><artifactId>z</artifactId><version>${unclosed</version></dependency>
</dependencies></project>"#;
        let p = c.parse("pom.xml", pom.as_bytes());
        assert!(p.packages.is_empty(), "{:?}", summary(&p));
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(5));
    }
}
