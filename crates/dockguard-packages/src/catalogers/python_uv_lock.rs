//! uv lockfiles (`uv.lock`, TOML).
//!
//! Each `[[package]]` table gives `name` and `version`; the names in its `dependencies` array of
//! inline tables (`{ name = "idna" }`) are its dependencies. The project itself and workspace
//! members are not packages: entries whose `source` is `{ editable = … }` or `{ virtual = … }`
//! are skipped (Trivy does the same for the root), as are entries without a version.

use std::collections::HashSet;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct UvLock;

impl Cataloger for UvLock {
    fn name(&self) -> &'static str {
        "python-uv-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "uv.lock"
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(table) = super::common::toml_document(&mut parsed, path, content, "uv.lock")
        else {
            return parsed;
        };
        let Some(entries) = table.get("package").and_then(toml::Value::as_array) else {
            parsed.warn(path, None, "no [[package]] array");
            return parsed;
        };
        for (i, entry) in entries.iter().enumerate() {
            let local = entry
                .get("source")
                .and_then(toml::Value::as_table)
                .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"));
            if local {
                continue;
            }
            let name = entry.get("name").and_then(toml::Value::as_str);
            let version = entry.get("version").and_then(toml::Value::as_str);
            let (Some(name), Some(version)) = (name, version) else {
                parsed.warn(
                    path,
                    None,
                    format!("[[package]] #{} has no name or version", i + 1),
                );
                continue;
            };
            let mut package = Package::new(Ecosystem::Pypi, name, version);
            let mut seen = HashSet::new();
            for dep in entry
                .get("dependencies")
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(dep) = dep.get("name").and_then(toml::Value::as_str)
                    && seen.insert(dep)
                {
                    package.dependencies.push(dep.to_string());
                }
            }
            parsed.packages.push(package);
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "anyio"
version = "4.4.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "idna" },
    { name = "sniffio" },
]
sdist = { url = "https://files.pythonhosted.org/packages/anyio-4.4.0.tar.gz", hash = "sha256:5aadc6a1bbb7cdb0bede386cac5e2940f5e2ff3aa20277e991cf028e0585ce94", size = 163930 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/anyio-4.4.0-py3-none-any.whl", hash = "sha256:c1b2d8f46a8a812513012e1107cb0e68c17159a7a594208005a57dc776e1bdc7", size = 86780 },
]

[[package]]
name = "idna"
version = "3.7"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "myapp"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "anyio" },
]

[[package]]
name = "tools"
version = "0.0.0"
source = { virtual = "packages/tools" }

[[package]]
name = "sniffio"
version = "1.3.1"
source = { registry = "https://pypi.org/simple" }
"#;

    #[test]
    fn packages_without_the_project() {
        let c = UvLock;
        assert!(c.wants("srv/uv.lock"));
        assert!(!c.wants("srv/uv.lock.bak"));
        let p = c.parse("srv/uv.lock", LOCK.as_bytes());
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("anyio", "4.4.0"), ("idna", "3.7"), ("sniffio", "1.3.1")]
        );
        assert_eq!(p.packages[0].dependencies, vec!["idna", "sniffio"]);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn garbage_warns() {
        let p = UvLock.parse("uv.lock", b"version = 1\n[[package]\nname=");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = UvLock.parse("uv.lock", b"[[package]]\nname = 5\n");
        assert_eq!(p.warnings.len(), 1);
        let p = UvLock.parse("uv.lock", b"");
        assert_eq!(p.warnings.len(), 1);
    }
}
