//! Package inventory (step 6): every OS and language package of an image, a root filesystem or
//! a project directory, with where it was found.
//!
//! - [`model`]: [`Package`], [`Ecosystem`], [`Distro`], [`Inventory`], [`Warning`].
//! - [`catalogers`]: one cataloger per file type (Trivy's analyzer registry, syft's catalogers):
//!   a cheap path test and a parser of the file's bytes; the registry is [`catalogers::CATALOGERS`].
//! - [`analyzer`]: [`PackageAnalyzer`], a `dockguard_image::Analyzer` that runs the catalogers on
//!   every layer's files during the walk and keeps what the final image shows.
//!
//! Parsers never panic on malformed input: they return what they could read and a [`Warning`]
//! naming the file and position.

pub mod analyzer;
pub mod catalogers;
pub mod model;
pub mod sbom;
pub mod sbom_input;

pub use analyzer::{PackageAnalyzer, inventory_of};
pub use model::{Distro, Ecosystem, Inventory, Location, Package, Warning};
