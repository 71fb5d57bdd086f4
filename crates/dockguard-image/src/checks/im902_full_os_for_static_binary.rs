use super::{ImageCtx, Rule};
use crate::minimal::ProgramKind;
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports an image whose entrypoint is a statically linked ELF binary (a Go binary built
    /// with `CGO_ENABLED=0`, a Rust `*-linux-musl` binary, …: no `PT_INTERP`) while the image
    /// carries a full operating system around it: a shell nothing needs, a package manager,
    /// or more than [`MAX_OTHER_PROGRAMS`] other programs. The message gives the
    /// recommendation of the image's inventory.
    ///
    /// ## Why is this bad?
    /// A static binary needs nothing from the image but, at most, CA certificates, time zone
    /// data and `/etc/passwd`. Everything else is attack surface (tools an intruder can use),
    /// vulnerabilities that scanners report and someone must triage, and bytes to pull.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /server .
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// ## Fix
    /// Use a multi-stage build whose final stage is `FROM gcr.io/distroless/static-debian12`
    /// (CA certificates, tzdata, a `nonroot` user) or `FROM scratch`, and `COPY --from=build`
    /// only the binary.
    pub struct FullOsForStaticBinary {
        code: "IM902",
        name: "full-os-for-static-binary",
        step: MinimalImages,
        severity: Medium,
        summary: "Static binary shipped in an image with a full operating system",
        references: [
            Cis "4.3",
            Cwe "CWE-1125",
            Url "https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md",
        ],
    }
}

/// Programs beyond those the entrypoint needs that make a "full OS" on their own.
pub const MAX_OTHER_PROGRAMS: usize = 20;

impl Rule for FullOsForStaticBinary {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let inv = ctx.inventory();
        let Some(ep) = &inv.entrypoint else {
            return;
        };
        if ep.kind != ProgramKind::StaticElf {
            return;
        }
        let full_os = inv.has_unneeded_shell()
            || !inv.package_managers.is_empty()
            || inv.extra_executables > MAX_OTHER_PROGRAMS;
        let (true, Some(recommendation), Some(path)) =
            (full_os, inv.recommendation.as_deref(), ep.path.as_deref())
        else {
            return;
        };
        out.push(ctx.finding(
            &Self::META,
            format!(
                "{recommendation} (distroless score {}/100, {} other programs)",
                inv.score, inv.extra_executables
            ),
            ctx.file_location(path, 1, 1),
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
    fn static_binary_on_debian() {
        let app = layer(&[E::File("app/server", &elf64(None), 0o755)]);
        let f = run(
            &FullOsForStaticBinary,
            &image(
                r#"{"Entrypoint":["/app/server"]}"#,
                vec![debian_layer(), app],
            ),
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].location.file, "img:/app/server");
        let m = &f[0].message;
        assert!(m.contains("runs one static binary (/app/server)"), "{m}");
        assert!(m.contains("gcr.io/distroless/static-debian12"), "{m}");
        assert!(m.contains("distroless score 45/100"), "{m}");
    }

    #[test]
    fn many_programs_without_shell_or_package_manager() {
        let tool = elf64(Some(GLIBC));
        let names: Vec<String> = (0..25).map(|i| format!("usr/bin/tool{i}")).collect();
        let mut entries: Vec<E> = names.iter().map(|n| E::File(n, &tool, 0o755)).collect();
        let server = elf64(None);
        entries.push(E::File("server", &server, 0o755));
        let img = image(r#"{"Entrypoint":["/server"]}"#, vec![layer(&entries)]);
        let f = run(&FullOsForStaticBinary, &img);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("25 other programs"),
            "{}",
            f[0].message
        );
        // A handful of helpers is not a full OS.
        let few = layer(&entries[20..]);
        let img = image(r#"{"Entrypoint":["/server"]}"#, vec![few]);
        assert!(run(&FullOsForStaticBinary, &img).is_empty());
    }

    #[test]
    fn not_static_or_already_minimal() {
        let app = layer(&[
            E::File("app/server", &elf64(Some(GLIBC)), 0o755),
            E::File("app/static", &elf64(None), 0o755),
        ]);
        // Dynamic entrypoint: another rule's business (IM900/IM901).
        let img = image(
            r#"{"Entrypoint":["/app/server"]}"#,
            vec![debian_layer(), app.clone()],
        );
        assert!(run(&FullOsForStaticBinary, &img).is_empty());
        // Static entrypoint on its own.
        let img = image(r#"{"Entrypoint":["/app/static"]}"#, vec![app]);
        assert!(run(&FullOsForStaticBinary, &img).is_empty());
    }
}
