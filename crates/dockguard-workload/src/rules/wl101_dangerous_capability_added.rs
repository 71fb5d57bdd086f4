use super::helpers::capability_name;
use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports each capability added with `cap_add` / `--cap-add` /
    /// `securityContext.capabilities.add` that is known to open a way out of the container or
    /// to control the host: `ALL`, `SYS_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`,
    /// `SYS_BOOT`, `SYS_TIME`, `SYS_RESOURCE`, `NET_ADMIN`, `DAC_READ_SEARCH`, `BPF`,
    /// `PERFMON`, `SYSLOG`, `MAC_ADMIN`, `MAC_OVERRIDE`, `LINUX_IMMUTABLE`, `AUDIT_CONTROL`,
    /// `WAKE_ALARM`, `BLOCK_SUSPEND`. Names match with or without the `CAP_` prefix, in any
    /// case.
    ///
    /// ## Why is this bad?
    /// None of these is in Docker's default set, and each hands the container a piece of the
    /// host: `SYS_ADMIN` allows mounts and most of what root can do (the classic cgroup
    /// `release_agent` escape needs only it); `SYS_MODULE` loads kernel code; `SYS_PTRACE`
    /// reads and injects into other processes (all of the host's with a shared PID namespace);
    /// `DAC_READ_SEARCH` opens any host file by handle (the "shocker" escape); `SYS_RAWIO`,
    /// `BPF` and `PERFMON` reach kernel memory and tracing; `NET_ADMIN` reconfigures the
    /// network the container sits on (the host's with `network_mode: host`); `SYS_TIME`,
    /// `SYS_BOOT`, `SYSLOG`, `WAKE_ALARM` and `BLOCK_SUSPEND` act on the host's clock, reboot,
    /// kernel log and power state; `MAC_ADMIN`, `MAC_OVERRIDE`, `AUDIT_CONTROL` and
    /// `LINUX_IMMUTABLE` switch off the controls meant to catch all this. `ALL` grants every
    /// one of them.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: example/vpn
    ///     cap_add:
    ///       - NET_ADMIN
    ///       - SYS_ADMIN
    /// ```
    ///
    /// ## Fix
    /// Drop the capability and find the narrower way: a device or a tmpfs instead of mounting
    /// from inside, a sidecar on the host network instead of `NET_ADMIN` for the app, a
    /// dedicated, audited host agent for what truly needs the host.
    pub struct DangerousCapabilityAdded {
        code: "WL101",
        name: "dangerous-capability-added",
        step: NamespacesCgroups,
        severity: High,
        summary: "Container is given a capability that reaches the host",
        references: [
            Cis "5.4",
            Pss "baseline:capabilities",
            Trivy "KSV-0005",
            Trivy "KSV-0022",
            Checkov "CKV_K8S_39",
        ],
    }
}

const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "SYS_RESOURCE",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "SYSLOG",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "LINUX_IMMUTABLE",
    "AUDIT_CONTROL",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
];

impl Rule for DangerousCapabilityAdded {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for cap in &c.cap_add {
                let name = capability_name(&cap.value);
                if !DANGEROUS.contains(&name.as_str()) {
                    continue;
                }
                let message = if name == "ALL" {
                    format!(
                        "{} adds every capability (`ALL`): nearly as much as privileged mode",
                        subject(c)
                    )
                } else {
                    format!(
                        "{} adds `{name}`, a capability that reaches beyond the container",
                        subject(c)
                    )
                };
                out.push(Diagnostic::new(&cap.loc, message));
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
        testing::check_fixtures(&DangerousCapabilityAdded);
    }
}
