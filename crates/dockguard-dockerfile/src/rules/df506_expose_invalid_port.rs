use super::common_c::{expose_specs, split_port};
use super::{Ctx, Diagnostic, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE` entries that are not a valid container port: a port or range outside
    /// 0–65535, a reversed range (`9000-8000`), a protocol other than `tcp`, `udp` or `sctp`, a
    /// non-numeric port, and `ip:host:container` or `host:container` mappings. Variables are
    /// expanded first; entries that depend on build arguments without defaults are skipped.
    ///
    /// ## Why is this bad?
    /// BuildKit fails on invalid ports and protocols, and ignores host mappings with a warning
    /// (they will become errors): publishing is decided by `docker run -p`, not by the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000
    /// EXPOSE 127.0.0.1:8080:80
    /// ```
    ///
    /// ## Fix
    /// Expose container ports only: `EXPOSE 8080` or `EXPOSE 8000-8010/udp`, and publish them with
    /// `docker run -p 127.0.0.1:8080:80`.
    pub struct ExposeInvalidPort {
        code: "DF506",
        name: "expose-invalid-port",
        step: TrustedImages,
        severity: Medium,
        summary: "EXPOSE with an invalid port, protocol or host mapping",
        references: [Hadolint "DL3011", Trivy "DS-0008", Buildkit "ExposeInvalidFormat"],
    }
}

fn port_problem(spec: &str) -> Option<String> {
    let p = split_port(spec);
    if p.mapping.is_some() {
        return Some(format!(
            "`EXPOSE {spec}` maps an IP or host port; EXPOSE takes container ports only, publish with `docker run -p`"
        ));
    }
    if let Some(proto) = p.proto
        && !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp")
    {
        return Some(format!(
            "`EXPOSE {spec}`: protocol `{proto}` is not tcp, udp or sctp"
        ));
    }
    if p.ports.is_empty() {
        return Some(format!("`EXPOSE {spec}` has no port"));
    }
    let (start, end) = match p.ports.split_once('-') {
        Some((s, e)) if s != e => (s, Some(e)),
        Some((s, _)) => (s, None),
        None => (p.ports, None),
    };
    let number = |n: &str| -> Result<u64, String> {
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`EXPOSE {spec}`: `{n}` is not a port number"));
        }
        match n.parse::<u64>() {
            Ok(v) if v <= 65535 => Ok(v),
            _ => Err(format!(
                "`EXPOSE {spec}`: port {n} is outside the valid range 0-65535"
            )),
        }
    };
    let s = match number(start) {
        Ok(v) => v,
        Err(m) => return Some(m),
    };
    if let Some(e) = end {
        match number(e) {
            Ok(v) if v < s => return Some(format!("`EXPOSE {spec}`: the range is reversed")),
            Ok(_) => {}
            Err(m) => return Some(m),
        }
    }
    None
}

impl Rule for ExposeInvalidPort {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>) {
        for (word, spec) in expose_specs(ctx) {
            if let Some(message) = port_problem(&spec) {
                out.push(Diagnostic::new(word.span.clone(), message));
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
        testing::check_fixtures(&ExposeInvalidPort);
    }

    #[test]
    fn specs() {
        for ok in [
            "80",
            "80/tcp",
            "53/UDP",
            "8000-8010",
            "8000-8010/udp",
            "0",
            "65535",
            "9/sctp",
        ] {
            assert!(port_problem(ok).is_none(), "{ok}");
        }
        for bad in [
            "65536",
            "80/http",
            "8080:80",
            "127.0.0.1:8080:80",
            "9000-8000",
            "80-",
            "abc",
            "1-70000",
            "/tcp",
        ] {
            assert!(port_problem(bad).is_some(), "{bad}");
        }
    }
}
