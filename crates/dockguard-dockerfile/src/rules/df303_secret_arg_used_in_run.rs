use super::common_d::{arg_span, run_commands};
use super::df300_secret_arg_env_name::is_secret_name;
use super::{Ctx, Diagnostic, Rule};
use crate::model::shell::heredoc_is_shell;
use crate::syntax::{Args, CommandForm, Instruction, Kind, Span};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that references (`$NPM_TOKEN`, `${NPM_TOKEN}`, also in heredoc bodies) a
    /// build argument of its stage whose name looks like a secret (see DF300). A RUN whose
    /// `--mount=type=secret,…,env=NPM_TOKEN` provides that variable is not reported.
    ///
    /// ## Why is this bad?
    /// Build arguments are not secret: `docker history` shows the values of the ARGs every RUN
    /// used, the value ends up in build logs and provenance attestations, and it is part of the
    /// cache key, so it is stored wherever the build cache goes.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Fix
    /// Remove the ARG and mount the secret for that step only:
    /// `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci`, built with
    /// `docker build --secret id=npm_token,env=NPM_TOKEN .`.
    pub struct SecretArgUsedInRun {
        code: "DF303",
        name: "secret-arg-used-in-run",
        step: Secrets,
        severity: High,
        summary: "A secret build argument is used in RUN",
        references: [Trivy "DS-0031", Buildkit "SecretsUsedInArgOrEnv", Cis "4.10", Cwe "CWE-214"],
    }
}

/// Whether `text` references variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`).
fn references(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices('$').any(|(i, _)| {
        let rest = &text[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name)
            .is_some_and(|after| !after.starts_with(ident))
    })
}

/// Environment variables that secret mounts of a RUN provide.
fn secret_envs(inst: &Instruction) -> Vec<String> {
    inst.flags_named("mount")
        .filter_map(|f| f.value.as_deref())
        .filter(|v| {
            v.split(',')
                .any(|kv| kv.trim().eq_ignore_ascii_case("type=secret"))
        })
        .flat_map(|v| {
            v.split(',')
                .filter_map(|kv| kv.trim().split_once('='))
                .filter(|(k, _)| k.eq_ignore_ascii_case("env"))
                .map(|(_, e)| e.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Where RUN `idx` first references `name`.
fn find_reference(ctx: &Ctx, idx: usize, inst: &Instruction, name: &str) -> Option<Span> {
    for cmd in run_commands(ctx.model, idx) {
        if references(&cmd.name, name) || cmd.assignments.iter().any(|(_, v)| references(v, name)) {
            return Some(cmd.span.clone());
        }
        if let Some(i) = cmd.args.iter().position(|a| references(a, name)) {
            return Some(arg_span(&cmd, i));
        }
    }
    let line = match inst.command() {
        Some(CommandForm::Shell { text, .. }) => text.value.as_str(),
        _ => "",
    };
    let escape = ctx.model.df.escape;
    // Bodies the shell does not run but expands: `cat <<EOF > ~/.npmrc`.
    for h in inst
        .heredocs
        .iter()
        .filter(|h| h.expand && !heredoc_is_shell(line, h, escape))
    {
        let mut offset = 0;
        for body_line in h.body.split_inclusive('\n') {
            if references(body_line, name) {
                let start = h.map(offset);
                return Some(start..start + body_line.trim_end().len());
            }
            offset += body_line.len();
        }
    }
    None
}

impl Rule for SecretArgUsedInRun {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for stage in &ctx.model.stages {
            let mut secret_args: Vec<&str> = Vec::new();
            for (idx, top) in ctx.model.stage_body(stage) {
                let inst = top.effective();
                match (&inst.args, inst.kind) {
                    (Args::Arg { pairs }, _) => secret_args.extend(
                        pairs
                            .iter()
                            .map(|p| p.key.as_str())
                            .filter(|k| is_secret_name(k)),
                    ),
                    (_, Kind::Run) => {
                        let mounted = secret_envs(inst);
                        for name in &secret_args {
                            if mounted.iter().any(|m| m == name) {
                                continue;
                            }
                            if let Some(span) = find_reference(ctx, idx, inst, name) {
                                out.push(Diagnostic::new(
                                    span,
                                    format!(
                                        "build argument `{name}` is used in RUN; its value is recorded in the image history, mount it with `--mount=type=secret,id=…,env={name}`"
                                    ),
                                ));
                            }
                        }
                    }
                    _ => {}
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
        testing::check_fixtures(&SecretArgUsedInRun);
    }

    #[test]
    fn reference_forms() {
        assert!(references("a${TOKEN}b", "TOKEN"));
        assert!(references("${TOKEN:-x}", "TOKEN"));
        assert!(references("$TOKEN/x", "TOKEN"));
        assert!(!references("$TOKEN_URL", "TOKEN"));
        assert!(!references("TOKEN", "TOKEN"));
    }
}
