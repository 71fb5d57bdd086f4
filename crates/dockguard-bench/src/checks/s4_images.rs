//! CIS section 4, container images and build file: 4.1 runs the workload rules on every
//! container; 4.6, 4.7 and 4.9 read the images' configuration and history from the snapshot;
//! 4.5 reads the bench's environment; the rest are manual (`NOTE`).

use super::c_common::{as_info, bench_check, container_outcome, image_name, manual, rule_findings};
use super::{Ctx, Outcome, host_location};
use crate::result::Verdict;
use crate::snapshot::ImageRecord;
use dockguard_core::{Config, Finding, RuleMeta};
use serde_json::Value;

bench_check! {
    /// ## What it does
    /// Reports containers, running or stopped, whose user is root: a user `root`, `0`, or a
    /// `uid:gid` pair whose uid is 0 (`0:0`, `root:root`) — WL200 — or no user at all, so that
    /// the image's default applies, and the image sets none either — WL201. The engine fills
    /// a container's `Config.User` with the image's `USER` when the run sets none, so an empty
    /// value means neither the image nor the run named a user.
    ///
    /// ## Why is this bad?
    /// Root in the container is root on the host unless user namespaces remap it: a process
    /// that escapes through a kernel or runtime flaw, a mounted host path or the engine socket
    /// acts with full host privileges, and inside the container it can rewrite any file of
    /// the image.
    ///
    /// ## Example
    /// ```console
    /// $ docker run -d --user 0:0 example/web
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only knows the strings `""`, `0` and `root`: `--user 0:0` and
    /// `root:root` pass there. It also only looks at running containers; stopped ones are
    /// checked here as well.
    ///
    /// ## Fix
    /// Create an unprivileged user in the image (`RUN useradd -r -u 10001 app` then
    /// `USER 10001`) or run the container with `--user 10001:10001`, and give that user only
    /// the files it must write.
    pub static CHECK_4_1 {
        id: "4.1",
        scored: true,
        eval: eval_4_1,
        code: "HB401",
        name: "container-user-is-root",
        step: NonRootUser,
        severity: High,
        summary: "Ensure that a user for the container has been created (Automated)",
        references: [Cis "4.1", Cwe "CWE-250"],
    }
}

fn eval_4_1(ctx: &Ctx) -> Outcome {
    let findings = rule_findings(ctx, &["WL200", "WL201"]);
    container_outcome(ctx, findings, "running as root")
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): review where the base images of your containers come from.
    ///
    /// ## Why is this bad?
    /// An image from an unknown publisher can carry malware, backdoors or simply unmaintained
    /// software, and everything built on it inherits that.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM someone/random-base:latest
    /// ```
    ///
    /// ## Fix
    /// Build from official or verified publishers' images or from your own base images, pin
    /// them by digest, verify their signatures, and scan them for vulnerabilities regularly.
    pub static CHECK_4_2 {
        id: "4.2",
        scored: false,
        eval: manual,
        code: "HB402",
        name: "trusted-base-images",
        step: TrustedImages,
        severity: Info,
        summary: "Ensure that containers use only trusted base images (Manual)",
        references: [Cis "4.2"],
    }
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): review what is installed in your images.
    ///
    /// ## Why is this bad?
    /// Every package that the application does not need is more code with vulnerabilities to
    /// patch and more tools for an attacker who gets a shell in the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y vim curl netcat-openbsd gcc
    /// ```
    ///
    /// ## Fix
    /// Install only what the application needs at run time, use multi-stage builds so that
    /// compilers stay in the build stage, and prefer minimal or distroless base images.
    pub static CHECK_4_3 {
        id: "4.3",
        scored: false,
        eval: manual,
        code: "HB403",
        name: "no-unnecessary-packages",
        step: MinimalImages,
        severity: Info,
        summary: "Ensure that unnecessary packages are not installed in the container (Manual)",
        references: [Cis "4.3"],
    }
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure images are scanned and rebuilt when their base or
    /// packages get security fixes.
    ///
    /// ## Why is this bad?
    /// An image is frozen at build time: the fixes published since then reach the running
    /// containers only when the image is rebuilt and the containers recreated.
    ///
    /// ## Example
    /// An image built a year ago from `debian:12` still runs the OpenSSL of a year ago.
    ///
    /// ## Fix
    /// Scan images in CI and in the registry, rebuild them on a schedule and when their base
    /// image changes, and recreate the containers from the new images.
    pub static CHECK_4_4 {
        id: "4.4",
        scored: false,
        eval: manual,
        code: "HB404",
        name: "images-scanned-and-rebuilt",
        step: CveScanning,
        severity: Info,
        summary: "Ensure images are scanned and rebuilt to include security patches (Manual)",
        references: [Cis "4.4"],
    }
}

bench_check! {
    /// ## What it does
    /// Checks that Docker Content Trust is on: the variable `DOCKER_CONTENT_TRUST` in the
    /// bench's environment is set to a value the Docker CLI reads as on (`1`, `true`, or any
    /// value other than `0`/`false`). When the bench runs in a container (the host's files
    /// are read below another root than `/`) and the variable is not set, the verdict is
    /// `INFO`: the container's environment is not the operator's.
    ///
    /// ## Why is this bad?
    /// Without signature checks, `docker pull`, `run` and `build` accept any image a registry
    /// or a man in the middle serves under a tag, signed or not.
    ///
    /// Docker Content Trust itself is on its way out: it is built on Notary v1, whose code is
    /// no longer maintained, and Docker is retiring it, first for Docker Official Images (their
    /// signing certificates began expiring on 8 August 2025, after which pulling them with
    /// `DOCKER_CONTENT_TRUST=1` fails), then entirely, with the Notary v1 service
    /// `notary.docker.io` announced to shut down on 8 December 2026. The benchmark item still
    /// asks for the variable, so this check does too, but the verification it stands for now
    /// belongs to OCI-native signatures.
    ///
    /// ## Example
    /// ```console
    /// $ unset DOCKER_CONTENT_TRUST
    /// $ docker pull example/web:1.0
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// Content trust is a setting of the Docker CLI, not of the daemon: nothing on the host
    /// records it, and the bench's own environment is the only signal there is offline.
    /// docker-bench-security reads it the same way but accepts only `1`; here the CLI's own
    /// reading applies (`true` is on too), and a bench running in a container without the
    /// variable answers `INFO` instead of failing on its own environment.
    ///
    /// ## Fix
    /// Verify image signatures with current tools rather than `DOCKER_CONTENT_TRUST`: sign
    /// with Sigstore `cosign` or Notary Project `notation`, verify in the pipeline
    /// (`cosign verify`, `notation verify`) and enforce at admission with a policy controller
    /// (Sigstore policy-controller, Kyverno `verifyImages`, Ratify with Gatekeeper). Where that
    /// is in place, disable this check in the configuration and record why. To satisfy the
    /// benchmark item as written, `DOCKER_CONTENT_TRUST=1` for every user of the Docker CLI
    /// (for example in `/etc/environment`) still passes, but breaks pulls of Docker Official
    /// Images and stops working when Notary v1 is shut down. The image rule IM103 reports
    /// images that bake the variable in.
    pub static CHECK_4_5 {
        id: "4.5",
        scored: true,
        eval: eval_4_5,
        code: "HB405",
        name: "content-trust-disabled",
        step: TrustedImages,
        severity: Medium,
        summary: "Ensure Content trust for Docker is Enabled (Automated)",
        references: [Cis "4.5"],
    }
}

fn eval_4_5(ctx: &Ctx) -> Outcome {
    let value = std::env::var("DOCKER_CONTENT_TRUST").ok();
    // The host's files are read from elsewhere than `/`: the bench runs in a container.
    let in_container = !matches!(ctx.facts.root.to_str(), Some("" | "/"));
    content_trust(value.as_deref(), in_container, &CHECK_4_5.meta, ctx.config)
}

/// Go's `strconv.ParseBool`, which the Docker CLI uses.
fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The Docker CLI turns content trust on for any non-empty value that does not parse as false.
fn content_trust(
    value: Option<&str>,
    in_container: bool,
    meta: &'static RuleMeta,
    config: &Config,
) -> Outcome {
    match value {
        Some(v) if !v.is_empty() && parse_go_bool(v) != Some(false) => {
            Outcome::pass().with_details(format!("DOCKER_CONTENT_TRUST={v}"))
        }
        None | Some("") if in_container => Outcome::info(
            "DOCKER_CONTENT_TRUST is not set for dockguard, which reads the host from another \
             root (a container): its environment is not the operator's; pass \
             -e DOCKER_CONTENT_TRUST to check it",
        ),
        Some(v) if !v.is_empty() => Outcome::warn(
            meta,
            config,
            format!(
                "DOCKER_CONTENT_TRUST={v} turns content trust off; Docker Content Trust \
                 (Notary v1) is being retired: verify image signatures with cosign or notation \
                 and a policy controller"
            ),
            host_location("/etc/environment"),
        ),
        _ => Outcome::warn(
            meta,
            config,
            "DOCKER_CONTENT_TRUST is not set: images are pulled without signature checks; \
             Docker Content Trust (Notary v1) is being retired: verify image signatures with \
             cosign or notation and a policy controller",
            host_location("/etc/environment"),
        ),
    }
}

bench_check! {
    /// ## What it does
    /// Reports images whose configuration has no `HEALTHCHECK`, or one that is disabled
    /// (`HEALTHCHECK NONE`).
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the main process is alive: a hung
    /// or broken service keeps running, receiving traffic and never gets restarted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security only reports a missing health check; `HEALTHCHECK NONE`, which
    /// disables the base image's check, is reported here too.
    ///
    /// ## Fix
    /// Add a `HEALTHCHECK` that exercises the service
    /// (`HEALTHCHECK CMD wget -q --spider http://localhost/ || exit 1`) and rebuild the image.
    pub static CHECK_4_6 {
        id: "4.6",
        scored: true,
        eval: eval_4_6,
        code: "HB406",
        name: "image-without-healthcheck",
        step: RuntimeDefence,
        severity: Low,
        summary: "Ensure that HEALTHCHECK instructions have been added to container images (Automated)",
        references: [Cis "4.6"],
    }
}

/// Where a finding about an image points.
fn image_location(name: &str) -> dockguard_core::Location {
    host_location(&format!("docker-image://{name}"))
}

/// `WARN` naming the images `flag` returns a message for, `PASS` when none (also when there is
/// no image at all, as docker-bench-security has it: nothing breaks the rule).
fn images_outcome(
    ctx: &Ctx,
    meta: &'static RuleMeta,
    label: &str,
    flag: impl Fn(&ImageRecord) -> Option<String>,
) -> Outcome {
    if ctx.snapshot.images.is_empty() {
        return Outcome::pass().with_details("No images");
    }
    let mut items = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for image in &ctx.snapshot.images {
        let name = image_name(&image.tags, &image.id);
        if let Some(message) = flag(image) {
            findings.push(meta.finding(
                ctx.config,
                format!("image `{name}` {message}"),
                image_location(&name),
                None,
            ));
            items.push(name);
        }
    }
    if items.is_empty() {
        return Outcome::pass();
    }
    Outcome {
        verdict: Verdict::Warn,
        details: Some(format!("{label}: {}", items.join(" "))),
        items,
        findings,
    }
}

fn eval_4_6(ctx: &Ctx) -> Outcome {
    images_outcome(
        ctx,
        &CHECK_4_6.meta,
        "Images w/o HEALTHCHECK",
        |image| match image.inspect.pointer("/Config/Healthcheck") {
            None | Some(Value::Null) => Some("has no HEALTHCHECK".to_string()),
            Some(health) => {
                let first = health
                    .pointer("/Test/0")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                first
                    .eq_ignore_ascii_case("NONE")
                    .then(|| "disables its health check (HEALTHCHECK NONE)".to_string())
            }
        },
    )
}

bench_check! {
    /// ## What it does
    /// Reports (`INFO`, a manual check) images with a layer that refreshes the package index
    /// without installing anything in the same layer: `apt-get update`, `apt update`,
    /// `apk update`, `yum makecache`, `dnf makecache` or `zypper refresh` in a `RUN` that has
    /// no install or upgrade.
    ///
    /// ## Why is this bad?
    /// The build cache keeps the layer of a lone `RUN apt-get update`: later builds reuse the
    /// old index, and the packages installed in a following layer come from a stale list,
    /// missing security fixes, or fail once the mirror dropped those versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security reports any image whose truncated `docker history` contains the
    /// text `update`, so `apt-get update && apt-get install` and `update-ca-certificates`
    /// count, and commands past the first 45 characters do not. This check reads each layer's
    /// full command and reports an index refresh only when nothing is installed with it. The
    /// check is not scored, so the score is the same.
    ///
    /// ## Fix
    /// Refresh and install in one instruction
    /// (`RUN apt-get update && apt-get install -y curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*`),
    /// pin package versions, or build with `--no-cache`.
    pub static CHECK_4_7 {
        id: "4.7",
        scored: false,
        eval: eval_4_7,
        code: "HB407",
        name: "update-instruction-alone",
        step: CveScanning,
        severity: Info,
        summary: "Ensure update instructions are not used alone in the Dockerfile (Manual)",
        references: [Cis "4.7"],
    }
}

/// The `CreatedBy` of every history entry, newest first.
fn history_commands(image: &ImageRecord) -> Vec<&str> {
    image
        .history
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| e.get("CreatedBy").and_then(Value::as_str).unwrap_or(""))
                .collect()
        })
        .unwrap_or_default()
}

/// What a package manager's subcommand does: refresh the index only, or install/upgrade.
fn package_action(manager: &str, subcommand: &str) -> Option<bool> {
    let refresh = match manager {
        "apt-get" | "apt" | "aptitude" => match subcommand {
            "update" => true,
            "install" | "upgrade" | "dist-upgrade" | "full-upgrade" => false,
            _ => return None,
        },
        "apk" => match subcommand {
            "update" => true,
            "add" | "upgrade" => false,
            _ => return None,
        },
        "yum" | "dnf" | "microdnf" => match subcommand {
            "makecache" => true,
            "install" | "update" | "upgrade" | "reinstall" => false,
            _ => return None,
        },
        "zypper" => match subcommand {
            "refresh" | "ref" => true,
            "install" | "in" | "update" | "up" | "dist-upgrade" | "dup" => false,
            _ => return None,
        },
        _ => return None,
    };
    Some(refresh)
}

/// A layer's command refreshes a package index and installs nothing.
fn update_alone(command: &str) -> bool {
    let cleaned: String = command
        .chars()
        .map(|c| if ";&|()`\"'".contains(c) { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let (mut refreshes, mut installs) = (false, false);
    for (i, word) in words.iter().enumerate() {
        let manager = word.rsplit('/').next().unwrap_or(word);
        let Some(sub) = words[i + 1..].iter().find(|w| !w.starts_with('-')) else {
            continue;
        };
        match package_action(manager, sub) {
            Some(true) => refreshes = true,
            Some(false) => installs = true,
            None => {}
        }
    }
    refreshes && !installs
}

fn eval_4_7(ctx: &Ctx) -> Outcome {
    as_info(images_outcome(
        ctx,
        &CHECK_4_7.meta,
        "Update instructions found",
        |image| {
            history_commands(image)
                .into_iter()
                .find(|c| update_alone(c))
                .map(|c| format!("refreshes its package index alone: `{}`", c.trim()))
        },
    ))
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): review the setuid and setgid files of your images.
    ///
    /// ## Why is this bad?
    /// A setuid-root binary lets a non-root process become root again inside the container,
    /// which undoes running as a non-root user (unless `no-new-privileges` is set).
    ///
    /// ## Example
    /// `/usr/bin/passwd`, `/bin/su` and `/usr/bin/newgrp` are setuid root in most base images.
    ///
    /// ## Fix
    /// Remove the bits the application does not need at build time
    /// (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true`) and run
    /// containers with `--security-opt no-new-privileges`.
    pub static CHECK_4_8 {
        id: "4.8",
        scored: false,
        eval: manual,
        code: "HB408",
        name: "setuid-setgid-removed",
        step: MinimalImages,
        severity: Info,
        summary: "Ensure setuid and setgid permissions are removed (Manual)",
        references: [Cis "4.8"],
    }
}

bench_check! {
    /// ## What it does
    /// Reports (`INFO`, a manual check) images whose history has an `ADD` instruction, other
    /// than in the oldest layer (the base image's root file system).
    ///
    /// ## Why is this bad?
    /// `ADD` fetches URLs and unpacks archives implicitly: a remote file can change under the
    /// same URL without any checksum, and a tarball is extracted where a plain copy was meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security greps the text `ADD` anywhere in the history, so a layer that
    /// merely contains `ADDRESS` or `PADDING` counts; here `ADD` must be a word of the
    /// command. Untagged images are named by their short id instead of being left out.
    ///
    /// ## Fix
    /// Use `COPY` for local files, and download remote files in a `RUN` that verifies their
    /// checksum (or `ADD --checksum=sha256:…`).
    pub static CHECK_4_9 {
        id: "4.9",
        scored: false,
        eval: eval_4_9,
        code: "HB409",
        name: "add-instead-of-copy",
        step: TrustedImages,
        severity: Info,
        summary: "Ensure that COPY is used instead of ADD in Dockerfiles (Manual)",
        references: [Cis "4.9"],
    }
}

fn eval_4_9(ctx: &Ctx) -> Outcome {
    as_info(images_outcome(
        ctx,
        &CHECK_4_9.meta,
        "Images using ADD",
        |image| {
            let commands = history_commands(image);
            // The oldest entry is the base image's root file system.
            let newer = &commands[..commands.len().saturating_sub(1)];
            newer
                .iter()
                .find(|c| c.split_whitespace().any(|w| w == "ADD"))
                .map(|c| format!("was built with `ADD`: `{}`", c.trim()))
        },
    ))
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure no secret is written in a Dockerfile or baked into an
    /// image layer.
    ///
    /// ## Why is this bad?
    /// Anything an instruction writes, `ENV` and `ARG` values included, stays readable in the
    /// image's layers and history by everyone who can pull it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV AWS_SECRET_ACCESS_KEY=abc123
    /// ```
    ///
    /// ## Fix
    /// Pass build secrets with `RUN --mount=type=secret` and runtime secrets with Docker
    /// secrets or the orchestrator's secret store; `dockguard lint` reports secrets in
    /// Dockerfiles.
    pub static CHECK_4_10 {
        id: "4.10",
        scored: false,
        eval: manual,
        code: "HB410",
        name: "no-secrets-in-dockerfiles",
        step: Secrets,
        severity: Info,
        summary: "Ensure secrets are not stored in Dockerfiles (Manual)",
        references: [Cis "4.10"],
    }
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure packages come from sources whose signatures are
    /// verified.
    ///
    /// ## Why is this bad?
    /// A package fetched without verification (`curl | sh`, `--allow-unauthenticated`,
    /// `pip install` from an arbitrary index) can be replaced on the way or at the source.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --allow-unauthenticated tool
    /// ```
    ///
    /// ## Fix
    /// Install packages from the distribution's signed repositories or verify checksums and
    /// signatures of anything downloaded.
    pub static CHECK_4_11 {
        id: "4.11",
        scored: false,
        eval: manual,
        code: "HB411",
        name: "verified-packages",
        step: TrustedImages,
        severity: Info,
        summary: "Ensure only verified packages are installed (Manual)",
        references: [Cis "4.11"],
    }
}

bench_check! {
    /// ## What it does
    /// Manual check (`NOTE`): make sure signed artifacts are verified before they are
    /// published to a registry.
    ///
    /// ## Why is this bad?
    /// A signature nobody checks protects nothing: a tampered artifact is pushed and deployed
    /// like a genuine one.
    ///
    /// ## Example
    /// A CI job pushes `example/web:1.0` without `cosign verify` of its inputs.
    ///
    /// ## Fix
    /// Verify signatures (`cosign verify`, `docker trust inspect`) before uploading artifacts
    /// and enforce verification where they are deployed.
    pub static CHECK_4_12 {
        id: "4.12",
        scored: false,
        eval: manual,
        code: "HB412",
        name: "signed-artifacts-validated",
        step: TrustedImages,
        severity: Info,
        summary: "Ensure all signed artifacts are validated (Manual)",
        references: [Cis "4.12"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{
        assert_outcome, container, data, fleet, no_info, run, snapshot,
    };
    use crate::snapshot::Snapshot;

    fn image(name: &str) -> ImageRecord {
        let inspect = data(&format!("images/{name}.inspect.json"));
        let history = data(&format!("images/{name}.history.json"));
        let tags = inspect["RepoTags"]
            .as_array()
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        ImageRecord {
            id: inspect["Id"].as_str().unwrap_or_default().to_string(),
            tags,
            inspect,
            history,
        }
    }

    fn with_images(images: Vec<ImageRecord>) -> Snapshot {
        Snapshot {
            images,
            ..Snapshot::default()
        }
    }

    #[test]
    fn root_users_include_0_0_and_unset_users() {
        let outcome = run(&CHECK_4_1, &snapshot(no_info(), fleet()));
        assert_outcome(
            &outcome,
            Verdict::Warn,
            &[
                "hbc-default",
                "hbc-caps",
                "hbc-cap-all",
                "hbc-privileged",
                "hbc-hostns",
                "hbc-mounts",
                "hbc-ports",
                "hbc-secopt",
                "hbc-root00",
                "hbc-misc",
                "hbc-running",
            ],
        );
        assert!(
            outcome
                .details
                .as_deref()
                .unwrap()
                .starts_with("running as root: ")
        );
        let root00: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.location.file == "docker://hbc-root00")
            .collect();
        assert_eq!(root00.len(), 1);
        assert_eq!(root00[0].code, "WL200");
        assert!(outcome.findings.iter().any(|f| f.code == "WL201"));
    }

    #[test]
    fn non_root_user_passes_and_no_container_is_info() {
        let hardened = run(
            &CHECK_4_1,
            &snapshot(no_info(), vec![container("hardened")]),
        );
        assert_outcome(&hardened, Verdict::Pass, &[]);
        let empty = run(&CHECK_4_1, &snapshot(no_info(), vec![]));
        assert_outcome(&empty, Verdict::Info, &[]);
    }

    #[test]
    fn manual_checks_are_notes() {
        for check in [
            &CHECK_4_2,
            &CHECK_4_3,
            &CHECK_4_4,
            &CHECK_4_8,
            &CHECK_4_10,
            &CHECK_4_11,
            &CHECK_4_12,
        ] {
            assert_eq!(run(check, &Snapshot::default()).verdict, Verdict::Note);
            assert!(!check.scored);
        }
    }

    #[test]
    fn content_trust_reads_like_the_docker_cli() {
        let config = Config::default();
        let check =
            |value, in_container| content_trust(value, in_container, &CHECK_4_5.meta, &config);
        assert_outcome(&check(Some("1"), false), Verdict::Pass, &[]);
        assert_outcome(&check(Some("true"), false), Verdict::Pass, &[]);
        assert_outcome(&check(Some("yes"), false), Verdict::Pass, &[]);
        assert_outcome(&check(Some("0"), false), Verdict::Warn, &[]);
        assert_outcome(&check(Some("false"), true), Verdict::Warn, &[]);
        assert_outcome(&check(None, false), Verdict::Warn, &[]);
        assert_outcome(&check(Some(""), false), Verdict::Warn, &[]);
        assert_outcome(&check(None, true), Verdict::Info, &[]);
        let warn = check(None, false);
        assert_eq!(warn.findings[0].code, "HB405");
        assert_eq!(warn.findings[0].location.file, "/etc/environment");
    }

    #[test]
    fn healthcheck_missing_or_disabled() {
        let built = image("hbc-built");
        let imported = image("dg-busybox");
        let outcome = run(
            &CHECK_4_6,
            &with_images(vec![built.clone(), imported.clone()]),
        );
        assert_outcome(&outcome, Verdict::Warn, &["dg-busybox:test"]);
        assert_eq!(
            outcome.findings[0].location.file,
            "docker-image://dg-busybox:test"
        );
        assert_eq!(
            outcome.details.as_deref(),
            Some("Images w/o HEALTHCHECK: dg-busybox:test")
        );

        assert_outcome(
            &run(&CHECK_4_6, &with_images(vec![built.clone()])),
            Verdict::Pass,
            &[],
        );

        let mut disabled = built;
        disabled.inspect["Config"]["Healthcheck"] = serde_json::json!({"Test": ["NONE"]});
        disabled.tags = vec![];
        let outcome = run(&CHECK_4_6, &with_images(vec![disabled]));
        assert_outcome(&outcome, Verdict::Warn, &["5b5d3fd19055"]);
        assert!(outcome.findings[0].message.contains("HEALTHCHECK NONE"));

        assert_outcome(&run(&CHECK_4_6, &with_images(vec![])), Verdict::Pass, &[]);
    }

    #[test]
    fn lone_update_instructions() {
        assert!(update_alone("/bin/sh -c apt-get update"));
        assert!(update_alone("RUN /bin/sh -c apt-get -qq update # buildkit"));
        assert!(update_alone("/bin/sh -c apk update"));
        assert!(update_alone("/bin/sh -c /usr/bin/dnf makecache"));
        assert!(!update_alone(
            "/bin/sh -c apt-get update && apt-get install -y curl"
        ));
        assert!(!update_alone("/bin/sh -c apk update && apk add curl"));
        assert!(!update_alone("/bin/sh -c update-ca-certificates"));
        assert!(!update_alone("/bin/sh -c yum update -y"));
        assert!(!update_alone("/bin/sh -c #(nop)  CMD [\"sh\"]"));

        let built = image("hbc-built");
        let outcome = run(&CHECK_4_7, &with_images(vec![built, image("dg-busybox")]));
        // `RUN echo apt-get update` looks like a lone update: the history keeps no more than
        // the command line. `echo apk update && echo apk add curl` installs in the same layer.
        assert_outcome(&outcome, Verdict::Info, &["hbc-built:test"]);
        assert!(
            outcome
                .details
                .as_deref()
                .unwrap()
                .starts_with("Update instructions found: ")
        );
        assert_outcome(
            &run(&CHECK_4_7, &with_images(vec![image("dg-busybox")])),
            Verdict::Pass,
            &[],
        );
        assert!(!CHECK_4_7.scored);
    }

    #[test]
    fn add_in_history_except_the_base_layer() {
        let outcome = run(
            &CHECK_4_9,
            &with_images(vec![image("hbc-built"), image("dg-busybox")]),
        );
        assert_outcome(&outcome, Verdict::Info, &["hbc-built:test"]);
        assert_eq!(
            outcome.details.as_deref(),
            Some("Images using ADD: hbc-built:test")
        );

        let mut base = image("dg-busybox");
        base.history = serde_json::json!([
            {"CreatedBy": "/bin/sh -c #(nop)  CMD [\"sh\"]"},
            {"CreatedBy": "/bin/sh -c #(nop) ADD file:abc in / "}
        ]);
        let mut padded = image("dg-busybox");
        padded.tags = vec!["padded:1".into()];
        padded.history = serde_json::json!([
            {"CreatedBy": "/bin/sh -c #(nop)  ENV PADDING=ADDRESS"},
            {"CreatedBy": ""}
        ]);
        assert_outcome(
            &run(&CHECK_4_9, &with_images(vec![base, padded])),
            Verdict::Pass,
            &[],
        );
        assert_outcome(&run(&CHECK_4_9, &with_images(vec![])), Verdict::Pass, &[]);
    }
}
