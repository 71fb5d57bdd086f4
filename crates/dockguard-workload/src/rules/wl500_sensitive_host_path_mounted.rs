use super::helpers::{bind_host_path, is_engine_socket_path, is_sensitive_host_path, mount_phrase};
use super::{Ctx, Diagnostic, Rule};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports bind mounts (compose `volumes`, `-v`/`--mount`, Kubernetes `hostPath`) of a
    /// sensitive host location: `/` itself, or a path equal to or under `/etc`, `/proc`,
    /// `/sys`, `/boot`, `/dev`, `/root`, `/home`, `/var/lib/docker`, `/lib`, `/usr`, `/bin`
    /// or `/sbin`, or a folder holding one of them (`/var`, `/var/lib`). Paths are compared
    /// after resolving `//`, `.`, `..` and a trailing `/`, and `~` counts as `/home`; single
    /// files (`/etc/shadow`) and read-only mounts are reported too. Container engine sockets
    /// and their folders are left to WL501, relative paths (`./etc`) are not host system
    /// paths, and read-only mounts of the public time-zone files (`/etc/localtime`,
    /// `/etc/timezone`, `/usr/share/zoneinfo`) are accepted.
    ///
    /// ## Why is this bad?
    /// These paths are the host: its accounts and password hashes (`/etc/shadow`), SSH keys
    /// and cloud credentials (`/root`, `/home`), kernel interfaces (`/proc`, `/sys`),
    /// devices (`/dev`), the programs and libraries root runs (`/usr`, `/lib`, `/bin`), the
    /// boot chain, and every container's files and volumes (`/var/lib/docker`). Read-write
    /// access lets the container plant a cron job, an SSH key or a library and become root on
    /// the host; read-only access still leaks credentials and secrets, so `:ro` is not a fix.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     volumes:
    ///       - /etc:/host/etc:ro
    ///       - ~/.ssh:/root/.ssh
    /// ```
    ///
    /// ## Fix
    /// Mount only the files the application needs from a dedicated folder (`./config:/config:ro`),
    /// pass secrets with `secrets:`, and use named volumes for data.
    pub struct SensitiveHostPathMounted {
        code: "WL500",
        name: "sensitive-host-path-mounted",
        step: NamespacesCgroups,
        severity: High,
        summary: "Sensitive host path is mounted into the container",
        references: [
            Cis "5.6",
            Pss "baseline:host-path-volumes",
            Trivy "KSV-0023",
            Trivy "KSV-0121",
            Cwe "CWE-668",
        ],
    }
}

/// Public time-zone data: mounted read-only everywhere to share the host's clock zone, and
/// nothing in it is secret.
const TIME_ZONE_FILES: &[&str] = &["/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo"];

fn is_time_zone_data(path: &str) -> bool {
    TIME_ZONE_FILES.iter().any(|tz| {
        path.strip_prefix(tz)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The normalised host path when WL500 reports the mount.
fn reported_path(m: &crate::model::Mount) -> Option<String> {
    let path = bind_host_path(m)?;
    let reported = is_sensitive_host_path(&path)
        && !is_engine_socket_path(&path)
        && !(m.read_only && is_time_zone_data(&path));
    reported.then_some(path)
}

/// The mount is reported by WL500 (used by WL502 to avoid a second finding).
pub fn reports(m: &crate::model::Mount) -> bool {
    reported_path(m).is_some()
}

impl Rule for SensitiveHostPathMounted {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for m in &c.mounts {
                let Some(path) = reported_path(m) else {
                    continue;
                };
                let access = if m.read_only {
                    "read-only"
                } else {
                    "read-write"
                };
                out.push(Diagnostic::new(
                    &m.loc,
                    format!(
                        "{} host path `{path}` {access}: it exposes the host's system files \
                         or credentials",
                        mount_phrase(c, m)
                    ),
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
        testing::check_fixtures(&SensitiveHostPathMounted);
    }

    fn messages(kind: crate::FileKind, text: &str) -> Vec<String> {
        let workload = crate::check::load("t.yaml", None, text, kind).expect("loads");
        let config = dockguard_core::Config::default();
        let ctx = Ctx {
            workload: &workload,
            config: &config,
            host: None,
        };
        let mut out = Vec::new();
        SensitiveHostPathMounted.check(&ctx, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn messages_say_access_and_normalised_path() {
        let got = messages(
            crate::FileKind::Compose,
            "services:\n  a:\n    image: x\n    volumes:\n      - /etc/./shadow:/s:ro\n      - //root/:/r\n",
        );
        assert_eq!(got.len(), 2);
        assert!(got[0].contains("`/etc/shadow` read-only"), "{}", got[0]);
        assert!(got[1].contains("`/root` read-write"), "{}", got[1]);
    }

    #[test]
    fn unmounted_pod_volume_is_declared_not_mounted() {
        let got = messages(
            crate::FileKind::Kubernetes,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n  volumes:\n    - name: v\n      hostPath:\n        path: /etc\n",
        );
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("the pod of container `c` of Pod/p declares host path `/etc`"),
            "{}",
            got[0]
        );
    }
}
