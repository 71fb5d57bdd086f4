//! End to end: an image built by the real Docker engine, saved with `docker save`, walked.
//! Fails (does not skip) when no engine answers.

use std::io::Read;

use dockguard_image::{Analyzer, Entry, EntryKind, Limits, OpenOptions, Result, open, walk};
use dockguard_testsupport::{IMAGE, docker, ensure_image};

#[derive(Default)]
struct Secrets {
    found: Vec<(String, usize, String)>,
}

impl Analyzer for Secrets {
    fn required(&self, path: &str, _: &Entry) -> bool {
        path.ends_with("secret.txt")
    }
    fn analyze(
        &mut self,
        path: &str,
        _: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        let mut text = String::new();
        content
            .read_to_string(&mut text)
            .map_err(|e| dockguard_image::Error::Analyzer(e.to_string()))?;
        self.found.push((path.to_string(), layer, text));
        Ok(())
    }
    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        self.found
            .retain_mut(|(_, layer, _)| map(*layer).map(|l| *layer = l).is_some());
    }
}

#[test]
fn docker_save_of_a_built_image() {
    ensure_image();
    let dir = tempfile::tempdir().unwrap();
    let tag = format!("dg-image-e2e:{}", std::process::id());
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {IMAGE}\n\
             RUN echo AKIAEXAMPLEKEY > /secret.txt && echo hello > /keep.txt\n\
             RUN /bin/busybox rm /secret.txt\n\
             RUN /bin/busybox cp /bin/busybox /suid && /bin/busybox chmod u+s /suid\n"
        ),
    )
    .unwrap();
    let ctx = dir.path().display().to_string();
    docker(&["build", "-q", "--network", "none", "-t", &tag, &ctx]);
    let tar = dir.path().join("image.tar");
    let saved = std::process::Command::new("docker")
        .args(["save", "-o"])
        .arg(&tar)
        .arg(&tag)
        .status()
        .unwrap();
    let _ = docker(&["rmi", "-f", &tag]);
    assert!(saved.success(), "docker save failed");

    let src = open(&tar, &OpenOptions::default()).unwrap();
    assert!(
        src.manifest().names.contains(&tag),
        "{:?}",
        src.manifest().names
    );
    let layers = src.manifest().layers.len();
    assert_eq!(layers, 4, "base + three RUN layers");
    assert!(src.config().history.iter().any(|h| {
        h.created_by
            .as_deref()
            .is_some_and(|c| c.contains("chmod u+s"))
    }));
    let mut secrets = Secrets::default();
    let r = walk(src.as_ref(), &mut [&mut secrets], &Limits::default()).unwrap();
    // The deleted file was seen in layer 1, and is not in the final tree.
    assert_eq!(
        secrets.found,
        [("secret.txt".to_string(), 1, "AKIAEXAMPLEKEY\n".to_string())]
    );
    assert!(r.tree.get("secret.txt").is_none());
    assert_eq!(r.layers[2].whiteouts, 1);
    assert_eq!(r.layers[1].wasted_bytes, 15);
    assert_eq!(r.tree.get("keep.txt").unwrap().layer, 1);
    let suid = r.tree.get("suid").unwrap();
    assert_eq!(suid.kind, EntryKind::File);
    assert!(suid.is_setuid(), "mode {:o}", suid.mode);
    assert_eq!(suid.layer, 3);
    assert_eq!(r.tree.get("bin/sh").unwrap().kind, EntryKind::Symlink);
    assert_eq!(r.tree.resolve("bin/sh").as_deref(), Some("bin/busybox"));
}
