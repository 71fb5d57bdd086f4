//! End-to-end tests of the `dockguard` binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn dockguard() -> Command {
    let mut cmd = Command::cargo_bin("dockguard").unwrap();
    cmd.env("NO_COLOR", "1")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "/nonexistent-home");
    cmd
}

const BAD: &str =
    "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD nginx -g daemon\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs `dockguard` in `dir` (arguments should ask for JSON); returns the exit code and report.
fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = dockguard().current_dir(dir).args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

/// The codes of a JSON report's findings.
fn codes_of(json: &serde_json::Value) -> Vec<&str> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn lint_reports_and_exits_one() {
    let dir = project(&[("Dockerfile", BAD)]);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "Dockerfile"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Dockerfile:1:6: DF101 [medium] base image `debian` has no tag",
        ))
        .stdout(predicate::str::contains("1 | FROM debian"))
        .stdout(predicate::str::contains("1 file scanned"));
}

#[test]
fn fail_on_threshold_controls_exit_code() {
    let dir = project(&[("Dockerfile", "FROM debian:12\nUSER 10001\nCMD nginx\n")]);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--fail-on", "medium", "Dockerfile"])
        .assert()
        .code(0);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--fail-on", "low", "Dockerfile"])
        .assert()
        .code(1);
    std::fs::write(
        dir.path().join(".dockguard.toml"),
        "fail-on = \"critical\"\n",
    )
    .unwrap();
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "Dockerfile"])
        .assert()
        .code(0);
    // The command line wins over the file.
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--fail-on", "info", "Dockerfile"])
        .assert()
        .code(1);
}

#[test]
fn json_output_is_versioned_and_valid() {
    let dir = project(&[("Dockerfile", BAD)]);
    let (code, json) = lint_json(dir.path(), &["lint", "-f", "json", "Dockerfile"]);
    assert_eq!(code, Some(1));
    assert_eq!(json["version"], "1");
    let codes = codes_of(&json);
    assert!(
        codes.contains(&"DF101") && codes.contains(&"DF402") && codes.contains(&"DF500"),
        "{codes:?}"
    );
    let schema = dockguard_report::json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&json));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let dir = project(&[("Dockerfile", BAD)]);
    let out = dockguard()
        .current_dir(dir.path())
        .args(["lint", "--format", "sarif", "Dockerfile"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/schemas/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(sarif["runs"][0]["results"].as_array().unwrap().len() >= 3);
}

#[test]
fn other_formats_and_output_file() {
    let dir = project(&[("Dockerfile", BAD)]);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "-f", "github", "Dockerfile"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::warning file=Dockerfile,line=1"));
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "-f", "junit", "-o", "report.xml", "Dockerfile"])
        .assert()
        .code(1)
        .stdout("");
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert!(xml.contains("<testsuite") && xml.contains("DF101"));
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "-f", "markdown", "Dockerfile"])
        .assert()
        .stdout(predicate::str::contains("| Severity | Code"));
}

#[test]
fn directories_are_walked_respecting_gitignore() {
    let dir = project(&[
        ("Dockerfile", BAD),
        ("svc/api.Dockerfile", BAD),
        ("svc/Containerfile", BAD),
        ("ignored/Dockerfile", BAD),
        (".gitignore", "ignored/\n"),
        ("notes.txt", "FROM nothing"),
    ]);
    let (_, json) = lint_json(dir.path(), &["lint", "-f", "json", "."]);
    assert_eq!(json["files_scanned"], 3);
    let mut files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(
        files,
        ["Dockerfile", "svc/Containerfile", "svc/api.Dockerfile"]
    );
}

#[test]
fn stdin_is_read_with_dash() {
    dockguard()
        .args(["lint", "--stdin-filename", "from-stdin", "-"])
        .write_stdin("FROM alpine:latest\nUSER app\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("from-stdin:1:6: DF100"));
}

#[test]
fn bad_inputs_exit_two_with_one_line_errors() {
    let dir = project(&[("Dockerfile", BAD)]);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "missing/Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing/Dockerfile: no such file or directory",
        ));
    std::fs::write(dir.path().join("bin.Dockerfile"), b"FROM a\nRUN \xff\xfe\n").unwrap();
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "bin.Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bin.Dockerfile:2:5: not valid UTF-8",
        ));
    std::fs::write(
        dir.path().join(".dockguard.toml"),
        "fail-on = \"high\"\n\n[rules]\ndisable = [\"DF999\"]\n",
    )
    .unwrap();
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".dockguard.toml:4:12: unknown rule code `DF999`",
        ));
    std::fs::write(dir.path().join(".dockguard.toml"), "fail-on = [\n").unwrap();
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".dockguard.toml:"));
    dockguard()
        .args(["lint", "--format", "yaml", "x"])
        .assert()
        .code(2);
    dockguard()
        .args(["lint", "--enable", "NOPE", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule code `NOPE`"));
}

#[test]
fn fix_rewrites_in_place_and_diff_only_previews() {
    let dir = project(&[("Dockerfile", BAD)]);
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--diff", "Dockerfile"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("-CMD nginx -g daemon").and(predicate::str::contains(
                "+CMD [\"nginx\", \"-g\", \"daemon\"]",
            )),
        );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        BAD,
        "--diff must not write"
    );
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--fix", "Dockerfile"])
        .assert()
        .code(1);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        fixed.contains("apt-get install --no-install-recommends"),
        "{fixed}"
    );
    assert!(
        fixed.contains("CMD [\"nginx\", \"-g\", \"daemon\"]"),
        "{fixed}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    dockguard()
        .current_dir(dir.path())
        .args(["lint", "--diff", "Dockerfile"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn pragmas_and_config_ignores() {
    let text = "# hadolint global ignore=DL3006\nFROM debian\n# dockguard ignore=DF500 -- legacy entrypoint\nCMD nginx\nUSER app\n";
    let dir = project(&[("svc/Dockerfile", text), ("legacy/Dockerfile", BAD)]);
    let (_, json) = lint_json(dir.path(), &["lint", "-f", "json", "svc/Dockerfile"]);
    let codes = codes_of(&json);
    assert!(
        !codes.contains(&"DF101") && !codes.contains(&"DF500") && !codes.contains(&"DF001"),
        "{codes:?}"
    );
    std::fs::write(
        dir.path().join(".dockguard.toml"),
        "[[ignore]]\npaths = [\"legacy/**\"]\nrules = [\"DF101\"]\n",
    )
    .unwrap();
    let (_, json) = lint_json(dir.path(), &["lint", "-f", "json", "legacy"]);
    let codes = codes_of(&json);
    assert!(
        !codes.contains(&"DF101") && codes.contains(&"DF500"),
        "{codes:?}"
    );
}

#[test]
fn hadolint_compat_flag_and_config() {
    // hadolint reports `apt-get dist-clean` (DL3009) and does not expand `FROM ${BASE}` (DL3006).
    let text = "ARG BASE=debian\nFROM ${BASE}\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && apt-get dist-clean\nUSER 10001\nCMD [\"curl\"]\n";
    let dir = project(&[("Dockerfile", text)]);
    let hadolint_codes = |args: &[&str]| -> Vec<String> {
        let (_, json) = lint_json(dir.path(), args);
        let mut codes: Vec<String> = codes_of(&json)
            .into_iter()
            .filter(|c| ["DF101", "DF403"].contains(c))
            .map(String::from)
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(
        hadolint_codes(&["lint", "-f", "json", "Dockerfile"]),
        ["DF101"]
    );
    assert_eq!(
        hadolint_codes(&["lint", "-f", "json", "--hadolint-compat", "Dockerfile"]),
        ["DF403"]
    );
    assert_eq!(
        hadolint_codes(&["scan", "-f", "json", "--hadolint-compat"]),
        ["DF403"]
    );
    std::fs::write(
        dir.path().join(".dockguard.toml"),
        "hadolint-compat = true\n",
    )
    .unwrap();
    assert_eq!(
        hadolint_codes(&["lint", "-f", "json", "Dockerfile"]),
        ["DF403"]
    );
    assert_eq!(
        hadolint_codes(&["lint", "-f", "json", "--no-config", "Dockerfile"]),
        ["DF101"]
    );
    // Only lint and scan take the flag.
    dockguard()
        .args(["image", "--hadolint-compat", "x.tar"])
        .assert()
        .code(2);
}

#[test]
fn rules_explain_completions_and_man() {
    dockguard().args(["rules"]).assert().success().stdout(
        predicate::str::contains("DF200").and(predicate::str::contains("final-stage-runs-as-root")),
    );
    let out = dockguard()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["step"].as_u64().is_some_and(|s| (1..=10).contains(&s)))
    );
    dockguard()
        .args(["explain", "df200"])
        .assert()
        .success()
        .stdout(predicate::str::contains("## Why is this bad?"));
    dockguard()
        .args(["explain", "XX1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule code"));
    dockguard()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("dockguard"));
    dockguard()
        .args(["man"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH dockguard"));
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("dockguard"))
        .args(["rules", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn scan_reports_per_step_on_the_bundled_example() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let out = dockguard()
        .args(["scan", "-f", "json"])
        .arg(&examples)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_step = &json["summary"]["by_step"];
    for step in ["1", "2", "4", "7", "9", "10"] {
        assert!(
            by_step[step].as_u64().unwrap() > 0,
            "step {step} has no finding in examples/: {by_step}"
        );
    }
    dockguard()
        .arg("scan")
        .arg(&examples)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Non-root USER"));
}

#[test]
fn scan_runs_the_secrets_scanner_on_every_project_file() {
    let token = "ghp_R7tK2mQ9vX4bN8cL1zP5wY3hJ6dF0sA2eG9u";
    let dir = project(&[
        (
            "config/settings.ini",
            &format!("[github]\ntoken = {token}\n"),
        ),
        ("ignored/notes.txt", &format!("token {token}\n")),
        (".gitignore", "ignored/\n"),
        // The Dockerfile rules report this ENV secret; SE100 does not repeat it.
        (
            "Dockerfile",
            "FROM debian:12\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3xA9kLpT\nUSER 1000\n",
        ),
    ]);
    let out = dockguard()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let se100: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == "SE100")
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect();
    assert_eq!(se100, ["config/settings.ini:2"], "{findings:#?}");
    assert!(
        findings
            .iter()
            .any(|f| f["location"]["file"] == "Dockerfile" && f["step"] == 10),
        "{findings:#?}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(token));
    // `lint` stays a Dockerfile and workload linter.
    let out = dockguard()
        .current_dir(dir.path())
        .args(["lint", "-f", "json", "--no-config", "."])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SE100"));
}

#[test]
fn shellcheck_findings_are_mapped_to_dockerfile_lines() {
    // `.ci/run` installs Debian's shellcheck, so this runs for real in CI.
    let dir = project(&[(
        "Dockerfile",
        "FROM debian:12\nARG VERSION\nRUN echo $UNSET_ONE && \\\n    echo $VERSION\nRUN <<EOF\nrm -rf $DIR/\nEOF\nUSER app\n",
    )]);
    let out = dockguard()
        .current_dir(dir.path())
        .args(["lint", "--shellcheck", "-f", "json", "Dockerfile"])
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC"))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Unquoted unknown variable on line 3; VERSION is a declared ARG (exported with a constant),
    // so line 4 is clean; the heredoc body is checked at its own line (SC2115: rm -rf "$DIR/").
    assert!(sc.contains(&("SC2086".into(), 3)), "{sc:?}");
    assert!(!sc.iter().any(|(_, line)| *line == 4), "{sc:?}");
    assert!(
        sc.iter().any(|(code, line)| code == "SC2115" && *line == 6),
        "{sc:?}"
    );
}

/// `docs/rules.md` and `docs/json-output.schema.json` are generated; regenerate with
/// `UPDATE_DOCS=1 cargo test -p dockguard --test cli docs_are_fresh`.
#[test]
fn docs_are_fresh() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    let out = dockguard()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let rules_md = String::from_utf8(out.stdout).unwrap();
    let schema = serde_json::to_string_pretty(&dockguard_report::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(docs.join("rules.md"), &rules_md).unwrap();
        std::fs::write(docs.join("json-output.schema.json"), &schema).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(docs.join("rules.md")).unwrap_or_default(),
        rules_md,
        "docs/rules.md is stale"
    );
    assert_eq!(
        std::fs::read_to_string(docs.join("json-output.schema.json")).unwrap_or_default(),
        schema,
        "docs/json-output.schema.json is stale"
    );
}

#[test]
fn user_config_is_merged_under_project_config() {
    let dir = project(&[("Dockerfile", "FROM debian:12\nUSER app\nCMD nginx\n")]);
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("dockguard")).unwrap();
    std::fs::write(
        xdg.path().join("dockguard/config.toml"),
        "fail-on = \"critical\"\n[rules]\ndisable = [\"DF500\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = dockguard()
            .env("XDG_CONFIG_HOME", xdg.path())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        (out.status.code(), codes)
    };
    let (code, codes) = run(&["lint", "-f", "json", "Dockerfile"]);
    assert_eq!(code, Some(0));
    assert!(!codes.contains(&"DF500".to_string()), "{codes:?}");
    // The project file overrides the user file; the command line overrides both.
    std::fs::write(
        dir.path().join(".dockguard.toml"),
        "[rules]\nenable = [\"DF500\"]\n",
    )
    .unwrap();
    let (code, codes) = run(&["lint", "-f", "json", "Dockerfile"]);
    assert_eq!(code, Some(0), "fail-on still comes from the user file");
    assert!(codes.contains(&"DF500".to_string()), "{codes:?}");
    let (code, _) = run(&["lint", "-f", "json", "--fail-on", "low", "Dockerfile"]);
    assert_eq!(code, Some(1));
    let (_, codes) = run(&["lint", "-f", "json", "--no-config", "Dockerfile"]);
    assert!(codes.contains(&"DF500".to_string()));
}

#[test]
fn explicit_relative_config_applies_its_path_ignores() {
    let dir = project(&[
        ("legacy/Dockerfile", BAD),
        (
            "custom.toml",
            "[[ignore]]\npaths = [\"legacy/**\"]\nrules = [\"DF101\"]\n",
        ),
    ]);
    let (_, json) = lint_json(
        dir.path(),
        &["lint", "-f", "json", "--config", "custom.toml", "legacy"],
    );
    let codes = codes_of(&json);
    assert!(
        !codes.contains(&"DF101") && codes.contains(&"DF500"),
        "{codes:?}"
    );
}
