//! .NET dependency manifests (`*.deps.json`, written next to every built application).
//!
//! The `libraries` object's keys are `Name/Version`; entries with `"type": "package"` are NuGet
//! packages (Trivy reads the same); `project`, `reference` and runtime packs are not. The
//! `targets` object (target framework → `Name/Version` → `dependencies`) gives each package's
//! dependencies, by name. No licences are recorded.

use std::collections::HashSet;

use serde_json::Value;

use super::{Cataloger, Parsed, file_name};
use crate::model::{Ecosystem, Package};

pub struct DotnetDepsJson;

impl Cataloger for DotnetDepsJson {
    fn name(&self) -> &'static str {
        "dotnet-deps-json"
    }

    fn wants(&self, path: &str) -> bool {
        let name = file_name(path);
        name.len() > ".deps.json".len() && name.ends_with(".deps.json")
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let Some(root) =
            super::common::json_document(&mut parsed, path, content, ".deps.json file")
        else {
            return parsed;
        };
        let Some(libraries) = root.get("libraries").and_then(Value::as_object) else {
            parsed.warn(path, None, "no libraries object");
            return parsed;
        };
        let targets: Vec<&serde_json::Map<String, Value>> = root
            .get("targets")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|t| t.values())
            .filter_map(Value::as_object)
            .collect();
        for (key, library) in libraries {
            if library.get("type").and_then(Value::as_str) != Some("package") {
                continue;
            }
            let Some((name, version)) = key
                .split_once('/')
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())
            else {
                parsed.warn(path, None, format!("library `{key}` is not Name/Version"));
                continue;
            };
            let mut package = Package::new(Ecosystem::Nuget, name, version);
            let mut seen = HashSet::new();
            for target in &targets {
                let deps = target
                    .get(key)
                    .and_then(|t| t.get("dependencies"))
                    .and_then(Value::as_object);
                for dep in deps.into_iter().flat_map(|d| d.keys()) {
                    if seen.insert(dep.as_str()) {
                        package.dependencies.push(dep.clone());
                    }
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

    const DEPS: &str = r#"{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0", "signature": ""},
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v8.0": {
      "WebApp/1.0.0": {
        "dependencies": {"Newtonsoft.Json": "13.0.3", "Serilog.AspNetCore": "8.0.1", "Shared": "1.0.0"},
        "runtime": {"WebApp.dll": {}}
      },
      "Newtonsoft.Json/13.0.3": {
        "runtime": {"lib/net6.0/Newtonsoft.Json.dll": {"assemblyVersion": "13.0.0.0", "fileVersion": "13.0.3.27908"}}
      },
      "Serilog.AspNetCore/8.0.1": {
        "dependencies": {"Serilog": "3.1.1", "Serilog.Extensions.Hosting": "8.0.0"},
        "runtime": {"lib/net8.0/Serilog.AspNetCore.dll": {}}
      },
      "Serilog/3.1.1": {"runtime": {"lib/net7.0/Serilog.dll": {}}},
      "Shared/1.0.0": {"runtime": {"Shared.dll": {}}}
    }
  },
  "libraries": {
    "WebApp/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "Newtonsoft.Json/13.0.3": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==",
      "path": "newtonsoft.json/13.0.3",
      "hashPath": "newtonsoft.json.13.0.3.nupkg.sha512"
    },
    "Serilog.AspNetCore/8.0.1": {"type": "package", "serviceable": true, "sha512": "", "path": "serilog.aspnetcore/8.0.1"},
    "Serilog/3.1.1": {"type": "package", "serviceable": true, "sha512": ""},
    "Shared/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "Broken": {"type": "package"}
  }
}"#;

    #[test]
    fn packages_without_projects() {
        let c = DotnetDepsJson;
        assert!(c.wants("app/WebApp.deps.json"));
        assert!(!c.wants("app/.deps.json"));
        assert!(!c.wants("app/WebApp.runtimeconfig.json"));
        let p = c.parse("app/WebApp.deps.json", DEPS.as_bytes());
        let mut got: Vec<_> = p
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.dependencies.clone()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("Newtonsoft.Json", "13.0.3", vec![]),
                ("Serilog", "3.1.1", vec![]),
                (
                    "Serilog.AspNetCore",
                    "8.0.1",
                    vec![
                        "Serilog".to_string(),
                        "Serilog.Extensions.Hosting".to_string()
                    ]
                ),
            ]
        );
        assert_eq!(p.warnings.len(), 1);
        assert!(p.packages.iter().all(|p| p.ecosystem == Ecosystem::Nuget));
    }

    #[test]
    fn garbage_warns() {
        let p = DotnetDepsJson.parse("a.deps.json", b"{\"libraries\": {\"X/1\": ");
        assert!(p.packages.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = DotnetDepsJson.parse("a.deps.json", b"{}");
        assert_eq!(p.warnings.len(), 1);
        let p = DotnetDepsJson.parse(
            "a.deps.json",
            br#"{"targets": [], "libraries": {"X/1": 3, "Y/2": {"type": "package"}}}"#,
        );
        assert_eq!(p.packages.len(), 1);
        assert!(p.warnings.is_empty());
    }
}
