use super::common_d::{arg_span, hl_flag_values, hl_has_flag, runs};
use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports `useradd -u <uid>` with a UID of six characters or more (100000 and up) and
    /// without `-l` / `--no-log-init`. Like hadolint, the UID is the word after the argument that
    /// carries `u` (`-u 123456`, `-ru 123456`); `--uid` is not looked at, and a variable counts
    /// by its written length as `${NAME}` (so `-u "$USER_UID"` is reported, `-u $U` is not).
    ///
    /// ## Why is this bad?
    /// `useradd` records the user in `/var/log/lastlog` and `/var/log/faillog`, sparse files
    /// indexed by UID. Docker layers do not keep files sparse, so a high UID writes gigabytes of
    /// zeros into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 1000000 app
    /// ```
    ///
    /// ## Fix
    /// Add `-l` (`--no-log-init`): `RUN useradd -l -u 1000000 app`. `--fix` inserts it.
    pub struct UseraddWithoutL {
        code: "DF203",
        name: "useradd-without-l",
        step: MinimalImages,
        severity: Low,
        summary: "useradd with a high UID without -l",
        references: [Hadolint "DL3046"],
        fixable: true,
    }
}

/// The length hadolint measures: variables are rewritten `${NAME}`.
fn written_len(uid: &str) -> usize {
    let mut len = 0;
    let mut chars = uid.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_')
        {
            let mut name = 0;
            while chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_')
            {
                chars.next();
                name += 1;
            }
            len += name + 3;
        } else {
            len += 1;
        }
    }
    len
}

impl Rule for UseraddWithoutL {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (_, cmds) in runs(ctx.model) {
            let found = cmds.iter().find_map(|cmd| {
                if !cmd.is("useradd") || hl_has_flag(cmd, &["l", "no-log-init"]) {
                    return None;
                }
                hl_flag_values(cmd, "u")
                    .into_iter()
                    .find(|(_, uid)| written_len(uid) > 5)
                    .map(|(i, uid)| (cmd, i, uid))
            });
            let Some((cmd, i, uid)) = found else {
                continue;
            };
            let mut d = Diagnostic::new(
                arg_span(cmd, i),
                format!(
                    "`useradd` with UID `{uid}` and without `-l` writes a huge lastlog file into the image"
                ),
            );
            // Exec-form commands carry the span of the whole array: no safe place to insert.
            if !cmd.exec {
                let at = cmd.name_span.end;
                d = d.with_fix(
                    "add -l (--no-log-init)",
                    vec![Edit {
                        span: at..at,
                        replacement: " -l".into(),
                    }],
                );
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;
    use crate::syntax::parse;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&UseraddWithoutL);
    }

    #[test]
    fn lengths() {
        assert_eq!(written_len("100000"), 6);
        assert_eq!(written_len("$UID"), 6);
        assert_eq!(written_len("$U"), 4);
    }

    #[test]
    fn fix_inserts_l() {
        let text = "FROM a\nRUN groupadd -g 123456 app && \\\n  useradd -u 123456 -g app app\n";
        let fixed = testing::fixed(&UseraddWithoutL, text);
        assert_eq!(
            fixed,
            "FROM a\nRUN groupadd -g 123456 app && \\\n  useradd -l -u 123456 -g app app\n"
        );
        assert!(parse(&fixed).errors.is_empty());
        assert!(testing::run(&UseraddWithoutL, &fixed).is_empty());
    }
}
