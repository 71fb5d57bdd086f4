/// An image reference split into its parts: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub full: String,
    /// Registry host when written explicitly (`ghcr.io`, `localhost:5000`).
    pub registry: Option<String>,
    /// Repository path without the registry (`library/python` is written `python`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (name_tag, digest) = match reference.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (reference, None),
        };
        let (registry, path) = match name_tag.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_string()), rest)
            }
            _ => (None, name_tag),
        };
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(i) => (
                path[..last_slash + i].to_string(),
                Some(path[last_slash + i + 1..].to_string()),
            ),
            None => (path.to_string(), None),
        };
        ImageRef {
            full: reference.to_string(),
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// Whether the image comes from one of the trusted registry patterns (`*` wildcards at
    /// either end). Docker Hub's web name `hub.docker.com` also trusts images without a
    /// registry, as hadolint accepts it.
    pub fn is_trusted(&self, patterns: &[String]) -> bool {
        let registry = self.effective_registry();
        patterns.iter().any(|p| {
            registry_matches(p, registry)
                || self.registry.is_none() && p.trim().eq_ignore_ascii_case("hub.docker.com")
        })
    }

    /// The registry the image is pulled from, Docker Hub when none is written.
    pub fn effective_registry(&self) -> &str {
        self.registry.as_deref().unwrap_or("docker.io")
    }

    /// Whether the image is an official Docker Hub image (`python`, `library/python`).
    pub fn is_docker_official(&self) -> bool {
        matches!(
            self.effective_registry(),
            "docker.io" | "index.docker.io" | "registry-1.docker.io"
        ) && (!self.repository.contains('/') || self.repository.starts_with("library/"))
    }
}

/// Whether `registry` matches a trusted pattern: exact, or with a leading/trailing `*`.
pub fn registry_matches(pattern: &str, registry: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let registry = registry.to_ascii_lowercase();
    let docker_hub =
        |r: &str| matches!(r, "docker.io" | "index.docker.io" | "registry-1.docker.io");
    if docker_hub(&pattern) && docker_hub(&registry) {
        return true;
    }
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(suffix), _) => registry.ends_with(suffix),
        (_, Some(prefix)) => registry.starts_with(prefix),
        _ => pattern == registry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("python:3.12-slim");
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag.as_deref()),
            (None, "python", Some("3.12-slim"))
        );
        let r = ImageRef::parse("localhost:5000/team/app:1.0@sha256:abc");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("ghcr.io/org/img");
        assert_eq!(
            (r.effective_registry(), r.tag.as_deref()),
            ("ghcr.io", None)
        );
        assert!(ImageRef::parse("library/debian:12").is_docker_official());
        assert!(!ImageRef::parse("bitnami/redis").is_docker_official());
    }

    #[test]
    fn registry_patterns() {
        assert!(registry_matches("*.gcr.io", "eu.gcr.io"));
        assert!(registry_matches("docker.io", "index.docker.io"));
        assert!(registry_matches("registry.corp*", "registry.corp.example"));
        assert!(!registry_matches("ghcr.io", "evil.io"));
    }
}
