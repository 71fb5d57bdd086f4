use super::common_d::{arg_span, flag_value, runs};
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports permissions that let every user write: `chmod` with an octal mode carrying the
    /// "others may write" bit (`777`, `666`, `0757`, recursive or not) or a symbolic mode that
    /// grants `w` to `o` or `a` (`o+w`, `a+rwx`, `ugo=rw`); `mkdir -m` and `install -m` with
    /// such modes; and `COPY`/`ADD --chmod=` with them. Modes with the sticky bit (`1777`,
    /// `a+rwxt`, the usual `/tmp` setup) and symbolic modes without a who (`+w`, limited by the
    /// umask) are not reported, nor is a path the same RUN deletes later (a scratch directory
    /// such as `chmod 777 "$tempDir"` … `rm -rf "$tempDir"`).
    ///
    /// ## Why is this bad?
    /// A world-writable file or directory can be changed by any process in the container,
    /// whatever its user: an unprivileged process can replace a binary or a script that root
    /// runs later, or tamper with application code and configuration. It defeats the point of
    /// running as a non-root user.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// COPY --chmod=666 config.yaml /etc/app/
    /// ```
    ///
    /// ## Fix
    /// Give ownership to the user that needs to write (`chown -R app:app /app`,
    /// `COPY --chown=app`) and keep modes such as `755`/`644`; use `1777` only for shared
    /// temporary directories.
    pub struct WorldWritablePermissions {
        code: "DF202",
        name: "world-writable-permissions",
        step: NonRootUser,
        severity: Medium,
        summary: "Files or directories made writable by every user",
        references: [Cwe "CWE-732"],
    }
}

/// Whether a mode lets others write, sticky-bit modes excepted.
pub fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 6 && mode.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
        let v = u32::from_str_radix(mode, 8).unwrap_or(0);
        return v & 0o002 != 0 && v & 0o1000 == 0;
    }
    mode.split(',').any(|clause| {
        let who_end = clause
            .find(|c| !matches!(c, 'u' | 'g' | 'o' | 'a'))
            .unwrap_or(clause.len());
        let (who, ops) = clause.split_at(who_end);
        if !who.contains(['o', 'a']) {
            return false;
        }
        let (mut op, mut write, mut sticky) = (None, false, false);
        for c in ops.chars() {
            match c {
                '+' | '=' | '-' => op = Some(c),
                'w' if op != Some('-') && op.is_some() => write = true,
                't' if op != Some('-') && op.is_some() => sticky = true,
                _ => {}
            }
        }
        write && !sticky
    })
}

impl Rule for WorldWritablePermissions {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            if !matches!(inst.kind, Kind::Copy | Kind::Add) {
                continue;
            }
            for flag in inst.flags_named("chmod") {
                let raw = flag.value.as_deref().unwrap_or("");
                let mode = ctx.model.expand(idx, raw).value;
                if world_writable(&mode) {
                    out.push(Diagnostic::new(
                        flag.span.clone(),
                        format!(
                            "`{} --chmod={mode}` makes the copied files writable by every user",
                            inst.kind.name()
                        ),
                    ));
                }
            }
        }
        for (_, cmds) in runs(ctx.model) {
            for (n, cmd) in cmds.iter().enumerate() {
                let modes: Vec<(usize, &str)> = match cmd.program() {
                    "chmod" => cmd
                        .args
                        .iter()
                        .position(|a| !a.starts_with('-') || a == "--")
                        .and_then(|i| {
                            let i = if cmd.args[i] == "--" { i + 1 } else { i };
                            cmd.args.get(i).map(|a| (i, a.as_str()))
                        })
                        .into_iter()
                        .collect(),
                    "mkdir" | "install" => flag_value(cmd, &["-m", "--mode"]),
                    _ => continue,
                };
                for (i, mode) in modes {
                    if !world_writable(mode) {
                        continue;
                    }
                    let recursive = cmd.is("chmod") && cmd.has_flag(&["-R", "--recursive"]);
                    let target = cmd
                        .positional(&["-m", "--mode"])
                        .into_iter()
                        .rfind(|a| *a != mode)
                        .unwrap_or("the target");
                    // A scratch directory deleted later in the same RUN never reaches the image.
                    let removed = cmds[n + 1..]
                        .iter()
                        .any(|c| c.is("rm") && c.args.iter().any(|a| a == target));
                    if removed {
                        continue;
                    }
                    out.push(Diagnostic::new(
                        arg_span(cmd, i),
                        format!(
                            "`{} {mode}` makes `{target}`{} writable by every user",
                            cmd.program(),
                            if recursive {
                                " and everything under it"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
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
        testing::check_fixtures(&WorldWritablePermissions);
    }

    #[test]
    fn modes() {
        for m in [
            "777", "0666", "2777", "7", "o+w", "a+rwx", "ugo=rw", "u+x,o+w", "go+w",
        ] {
            assert!(world_writable(m), "{m}");
        }
        for m in [
            "755", "644", "1777", "+w", "a+rwxt", "o-w", "u+w", "g+w", "a=r", "rw", "8777",
        ] {
            assert!(!world_writable(m), "{m}");
        }
    }

    #[test]
    fn message_names_the_target() {
        let d = testing::run(&WorldWritablePermissions, "FROM a\nRUN chmod -R 777 /app\n");
        assert_eq!(
            d[0].message,
            "`chmod 777` makes `/app` and everything under it writable by every user"
        );
    }
}
