use super::*;
use crate::check::{FileKind, load};
use std::fs;

/// Allow-by-default, and `ptrace` allowed without its capability gate.
const WEAK: &str = r#"{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    { "names": ["ptrace"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["mount"], "action": "SCMP_ACT_ERRNO" }
  ]
}
"#;

fn notable(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity > dockguard_core::Severity::Info)
        .collect()
}

struct Project {
    dir: tempfile::TempDir,
    resolver: Resolver,
}

fn project(files: &[(&str, &str)]) -> Project {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let resolver = Resolver {
        root: dir.path().canonicalize().unwrap(),
        kubelet_root: None,
    };
    Project { dir, resolver }
}

impl Project {
    fn uses(&self, file: &str, kind: FileKind) -> (Vec<ProfileUse>, Vec<LoadError>) {
        let path = self.dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        let workload = load(file, Some(&path), &text, kind).unwrap();
        profile_uses(&workload, &path, &self.resolver)
    }
}

const COMPOSE: &str = "\
services:
  web:
    image: nginx:1.27
    security_opt:
      - seccomp=./profiles/weak.json
  db:
    image: postgres:16
    security_opt: [\"seccomp:profiles/weak.json\"]
  plain:
    image: redis:7
    security_opt: [seccomp=unconfined]
";

#[test]
fn compose_profiles_resolve_next_to_the_file_and_lint_once() {
    let p = project(&[
        ("deploy/compose.yaml", COMPOSE),
        ("deploy/profiles/weak.json", WEAK),
    ]);
    let (uses, errors) = p.uses("deploy/compose.yaml", FileKind::Compose);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(uses.len(), 2, "{uses:?}");
    let expected = p
        .dir
        .path()
        .join("deploy/profiles/weak.json")
        .canonicalize()
        .unwrap();
    assert!(uses.iter().all(|u| u.path == expected));
    assert_eq!(uses[0].user, "deploy/compose.yaml:5:9, service `web`");
    assert!(uses[1].user.ends_with("service `db`"), "{}", uses[1].user);

    let users: Vec<String> = uses.iter().map(|u| u.user.clone()).collect();
    let (findings, text) = lint_profile(
        &expected,
        "deploy/profiles/weak.json",
        &users,
        &Config::default(),
    )
    .unwrap();
    assert_eq!(text, WEAK);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_ref()).collect();
    assert!(codes.contains(&"SC100"), "{codes:?}");
    assert!(codes.contains(&"SC101"), "{codes:?}");
    let sc100 = findings.iter().find(|f| f.code == "SC100").unwrap();
    assert_eq!(sc100.location.file, "deploy/profiles/weak.json");
    assert_eq!(sc100.location.line, 2);
    assert!(
        sc100.message.ends_with(
            "(profile used by deploy/compose.yaml:5:9, service `web`; deploy/compose.yaml:8:20, \
             service `db`)"
        ),
        "{}",
        sc100.message
    );
    let ptrace = findings.iter().find(|f| f.code == "SC101").unwrap();
    assert!(ptrace.message.contains("ptrace"), "{}", ptrace.message);
    assert_eq!(ptrace.location.line, 5);
}

#[test]
fn docker_default_gives_only_informational_notes() {
    let p = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: x:1\n    security_opt: [seccomp=default.json]\n",
        ),
        ("default.json", dockguard_seccomp::DOCKER_DEFAULT),
    ]);
    let (uses, errors) = p.uses("compose.yaml", FileKind::Compose);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(uses.len(), 1);
    let (findings, _) =
        lint_profile(&uses[0].path, "default.json", &[], &Config::default()).unwrap();
    assert!(notable(&findings).is_empty(), "{findings:?}");
}

#[test]
fn missing_and_escaping_profiles_are_errors_at_the_option() {
    let p = project(&[(
        "app/compose.yaml",
        "services:\n  web:\n    image: x:1\n    security_opt:\n      - seccomp=missing.json\n  \
         up:\n    image: x:1\n    security_opt: [seccomp=../../outside.json]\n",
    )]);
    // A profile that exists, but outside the project root.
    let outside = p.dir.path().parent().unwrap().join("outside.json");
    let created = fs::write(&outside, WEAK).is_ok();
    let (uses, errors) = p.uses("app/compose.yaml", FileKind::Compose);
    if created {
        let _ = fs::remove_file(&outside);
    }
    assert!(uses.is_empty(), "{uses:?}");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].file.as_str(), errors[0].line, errors[0].column),
        ("app/compose.yaml", 5, 9)
    );
    assert!(
        errors[0]
            .to_string()
            .contains("`missing.json` of service `web`"),
        "{}",
        errors[0]
    );
    assert!(errors[0].message.contains("no such file"), "{}", errors[0]);
    assert_eq!(errors[1].line, 8);
    if created {
        assert!(
            errors[1].message.contains("outside the project root"),
            "{}",
            errors[1]
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_not_followed() {
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("weak.json"), WEAK).unwrap();
    let p = project(&[(
        "compose.yaml",
        "services:\n  web:\n    image: x:1\n    security_opt: [seccomp=link.json]\n",
    )]);
    std::os::unix::fs::symlink(
        elsewhere.path().join("weak.json"),
        p.dir.path().join("link.json"),
    )
    .unwrap();
    let (uses, errors) = p.uses("compose.yaml", FileKind::Compose);
    assert!(uses.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("outside the project root"),
        "{}",
        errors[0]
    );
}

#[test]
fn docker_run_lines_in_scripts() {
    let p = project(&[
        (
            "scripts/run.sh",
            "#!/bin/sh\ndocker run --security-opt seccomp=weak.json -d nginx:1\n\
             docker run --security-opt seccomp=$PWD/x.json -d nginx:1\n",
        ),
        ("scripts/weak.json", WEAK),
    ]);
    let (uses, errors) = p.uses("scripts/run.sh", FileKind::ShellScript);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(uses.len(), 1, "variables are not resolved: {uses:?}");
    assert!(
        uses[0].user.starts_with("scripts/run.sh:2:"),
        "{}",
        uses[0].user
    );
}

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: profiles/weak.json
  containers:
    - name: app
      image: nginx:1.27
";

#[test]
fn kubernetes_localhost_profiles() {
    // Next to the manifest.
    let p = project(&[("k8s/pod.yaml", POD), ("k8s/profiles/weak.json", WEAK)]);
    let (uses, errors) = p.uses("k8s/pod.yaml", FileKind::Kubernetes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(uses.len(), 1);
    assert!(uses[0].path.ends_with("k8s/profiles/weak.json"));

    // At the project root (the kubelet root's layout mirrored).
    let p = project(&[("k8s/pod.yaml", POD), ("profiles/weak.json", WEAK)]);
    let (uses, _) = p.uses("k8s/pod.yaml", FileKind::Kubernetes);
    assert_eq!(uses.len(), 1);

    // Nowhere in the project: installed on the nodes, not an error.
    let p = project(&[("k8s/pod.yaml", POD)]);
    assert_eq!(
        p.uses("k8s/pod.yaml", FileKind::Kubernetes),
        (vec![], vec![])
    );

    // Under the kubelet root when there is one.
    let kubelet = tempfile::tempdir().unwrap();
    fs::create_dir(kubelet.path().join("profiles")).unwrap();
    fs::write(kubelet.path().join("profiles/weak.json"), WEAK).unwrap();
    let mut p = project(&[("k8s/pod.yaml", POD)]);
    p.resolver.kubelet_root = Some(kubelet.path().canonicalize().unwrap());
    let (uses, _) = p.uses("k8s/pod.yaml", FileKind::Kubernetes);
    assert_eq!(uses.len(), 1);
    assert!(
        uses[0]
            .path
            .starts_with(kubelet.path().canonicalize().unwrap())
    );
}

#[test]
fn a_broken_profile_is_an_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    fs::write(
        &path,
        "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [ {\"names\": 5} ]\n}\n",
    )
    .unwrap();
    let error = lint_profile(&path, "bad.json", &[], &Config::default()).unwrap_err();
    assert!(error.starts_with("bad.json:3:"), "{error}");
}

fn inspect(security_opt: &str) -> String {
    format!(
        "{{\"Id\": \"abc\", \"Name\": \"/web\", \"Config\": {{\"Image\": \"x\"}},\n \
         \"HostConfig\": {{\"SecurityOpt\": [{security_opt}]}}}}\n"
    )
}

#[test]
fn inline_engine_profiles_are_linted_at_the_container() {
    let option = serde_json_string(&format!("seccomp={WEAK}"));
    let text = inspect(&option);
    let workload = load("docker://web", None, &text, FileKind::Inspect).unwrap();
    let (findings, errors) = inline_findings(&workload, &Config::default());
    assert!(errors.is_empty(), "{errors:?}");
    let sc100 = findings.iter().find(|f| f.code == "SC100").expect("SC100");
    assert_eq!(sc100.location.file, "docker://web");
    assert_eq!(sc100.location.line, 2);
    assert!(
        sc100
            .message
            .starts_with("container `web`'s seccomp profile, line 2: "),
        "{}",
        sc100.message
    );
    assert!(
        findings
            .iter()
            .any(|f| f.code == "SC101" && f.message.contains("ptrace"))
    );

    // Docker's default profile inline: informational notes at most.
    let option = serde_json_string(&format!("seccomp={}", dockguard_seccomp::DOCKER_DEFAULT));
    let workload = load("docker://web", None, &inspect(&option), FileKind::Inspect).unwrap();
    let (findings, errors) = inline_findings(&workload, &Config::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(notable(&findings).is_empty(), "{findings:?}");

    // Not a profile of ours: `unconfined` is WL600's.
    let workload = load(
        "docker://web",
        None,
        &inspect("\"seccomp=unconfined\""),
        FileKind::Inspect,
    )
    .unwrap();
    assert_eq!(
        inline_findings(&workload, &Config::default()),
        (vec![], vec![])
    );

    // Hostile inline JSON: an error naming the container's option.
    let option = serde_json_string("seccomp={\"defaultAction\": [[[[");
    let workload = load("docker://web", None, &inspect(&option), FileKind::Inspect).unwrap();
    let (findings, errors) = inline_findings(&workload, &Config::default());
    assert!(findings.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("docker://web:2:"), "{errors:?}");
}

/// A JSON string literal of `s`.
fn serde_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
