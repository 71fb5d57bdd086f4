use super::common_c::{expose_specs, split_port, sub_span};
use super::{Ctx, Diagnostic, Rule};
use dockguard_core::Edit;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` protocol that is not lower case: `80/TCP`, `53/Udp`.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases it and warns; other tools reading the Dockerfile compare protocols
    /// exactly and may treat `80/TCP` and `80/tcp` as two ports.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// ## Fix
    /// Write `EXPOSE 80/tcp`; `--fix` lower-cases the protocol.
    pub struct ExposeProtoCasing {
        code: "DF507",
        name: "expose-proto-casing",
        step: TrustedImages,
        severity: Info,
        summary: "EXPOSE protocol is not lower case",
        references: [Buildkit "ExposeProtoCasing"],
        fixable: true,
    }
}

impl Rule for ExposeProtoCasing {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (word, spec) in expose_specs(ctx) {
            let Some(proto) = split_port(&spec).proto else {
                continue;
            };
            let lower = proto.to_ascii_lowercase();
            if lower == proto || !matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
                continue;
            }
            let mut d = Diagnostic::new(
                word.span.clone(),
                format!("protocol `{proto}` in `EXPOSE {spec}` should be `{lower}`"),
            );
            // Fixable when the protocol is written literally at the end of the word.
            if let Some(slash) = word.raw.rfind('/')
                && word.raw[slash + 1..] == *proto
            {
                let edit = Edit {
                    span: sub_span(word, slash + 1..word.raw.len(), ctx.text()),
                    replacement: lower.clone(),
                };
                d = d.with_fix(format!("write `/{lower}`"), vec![edit]);
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing;

    #[test]
    fn fixtures() {
        testing::check_fixtures(&ExposeProtoCasing);
    }

    #[test]
    fn fix_lowercases() {
        let text = "FROM a\nEXPOSE 80/TCP 53/Udp 443\n";
        let fixed = testing::fixed(&ExposeProtoCasing, text);
        assert_eq!(fixed, "FROM a\nEXPOSE 80/tcp 53/udp 443\n");
        assert!(testing::run(&ExposeProtoCasing, &fixed).is_empty());
    }
}
