use super::*;
use crate::check::{FileKind, load};
use crate::model::{ContainerSettings, Namespace};
use dockguard_core::Location;

/// `(line, column, text)` of a location.
fn at<'a>(text: &'a str, loc: &Location) -> (u32, u32, &'a str) {
    (loc.line, loc.column, &text[loc.span.clone()])
}

fn names(w: &Workload) -> Vec<&str> {
    w.containers.iter().map(|c| c.name.as_str()).collect()
}

fn privileged<'a>(text: &'a str, c: &ContainerSettings) -> Option<(u32, u32, &'a str)> {
    c.privileged.as_ref().map(|p| at(text, &p.loc))
}

#[test]
fn shell_commands_everywhere() {
    let text = r#"#!/usr/bin/env bash
set -euo pipefail
IMAGE=app:1
sudo -E -u root docker run --privileged --name one "$IMAGE"
exec docker run --name two alpine
command docker create --name three alpine
if ! docker ps | grep -q web; then
  env FOO=1 nohup docker run -d --pid=host --name four busybox
fi
start() {
  ( cd /srv && time docker container run --name five alpine )
}
for i in 1 2; do id=$(docker run -d --name "six-$i" alpine); done
docker run --rm img sh -c "docker run --privileged inner"
docker run \
  --privileged \
  --name seven alpine
command -v docker
docker ps -a
"#;
    let w = load_shell("run.sh", text);
    assert_eq!(
        names(&w),
        [
            "one", "two", "three", "four", "five", "six-$i", "img", "seven"
        ]
    );
    let one = &w.containers[0];
    assert_eq!(privileged(text, one), Some((4, 28, "--privileged")));
    assert_eq!(at(text, &one.loc), (4, 17, "docker run"));
    // Variables stay as written.
    assert_eq!(one.image.as_ref().unwrap().value, "$IMAGE");
    assert_eq!(
        at(text, &one.image.as_ref().unwrap().loc),
        (4, 52, "\"$IMAGE\"")
    );
    let four = &w.containers[3];
    assert_eq!(four.pid.as_ref().unwrap().value, Namespace::Host);
    assert_eq!(at(text, &four.pid.as_ref().unwrap().loc), (8, 39, "host"));
    assert_eq!(
        at(text, &w.containers[4].loc),
        (11, 21, "docker container run")
    );
    let six = &w.containers[5];
    assert_eq!(at(text, &six.loc), (13, 23, "docker run"));
    // The `docker run` text inside the container's `sh -c` is not a command of the script.
    assert!(w.containers[6].privileged.is_none());
    assert_eq!(
        privileged(text, &w.containers[7]),
        Some((16, 3, "--privileged"))
    );
}

#[test]
fn command_names_given_as_variables() {
    let text = "DOCKER=${DOCKER:-docker}\n$DOCKER run --name a x\nD=\"sudo docker\"\n$D run --name b x\n\"${RUNTIME:-docker}\" run --name c x\n$UNSET run --name d x\n";
    let w = load_shell("v.sh", text);
    assert_eq!(names(&w), ["a", "b", "c"]);
    assert_eq!(at(text, &w.containers[0].loc), (2, 1, "$DOCKER run"));
}

#[test]
fn unparsable_shell_still_yields_commands() {
    // An unterminated quote makes the shell parser give up; the fallback split still sees the
    // command before it.
    let text = "docker run --privileged --name a x\necho \"unterminated\n";
    let w = load_shell("broken.sh", text);
    assert_eq!(names(&w), ["a"]);
    assert_eq!(
        privileged(text, &w.containers[0]),
        Some((1, 12, "--privileged"))
    );
}

#[test]
fn makefile_recipes() {
    let text = "DOCKER ?= docker\n\
IMAGE := app:$(VERSION)\n\
\n\
.PHONY: run\n\
run: build\n\
\t@echo starting\n\
\t@$(DOCKER) run --rm \\\n\
\t\t--privileged \\\n\
\t\t-v $(PWD):/src \\\n\
\t\t--name web $(IMAGE)\n\
\n\
# a comment\n\
test: ; -docker run --pid=host --name inline alpine\n\
\n\
shell:\n\
\t+docker run -e HOME=$$HOME --name dollars alpine sh -c 'echo $$HOME'\n\
define RECIPE\n\
\tdocker run --name canned alpine\n\
endef\n\
X = 1\n\
\tdocker run --name orphan alpine\n";
    let w = load_makefile("Makefile", text);
    assert_eq!(names(&w), ["web", "inline", "dollars"]);
    let web = &w.containers[0];
    assert_eq!(at(text, &web.loc), (7, 3, "$(DOCKER) run"));
    assert_eq!(privileged(text, web), Some((8, 3, "--privileged")));
    let mount = &web.mounts[0];
    assert_eq!(mount.source.as_deref(), Some("$(PWD)"));
    assert_eq!(at(text, &mount.loc), (9, 6, "$(PWD):/src"));
    assert_eq!(web.image.as_ref().unwrap().value, "$(IMAGE)");
    let inline = &w.containers[1];
    assert_eq!(
        at(text, &inline.pid.as_ref().unwrap().loc),
        (13, 27, "host")
    );
    // `$$` is the shell's `$`; the span still covers the text as written.
    let dollars = &w.containers[2];
    assert_eq!(dollars.env[0].value.as_deref(), Some("$HOME"));
    assert_eq!(at(text, &dollars.env[0].loc), (16, 17, "HOME=$$HOME"));
    assert_eq!(at(text, &dollars.loc), (16, 3, "docker run"));
}

#[test]
fn makefile_rules_and_assignments() {
    assert_eq!(rule_colon("run: build"), Some(3));
    assert_eq!(rule_colon("$(OUT)/x: y"), Some(8));
    assert_eq!(rule_colon("a:: b"), Some(1));
    assert_eq!(rule_colon("X := 1"), None);
    assert_eq!(rule_colon("X ::= 1"), None);
    assert_eq!(rule_colon("X = a:b"), None);
    assert_eq!(rule_colon("ifeq ($(A),b:c)"), None);
    let vars = make_variables("A = 1\nA += 2\nB ?= x\nB ?= y\nexport C := z\nD != date\n");
    assert_eq!(vars.get("A").map(String::as_str), Some("1 2"));
    assert_eq!(vars.get("B").map(String::as_str), Some("x"));
    assert_eq!(vars.get("C").map(String::as_str), Some("z"));
    assert!(!vars.contains_key("D"));
}

#[test]
fn workflow_run_steps() {
    let text = "\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: block
        run: |
          echo start
          docker run --rm \\
            --privileged \\
            --name block ${{ env.IMAGE }}

          docker run --pid=host --name second alpine
      - run: docker run --name plain --cap-add=SYS_ADMIN alpine
      - run: 'docker run --name quoted -v /:/host alpine'
      - run: >
          docker run
          --name folded --net=host alpine
      - shell: pwsh
        run: docker run --name pwsh --privileged alpine
      - shell: bash -e {0}
        run: docker run --name bash --ipc=host alpine
  windows:
    runs-on: windows-latest
    defaults:
      run:
        shell: cmd
    steps:
      - run: docker run --name cmd alpine
";
    let w = load_workflow("ci.yml", text).unwrap();
    assert_eq!(
        names(&w),
        ["block", "second", "plain", "quoted", "folded", "bash"]
    );
    let block = &w.containers[0];
    assert_eq!(at(text, &block.loc), (11, 11, "docker run"));
    assert_eq!(privileged(text, block), Some((12, 13, "--privileged")));
    assert_eq!(block.image.as_ref().unwrap().value, "${{ env.IMAGE }}");
    let second = &w.containers[1];
    assert_eq!(
        at(text, &second.pid.as_ref().unwrap().loc),
        (15, 28, "host")
    );
    let plain = &w.containers[2];
    assert_eq!(at(text, &plain.cap_add[0].loc), (16, 48, "SYS_ADMIN"));
    let quoted = &w.containers[3];
    assert_eq!(at(text, &quoted.mounts[0].loc), (17, 43, "/:/host"));
    let folded = &w.containers[4];
    assert_eq!(
        at(text, &folded.network.as_ref().unwrap().loc),
        (20, 31, "host")
    );
    assert_eq!(at(text, &folded.loc), (19, 11, "docker run"));
}

#[test]
fn composite_actions_and_yaml_errors() {
    let text = "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: docker run --uts=host --name c x\n";
    let w = load_workflow("action.yml", text).unwrap();
    assert_eq!(names(&w), ["c"]);
    let err = load_workflow("bad.yml", "jobs:\n  a: [1, 2\n").unwrap_err();
    assert!(err.line >= 2, "{err}");
}

#[test]
fn block_scalars_map_line_by_line() {
    // Literal: value line i is file line (header + 1 + i) at the block's indentation, blank
    // lines included.
    let text = "run: |\n\n  a b\n\n    c\n  d\nnext: 1\n";
    let doc = parse_stream(text).unwrap().remove(0);
    let segment = scalar_segment(text, doc.get("run").unwrap()).unwrap();
    assert_eq!(segment.text, "\na b\n\n  c\nd");
    let pos = |needle: &str| {
        let i = segment.text.find(needle).unwrap();
        segment.span(i..i + needle.len())
    };
    assert_eq!(&text[pos("a b")], "a b");
    assert_eq!(&text[pos("c")], "c");
    assert_eq!(&text[pos("d")], "d");
    // Folded: lines join with spaces, blank lines become line breaks.
    let text = "run: >-\n  a\n  b\n\n  c\n";
    let doc = parse_stream(text).unwrap().remove(0);
    let segment = scalar_segment(text, doc.get("run").unwrap()).unwrap();
    assert_eq!(segment.text, "a b\nc");
    let i = segment.text.find('c').unwrap();
    assert_eq!(segment.span(i..i + 1), 19..20);
}

#[test]
fn loads_through_check() {
    let sh = load(
        "x.sh",
        None,
        "docker run --privileged x\n",
        FileKind::ShellScript,
    )
    .unwrap();
    assert!(sh.containers[0].is_privileged());
    let mk = load(
        "Makefile",
        None,
        "a:\n\tdocker run --privileged x\n",
        FileKind::Makefile,
    )
    .unwrap();
    assert!(mk.containers[0].is_privileged());
    let wf = load(
        "w.yml",
        None,
        "jobs:\n  a:\n    steps:\n      - run: docker run --privileged x\n",
        FileKind::Workflow,
    )
    .unwrap();
    assert!(wf.containers[0].is_privileged());
    let none = load("x.sh", None, "echo hi\n", FileKind::ShellScript).unwrap();
    assert!(none.containers.is_empty());
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "",
        "docker",
        "docker run",
        "docker run -",
        "docker run --env=\"é=ü\" \"é\"",
        "docker run $(docker run $(docker run -v",
        "sudo sudo sudo sudo sudo sudo sudo sudo sudo sudo docker run x",
        "timeout",
        "\u{feff}docker run x",
        "docker run 'x\\",
    ] {
        let _ = load_shell("f.sh", text);
        let _ = load_makefile("Makefile", &format!("a:\n\t{text}\n"));
        let _ = load_makefile("Makefile", &format!("a: ; {text} \\\n"));
        let _ = load_workflow(
            "w.yml",
            &format!("jobs:\n  a:\n    steps:\n      - run: |\n          {text}\n"),
        );
        let _ = load_workflow(
            "w.yml",
            &format!("jobs:\n  a:\n    steps:\n      - run: \"{text}\\t\"\n"),
        );
    }
}
