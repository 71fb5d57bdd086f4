//! Reading container images straight from a registry (Docker Registry HTTP API v2 / OCI
//! distribution spec), so that `dockguard image registry.example.com/team/app:1.2` needs no
//! Docker engine and no `docker pull`.
//!
//! - [`open`] parses a reference ([`Reference`]: Docker Hub defaults `docker.io` →
//!   `registry-1.docker.io`, `library/`, `latest`), pings the registry, authenticates,
//!   resolves a multi-platform index to [`OpenOptions::platform`](dockguard_image::OpenOptions)
//!   and returns a [`RegistrySource`], a [`dockguard_image::ImageSource`] whose layers are
//!   streamed blob by blob for [`dockguard_image::walk()`].
//! - Authentication ([`RegistryOptions`]): anonymous, Basic, and the Bearer token flow; the
//!   credentials come from explicit options or from Docker's `config.json` (`auths`,
//!   `credsStore`, `credHelpers`), as `docker pull` finds them.
//! - Transport: HTTPS with the system's root certificates; plain HTTP for `localhost`,
//!   `127.0.0.0/8` and `::1` (Docker's default insecure registries) or when
//!   [`RegistryOptions::plain_http`] says so. Redirects (registries send blobs to storage
//!   hosts) are followed without the `Authorization` header when they leave the host.
//! - Integrity and bounds: manifests and configs are read whole up to
//!   [`Limits::max_json_bytes`](dockguard_image::Limits) and checked against their digests;
//!   layers are streamed, never buffered, through a reader that checks size and digest when
//!   read to the end.

mod auth;
mod client;
pub mod digest;
pub mod error;
pub mod reference;
mod source;

pub use client::RegistryOptions;
pub use digest::{BlobError, Digest};
pub use error::{Error, Result};
pub use reference::Reference;
pub use source::{RegistrySource, open};
