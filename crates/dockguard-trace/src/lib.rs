//! What a command really does (step 7): a ptrace recorder of every process and thread of a
//! command ([`record`]), producing a [`Trace`]: syscalls by number, files opened / written /
//! mapped executable / executed, sockets, ports bound and the capabilities those imply.

#[cfg(all(feature = "container", unix))]
pub mod container;
pub mod model;
mod observe;
pub mod record;

pub use model::{Exit, FileAccess, RecorderOutput, Socket, Trace};
pub use record::{RecordError, record};
