//! The official schemas of `../shared/schemas/` (read-only copies of the upstream files) as
//! validators, for the tests that check our SBOM, SARIF and vulnerability documents.

use std::path::Path;

use serde_json::Value;

/// A schema file under `../shared/schemas/`; panics when it is missing (it is required).
pub fn schema(path: &str) -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/schemas")
        .join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared schemas are required)", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// CycloneDX 1.6 (formats checked too), with the SPDX licence list and JSF schemas it refers
/// to.
pub fn cyclonedx_1_6() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .with_resource(
            "http://cyclonedx.org/schema/spdx.schema.json",
            jsonschema::Resource::from_contents(schema("cyclonedx/spdx.schema.json")).unwrap(),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            jsonschema::Resource::from_contents(schema("cyclonedx/jsf-0.82.schema.json")).unwrap(),
        )
        .build(&schema("cyclonedx/bom-1.6.schema.json"))
        .unwrap()
}

/// SPDX 2.3.
pub fn spdx_2_3() -> jsonschema::Validator {
    jsonschema::validator_for(&schema("spdx/spdx-schema.json")).unwrap()
}

/// SARIF 2.1.0 (formats checked too).
pub fn sarif_2_1_0() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema("sarif/sarif-schema-2.1.0.json"))
        .unwrap()
}

/// The first ten errors of `doc` (`message at /path`), empty when it validates.
pub fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}
