use super::common_d::{arg_span, runs};
use super::helpers::packages;
use super::{Ctx, Diagnostic, Rule};
use crate::syntax::{Args, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (also `22/tcp`, ranges that contain 22, values from build
    /// arguments) and the installation of an SSH server (`openssh-server`, apk's `openssh`,
    /// `dropbear`) with apt-get, apt, apk, yum, dnf, microdnf, tdnf or zypper.
    ///
    /// ## Why is this bad?
    /// An SSH daemon in a container is another network service to patch, with its own keys and
    /// credentials baked into the image, and a way in that bypasses the orchestrator's access
    /// controls and audit. Containers are entered with `docker exec` / `kubectl exec`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22
    /// ```
    ///
    /// ## Fix
    /// Remove the SSH server and the `EXPOSE 22`; use `docker exec` or `kubectl exec` (or an
    /// ephemeral debug container) to get a shell.
    pub struct SshExposedOrInstalled {
        code: "DF700",
        name: "ssh-exposed-or-installed",
        step: MinimalImages,
        severity: Medium,
        summary: "SSH port exposed or SSH server installed",
        references: [Trivy "DS-0004", Checkov "CKV_DOCKER_1"],
    }
}

/// Whether an EXPOSE value covers TCP port 22.
fn covers_ssh(value: &str) -> bool {
    let (ports, proto) = value.split_once('/').unwrap_or((value, "tcp"));
    if !proto.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
    match (lo.trim().parse::<u32>(), hi.trim().parse::<u32>()) {
        (Ok(lo), Ok(hi)) => lo <= 22 && 22 <= hi,
        _ => false,
    }
}

/// The SSH server package a package argument names, without its version.
fn ssh_server(manager: &str, arg: &str) -> Option<String> {
    let name = arg
        .split(['=', '<', '>', '~'])
        .next()
        .unwrap_or(arg)
        .split(':')
        .next()
        .unwrap_or(arg);
    let versioned = |base: &str| {
        name == base
            || name
                .strip_prefix(base)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    if manager == "apk" && name == "openssh" {
        return Some(name.to_string());
    }
    ["openssh-server", "dropbear"]
        .into_iter()
        .find(|base| versioned(base))
        .map(str::to_string)
}

impl Rule for SshExposedOrInstalled {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (idx, inst) in ctx.effective_instructions() {
            if inst.kind != Kind::Expose {
                continue;
            }
            let Args::Words(words) = &inst.args else {
                continue;
            };
            for word in words {
                let value = ctx.model.expand(idx, &word.raw).value;
                if covers_ssh(&value) {
                    out.push(Diagnostic::new(
                        word.span.clone(),
                        format!("`EXPOSE {value}` publishes the SSH port"),
                    ));
                }
            }
        }
        for (_, cmds) in runs(ctx.model) {
            for cmd in &cmds {
                let (subs, with_value): (&[&str], &[&str]) = match cmd.program() {
                    "apt-get" | "apt" => (&["install"], &["-o", "-t", "--target-release"]),
                    "apk" => (
                        &["add"],
                        &[
                            "-X",
                            "--repository",
                            "-t",
                            "--virtual",
                            "--repositories-file",
                        ],
                    ),
                    "yum" | "dnf" | "microdnf" | "tdnf" => {
                        (&["install"], &["--enablerepo", "--disablerepo", "--setopt"])
                    }
                    "zypper" => (&["install", "in"], &["-r", "--repo", "--from"]),
                    _ => continue,
                };
                for (i, pkg) in packages(cmd, subs, with_value) {
                    if let Some(name) = ssh_server(cmd.program(), pkg) {
                        out.push(Diagnostic::new(
                            arg_span(cmd, i),
                            format!("`{name}` installs an SSH server in the image"),
                        ));
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
        testing::check_fixtures(&SshExposedOrInstalled);
    }

    #[test]
    fn ports() {
        for v in ["22", "22/tcp", "20-30", "22/TCP", "1-1024/tcp"] {
            assert!(covers_ssh(v), "{v}");
        }
        for v in ["2222", "22/udp", "80", "23-30", "$PORT", ""] {
            assert!(!covers_ssh(v), "{v}");
        }
    }

    #[test]
    fn packages_with_versions() {
        assert_eq!(
            ssh_server("apt-get", "openssh-server=1:9.2p1-2"),
            Some("openssh-server".into())
        );
        assert_eq!(
            ssh_server("yum", "openssh-server-8.0p1"),
            Some("openssh-server".into())
        );
        assert_eq!(ssh_server("apt-get", "openssh-client"), None);
        assert_eq!(ssh_server("apt-get", "openssh"), None);
        assert_eq!(ssh_server("apk", "openssh"), Some("openssh".into()));
        assert_eq!(ssh_server("apk", "openssh-keygen"), None);
    }
}
