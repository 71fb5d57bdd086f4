use super::{ImageCtx, Rule, shown};
use crate::walk::EntryKind;
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports regular files of the final image that everyone may write (`o+w`) and
    /// world-writable directories without the sticky bit (`/tmp` is `1777`; `0777` is
    /// reported). Symbolic links (always `0777`) and device nodes are not reported.
    ///
    /// ## Why is this bad?
    /// Any user in the container, including an unprivileged one an attacker got in as, can
    /// change a world-writable file: a script, a configuration or a library that a
    /// privileged process later runs or trusts. In a world-writable directory without the
    /// sticky bit anyone can delete or replace anyone else's files.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mkdir /shared && chmod 777 /shared
    /// ```
    ///
    /// ## Fix
    /// Give files and directories to the user that needs them (`COPY --chown=app`,
    /// `chown app /shared && chmod 755 /shared`), or add the sticky bit to shared
    /// directories (`chmod 1777`).
    pub struct WorldWritableWithoutSticky {
        code: "IM701",
        name: "world-writable-without-sticky",
        step: MinimalImages,
        severity: Medium,
        summary: "World-writable file, or world-writable directory without the sticky bit",
        references: [Cwe "CWE-732"],
    }
}

impl Rule for WorldWritableWithoutSticky {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for (path, entry) in ctx.result.tree.iter() {
            if entry.mode & 0o002 == 0 {
                continue;
            }
            let what = match entry.kind {
                EntryKind::File => "file",
                EntryKind::Dir if entry.mode & 0o1000 == 0 => "directory (no sticky bit)",
                _ => continue,
            };
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "{} is a world-writable {what}, mode {:04o}",
                    shown(path),
                    entry.mode & 0o7777
                ),
                ctx.file_location(path, 1, 1),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    #[test]
    fn world_writable() {
        let l0 = layer(&[
            E::Dir("tmp", 0o1777),
            E::Dir("shared", 0o777),
            E::Dir("etc", 0o755),
            E::File("etc/app.conf", b"x", 0o666),
            E::File("etc/ok.conf", b"x", 0o644),
        ]);
        let f = run(&WorldWritableWithoutSticky, &image("{}", vec![l0]));
        let files: Vec<&str> = f.iter().map(|f| f.location.file.as_str()).collect();
        assert_eq!(files, ["img:/etc/app.conf", "img:/shared"], "{f:#?}");
    }
}
