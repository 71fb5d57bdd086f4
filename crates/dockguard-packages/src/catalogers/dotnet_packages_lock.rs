//! NuGet lockfiles (`packages.lock.json`, written when `RestorePackagesWithLockFile` is on).
//!
//! `dependencies` maps each target framework (`net8.0`, `net8.0/linux-x64`) to packages:
//! name → `{ "type": "Direct" | "Transitive" | "CentralTransitive" | "Project", "resolved":
//! "13.0.3", "dependencies": { name: range } }`. Every entry with a `resolved` version is a
//! package except `Project` references (Trivy skips them too); the same package under several
//! frameworks is one package, with the dependency names of all of them.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct DotnetPackagesLock;

impl Cataloger for DotnetPackagesLock {
    fn name(&self) -> &'static str {
        "dotnet-packages-lock"
    }

    fn wants(&self, path: &str) -> bool {
        file_name(path) == "packages.lock.json"
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) =
            super::common::json_document(&mut parsed, path, content, "packages.lock.json")
        else {
            return parsed;
        };
        let Some(frameworks) = root.get("dependencies").and_then(Value::as_object) else {
            parsed.warn(path, None, "no dependencies object");
            return parsed;
        };
        let mut index: HashMap<(&str, &str), usize> = HashMap::new();
        let mut deps_seen: HashSet<(usize, &str)> = HashSet::new();
        for (framework, packages) in frameworks {
            let Some(packages) = packages.as_object() else {
                parsed.warn(
                    path,
                    None,
                    format!("framework `{framework}` is not an object"),
                );
                continue;
            };
            for (name, entry) in packages {
                let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
                if kind.eq_ignore_ascii_case("project") {
                    continue;
                }
                let Some(version) = entry
                    .get("resolved")
                    .and_then(Value::as_str)
                    .filter(|v| !v.is_empty())
                else {
                    parsed.warn(
                        path,
                        None,
                        format!("{framework}: {name} has no resolved version"),
                    );
                    continue;
                };
                let at = *index.entry((name.as_str(), version)).or_insert_with(|| {
                    parsed
                        .packages
                        .push(Package::new(Ecosystem::Nuget, name.as_str(), version));
                    parsed.packages.len() - 1
                });
                let deps = entry.get("dependencies").and_then(Value::as_object);
                for dep in deps.into_iter().flat_map(|d| d.keys()) {
                    if deps_seen.insert((at, dep.as_str()))
                        && let Some(p) = parsed.packages.get_mut(at)
                    {
                        p.dependencies.push(dep.clone());
                    }
                }
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Newtonsoft.Json": {
        "type": "Direct",
        "requested": "[13.0.3, )",
        "resolved": "13.0.3",
        "contentHash": "HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ=="
      },
      "System.Text.Json": {
        "type": "Transitive",
        "resolved": "8.0.0",
        "contentHash": "OdrZO2WjkiEG6ajEFRABTRCi/wuXQPxeV6g8xvUJqdxMvvuCCEk86zPla8UiIQJz3durtUEbNyY/3lIhS0yZvQ==",
        "dependencies": {"System.Text.Encodings.Web": "8.0.0"}
      },
      "shared.lib": {
        "type": "Project",
        "dependencies": {"Newtonsoft.Json": "[13.0.3, )"}
      }
    },
    "net8.0/linux-x64": {
      "System.Text.Json": {
        "type": "Transitive",
        "resolved": "8.0.0",
        "dependencies": {"System.Runtime": "4.3.0"}
      }
    }
  }
}"#;

    #[test]
    fn packages_across_frameworks() {
        let c = DotnetPackagesLock;
        assert!(c.wants("src/Api/packages.lock.json"));
        assert!(!c.wants("src/Api/package-lock.json"));
        let p = c.parse("src/Api/packages.lock.json", LOCK.as_bytes());
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("Newtonsoft.Json", "13.0.3"), ("System.Text.Json", "8.0.0")]
        );
        assert_eq!(
            p.packages[1].dependencies,
            vec!["System.Text.Encodings.Web", "System.Runtime"]
        );
    }

    #[test]
    fn garbage_warns() {
        let p = DotnetPackagesLock.parse(
            "packages.lock.json",
            b"{\"version\": 1, \"dependencies\": {",
        );
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = DotnetPackagesLock.parse("packages.lock.json", b"[]");
        assert_eq!(p.warnings.len(), 1);
        let p = DotnetPackagesLock.parse(
            "packages.lock.json",
            br#"{"dependencies": {"net8.0": 5, "net7.0": {"A": {"type": "Direct"}, "B": {"resolved": "1.0"}}}}"#,
        );
        assert_eq!(p.packages.len(), 1);
        assert_eq!(p.warnings.len(), 2);
    }
}
