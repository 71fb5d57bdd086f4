use super::*;
use crate::syntax::parse;

fn model(text: &str) -> Model {
    Model::new(parse(text))
}

#[test]
fn stages_aliases_and_bases() {
    let m = model(
        "ARG IMG=python:3.12\nARG NODEFAULT\nFROM ${IMG} AS Build\nFROM build AS test\nFROM scratch\nFROM $NODEFAULT\nFROM ghcr.io/o/r@sha256:0\n",
    );
    assert_eq!(m.stages.len(), 5);
    assert_eq!(m.stages[0].name.as_deref(), Some("build"));
    let Base::Image(r) = &m.stages[0].base else {
        panic!("{:?}", m.stages[0].base)
    };
    assert_eq!(
        (r.repository.as_str(), r.tag.as_deref()),
        ("python", Some("3.12"))
    );
    assert_eq!(m.stages[1].base, Base::Stage(0));
    assert_eq!(m.stages[2].base, Base::Scratch);
    assert_eq!(m.stages[3].base, Base::Unresolved);
    assert!(matches!(&m.stages[4].base, Base::Image(r) if r.digest.as_deref() == Some("sha256:0")));
    assert_eq!((m.stages[0].from, m.stages[0].end), (2, 3));
    assert_eq!(m.stage_ref("BUILD", 2), Some(0));
    assert_eq!(m.stage_ref("1", 2), Some(1));
    assert_eq!(m.stage_ref("2", 2), None);
}

#[test]
fn arg_and_env_scoping() {
    let m = model(
        "ARG V=1\nARG G\nFROM a\nARG V\nARG L=x$V\nENV E=${L}-e OTHER=$E\nRUN echo\nFROM a\nRUN echo\n",
    );
    let run = 6;
    let vars = &m.info[run].vars;
    assert_eq!(vars["V"], Value::Known("1".into()));
    assert_eq!(vars["L"], Value::Known("x1".into()));
    assert_eq!(vars["E"], Value::Known("x1-e".into()));
    // Values in one ENV see the scope before it: OTHER used the old (undefined) E.
    assert_eq!(vars["OTHER"], Value::Known(String::new()));
    assert!(
        !m.info[8].vars.contains_key("V"),
        "global ARGs need redeclaring in a stage"
    );
    assert_eq!(m.expand(run, "$E/bin").value, "x1-e/bin");
}

#[test]
fn env_and_shell_are_inherited_by_child_stages() {
    let m = model(
        "FROM a AS base\nENV APP=/app\nARG NOTINHERITED=1\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN echo\n",
    );
    let info = &m.info[5];
    assert_eq!(info.vars.get("APP"), Some(&Value::Known("/app".into())));
    assert!(!info.vars.contains_key("NOTINHERITED"));
    assert_eq!(info.shell[0], "/bin/bash");
}

#[test]
fn effective_user_follows_stage_chain() {
    let m = model("FROM a AS base\nARG U=app\nUSER $U\nFROM base\nRUN x\nFROM b\n");
    assert_eq!(m.effective_user(1).map(|(_, u)| u), Some("app".to_string()));
    assert_eq!(m.effective_user(2), None);
}

#[test]
fn run_scripts_include_shell_heredocs_and_skip_powershell() {
    let m = model(
        "FROM a\nRUN apt-get update <<EOF\nEOF\nRUN <<EOF\npip install x\nEOF\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Thing | Out-Null\n",
    );
    let names = |i: usize| -> Vec<String> {
        m.info[i]
            .script
            .as_ref()
            .map(|s| s.commands.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(names(1), ["apt-get"]);
    assert_eq!(names(2), ["pip"]);
    assert!(m.info[4].script.is_none());
}
