use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports `VOLUME`s of the image on `/proc`, `/sys`, `/dev` or a path under them.
    ///
    /// ## Why is this bad?
    /// These paths are kernel interfaces that the runtime mounts and masks for the
    /// container. A volume there hides the runtime's `proc`, `sysfs` or device mounts (and
    /// their read-only masks), breaks tools that rely on them, and is usually a sign the
    /// image is meant to be run with those host paths bind-mounted in, which hands the
    /// container control over the host kernel's settings and devices.
    ///
    /// ## Example
    /// ```dockerfile
    /// VOLUME /sys/fs/cgroup
    /// ```
    ///
    /// ## Fix
    /// Remove the `VOLUME`; keep volumes for application data (`/var/lib/app`).
    pub struct VolumeOnSystemPath {
        code: "IM501",
        name: "volume-on-system-path",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Image declares a volume on /proc, /sys or /dev",
        references: [Cis "5.6", Cwe "CWE-668"],
    }
}

/// Whether `path` is `/proc`, `/sys`, `/dev` or under one of them.
fn is_system_path(path: &str) -> bool {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    matches!(parts.first(), Some(&("proc" | "sys" | "dev")))
}

impl Rule for VolumeOnSystemPath {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for volume in ctx.config.config.volumes.keys() {
            if is_system_path(volume) {
                out.push(ctx.finding(
                    &Self::META,
                    format!("image declares a volume on the system path `{volume}`"),
                    ctx.config_location(),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::run_config;

    #[test]
    fn system_paths() {
        let cfg = r#"{"Volumes":{"/proc":{},"/sys/fs/cgroup":{},"//dev/":{},"/data":{},"/devices":{},"/var/sys":{}}}"#;
        let f = run_config(&VolumeOnSystemPath, cfg);
        assert_eq!(f.len(), 3, "{f:#?}");
    }
}
