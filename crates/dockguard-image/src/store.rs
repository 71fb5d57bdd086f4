//! Where the files of an image live: members of a tar archive (indexed once, then read by
//! seeking) or files under a directory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::source::SeekRead;

/// Read access to the named files of an image container.
pub(crate) trait Store: Send + Sync {
    /// The archive file or directory, for messages.
    fn container(&self) -> &str;
    fn contains(&self, name: &str) -> bool;
    fn open(&self, name: &str) -> Result<Box<dyn Read + Send>>;
    /// [`Store::open`] as a seekable stream, when the store keeps members in files.
    fn open_seekable(&self, _name: &str) -> Result<Option<Box<dyn SeekRead>>> {
        Ok(None)
    }
}

/// Normalises an archive member name: no leading `./` or `/`, no `.` or empty components.
/// `None` when the name climbs out with `..`.
pub(crate) fn member_name(raw: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// The blob path of a digest (`sha256:ab…` → `blobs/sha256/ab…`), if the digest is well formed.
pub(crate) fn blob_path(digest: &str) -> Option<String> {
    let (alg, hex) = digest.split_once(':')?;
    let alg_ok = !alg.is_empty()
        && alg
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let hex_ok = !hex.is_empty()
        && hex
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-');
    (alg_ok && hex_ok).then(|| format!("blobs/{alg}/{hex}"))
}

/// Reads and parses a JSON member, at most `limit` bytes.
pub(crate) fn read_json<T: DeserializeOwned>(
    store: &dyn Store,
    name: &str,
    limit: u64,
) -> Result<T> {
    let mut data = Vec::new();
    store
        .open(name)?
        .take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|source| Error::Io {
            path: format!("{}: {name}", store.container()),
            source,
        })?;
    if data.len() as u64 > limit {
        return Err(Error::Format {
            container: store.container().to_string(),
            file: name.to_string(),
            message: format!("larger than the limit of {limit} bytes"),
        });
    }
    serde_json::from_slice(&data).map_err(|source| Error::Json {
        container: store.container().to_string(),
        file: name.to_string(),
        source,
    })
}

#[derive(Debug, Clone, Copy)]
struct Member {
    offset: u64,
    size: u64,
}

/// A tar file indexed in one pass: member name → data offset and size.
pub(crate) struct TarStore {
    path: PathBuf,
    label: String,
    members: HashMap<String, Member>,
}

impl TarStore {
    pub(crate) fn index(path: &Path, max_entries: usize) -> Result<TarStore> {
        let label = path.display().to_string();
        let archive_err = |source| Error::Archive {
            archive: label.clone(),
            source,
        };
        let file = File::open(path).map_err(|source| Error::Io {
            path: label.clone(),
            source,
        })?;
        let mut archive = tar::Archive::new(BufReader::new(file));
        let mut members = HashMap::new();
        // Symbolic and hard links between members (docker save links identical layers).
        let mut links: Vec<(String, String)> = Vec::new();
        let mut count = 0usize;
        for entry in archive.entries_with_seek().map_err(archive_err)? {
            let entry = entry.map_err(archive_err)?;
            count += 1;
            if count > max_entries {
                return Err(Error::Format {
                    container: label.clone(),
                    file: String::new(),
                    message: format!("more than {max_entries} members"),
                });
            }
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = member_name(&raw) else {
                continue;
            };
            let kind = entry.header().entry_type();
            if kind.is_file() || kind == tar::EntryType::Continuous {
                members.insert(
                    name,
                    Member {
                        offset: entry.raw_file_position(),
                        size: entry.size(),
                    },
                );
            } else if kind.is_symlink() || kind.is_hard_link() {
                let Some(target) = entry.link_name_bytes() else {
                    continue;
                };
                let target = String::from_utf8_lossy(&target).into_owned();
                let full = if kind.is_symlink() && !target.starts_with('/') {
                    match name.rsplit_once('/') {
                        Some((dir, _)) => format!("{dir}/{target}"),
                        None => target,
                    }
                } else {
                    target
                };
                if let Some(full) = member_name(&full) {
                    links.push((name, full));
                }
            }
        }
        // Resolve link chains a few levels deep.
        for _ in 0..8 {
            let mut progressed = false;
            links.retain(|(name, target)| match members.get(target).copied() {
                Some(m) => {
                    members.insert(name.clone(), m);
                    progressed = true;
                    false
                }
                None => true,
            });
            if !progressed {
                break;
            }
        }
        Ok(TarStore {
            path: path.to_path_buf(),
            label,
            members,
        })
    }
}

impl Store for TarStore {
    fn container(&self) -> &str {
        &self.label
    }

    fn contains(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send>> {
        let (file, member) = self.open_member(name)?;
        Ok(Box::new(Exact {
            inner: file.take(member.size),
            left: member.size,
        }))
    }

    fn open_seekable(&self, name: &str) -> Result<Option<Box<dyn SeekRead>>> {
        let (file, member) = self.open_member(name)?;
        Ok(Some(Box::new(Window {
            file,
            start: member.offset,
            len: member.size,
            pos: 0,
        })))
    }
}

impl TarStore {
    /// The archive file positioned at the start of member `name`.
    fn open_member(&self, name: &str) -> Result<(File, Member)> {
        let member = *self.members.get(name).ok_or_else(|| Error::Missing {
            container: self.label.clone(),
            file: name.to_string(),
        })?;
        let io_err = |source| Error::Io {
            path: format!("{}: {name}", self.label),
            source,
        };
        let mut file = File::open(&self.path).map_err(io_err)?;
        file.seek(SeekFrom::Start(member.offset)).map_err(io_err)?;
        Ok((file, member))
    }
}

/// A member of an archive file as a seekable stream of its own: positions are relative to the
/// member, reads stop at its end, and a file shorter than the tar header said is an error.
struct Window {
    file: File,
    start: u64,
    len: u64,
    pos: u64,
}

impl Read for Window {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside this member",
            ));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Window {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the member"))?;
        // Past the end reads nothing, as for a file.
        self.file
            .seek(SeekFrom::Start(self.start.saturating_add(target)))?;
        self.pos = target;
        Ok(target)
    }
}

/// A member's bytes; a file shorter than the tar header said is an error, not a short read.
struct Exact<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ends inside this member",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Files under a directory (an OCI layout on disk).
pub(crate) struct DirStore {
    root: PathBuf,
    label: String,
}

impl DirStore {
    pub(crate) fn new(root: &Path) -> DirStore {
        DirStore {
            root: root.to_path_buf(),
            label: root.display().to_string(),
        }
    }

    fn file(&self, name: &str) -> Option<PathBuf> {
        let clean = member_name(name)?;
        (!clean.is_empty() && clean == name).then(|| self.root.join(clean))
    }
}

impl Store for DirStore {
    fn container(&self) -> &str {
        &self.label
    }

    fn contains(&self, name: &str) -> bool {
        self.file(name)
            .and_then(|p| std::fs::symlink_metadata(p).ok())
            .is_some_and(|m| m.is_file())
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send>> {
        Ok(Box::new(self.open_file(name)?))
    }

    fn open_seekable(&self, name: &str) -> Result<Option<Box<dyn SeekRead>>> {
        Ok(Some(Box::new(self.open_file(name)?)))
    }
}

impl DirStore {
    fn open_file(&self, name: &str) -> Result<File> {
        // Only regular files: a symbolic link in a layout could point anywhere on the host.
        if !self.contains(name) {
            return Err(Error::Missing {
                container: self.label.clone(),
                file: name.to_string(),
            });
        }
        let path = self.file(name).unwrap_or_default();
        File::open(&path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
    }
}
