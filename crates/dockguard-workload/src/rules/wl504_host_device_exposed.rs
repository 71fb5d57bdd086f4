use super::{Ctx, Diagnostic, Rule, subject};

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports each host device given to a container (`devices`, `--device`).
    ///
    /// ## Why is this bad?
    /// A device node is direct access to the host's hardware or kernel driver, outside the
    /// namespaces that isolate the rest of the container: a disk (`/dev/sda`) can be read or
    /// rewritten below the file system, `/dev/mem` or `/dev/kmsg` reach the kernel, and GPU,
    /// USB or serial drivers are kernel code that the container can now probe for bugs. The
    /// default `rwm` permissions also allow creating device nodes for it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     devices:
    ///       - /dev/sda:/dev/sda
    /// ```
    ///
    /// ## Fix
    /// Remove devices the service does not need; for those it does, pass the single device
    /// with the narrowest permissions (`/dev/ttyUSB0:/dev/ttyUSB0:r`) and prefer device
    /// plugins or CDI specifications that grant exactly one resource.
    pub struct HostDeviceExposed {
        code: "WL504",
        name: "host-device-exposed",
        step: NamespacesCgroups,
        severity: Medium,
        summary: "Host device is exposed to the container",
        references: [Cis "5.18"],
    }
}

impl Rule for HostDeviceExposed {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for c in ctx.containers() {
            for device in &c.devices {
                let host = device
                    .value
                    .split(':')
                    .next()
                    .unwrap_or(&device.value)
                    .trim();
                out.push(Diagnostic::new(
                    &device.loc,
                    format!("{} is given host device `{host}`", subject(c)),
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
        testing::check_fixtures(&HostDeviceExposed);
    }
}
