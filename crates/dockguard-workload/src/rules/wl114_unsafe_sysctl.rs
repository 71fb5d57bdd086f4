use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports each sysctl set for a container (`sysctls`, `--sysctl`, Kubernetes
    /// `securityContext.sysctls`) that is not in the Kubernetes Pod Security Standards'
    /// baseline safe set: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`,
    /// `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`,
    /// `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`. Names written with `/`
    /// (`net/ipv4/tcp_syncookies`) are read the way the kernel reads them.
    ///
    /// ## Why is this bad?
    /// The safe set is the sysctls known to be isolated per pod and harmless to other
    /// workloads on the node. Docker refuses sysctls that are not namespaced at all, and the
    /// kubelet refuses anything outside the safe set unless the node allows it, but the rest
    /// of the namespaced ones are not harmless: `net.ipv4.ip_forward` and
    /// `net.ipv4.conf.*` settings turn the container into a router between the networks it
    /// sits on or disable reverse-path and redirect protections; the IPC limits (`kernel.shmmax`, `kernel.msgmnb`, …) let
    /// the container pin large amounts of kernel memory. Each sysctl is kernel surface that a
    /// reviewer should have approved.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     sysctls:
    ///       net.ipv4.ip_forward: 1
    /// ```
    ///
    /// ## Fix
    /// Remove the sysctl, or set it on the host after review; keep to the safe set in
    /// workloads.
    pub struct UnsafeSysctl {
        code: "WL114",
        name: "unsafe-sysctl",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Container sets a sysctl outside the safe set",
        references: [Pss "baseline:sysctls", Trivy "KSV-0026"],
    }
}

const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// A sysctl name in dotted form. Like the kernel and the kubelet: when the first separator is
/// `/`, slashes separate and dots are part of a name, so the two swap.
fn dotted(name: &str) -> String {
    let name = name.trim();
    match name.find(['.', '/']) {
        Some(i) if name.as_bytes()[i] == b'/' => name
            .chars()
            .map(|c| match c {
                '/' => '.',
                '.' => '/',
                other => other,
            })
            .collect(),
        _ => name.to_string(),
    }
}

impl Rule for UnsafeSysctl {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for (name, _) in &c.sysctls {
                let dotted = dotted(&name.value);
                if dotted.is_empty() || SAFE_SYSCTLS.contains(&dotted.as_str()) {
                    continue;
                }
                out.push(Diagnostic::new(
                    &name.loc,
                    format!(
                        "{} sets sysctl `{dotted}`, which is not in the safe set",
                        subject(c)
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
        testing::check_fixtures(&UnsafeSysctl);
    }

    #[test]
    fn slash_names() {
        assert_eq!(dotted("net/ipv4/tcp_syncookies"), "net.ipv4.tcp_syncookies");
        assert_eq!(
            dotted("net/ipv4/conf/eth0.100/forwarding"),
            "net.ipv4.conf.eth0/100.forwarding"
        );
        assert_eq!(dotted("kernel.shm_rmid_forced"), "kernel.shm_rmid_forced");
    }
}
