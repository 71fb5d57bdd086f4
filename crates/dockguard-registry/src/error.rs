//! The crate's error type: one line each, naming the image reference.

/// Everything that can go wrong while reading an image from a registry. Every message is one
/// line that starts with the image reference as the user wrote it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The reference is not a valid `[registry/]repository[:tag][@digest]`.
    #[error("{reference}: invalid image reference: {message}")]
    InvalidReference { reference: String, message: String },
    /// The registry could not be reached: connection refused, unknown host, TLS, timeout.
    #[error("{reference}: cannot reach the registry {registry}: {message}")]
    Connect {
        reference: String,
        registry: String,
        message: String,
    },
    /// The registry (or its token service) refused the request for lack of valid credentials.
    #[error("{reference}: unauthorized: {message}")]
    Unauthorized { reference: String, message: String },
    /// The credentials were accepted but do not allow pulling the repository (HTTP 403).
    #[error("{reference}: access denied: {message}")]
    Denied { reference: String, message: String },
    /// Unknown tag, digest, repository or blob (HTTP 404).
    #[error("{reference}: {message}")]
    NotFound { reference: String, message: String },
    /// Any other unexpected HTTP status.
    #[error("{reference}: {what}: HTTP {status}{}", detail(message))]
    Http {
        reference: String,
        what: String,
        status: u16,
        message: String,
    },
    /// A document or blob does not hash to the digest it was asked for.
    #[error("{reference}: {what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        reference: String,
        what: String,
        expected: String,
        actual: String,
    },
    /// A JSON document is larger than [`dockguard_image::Limits::max_json_bytes`].
    #[error("{reference}: {what} is larger than the limit of {limit} bytes")]
    TooLarge {
        reference: String,
        what: String,
        limit: u64,
    },
    /// A document is malformed or unusable: bad JSON, unsupported media type, no image for
    /// the platform.
    #[error("{reference}: {what}: {message}")]
    Format {
        reference: String,
        what: String,
        message: String,
    },
    /// A Docker credential helper (`docker-credential-<name>`) failed.
    #[error("{reference}: credential helper docker-credential-{helper}: {message}")]
    CredentialHelper {
        reference: String,
        helper: String,
        message: String,
    },
    /// Docker's `config.json` could not be read or parsed.
    #[error("{path}: {message}")]
    DockerConfig { path: String, message: String },
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    }
}

/// Short for `std::result::Result<T, dockguard_registry::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
