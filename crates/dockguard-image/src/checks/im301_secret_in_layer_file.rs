use super::{ImageCtx, Rule, shown};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Runs the secrets scanner on the regular text files of every layer (up to 1 MiB each,
    /// binary files skipped) and reports private keys, cloud credentials and tokens. A secret
    /// in a file that a later layer deletes or overwrites is reported too, as "still shipped
    /// in layer N": the final file system does not show it, but the layer that added it is
    /// part of the image.
    ///
    /// ## Why is this bad?
    /// Everyone who can pull the image can read every layer (`docker save`, registry blob
    /// downloads). Deleting a file in a later `RUN rm` only adds a whiteout; the bytes stay in
    /// the earlier layer forever.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@example.com:org/repo.git && rm /root/.ssh/id_rsa
    /// ```
    ///
    /// ## Fix
    /// Never copy secrets into a layer: use `RUN --mount=type=secret` or `--mount=type=ssh`
    /// for build-time credentials, multi-stage builds that copy only artefacts, and mount
    /// runtime secrets as files. Rotate every credential that was shipped.
    pub struct SecretInLayerFile {
        code: "IM301",
        name: "secret-in-layer-file",
        step: Secrets,
        severity: Critical,
        summary: "A file in an image layer holds a secret",
        references: [Cis "4.10", Dockle "CIS-DI-0010", Cwe "CWE-798", Cwe "CWE-540"],
    }
}

impl Rule for SecretInLayerFile {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for s in ctx.secrets() {
            let message = if s.visible {
                format!(
                    "{} holds {} (`{}`), added in layer {}",
                    shown(&s.path),
                    s.title,
                    s.masked,
                    s.layer
                )
            } else {
                format!(
                    "{} holds {} (`{}`): deleted or replaced by a later layer but still \
                     shipped in layer {}",
                    shown(&s.path),
                    s.title,
                    s.masked,
                    s.layer
                )
            };
            out.push(ctx.finding(
                &Self::META,
                message,
                ctx.file_location(&s.path, s.line, s.column),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    const KEY: &[u8] = b"config\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\nLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n-----END RSA PRIVATE KEY-----\n";

    #[test]
    fn visible_and_deleted_secrets() {
        let l0 = layer(&[E::Dir("etc", 0o755), E::File("etc/key.pem", KEY, 0o600)]);
        let l1 = layer(&[E::File("app/id_rsa", KEY, 0o600)]);
        let l2 = layer(&[E::File("app/.wh.id_rsa", b"", 0o644)]);
        let f = run(&SecretInLayerFile, &image("{}", vec![l0, l1, l2]));
        assert_eq!(f.len(), 2, "{f:#?}");
        let deleted = f
            .iter()
            .find(|f| f.location.file == "img:/app/id_rsa")
            .unwrap();
        assert!(
            deleted.message.contains("still shipped in layer 1"),
            "{}",
            deleted.message
        );
        assert_eq!(deleted.location.line, 2);
        let visible = f
            .iter()
            .find(|f| f.location.file == "img:/etc/key.pem")
            .unwrap();
        assert!(
            !visible.message.contains("still shipped"),
            "{}",
            visible.message
        );
    }

    #[test]
    fn large_files_are_not_scanned() {
        let mut big = KEY.to_vec();
        big.resize(
            (crate::analyzers::secrets::MAX_SECRET_SCAN_SIZE + 1) as usize,
            b'\n',
        );
        let l0 = layer(&[E::File("big.txt", &big, 0o644)]);
        assert!(run(&SecretInLayerFile, &image("{}", vec![l0])).is_empty());
    }
}
