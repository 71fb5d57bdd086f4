use super::common_c::{chain_is_scratch, stage_chain, var_refs};
use super::{Ctx, Diagnostic, Rule};
use crate::model::Base;
use crate::syntax::{Args, Instruction, Kind, Span};
use std::ops::Range;

declare_rule! {
    /// ## What it does
    /// Reports variables used in instructions the builder expands (`ADD`, `COPY` including its
    /// flags and expanded heredocs, `ENV`, `LABEL`, `ARG` defaults, `EXPOSE`, `USER`, `VOLUME`,
    /// `WORKDIR`, `STOPSIGNAL`, `RUN --mount` options) that no `ARG` or `ENV` declared before, in
    /// the stage or in the stages it is built on. `FROM` is DF106's; `RUN`, `CMD` and
    /// `ENTRYPOINT` commands are expanded by the shell at run time and are not checked.
    ///
    /// dockguard does not pull base images, so it cannot see their `ENV`. Stages built (directly
    /// or through other stages) on `scratch` or on a Docker official image are checked; stages
    /// built on any other image are skipped, as it may set any variable. `PATH` is always
    /// accepted, and on official images so are the names they commonly set (`JAVA_HOME`,
    /// `GOPATH`, `PHP_INI_DIR`, `LANG`, and any `*_VERSION` or `*_HOME`). References with a default or an alternative (`${X:-default}`,
    /// `${X:+alt}`, `${X:?msg}`) show the author expected the variable to be unset and are not
    /// reported (BuildKit's UndefinedVar reports them too).
    ///
    /// ## Why is this bad?
    /// An undefined variable silently expands to an empty string: `COPY app $APP_DIR/` copies to
    /// `/`, `WORKDIR $HOME/app` is `/app`, and a platform argument such as `$TARGETARCH` is empty
    /// unless the stage declares `ARG TARGETARCH`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY bin/app-$TARGETARCH /usr/local/bin/app
    /// ```
    ///
    /// ## Fix
    /// Declare the variable before use (`ARG TARGETARCH`), fix the typo, or give it a default
    /// (`${APP_DIR:-/app}`).
    pub struct UndefinedVariable {
        code: "DF519",
        name: "undefined-variable",
        step: TrustedImages,
        severity: Medium,
        summary: "Variable used before any ARG or ENV declares it",
        references: [Buildkit "UndefinedVar", Cwe "CWE-457"],
    }
}

/// Environment variables official images set (docker-library), besides `*_VERSION`/`*_HOME`.
const IMAGE_ENV: &[&str] = &[
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TZ",
    "GPG_KEY",
    "GOPATH",
    "GOTOOLCHAIN",
    "PYTHON_SHA256",
    "PYTHON_GET_PIP_URL",
    "PYTHON_GET_PIP_SHA256",
    "MAVEN_CONFIG",
    "RUBY_MAJOR",
    "RUBY_DOWNLOAD_SHA256",
    "BUNDLE_APP_CONFIG",
    "BUNDLE_SILENCE_ROOT_WARNING",
    "PHP_INI_DIR",
    "PHPIZE_DEPS",
    "PHP_CFLAGS",
    "PHP_CPPFLAGS",
    "PHP_LDFLAGS",
    "PHP_URL",
    "PHP_ASC_URL",
    "PHP_SHA256",
    "APACHE_CONFDIR",
    "APACHE_ENVVARS",
    "HTTPD_PREFIX",
    "PKG_RELEASE",
    "TOMCAT_MAJOR",
    "TOMCAT_NATIVE_LIBDIR",
    "RUSTUP_HOME",
    "CARGO_HOME",
    "ASPNETCORE_URLS",
    "ASPNETCORE_HTTP_PORTS",
    "DOTNET_RUNNING_IN_CONTAINER",
    "APP_UID",
    "PG_MAJOR",
    "PGDATA",
    "MYSQL_MAJOR",
    "OTP_VERSION",
    "JAVA_TOOL_OPTIONS",
    "LD_LIBRARY_PATH",
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "CUDA_HOME",
    "CONDA_DIR",
];

/// ARGs BuildKit keeps out of the environment.
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

fn image_may_set(name: &str) -> bool {
    IMAGE_ENV.contains(&name) || name.ends_with("_VERSION") || name.ends_with("_HOME")
}

/// A raw text of an instruction that the builder expands, and where it is in the file.
struct Expanded<'a> {
    raw: &'a str,
    locate: Box<dyn Fn(Range<usize>) -> Span + 'a>,
}

fn word_at(raw: &str, span: &Span, text: &str) -> impl Fn(Range<usize>) -> Span + use<> {
    let verbatim = text.get(span.clone()) == Some(raw);
    let span = span.clone();
    move |r: Range<usize>| {
        if verbatim {
            span.start + r.start..span.start + r.end
        } else {
            span.clone()
        }
    }
}

fn expanded_texts<'a>(inst: &'a Instruction, text: &'a str) -> Vec<Expanded<'a>> {
    let mut out: Vec<Expanded<'a>> = Vec::new();
    let mut flag_values = |names: &[&str]| {
        for f in inst
            .flags
            .iter()
            .filter(|f| names.contains(&f.name.as_str()))
        {
            if let Some(v) = &f.value {
                let span = f.span.clone();
                out.push(Expanded {
                    raw: v,
                    locate: Box::new(move |_| span.clone()),
                });
            }
        }
    };
    match inst.kind {
        Kind::Copy => flag_values(&["chown", "chmod"]),
        Kind::Add => flag_values(&["chown", "chmod", "checksum"]),
        Kind::Run => flag_values(&["mount"]),
        _ => {}
    }
    match &inst.args {
        Args::Files { sources, dest, .. } => {
            for w in sources.iter().chain(dest) {
                if w.raw.starts_with("<<") {
                    continue;
                }
                out.push(Expanded {
                    raw: &w.raw,
                    locate: Box::new(word_at(&w.raw, &w.span, text)),
                });
            }
            for h in inst.heredocs.iter().filter(|h| h.expand) {
                out.push(Expanded {
                    raw: &h.body,
                    locate: Box::new(move |r: Range<usize>| h.map(r.start)..h.map(r.end)),
                });
            }
        }
        Args::KeyValues { pairs, .. } | Args::Arg { pairs } => {
            for p in pairs {
                if let Some(v) = &p.value {
                    out.push(Expanded {
                        raw: v,
                        locate: Box::new(word_at(v, &p.value_span, text)),
                    });
                }
            }
        }
        Args::Words(words)
            if matches!(
                inst.kind,
                Kind::Expose | Kind::User | Kind::Volume | Kind::Workdir | Kind::Stopsignal
            ) =>
        {
            for w in words {
                out.push(Expanded {
                    raw: &w.raw,
                    locate: Box::new(word_at(&w.raw, &w.span, text)),
                });
            }
        }
        _ => {}
    }
    out
}

impl Rule for UndefinedVariable {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        let model = ctx.model;
        let escape = model.df.escape;
        for stage in &model.stages {
            let chain = stage_chain(model, stage.index);
            // ARGs of parent stages are in the build environment of their children.
            let inherited: Vec<&str> = chain[1..]
                .iter()
                .flat_map(|&s| model.stage_body(&model.stages[s]))
                .filter_map(|(_, i)| match &i.args {
                    Args::Arg { pairs } => Some(pairs.iter().map(|p| p.key.as_str())),
                    _ => None,
                })
                .flatten()
                .collect();
            let from_image = !chain_is_scratch(model, stage.index);
            let root = &model.stages[*chain.last().unwrap_or(&stage.index)].base;
            // Other images set variables we cannot know of without pulling them.
            let base = match root {
                Base::Image(r) if r.is_docker_official() => Some(r.full.clone()),
                Base::Scratch => None,
                _ => continue,
            };
            for (idx, inst) in model.stage_body(stage) {
                let mut reported: Vec<String> = Vec::new();
                for part in expanded_texts(inst, ctx.text()) {
                    let undefined = model.expand(idx, part.raw).undefined;
                    for name in undefined {
                        let accepted = name == "PATH"
                            || NON_ENV_ARGS.contains(&name.as_str())
                            || inherited.contains(&name.as_str())
                            || (from_image && image_may_set(&name));
                        if accepted || reported.contains(&name) {
                            continue;
                        }
                        let Some(r) = var_refs(part.raw, escape)
                            .into_iter()
                            .find(|r| r.name == name)
                        else {
                            continue;
                        };
                        let unless = match &base {
                            Some(b) => format!(" (unless the base image `{b}` sets it)"),
                            None => String::new(),
                        };
                        out.push(Diagnostic::new(
                            (part.locate)(r.range),
                            format!(
                                "`${name}` is not declared by an ARG or ENV before this {}{unless}; it expands to an empty string",
                                inst.kind.name()
                            ),
                        ));
                        reported.push(name);
                    }
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
        testing::check_fixtures(&UndefinedVariable);
    }

    #[test]
    fn points_at_the_reference() {
        let text = "FROM scratch\nCOPY a \"$DEST/x\"\nCOPY <<EOF /f\nhello ${WHO}\nEOF\n";
        let d = testing::run(&UndefinedVariable, text);
        let spans: Vec<&str> = d.iter().map(|d| &text[d.span.clone()]).collect();
        assert_eq!(spans, ["$DEST", "${WHO}"]);
        assert!(d[0].message.starts_with("`$DEST` is not declared"));
    }

    #[test]
    fn image_variables_are_accepted_only_on_images() {
        assert!(
            testing::run(
                &UndefinedVariable,
                "FROM golang:1.22\nWORKDIR $GOPATH/src\n"
            )
            .is_empty()
        );
        assert_eq!(
            testing::lines(&UndefinedVariable, "FROM scratch\nWORKDIR $GOPATH/src\n"),
            [2]
        );
    }
}
