use super::im900_shell_in_final_image::list_tools;
use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports a final image that carries a package manager: a distribution's (`apt`,
    /// `apt-get`, `dpkg`, `apk`, `yum`, `dnf`, `microdnf`, `rpm`, `zypper`, `pacman`, …) or a
    /// language's (`pip`, `npm`, `yarn`, `gem`, `composer`, …), found in the standard
    /// directories or the image's `PATH`.
    ///
    /// ## Why is this bad?
    /// A package manager is only needed while building. In the running container it lets an
    /// intruder install whatever tools they lack (compilers, scanners, `curl`), and it brings
    /// its own dependencies and their vulnerabilities. Images that ship it are also harder to
    /// keep immutable: anyone can `apt-get install` into a running container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY . /app
    /// RUN pip install -r /app/requirements.txt
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// Install in a build stage and copy the result into a final stage without a package
    /// manager: `gcr.io/distroless/python3-debian12`, `gcr.io/distroless/static-debian12`,
    /// `gcr.io/distroless/base-debian12`, `scratch`, or a "chiseled"/"minimal" base.
    pub struct PackageManagerInFinalImage {
        code: "IM901",
        name: "package-manager-in-final-image",
        step: MinimalImages,
        severity: Low,
        summary: "Final image contains a package manager",
        references: [
            Cis "4.3",
            Cwe "CWE-1125",
            Url "https://github.com/GoogleContainerTools/distroless#why-should-i-use-distroless-images",
        ],
    }
}

impl Rule for PackageManagerInFinalImage {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let inv = ctx.inventory();
        let Some(first) = inv.package_managers.first() else {
            return;
        };
        out.push(ctx.finding(
            &Self::META,
            format!(
                "the final image contains package managers: {}",
                list_tools(&inv.package_managers)
            ),
            ctx.file_location(&first.path, 1, 1),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzers::executables::elf::elf64;
    use crate::checks::testing::{E, image, layer, run};
    use crate::minimal::tests::debian_layer;

    #[test]
    fn package_managers_in_the_final_tree() {
        let f = run(
            &PackageManagerInFinalImage,
            &image(r#"{"Cmd":["bash"]}"#, vec![debian_layer()]),
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].location.file, "img:/usr/bin/apt");
        assert!(
            f[0].message
                .ends_with("/usr/bin/apt, /usr/bin/apt-get, /usr/bin/dpkg"),
            "{}",
            f[0].message
        );
        // pip in a PATH directory of the config.
        let img = image(
            r#"{"Env":["PATH=/opt/venv/bin"]}"#,
            vec![layer(&[E::File(
                "opt/venv/bin/pip3.12",
                b"#!/opt/venv/bin/python\n",
                0o755,
            )])],
        );
        let f = run(&PackageManagerInFinalImage, &img);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("/opt/venv/bin/pip3.12"));
    }

    #[test]
    fn removed_or_not_executable() {
        let apt = elf64(None);
        let l0 = layer(&[
            E::File("usr/bin/apt", &apt, 0o755),
            E::File("usr/bin/dpkg", &apt, 0o755),
            // Not in a program directory, or not executable: not a package manager to run.
            E::File("usr/share/doc/apk", b"x", 0o755),
            E::File("usr/bin/rpm", b"x", 0o644),
        ]);
        let l1 = layer(&[
            E::File("usr/bin/.wh.apt", b"", 0o644),
            E::File("usr/bin/.wh.dpkg", b"", 0o644),
        ]);
        let f = run(&PackageManagerInFinalImage, &image("{}", vec![l0, l1]));
        assert!(f.is_empty(), "{f:#?}");
    }
}
