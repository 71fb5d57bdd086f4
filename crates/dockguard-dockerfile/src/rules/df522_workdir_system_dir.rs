use super::common_c::clean_path;
use super::helpers::single_word;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` (after expansion) inside a kernel or boot file system — `/proc`,
    /// `/sys`, `/dev`, `/boot`, `/initrd`, `/lost+found` and anything below them (Trivy's list plus
    /// `/sys`) — or equal to a system binary, library or configuration directory: `/bin`, `/sbin`,
    /// `/usr/bin`, `/usr/sbin`, `/usr/local/bin`, `/lib`, `/lib64`, `/usr/lib`, `/etc`.
    /// Sub-directories such as `/etc/nginx` are fine, and so is `/`, often used to reset the
    /// working directory.
    ///
    /// ## Why is this bad?
    /// `/proc`, `/sys` and `/dev` are replaced by kernel file systems when the container runs, so
    /// whatever was put there is gone or, worse, writes go to the host's kernel interfaces.
    /// Working in `/bin` or `/etc` mixes application files with system files, where they can
    /// shadow system commands and are hard to audit.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /usr/bin
    /// COPY tool .
    /// ```
    ///
    /// ## Fix
    /// Use a dedicated directory: `WORKDIR /app` or `/opt/<name>`.
    pub struct WorkdirSystemDir {
        code: "DF522",
        name: "workdir-system-dir",
        step: TrustedImages,
        severity: Medium,
        summary: "WORKDIR in a system directory",
        references: [Trivy "DS-0030"],
    }
}

const PSEUDO: [&str; 6] = ["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];
const SYSTEM: [&str; 9] = [
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/lib",
    "/lib64",
    "/usr/lib",
    "/etc",
];

fn system_dir(path: &str) -> Option<&'static str> {
    PSEUDO
        .iter()
        .find(|p| path == **p || path.strip_prefix(**p).is_some_and(|r| r.starts_with('/')))
        .or_else(|| SYSTEM.iter().find(|p| path == **p))
        .copied()
}

impl Rule for WorkdirSystemDir {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            if inst.kind != Kind::Workdir {
                continue;
            }
            let Some(word) = single_word(inst) else {
                continue;
            };
            let e = ctx.model.expand(idx, &word.raw);
            if !e.is_resolved() || !e.value.starts_with('/') {
                continue;
            }
            let path = clean_path(&e.value);
            if let Some(dir) = system_dir(&path) {
                out.push(Diagnostic::new(
                    word.span.clone(),
                    format!("WORKDIR `{path}` is in the system directory `{dir}`; use a dedicated directory such as /app"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&WorkdirSystemDir);
    }

    #[test]
    fn dirs() {
        for bad in [
            "/proc", "/proc/1", "/dev/shm", "/usr/bin", "/etc", "/sys/fs",
        ] {
            assert!(system_dir(bad).is_some(), "{bad}");
        }
        for ok in [
            "/",
            "/app",
            "/etc/nginx",
            "/usr/bin2",
            "/devices",
            "/usr/local/bin/x",
        ] {
            assert!(system_dir(ok).is_none(), "{ok}");
        }
    }
}
