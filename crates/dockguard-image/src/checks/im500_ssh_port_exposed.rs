use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images that expose the SSH port: `22/tcp` (or `22` without a protocol) in
    /// `ExposedPorts`.
    ///
    /// ## Why is this bad?
    /// An image that expects SSH connections runs an SSH daemon: one more privileged service
    /// with credentials or keys to manage, a way in that bypasses `docker exec` auditing, and
    /// a process manager to keep it running next to the application.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// EXPOSE 22
    /// ```
    ///
    /// ## Fix
    /// Remove the SSH server and `EXPOSE 22`; use `docker exec` (or `kubectl exec`) to get a
    /// shell in a running container.
    pub struct SshPortExposed {
        code: "IM500",
        name: "ssh-port-exposed",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Image exposes the SSH port",
        references: [Cis "5.7", Cwe "CWE-284"],
    }
}

impl Rule for SshPortExposed {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for port in ctx.config.config.exposed_ports.keys() {
            let (number, proto) = port.split_once('/').unwrap_or((port.as_str(), "tcp"));
            if number.trim() == "22" && proto.eq_ignore_ascii_case("tcp") {
                out.push(ctx.finding(
                    &Self::META,
                    format!("image exposes the SSH port `{port}`: it expects to run an SSH daemon"),
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
    fn port_22() {
        let f = run_config(
            &SshPortExposed,
            r#"{"ExposedPorts":{"22/tcp":{},"80/tcp":{}}}"#,
        );
        assert_eq!(f.len(), 1);
        assert!(
            run_config(
                &SshPortExposed,
                r#"{"ExposedPorts":{"22/udp":{},"2222/tcp":{}}}"#
            )
            .is_empty()
        );
    }
}
