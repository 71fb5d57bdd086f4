use super::{ImageCtx, Rule, shown};
use crate::walk::EntryKind;
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports regular files of the final image with the setuid or setgid bit, except the
    /// account and mount tools that base distributions ship setuid and that a container
    /// cannot use without extra privileges anyway: `su`, `passwd`, `mount`, `umount`,
    /// `newgrp`, `chsh`, `chfn`, `gpasswd` (under `/bin`, `/usr/bin`, `/sbin` or
    /// `/usr/sbin`, as usr-merged distributions place them). `sudo` is not allowed: it exists
    /// to raise privileges and has no place in a container image.
    ///
    /// ## Why is this bad?
    /// A setuid-root program runs as root whoever starts it: in a container that drops to a
    /// non-root user, every such file is a way back to root through a bug in the program or
    /// its environment handling. Setgid files give the same for a group.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY tool /usr/local/bin/tool
    /// RUN chmod u+s /usr/local/bin/tool
    /// ```
    ///
    /// ## Fix
    /// Remove the bits in the Dockerfile:
    /// `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`, and run the container
    /// with `--security-opt no-new-privileges`.
    pub struct SetuidSetgidFile {
        code: "IM700",
        name: "setuid-setgid-file",
        step: MinimalImages,
        severity: Medium,
        summary: "Image contains a setuid or setgid file",
        references: [Cis "4.8", Dockle "CIS-DI-0008", Cwe "CWE-250"],
    }
}

/// Program names that may keep their setuid/setgid bit in the directories of [`ALLOWED_DIRS`].
pub const ALLOWED_NAMES: &[&str] = &[
    "su", "passwd", "mount", "umount", "newgrp", "chsh", "chfn", "gpasswd",
];

/// Directories of the allowed programs.
pub const ALLOWED_DIRS: &[&str] = &["bin", "usr/bin", "sbin", "usr/sbin"];

/// Whether `path` (normalised, no leading `/`) is on the allow-list.
pub fn is_allowed(path: &str) -> bool {
    path.rsplit_once('/')
        .is_some_and(|(dir, name)| ALLOWED_DIRS.contains(&dir) && ALLOWED_NAMES.contains(&name))
}

impl Rule for SetuidSetgidFile {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for (path, entry) in ctx.result.tree.iter() {
            if entry.kind != EntryKind::File || is_allowed(path) {
                continue;
            }
            let bits = match (entry.is_setuid(), entry.is_setgid()) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                (false, true) => "setgid",
                (false, false) => continue,
            };
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "{} is {bits} (mode {:04o}, owner {}:{})",
                    shown(path),
                    entry.mode & 0o7777,
                    entry.uid,
                    entry.gid
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
    fn setuid_files_outside_the_allow_list() {
        let l0 = layer(&[
            E::File("bin/su", b"x", 0o4755),
            E::File("usr/bin/passwd", b"x", 0o4755),
            E::File("usr/bin/sudo", b"x", 0o4755),
            E::File("usr/local/bin/tool", b"x", 0o2755),
            E::File("usr/bin/ok", b"x", 0o755),
        ]);
        // A later layer clears the bit on one file.
        let l1 = layer(&[E::File("opt/fixed", b"x", 0o755)]);
        let l0b = layer(&[E::File("opt/fixed", b"x", 0o4755)]);
        let f = run(&SetuidSetgidFile, &image("{}", vec![l0, l0b, l1]));
        let files: Vec<&str> = f.iter().map(|f| f.location.file.as_str()).collect();
        assert_eq!(
            files,
            ["img:/usr/bin/sudo", "img:/usr/local/bin/tool"],
            "{f:#?}"
        );
        assert!(f[1].message.contains("setgid"));
    }
}
