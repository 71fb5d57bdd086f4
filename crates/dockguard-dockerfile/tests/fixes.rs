//! Every fix, over every fixture: the result parses (no new syntax errors) and has strictly
//! fewer findings; every rule that declares a fix emits one somewhere in its fixtures, and only
//! those rules emit fixes.

use dockguard_core::Config;
use dockguard_dockerfile::rules::registry::RULES;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "Dockerfile") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn fixes_parse_and_reduce_findings() {
    let config = Config::default();
    let mut emitting = BTreeSet::new();
    let mut fixed_files = 0;
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let before = dockguard_dockerfile::check(&name, None, &text, &config);
        for f in before.findings.iter().filter(|f| f.fix.is_some()) {
            emitting.insert(f.code.to_string());
        }
        let (fixed, applied) = dockguard_dockerfile::fix_all(&name, &text, &config, 10);
        if applied == 0 {
            continue;
        }
        fixed_files += 1;
        let after = dockguard_dockerfile::check(&name, None, &fixed, &config);
        assert!(
            after.model.df.errors.len() <= before.model.df.errors.len(),
            "{name}: fixing added syntax errors: {:?}\n{fixed}",
            after.model.df.errors
        );
        assert!(
            after.findings.len() < before.findings.len(),
            "{name}: {} findings before, {} after fixing\n{fixed}",
            before.findings.len(),
            after.findings.len()
        );
    }
    assert!(
        fixed_files > 10,
        "only {fixed_files} fixture files had fixes"
    );
    let declared: BTreeSet<String> = RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.fixable)
        .map(|m| m.code.to_string())
        .collect();
    assert_eq!(
        emitting, declared,
        "rules declaring `fixable` must be exactly the rules emitting fixes in their fixtures"
    );
}

/// Inputs on which brush-parser 0.4 panics (found by fuzzing): the check must survive them.
#[test]
fn shell_parser_panics_are_contained() {
    for text in [
        "RUN cat <<e $(${T}\ne\n",
        "RUN cat <<E ${z}${\nE\n",
        "FROM a\nRUN cat <<e $(${T}\ne\nRUN apt-get install -y vim\n",
    ] {
        let checked = dockguard_dockerfile::check("Dockerfile", None, text, &Config::default());
        assert!(
            checked
                .model
                .df
                .instructions
                .iter()
                .any(|i| i.kind == dockguard_dockerfile::syntax::Kind::Run)
        );
    }
    let checked = dockguard_dockerfile::check(
        "Dockerfile",
        None,
        "FROM a\nRUN cat <<e $(${T}\ne\nRUN apt-get install -y vim\n",
        &Config::default(),
    );
    assert!(
        checked.findings.iter().any(|f| f.code == "DF402"),
        "later RUNs are still checked"
    );
}
