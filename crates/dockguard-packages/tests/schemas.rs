//! The SBOM documents validate against the official CycloneDX 1.6 and SPDX 2.3 JSON schemas
//! (`../shared/schemas/`, read-only copies of the upstream files).

use dockguard_packages::model::{Distro, Ecosystem, Inventory, Location, Package};
use dockguard_packages::sbom::{Subject, SubjectKind, cyclonedx, spdx};
use dockguard_testsupport::schemas;

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

#[test]
fn cyclonedx_validates_against_the_1_6_schema() {
    let validator = schemas::cyclonedx_1_6();
    for kind in [SubjectKind::Container, SubjectKind::Directory] {
        let subject = Subject {
            name: "registry.example/app:1.2",
            kind,
            tool_version: "0.1.0",
        };
        let doc = cyclonedx(&subject, &inventory());
        let problems = schemas::errors(&validator, &doc);
        assert!(problems.is_empty(), "{problems:#?}\n{doc:#}");
        let empty = cyclonedx(&subject, &Inventory::default());
        assert!(schemas::errors(&validator, &empty).is_empty());
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
    assert!(!schemas::errors(&validator, &bad).is_empty());
}

#[test]
fn spdx_validates_against_the_2_3_schema() {
    let validator = schemas::spdx_2_3();
    let subject = Subject {
        name: "registry.example/app:1.2",
        kind: SubjectKind::Container,
        tool_version: "0.1.0",
    };
    let doc = spdx(&subject, &inventory());
    let problems = schemas::errors(&validator, &doc);
    assert!(problems.is_empty(), "{problems:#?}\n{doc:#}");
    let mut bad = doc.clone();
    bad["packages"][1].as_object_mut().unwrap().remove("SPDXID");
    assert!(!schemas::errors(&validator, &bad).is_empty());
}
