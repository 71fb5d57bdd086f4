use super::{ImageCtx, Rule};
use crate::minimal::{ProgramKind, Tool};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a final image that carries a shell (`sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`,
    /// `busybox`, … in the standard directories or the image's `PATH`, `/bin/sh` linked to
    /// busybox included) while nothing in it needs one: the entrypoint is an ELF program run in
    /// exec form (not a shell, not a script) and the health check, if any, is not
    /// `CMD-SHELL`. Init wrappers (`tini --`, `dumb-init`) are looked through.
    ///
    /// ## Why is this bad?
    /// A shell is the first thing an attacker who gets code execution in the container wants:
    /// it turns a single injected command into an interactive foothold, runs downloaded
    /// scripts and chains the other tools of the image. A program that never calls a shell
    /// does not need one, and distroless images leave it out for that reason.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN CGO_ENABLED=0 go build -o /server .
    /// FROM debian:12
    /// COPY --from=build /server /server
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// ## Fix
    /// Build the final stage `FROM gcr.io/distroless/static-debian12` (static binaries),
    /// `gcr.io/distroless/base-debian12` (glibc) or `scratch`, and copy only the program and
    /// its files. Debug with `docker debug` or an ephemeral container instead of a shell in
    /// the image.
    pub struct ShellInFinalImage {
        code: "IM900",
        name: "shell-in-final-image",
        step: MinimalImages,
        severity: Low,
        summary: "Final image contains a shell that its entrypoint does not need",
        references: [
            Cis "4.3",
            Cwe "CWE-1125",
            Url "https://github.com/GoogleContainerTools/distroless#why-should-i-use-distroless-images",
        ],
    }
}

/// `/bin/sh → /bin/busybox, /bin/bash` (at most this many, then a count).
pub(crate) fn list_tools(tools: &[Tool]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = tools.iter().take(SHOWN).map(Tool::describe).collect();
    if tools.len() > SHOWN {
        out.push(format!("{} more", tools.len() - SHOWN));
    }
    out.join(", ")
}

impl Rule for ShellInFinalImage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let inv = ctx.inventory();
        let Some(ep) = &inv.entrypoint else {
            return;
        };
        let elf = matches!(
            ep.kind,
            ProgramKind::StaticElf | ProgramKind::DynamicElf { .. } | ProgramKind::UnknownElf
        );
        if !elf || !inv.has_unneeded_shell() {
            return;
        }
        let first = &inv.shells[0];
        out.push(ctx.finding(
            &Self::META,
            format!(
                "the final image contains a shell ({}) but its entrypoint {} is an exec-form \
                 program that does not need one",
                list_tools(&inv.shells),
                ep.path.as_deref().unwrap_or(&ep.program),
            ),
            ctx.file_location(&first.path, 1, 1),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzers::executables::elf::elf64;
    use crate::checks::testing::{E, image, layer, run};
    use crate::minimal::tests::{GLIBC, debian_layer};

    #[test]
    fn shell_next_to_an_exec_form_binary() {
        let app = layer(&[
            E::File("app/server", &elf64(Some(GLIBC)), 0o755),
            E::File("usr/bin/tini", &elf64(None), 0o755),
        ]);
        let f = run(
            &ShellInFinalImage,
            &image(
                r#"{"Entrypoint":["/app/server"]}"#,
                vec![debian_layer(), app.clone()],
            ),
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].location.file, "img:/usr/bin/bash");
        assert!(
            f[0].message.contains("/usr/bin/sh → /usr/bin/dash"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("entrypoint /app/server"));

        // Through an init wrapper.
        let f = run(
            &ShellInFinalImage,
            &image(
                r#"{"Entrypoint":["tini","--"],"Cmd":["/app/server"]}"#,
                vec![debian_layer(), app],
            ),
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("entrypoint /app/server"));
    }

    #[test]
    fn shells_that_are_needed_or_absent() {
        let app = layer(&[
            E::File("app/server", &elf64(None), 0o755),
            E::File("app/start.sh", b"#!/bin/sh\nexec /app/server\n", 0o755),
        ]);
        let cases = [
            r#"{"Entrypoint":["/bin/sh","-c","/app/server"]}"#,
            r#"{"Cmd":["bash"]}"#,
            r#"{"Entrypoint":["/app/start.sh"]}"#,
            r#"{"Entrypoint":["/app/server"],"Healthcheck":{"Test":["CMD-SHELL","true"]}}"#,
            r#"{"Entrypoint":["/app/missing"]}"#,
            "{}",
        ];
        for config in cases {
            let img = image(config, vec![debian_layer(), app.clone()]);
            assert!(run(&ShellInFinalImage, &img).is_empty(), "{config}");
        }
        // No shell at all.
        let img = image(r#"{"Entrypoint":["/app/server"]}"#, vec![app]);
        assert!(run(&ShellInFinalImage, &img).is_empty());
    }
}
