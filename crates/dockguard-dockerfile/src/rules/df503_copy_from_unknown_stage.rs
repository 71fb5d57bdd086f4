use super::common_c::copy_from_flags;
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=X` where `X` is not an earlier stage of the file (by name or index)
    /// and does not look like a tagged image reference. As in hadolint, a value containing `:`
    /// (a tag, a digest or a registry port) is taken as an image; any other value is reported:
    /// a typo of a stage name, a stage defined further down, an index past the current stage, a
    /// variable (BuildKit refuses `--from=$X`), or an image without a tag, which silently means
    /// `latest`. Stage names are compared case-insensitively, as BuildKit does (hadolint compares
    /// them exactly). `COPY --from` inside `ONBUILD` refers to the downstream Dockerfile and is
    /// skipped.
    ///
    /// ## Why is this bad?
    /// A mistyped stage name is pulled from Docker Hub as an image of that name: at best the
    /// build fails, at worst someone else's image provides the files you ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=buidler /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix
    /// Name an earlier stage (`--from=builder`), or a pinned image (`--from=nginx:1.27`).
    pub struct CopyFromUnknownStage {
        code: "DF503",
        name: "copy-from-unknown-stage",
        step: TrustedImages,
        severity: Medium,
        summary: "COPY --from does not name an earlier stage or a tagged image",
        references: [Hadolint "DL3022", Cwe "CWE-829"],
    }
}

impl Rule for CopyFromUnknownStage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        for (current, flag, value) in copy_from_flags(ctx) {
            if value.is_empty() {
                continue;
            }
            let lower = value.to_ascii_lowercase();
            let by_name = model
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(lower.as_str()));
            let message = if value.contains('$') {
                Some(format!(
                    "`--from={value}`: BuildKit does not expand variables in --from; declare a stage `FROM {value} AS …` and copy from it"
                ))
            } else if let Some(s) = by_name {
                (s > current).then(|| {
                    format!(
                        "`--from={value}` names a stage defined later in the file; move that stage before this one"
                    )
                })
            } else if value.bytes().all(|b| b.is_ascii_digit()) {
                let index: usize = value.parse().unwrap_or(usize::MAX);
                (index > current).then(|| {
                    if index < model.stages.len() {
                        format!(
                            "`--from={value}` is a later stage; only earlier stages (0 to {}) can be copied from",
                            current.saturating_sub(1)
                        )
                    } else {
                        format!("`--from={value}`: there is no stage {value}")
                    }
                })
            } else if value.contains(':') {
                None
            } else {
                Some(format!(
                    "`--from={value}` is not a stage of this file; if it is an image, it has no tag and resolves to `{value}:latest`"
                ))
            };
            if let Some(message) = message {
                out.push(Diagnostic::new(flag.span.clone(), message));
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
        testing::check_fixtures(&CopyFromUnknownStage);
    }

    #[test]
    fn messages_name_the_cause() {
        let d = testing::run(
            &CopyFromUnknownStage,
            "FROM a AS one\nFROM b\nCOPY --from=buidler /x /x\nCOPY --from=7 /x /x\n",
        );
        assert!(d[0].message.contains("not a stage"), "{}", d[0].message);
        assert!(d[1].message.contains("no stage 7"), "{}", d[1].message);
    }
}
