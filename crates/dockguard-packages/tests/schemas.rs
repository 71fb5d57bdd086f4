//! The SBOM documents validate against the official CycloneDX 1.6 and SPDX 2.3 JSON schemas
//! (`../shared/schemas/`, read-only copies of the upstream files).

use std::path::PathBuf;

use dockguard_packages::model::{Distro, Ecosystem, Inventory, Location, Package};
use dockguard_packages::sbom::{Subject, SubjectKind, cyclonedx, spdx};

fn schema(path: &str) -> serde_json::Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/schemas")
        .join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared schemas are required)", file.display()));
    serde_json::from_str(&text).unwrap()
}

fn inventory() -> Inventory {
    let at = |path: &str| Location {
        path: path.into(),
        layer: Some(1),
        layer_digest: Some("sha256:0123".into()),
    };
    let mut ssl = Package::new(Ecosystem::Deb, "libssl3", "3.0.15-1~deb12u1");
    ssl.arch = Some("amd64".into());
    ssl.source_name = Some("openssl".into());
    ssl.source_version = Some("3.0.15-1~deb12u1".into());
    ssl.locations.push(at("var/lib/dpkg/status"));
    let mut busybox = Package::new(Ecosystem::Apk, "busybox", "1.36.1-r29");
    busybox.licenses = vec!["GPL-2.0-only".into()];
    busybox.locations.push(at("lib/apk/db/installed"));
    let mut rpm = Package::new(Ecosystem::Rpm, "openssl-libs", "1:3.0.7-27.el9");
    rpm.licenses = vec!["ASL 2.0".into()];
    rpm.locations.push(at("var/lib/rpm/rpmdb.sqlite"));
    let mut serde = Package::new(Ecosystem::Cargo, "serde", "1.0.200");
    serde.licenses = vec!["MIT OR Apache-2.0".into()];
    serde.dependencies = vec!["serde_derive".into()];
    serde.locations.push(at("app/Cargo.lock"));
    let mut derive = Package::new(Ecosystem::Cargo, "serde_derive", "1.0.200");
    derive.locations.push(at("app/Cargo.lock"));
    let mut types = Package::new(Ecosystem::Npm, "@types/node", "20.11.5");
    types.licenses = vec!["MIT".into(), "Apache-2.0".into()];
    types
        .locations
        .push(at("app/node_modules/@types/node/package.json"));
    let log4j = Package::new(
        Ecosystem::Maven,
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
    );
    Inventory {
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            codename: Some("bookworm".into()),
            pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
        }),
        packages: vec![ssl, busybox, rpm, serde, derive, types, log4j],
        warnings: vec![],
    }
}

fn errors(validator: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn cyclonedx_validates_against_the_1_6_schema() {
    let bom = schema("cyclonedx/bom-1.6.schema.json");
    let validator = jsonschema::options()
        .with_resource(
            "http://cyclonedx.org/schema/spdx.schema.json",
            jsonschema::Resource::from_contents(schema("cyclonedx/spdx.schema.json")).unwrap(),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            jsonschema::Resource::from_contents(schema("cyclonedx/jsf-0.82.schema.json")).unwrap(),
        )
        .build(&bom)
        .unwrap();
    for kind in [SubjectKind::Container, SubjectKind::Directory] {
        let subject = Subject {
            name: "registry.example/app:1.2",
            kind,
            tool_version: "0.1.0",
        };
        let doc = cyclonedx(&subject, &inventory());
        let problems = errors(&validator, &doc);
        assert!(problems.is_empty(), "{problems:#?}\n{doc:#}");
        let empty = cyclonedx(&subject, &Inventory::default());
        assert!(errors(&validator, &empty).is_empty());
    }
    // The validator is not vacuous: a broken document fails.
    let mut bad = cyclonedx(
        &Subject {
            name: "x",
            kind: SubjectKind::Container,
            tool_version: "0.1.0",
        },
        &inventory(),
    );
    bad["components"][1]["type"] = serde_json::json!("not-a-type");
    assert!(!errors(&validator, &bad).is_empty());
}

#[test]
fn spdx_validates_against_the_2_3_schema() {
    let validator = jsonschema::validator_for(&schema("spdx/spdx-schema.json")).unwrap();
    let subject = Subject {
        name: "registry.example/app:1.2",
        kind: SubjectKind::Container,
        tool_version: "0.1.0",
    };
    let doc = spdx(&subject, &inventory());
    let problems = errors(&validator, &doc);
    assert!(problems.is_empty(), "{problems:#?}\n{doc:#}");
    let mut bad = doc.clone();
    bad["packages"][1].as_object_mut().unwrap().remove("SPDXID");
    assert!(!errors(&validator, &bad).is_empty());
}
