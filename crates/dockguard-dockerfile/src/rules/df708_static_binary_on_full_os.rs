use super::common_d::{flag_value, program_of, run_commands};
use super::{Ctx, Diagnostic, Rule};
use crate::model::{Base, Command, ImageRef, Model, Stage, Value};
use crate::syntax::{CommandForm, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a final stage built on a full distribution image (Debian, Ubuntu, Alpine,
    /// CentOS, Fedora, Rocky, Alma, Amazon Linux, UBI, …) when all it does is copy the output
    /// of earlier stages that build static binaries, and otherwise only creates users,
    /// directories, links or permissions. A static build is `go build`/`go install` with
    /// `CGO_ENABLED=0` (ENV, ARG, command prefix or `export`) or `-extldflags "-static"`,
    /// `cargo build --target *-musl`, or a C compiler with `-static`. A final stage that
    /// installs packages, runs anything else, uses a shell-form `CMD`/`ENTRYPOINT`/`HEALTHCHECK`
    /// or copies from other stages or images is not reported.
    ///
    /// ## Why is this bad?
    /// The binary needs no libc and no shell, yet the image ships a package manager, a shell
    /// and hundreds of packages: more CVEs to triage, more tools for an attacker, a larger
    /// image to pull.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    /// FROM debian:12-slim
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix
    /// Use `FROM gcr.io/distroless/static-debian12:nonroot` (CA certificates, tzdata and a
    /// non-root user included) or `FROM scratch`.
    pub struct StaticBinaryOnFullOs {
        code: "DF708",
        name: "static-binary-on-full-os",
        step: MinimalImages,
        severity: Low,
        summary: "A static binary is shipped on a full OS image",
        references: [Cis "4.3"],
    }
}

/// Whether an image is a general-purpose distribution.
fn is_full_os(image: &ImageRef) -> bool {
    let repo = image.repository.to_ascii_lowercase();
    let last = repo.rsplit('/').next().unwrap_or(&repo);
    matches!(
        last,
        "debian"
            | "ubuntu"
            | "alpine"
            | "centos"
            | "fedora"
            | "rockylinux"
            | "almalinux"
            | "amazonlinux"
            | "oraclelinux"
            | "archlinux"
            | "leap"
            | "tumbleweed"
            | "photon"
            | "ubi"
            | "ubi8"
            | "ubi9"
            | "ubi10"
            | "ubi-minimal"
            | "ubi8-minimal"
            | "ubi9-minimal"
    )
}

/// Whether a RUN command builds a static binary; `earlier` are the commands before it in the
/// same RUN.
fn static_build(model: &Model, idx: usize, cmd: &Command, earlier: &[Command]) -> bool {
    let extld_static = cmd.args.iter().any(|a| a.contains("extldflags"))
        && cmd.args.iter().any(|a| a.contains("-static"));
    match program_of(cmd) {
        "go" => {
            if !matches!(cmd.subcommand(), Some("build" | "install")) {
                return false;
            }
            let cgo_off = |v: &str| v.trim_matches(['"', '\'']) == "0";
            extld_static
                || cmd
                    .assignments
                    .iter()
                    .any(|(k, v)| k == "CGO_ENABLED" && cgo_off(v))
                || earlier.iter().any(|c| {
                    matches!(c.program(), "export" | "env")
                        && c.args.iter().any(|a| a == "CGO_ENABLED=0")
                })
                || matches!(model.info[idx].vars.get("CGO_ENABLED"), Some(Value::Known(v)) if cgo_off(v))
        }
        "cargo" => {
            matches!(cmd.subcommand(), Some("build" | "install"))
                && flag_value(cmd, &["--target"])
                    .iter()
                    .any(|(_, t)| t.contains("musl"))
        }
        "gcc" | "g++" | "cc" | "c++" | "clang" | "clang++" | "musl-gcc" => cmd.has_arg("-static"),
        _ => false,
    }
}

/// Whether a stage, or a stage it is built on, builds a static binary.
fn builds_static(model: &Model, stage: usize) -> bool {
    let mut current = Some(stage);
    let mut seen = Vec::new();
    while let Some(s) = current.filter(|s| !seen.contains(s)) {
        seen.push(s);
        let st: &Stage = &model.stages[s];
        let found = model.stage_body(st).any(|(idx, inst)| {
            inst.kind == Kind::Run && {
                let cmds = run_commands(model, idx);
                (0..cmds.len()).any(|i| static_build(model, idx, &cmds[i], &cmds[..i]))
            }
        });
        if found {
            return true;
        }
        current = match st.base {
            Base::Stage(p) => Some(p),
            _ => None,
        };
    }
    false
}

/// Commands that only prepare files and users, which a distroless image does not need.
const HOUSEKEEPING: &[&str] = &[
    "mkdir",
    "chmod",
    "chown",
    "chgrp",
    "ln",
    "adduser",
    "addgroup",
    "useradd",
    "groupadd",
    "true",
    "echo",
    "touch",
    "rm",
    "cp",
    "mv",
    "set",
    "update-ca-certificates",
];

fn needs_shell(form: &CommandForm) -> bool {
    match form {
        CommandForm::Shell { .. } => true,
        CommandForm::Exec { values, .. } => values.first().is_some_and(|p| {
            let p = p.rsplit('/').next().unwrap_or(p);
            matches!(p, "sh" | "bash" | "ash" | "dash" | "curl" | "wget")
        }),
    }
}

impl Rule for StaticBinaryOnFullOs {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let Some(last) = model.final_stage() else {
            return;
        };
        let (Base::Image(image), Some((word, _))) = (&last.base, &last.image) else {
            return;
        };
        if !is_full_os(image) {
            return;
        }
        let mut builders: Vec<usize> = Vec::new();
        for (idx, inst) in model.stage_body(last) {
            match inst.kind {
                Kind::Copy | Kind::Add => {
                    for from in inst.flags_named("from") {
                        let value = model.expand(idx, from.value.as_deref().unwrap_or("")).value;
                        match model.stage_ref(&value, last.index) {
                            Some(s) if builds_static(model, s) => builders.push(s),
                            _ => return,
                        }
                    }
                }
                Kind::Run => {
                    let cmds = run_commands(model, idx);
                    // Assignment-only statements (empty name) are not commands.
                    let cmds: Vec<&Command> = cmds.iter().filter(|c| !c.name.is_empty()).collect();
                    let substantial = cmds.is_empty()
                        || cmds.iter().any(|c| !HOUSEKEEPING.contains(&program_of(c)));
                    if substantial {
                        return;
                    }
                }
                Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck
                    if inst.command().is_some_and(needs_shell) =>
                {
                    return;
                }
                Kind::Shell | Kind::Onbuild => return,
                _ => {}
            }
        }
        let Some(&builder) = builders.first() else {
            return;
        };
        let name = model.stages[builder]
            .name
            .clone()
            .unwrap_or_else(|| builder.to_string());
        out.push(Diagnostic::new(
            word.span.clone(),
            format!(
                "the final stage is based on `{}` but only ships static binaries from stage `{name}`; use `gcr.io/distroless/static` or `scratch`",
                image.full
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&StaticBinaryOnFullOs);
    }

    #[test]
    fn builder_kinds() {
        let final_stage =
            "FROM alpine:3.20\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
        for builder in [
            "FROM golang:1.23 AS build\nENV CGO_ENABLED=0\nRUN go build -o /out/app .\n",
            "FROM golang:1.23 AS build\nRUN export CGO_ENABLED=0 && go build -o /out/app .\n",
            "FROM golang:1.23 AS build\nRUN go build -ldflags '-s -w -extldflags \"-static\"' -o /out/app .\n",
            "FROM rust:1.80 AS build\nRUN cargo build --release --target x86_64-unknown-linux-musl\n",
            "FROM golang:1.23 AS base\nARG CGO_ENABLED=0\nRUN go build -o /out/app .\nFROM base AS build\n",
        ] {
            let text = format!("{builder}{final_stage}");
            assert_eq!(
                testing::run(&StaticBinaryOnFullOs, &text).len(),
                1,
                "{text}"
            );
        }
        let dynamic =
            format!("FROM golang:1.23 AS build\nRUN go build -o /out/app .\n{final_stage}");
        assert!(testing::run(&StaticBinaryOnFullOs, &dynamic).is_empty());
    }
}
