//! Image references as the Docker CLI reads them: `[registry/]repository[:tag][@digest]`,
//! with Docker Hub's defaults (`docker.io`, `library/`, `latest`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use dockguard_dockerfile::model::ImageRef;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Docker Hub's name in references and in `config.json` credentials.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that serves Docker Hub's registry API.
pub const DOCKER_HUB_ENDPOINT: &str = "registry-1.docker.io";
/// The key of Docker Hub credentials in `config.json` and for credential helpers.
pub const DOCKER_HUB_AUTH_KEY: &str = "https://index.docker.io/v1/";

/// A parsed and validated image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The reference as written.
    pub original: String,
    /// `host[:port]` of the registry, [`DOCKER_HUB`] when none is written.
    pub registry: String,
    /// Repository path inside the registry (`library/` added for official Docker Hub images).
    pub repository: String,
    /// The tag; `latest` when neither tag nor digest is written.
    pub tag: Option<String>,
    /// The manifest digest, when written (`@sha256:…`); it wins over the tag.
    pub digest: Option<Digest>,
}

impl Reference {
    /// Parses `text` like `docker pull` does, rejecting what could not be sent in a URL.
    pub fn parse(text: &str) -> Result<Reference> {
        let invalid = |message: String| Error::InvalidReference {
            reference: text.to_string(),
            message,
        };
        if text.is_empty() || text.len() > 4096 || text.chars().any(char::is_whitespace) {
            return Err(invalid("empty, too long or contains spaces".into()));
        }
        let parsed = ImageRef::parse(text);
        let registry = match parsed.registry {
            Some(r) if matches!(r.as_str(), "index.docker.io" | DOCKER_HUB_ENDPOINT) => {
                DOCKER_HUB.to_string()
            }
            Some(r) => r,
            None => DOCKER_HUB.to_string(),
        };
        if !valid_registry(&registry) {
            return Err(invalid(format!("bad registry host {registry}")));
        }
        let mut repository = parsed.repository;
        if !valid_repository(&repository) {
            return Err(invalid(format!(
                "bad repository name {repository:?} (lowercase letters, digits and . _ - / only)"
            )));
        }
        if registry == DOCKER_HUB && !repository.contains('/') {
            repository = format!("library/{repository}");
        }
        if let Some(tag) = &parsed.tag
            && !valid_tag(tag)
        {
            return Err(invalid(format!("bad tag {tag:?}")));
        }
        let digest = match parsed.digest {
            Some(d) => Some(Digest::parse(&d).map_err(invalid)?),
            None => None,
        };
        let tag = match (parsed.tag, &digest) {
            (None, None) => Some("latest".to_string()),
            (tag, _) => tag,
        };
        Ok(Reference {
            original: text.to_string(),
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    /// The host (and port) the registry API is reached at.
    pub fn endpoint_host(&self) -> &str {
        if self.is_docker_hub() {
            DOCKER_HUB_ENDPOINT
        } else {
            &self.registry
        }
    }

    /// The key under which `config.json` and credential helpers keep this registry's
    /// credentials.
    pub fn auth_key(&self) -> &str {
        if self.is_docker_hub() {
            DOCKER_HUB_AUTH_KEY
        } else {
            &self.registry
        }
    }

    /// What the manifest is fetched by: the digest when written, else the tag.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    /// The repository as `docker inspect` names it in `RepoDigests`: Docker Hub images without
    /// `docker.io/` and official ones without `library/`.
    pub fn familiar_repository(&self) -> String {
        if self.is_docker_hub() {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    /// Whether Docker would treat the registry as insecure by default (plain HTTP):
    /// `localhost`, `127.0.0.0/8` and `::1`, any port.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.registry)
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.original)
    }
}

/// Whether `host[:port]` names the local machine: `localhost`, `127.0.0.0/8` or `[::1]`.
pub fn is_loopback_host(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    host.parse::<Ipv6Addr>()
        .is_ok_and(|v6| IpAddr::V6(v6).is_loopback())
}

fn valid_registry(registry: &str) -> bool {
    let (host, port) = if let Some(rest) = registry.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, "")) if v6.parse::<Ipv6Addr>().is_ok() => (None, None),
            Some((v6, port)) if v6.parse::<Ipv6Addr>().is_ok() => match port.strip_prefix(':') {
                Some(p) => (None, Some(p)),
                None => return false,
            },
            _ => return false,
        }
    } else {
        match registry.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(registry), None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = host.is_none_or(|h| {
        !h.is_empty()
            && h.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    });
    port_ok && host_ok
}

/// Path components of lowercase letters and digits, joined by `.`, `_`, `__` or `-` runs.
fn valid_repository(repository: &str) -> bool {
    !repository.is_empty()
        && repository.len() <= 255
        && repository.split('/').all(|component| {
            let bytes = component.as_bytes();
            !bytes.is_empty()
                && bytes[0].is_ascii_alphanumeric()
                && bytes[bytes.len() - 1].is_ascii_alphanumeric()
                && bytes.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                })
        })
}

fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_defaults() {
        let r = Reference::parse("alpine").unwrap();
        assert_eq!(r.registry, "docker.io");
        assert_eq!(r.repository, "library/alpine");
        assert_eq!(r.tag.as_deref(), Some("latest"));
        assert_eq!(r.endpoint_host(), "registry-1.docker.io");
        assert_eq!(r.auth_key(), "https://index.docker.io/v1/");
        assert_eq!(r.familiar_repository(), "alpine");
        assert!(!r.is_loopback());

        let r = Reference::parse("docker.io/bitnami/redis:7.2").unwrap();
        assert_eq!(r.repository, "bitnami/redis");
        assert_eq!(r.familiar_repository(), "bitnami/redis");
        let r = Reference::parse("index.docker.io/library/debian:12").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("docker.io", "library/debian")
        );
    }

    #[test]
    fn private_registries_tags_and_digests() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let r = Reference::parse(&format!("registry.example.com/team/app:1.2@{digest}")).unwrap();
        assert_eq!(r.registry, "registry.example.com");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.manifest_reference(), digest);
        assert_eq!(r.endpoint_host(), "registry.example.com");
        assert_eq!(r.familiar_repository(), "registry.example.com/team/app");

        let r = Reference::parse(&format!("localhost:5000/app@{digest}")).unwrap();
        assert_eq!(r.tag, None);
        assert!(r.is_loopback());
        assert!(
            Reference::parse("127.0.0.2:5000/a/b:c")
                .unwrap()
                .is_loopback()
        );
        assert!(Reference::parse("[::1]:5000/a").unwrap().is_loopback());
        assert!(!Reference::parse("10.0.0.1:5000/a").unwrap().is_loopback());
        assert!(
            !Reference::parse("localhost.example.com/a")
                .unwrap()
                .is_loopback()
        );
    }

    #[test]
    fn rejects_what_cannot_be_a_reference() {
        for bad in [
            "",
            "Upper/Case",
            "a//b",
            "app:bad/tag?x",
            "app:.dot",
            "app@sha256:short",
            "app@md5:0123",
            "host:port:99/app",
            "app/-lead",
            "with space",
            "registry.example.com/../etc",
        ] {
            let err = Reference::parse(bad).expect_err(bad);
            assert!(
                err.to_string().contains("invalid image reference"),
                "{bad}: {err}"
            );
        }
    }
}
