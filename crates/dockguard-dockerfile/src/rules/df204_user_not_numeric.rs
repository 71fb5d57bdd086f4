use super::helpers::single_word;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a `USER` whose user part (before `:`) is a name rather than a numeric UID. As in
    /// hadolint 2.15.1, every `USER` is checked, in every stage, and a value that references
    /// an `ARG` declared earlier in the file (`USER ${APP_UID}`) is accepted. dockguard also
    /// accepts a value that expands to a number (`ENV UID=10001` then `USER $UID`), which
    /// hadolint reports. hadolint's development branch (PR #1239, after 2.15.1) narrows the
    /// rule to the last `USER` of the last stage.
    ///
    /// ## Why is this bad?
    /// A user name is resolved through the image's `/etc/passwd`. Kubernetes `runAsNonRoot`
    /// cannot verify a name is not root and refuses to start the pod; host tooling, volume
    /// ownership and security policies work with numeric IDs.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd --uid 10001 app
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// Use the numeric UID (and GID): `USER 10001:10001`.
    pub struct UserNotNumeric {
        code: "DF204",
        name: "user-not-numeric",
        step: NonRootUser,
        severity: Info,
        summary: "USER is a name, not a numeric UID",
        references: [Hadolint "DL3066"],
    }
}

impl Rule for UserNotNumeric {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let mut args: Vec<&str> = Vec::new();
        for (idx, inst) in ctx.effective_instructions() {
            match (&inst.args, inst.kind) {
                (Args::Arg { pairs }, _) => args.extend(pairs.iter().map(|p| p.key.as_str())),
                (_, Kind::User) => {
                    let Some(word) = single_word(inst) else {
                        continue;
                    };
                    let raw = word.raw.trim();
                    let user = raw.split(':').next().unwrap_or("");
                    let is_arg_ref = args.iter().any(|a| {
                        user.contains(&format!("${{{a}}}")) || user.contains(&format!("${a}"))
                    });
                    let expanded = ctx.model.expand(idx, raw).value;
                    let expanded_user = expanded.split(':').next().unwrap_or("");
                    let numeric = |u: &str| u.chars().all(|c| c.is_ascii_digit());
                    if numeric(user)
                        || is_arg_ref
                        || (!expanded_user.is_empty() && numeric(expanded_user))
                    {
                        continue;
                    }
                    out.push(Diagnostic::new(
                        word.span.clone(),
                        format!(
                            "USER `{expanded_user}` is a name; use a numeric UID so the runtime can check it is not root"
                        ),
                    ));
                }
                _ => {}
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
        testing::check_fixtures(&UserNotNumeric);
    }

    #[test]
    fn message_shows_the_expanded_name() {
        let d = testing::run(&UserNotNumeric, "FROM a\nENV U=app\nUSER $U:0\n");
        assert_eq!(
            d[0].message,
            "USER `app` is a name; use a numeric UID so the runtime can check it is not root"
        );
    }
}
