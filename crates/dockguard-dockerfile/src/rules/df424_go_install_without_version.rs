use super::common_b::report_unpinned;
use super::{Ctx, Diagnostic, Rule};
use crate::model::Command;

declare_rule! {
    /// ## What it does
    /// Reports packages of `go install` and `go get` without an `@version`, or with a moving
    /// one (`@latest`, `@master`, `@main`, `@HEAD`), and `go run pkg@latest`. Local packages
    /// (`.`, `./cmd/...`, absolute paths) and the `tool`, `std`, `cmd`, `all` patterns are
    /// fine; option values such as `-tags 'netgo osusergo'` are not packages. Inside a module
    /// whose `go.mod` requires the package, `go install pkg` takes the version from `go.mod`;
    /// this rule cannot see it, so it asks for the explicit `@version` anyway. Differences from
    /// hadolint (DL3062): hadolint takes option values for packages, reports `go run main.go`,
    /// and ignores `go install` in a RUN that also has `go run`. In hadolint compatibility mode
    /// (`hadolint-compat`) option values are taken for packages, as hadolint does.
    ///
    /// ## Why is this bad?
    /// Without a version Go resolves the newest release at build time: rebuilds are not
    /// reproducible and a compromised or breaking release of the tool lands in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install github.com/go-delve/delve/cmd/dlv@latest
    /// ```
    ///
    /// ## Fix
    /// `RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.0` (a tag or a commit).
    pub struct GoInstallWithoutVersion {
        code: "DF424",
        name: "go-install-without-version",
        step: TrustedImages,
        severity: Medium,
        summary: "go install without @version",
        references: [Hadolint "DL3062", Cwe "CWE-1357"],
    }
}

/// go build flags that take a value (Go flags use one dash for long names).
const GO_VALUE_FLAGS: &[&str] = &[
    "C",
    "p",
    "o",
    "asmflags",
    "buildmode",
    "compiler",
    "coverpkg",
    "covermode",
    "exec",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
];

/// The non-flag arguments of a go command, with their index. With `flag_values_are_operands`
/// (hadolint compatibility), the values of `-tags x`, `-ldflags x`, … count as operands.
fn go_operands(cmd: &Command, flag_values_are_operands: bool) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut skip = false;
    for (i, a) in cmd.args.iter().enumerate() {
        if skip {
            skip = false;
        } else if let Some(flag) = a.strip_prefix('-') {
            let name = flag.trim_start_matches('-');
            skip =
                !flag_values_are_operands && !name.contains('=') && GO_VALUE_FLAGS.contains(&name);
        } else {
            out.push((i, a.as_str()));
        }
    }
    out
}

fn local(package: &str) -> bool {
    package.starts_with('.') || package.starts_with('/')
}

fn pinned(package: &str) -> bool {
    if local(package) || matches!(package, "tool" | "std" | "cmd" | "all") {
        return true;
    }
    match package.rsplit_once('@') {
        Some((_, version)) => !matches!(version, "latest" | "master" | "main" | "HEAD"),
        None => false,
    }
}

impl Rule for GoInstallWithoutVersion {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, cmd) in ctx.commands() {
            if !cmd.is("go") {
                continue;
            }
            // hadolint compatibility: reproduces hadolint's DL3062, which takes every word not
            // starting with `-` for a package, option values included; see
            // docs/hadolint-differences.md#compatibility-mode.
            let ops = go_operands(cmd, ctx.config.hadolint_compat);
            let packages: Vec<(usize, &str)> = match ops.split_first() {
                Some(((_, "install" | "get"), rest)) => rest.to_vec(),
                // `go run` without @ builds from the current module; only a remote run counts.
                Some(((_, "run"), [first, ..])) if first.1.contains('@') && !local(first.1) => {
                    vec![*first]
                }
                _ => continue,
            };
            let sub = ops[0].1;
            report_unpinned(
                ctx.model,
                idx,
                cmd,
                &packages,
                pinned,
                |names| {
                    format!(
                        "`go {sub}` of {names} without a fixed version; use `<package>@<version>`"
                    )
                },
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&GoInstallWithoutVersion);
    }

    #[test]
    fn hadolint_compat() {
        let text = "FROM golang:1.23
RUN go install -a -tags 'netgo osusergo static_build' -ldflags \" -X main.Version=$V\" .
RUN go install -tags netgo ./cmd/app
RUN go install -ldflags=-s .
RUN go install example.com/tool@v1.2.3
";
        let (default, compat) = testing::lines_default_and_compat(&GoInstallWithoutVersion, text);
        assert!(default.is_empty(), "{default:?}");
        assert_eq!(compat, [2, 3]);
    }

    #[test]
    fn versions() {
        for p in ["x.io/a@v1.2.3", "x.io/a@4f2b1c9", "./cmd/...", ".", "tool"] {
            assert!(pinned(p), "{p}");
        }
        for p in ["x.io/a", "x.io/a@latest", "x.io/a@master"] {
            assert!(!pinned(p), "{p}");
        }
    }
}
