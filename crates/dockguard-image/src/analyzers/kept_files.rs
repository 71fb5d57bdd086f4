//! Keeps the final contents of the small well-known files that rules parse: account
//! databases, release files.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use crate::error::Result;
use crate::walk::{Analyzer, Entry, EntryKind, FileTree};

/// The files kept (normalised paths, no leading `/`).
pub const KEPT_PATHS: &[&str] = &[
    "etc/passwd",
    "etc/group",
    "etc/shadow",
    "etc/gshadow",
    "etc/os-release",
    "usr/lib/os-release",
    "etc/alpine-release",
    "etc/debian_version",
    "etc/redhat-release",
    "etc/lsb-release",
];

/// Bytes kept of copies outside [`KEPT_PATHS`] whose name matches one of them: the targets of
/// links such as `/etc/passwd` → `/nix/store/…/passwd` (the link is resolved only after the
/// walk, so such files are kept while the budget lasts).
pub const MAX_ELSEWHERE_BYTES: u64 = 16 << 20;

/// Bytes kept of one file; longer files are cut (account databases of images are far smaller).
pub const MAX_KEPT_BYTES: u64 = 1 << 20;

/// Final contents of [`KEPT_PATHS`], looked up through the image's symbolic links (so
/// `/etc/os-release` → `../usr/lib/os-release` works).
#[derive(Default)]
pub struct KeptFiles {
    /// Every copy read: (path, layer) → content.
    copies: HashMap<(String, usize), Vec<u8>>,
    /// After the walk: wanted path → final content.
    visible: BTreeMap<String, Vec<u8>>,
    /// Bytes kept so far of files outside [`KEPT_PATHS`].
    elsewhere_bytes: u64,
}

impl KeptFiles {
    /// The final content of `path` (`etc/passwd` or `/etc/passwd`), if the image has it.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.visible
            .get(path.trim_start_matches('/'))
            .map(Vec::as_slice)
    }

    /// [`KeptFiles::get`] as text (invalid UTF-8 replaced).
    pub fn text(&self, path: &str) -> Option<String> {
        self.get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Test helper and source of files found outside the walk: sets a final content.
    pub fn insert(&mut self, path: &str, content: &[u8]) {
        self.visible
            .insert(path.trim_start_matches('/').to_string(), content.to_vec());
    }
}

impl Analyzer for KeptFiles {
    fn required(&self, path: &str, entry: &Entry) -> bool {
        if entry.kind != EntryKind::File {
            return false;
        }
        if KEPT_PATHS.contains(&path) {
            return true;
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        KEPT_PATHS
            .iter()
            .any(|k| k.rsplit('/').next() == Some(base))
            && self.elsewhere_bytes + entry.size.min(MAX_KEPT_BYTES) <= MAX_ELSEWHERE_BYTES
    }

    fn analyze(
        &mut self,
        path: &str,
        _entry: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        let mut data = Vec::new();
        super::read_capped(path, content, MAX_KEPT_BYTES, &mut data)?;
        if !KEPT_PATHS.contains(&path) {
            self.elsewhere_bytes += data.len() as u64;
        }
        self.copies.insert((path.to_string(), layer), data);
        Ok(())
    }

    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        super::relabel_copies(&mut self.copies, map);
    }

    fn finish(&mut self, tree: &FileTree) -> Result<()> {
        for wanted in KEPT_PATHS {
            let Some(mut path) = tree.resolve(wanted) else {
                continue;
            };
            let mut entry = tree.get(&path);
            // One hard link hop: the target holds the content.
            if let Some(Entry {
                kind: EntryKind::Hardlink,
                link: Some(target),
                ..
            }) = entry
            {
                path = target.clone();
                entry = tree.get(&path);
            }
            if let Some(e) = entry.filter(|e| e.kind == EntryKind::File)
                && let Some(data) = self.copies.get(&(path.clone(), e.layer))
            {
                self.visible.insert((*wanted).to_string(), data.clone());
            }
        }
        self.copies.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{E, image, layer};
    use crate::walk::{Limits, walk};

    use super::*;

    #[test]
    fn final_content_through_symlinks_and_later_layers() {
        let l0 = layer(&[
            E::Symlink("etc/os-release", "../usr/lib/os-release"),
            E::File("usr/lib/os-release", b"ID=old\n", 0o644),
        ]);
        let l1 = layer(&[
            E::File("usr/lib/os-release", b"ID=debian\n", 0o644),
            E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644),
        ]);
        let l2 = layer(&[E::File(".wh.etc", b"", 0o644)]);
        let img = image("{}", vec![l0, l1.clone()]);
        let mut kept = KeptFiles::default();
        walk(&img, &mut [&mut kept], &Limits::default()).unwrap();
        assert_eq!(kept.text("/etc/os-release").as_deref(), Some("ID=debian\n"));
        assert_eq!(kept.get("usr/lib/os-release"), Some(&b"ID=debian\n"[..]));
        assert!(kept.get("etc/passwd").is_some());
        // A link out of /etc to a file of the same name elsewhere (Nix images).
        let nix = layer(&[
            E::Symlink("etc/passwd", "/nix/store/abc-users/passwd"),
            E::File(
                "nix/store/abc-users/passwd",
                b"root:x:0:0::/root:/bin/sh\n",
                0o644,
            ),
            E::File("nix/store/abc-users/other", b"x", 0o644),
        ]);
        let mut kept = KeptFiles::default();
        walk(
            &image("{}", vec![nix]),
            &mut [&mut kept],
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            kept.get("etc/passwd"),
            Some(&b"root:x:0:0::/root:/bin/sh\n"[..])
        );
        // A later layer deletes /etc: nothing of it is kept.
        let img = image("{}", vec![l1, l2]);
        let mut kept = KeptFiles::default();
        walk(&img, &mut [&mut kept], &Limits::default()).unwrap();
        assert!(kept.get("etc/passwd").is_none());
    }
}
