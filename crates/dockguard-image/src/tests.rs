//! Unit tests: images built in memory with `tar::Builder`.

use std::io::{Read, Write};
use std::path::Path;

use crate::checks::testing::Mem;
use crate::stream::{StreamedImage, read_archive_stream};
use crate::*;

/// One entry of a test layer.
enum E<'a> {
    File(&'a str, &'a [u8], u32),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
}

fn header(kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h
}

fn layer(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        match e {
            E::File(p, data, mode) => {
                let mut h = header(tar::EntryType::Regular, data.len() as u64, *mode);
                b.append_data(&mut h, p, *data).unwrap();
            }
            E::Dir(p) => {
                let mut h = header(tar::EntryType::Directory, 0, 0o755);
                b.append_data(&mut h, p, &[][..]).unwrap();
            }
            E::Symlink(p, t) => {
                let mut h = header(tar::EntryType::Symlink, 0, 0o777);
                b.append_link(&mut h, p, t).unwrap();
            }
            E::Hardlink(p, t) => {
                let mut h = header(tar::EntryType::Link, 0, 0o644);
                b.append_link(&mut h, p, t).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

/// Appends an entry whose name is written raw into the header (bypassing the builder's checks).
fn raw_entry(
    b: &mut tar::Builder<Vec<u8>>,
    name: &[u8],
    kind: tar::EntryType,
    link: &[u8],
    data: &[u8],
) {
    let mut h = header(kind, data.len() as u64, 0o644);
    let gnu = h.as_gnu_mut().unwrap();
    gnu.name[..name.len()].copy_from_slice(name);
    gnu.linkname[..link.len()].copy_from_slice(link);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

const CONFIG: &str = r#"{"architecture":"amd64","os":"linux","config":{"User":"0","Env":["PATH=/bin","AWS_SECRET_ACCESS_KEY=x"],"Labels":null,"ExposedPorts":{"22/tcp":{}},"Volumes":{"/proc":{}},"Healthcheck":{"Test":["CMD","true"],"Interval":1000},"Entrypoint":["/app"],"Cmd":null},"rootfs":{"type":"layers","diff_ids":["sha256:aa","sha256:bb"]},"history":[{"created_by":"/bin/sh -c #(nop) ADD file","empty_layer":false},{"created_by":"ENV A=b","empty_layer":true},{"created_by":"RUN rm /secret"}]}"#;

/// Writes a tar of `members` (name → bytes) to `dir/name`.
fn write_tar(dir: &Path, name: &str, members: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
    let mut b = tar::Builder::new(Vec::new());
    for (n, data) in members {
        let mut h = header(tar::EntryType::Regular, data.len() as u64, 0o644);
        b.append_data(&mut h, n, data.as_slice()).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, b.into_inner().unwrap()).unwrap();
    path
}

fn sha(data: &[u8]) -> String {
    // Not a real digest: the reader only needs well-formed, unique names.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in data {
        h = (h ^ u64::from(*b)).wrapping_mul(0x100000001b3);
    }
    format!("{h:064x}")
}

fn two_layers() -> (Vec<u8>, Vec<u8>) {
    let l0 = layer(&[
        E::Dir("etc/"),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644),
        E::File("secret.pem", b"-----BEGIN PRIVATE KEY-----\n", 0o600),
        E::File("bin/su", b"ELF", 0o4755),
        E::Symlink("bin/sh", "/bin/busybox"),
    ]);
    let l1 = layer(&[
        E::File(".wh.secret.pem", b"", 0o644),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/false\n", 0o644),
    ]);
    (l0, l1)
}

fn legacy_archive(dir: &Path, l0: Vec<u8>, l1: Vec<u8>) -> std::path::PathBuf {
    let manifest =
        r#"[{"Config":"abc.json","RepoTags":["demo:1"],"Layers":["l0/layer.tar","l1/layer.tar"]}]"#;
    write_tar(
        dir,
        "legacy.tar",
        &[
            ("manifest.json", manifest.as_bytes().to_vec()),
            ("abc.json", CONFIG.as_bytes().to_vec()),
            ("l0/layer.tar", l0),
            ("l1/layer.tar", l1),
        ],
    )
}

/// Records what analyzers were shown.
#[derive(Default)]
struct Collect {
    seen: Vec<(String, usize, Vec<u8>)>,
    finished: bool,
}

impl Analyzer for Collect {
    fn required(&self, path: &str, _: &Entry) -> bool {
        path.ends_with(".pem") || path == "etc/passwd"
    }
    fn analyze(
        &mut self,
        path: &str,
        _: &Entry,
        layer: usize,
        content: &mut dyn Read,
    ) -> Result<()> {
        let mut data = Vec::new();
        content
            .read_to_end(&mut data)
            .map_err(|e| Error::Analyzer(e.to_string()))?;
        self.seen.push((path.to_string(), layer, data));
        Ok(())
    }
    fn relabel_layers(&mut self, map: &dyn Fn(usize) -> Option<usize>) {
        self.seen
            .retain_mut(|(_, layer, _)| map(*layer).map(|l| *layer = l).is_some());
    }
    fn finish(&mut self, _: &FileTree) -> Result<()> {
        self.finished = true;
        Ok(())
    }
}

fn check_two_layers(src: &dyn ImageSource) {
    assert_eq!(src.config().config.user.as_deref(), Some("0"));
    assert_eq!(src.manifest().layers.len(), 2);
    let mut a = Collect::default();
    let mut b = Collect::default();
    let r = walk(src, &mut [&mut a, &mut b], &Limits::default()).unwrap();
    check_two_layer_walk(&r, &a, &b);
}

fn check_two_layer_walk(r: &WalkResult, a: &Collect, b: &Collect) {
    assert!(r.tree.get("secret.pem").is_none());
    assert!(r.tree.get("bin/su").unwrap().is_setuid());
    assert_eq!(r.tree.get("etc/passwd").unwrap().layer, 1);
    assert_eq!(r.tree.get("bin").unwrap().kind, EntryKind::Dir);
    assert_eq!(r.tree.resolve("bin/sh").as_deref(), Some("bin/busybox"));
    // The deleted key was still shown, with its layer.
    assert!(
        a.seen
            .iter()
            .any(|(p, l, d)| p == "secret.pem" && *l == 0 && d.starts_with(b"-----BEGIN"))
    );
    assert_eq!(a.seen.len(), 3);
    assert_eq!(a.seen, b.seen);
    assert!(a.finished);
    let wasted = 28 + 26; // secret.pem deleted, first etc/passwd overwritten
    assert_eq!(r.layers[0].wasted_bytes, wasted);
    assert_eq!(r.layers[1].wasted_bytes, 0);
    assert_eq!(r.layers[1].whiteouts, 1);
    assert_eq!(r.wasted_bytes(), wasted);
}

#[test]
fn legacy_docker_save() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    let path = legacy_archive(dir.path(), l0, l1);
    let src = open(&path, &OpenOptions::default()).unwrap();
    assert_eq!(src.manifest().format, SourceFormat::DockerArchive);
    assert_eq!(src.manifest().names, ["demo:1"]);
    assert_eq!(
        src.manifest().layers[1].diff_id.as_deref(),
        Some("sha256:bb")
    );
    let c = src.config();
    assert_eq!(c.config.env.len(), 2);
    assert!(c.config.exposed_ports.contains_key("22/tcp"));
    assert!(c.config.volumes.contains_key("/proc"));
    assert_eq!(c.config.healthcheck.as_ref().unwrap().test, ["CMD", "true"]);
    assert_eq!(
        c.config.entrypoint.as_deref(),
        Some(&["/app".to_string()][..])
    );
    assert!(c.config.cmd.is_none());
    assert!(c.history[1].empty_layer);
    assert_eq!(c.history[2].created_by.as_deref(), Some("RUN rm /secret"));
    check_two_layers(src.as_ref());
}

fn oci_members(l0: Vec<u8>, l1: Vec<u8>, lt0: &str, multi: bool) -> Vec<(String, Vec<u8>)> {
    let cfg = CONFIG.as_bytes().to_vec();
    let (c, d0, d1) = (sha(&cfg), sha(&l0), sha(&l1));
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{c}","size":{}}},"layers":[{{"mediaType":"{lt0}","digest":"sha256:{d0}","size":{}}},{{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:{d1}","size":{}}}]}}"#,
        cfg.len(),
        l0.len(),
        l1.len()
    );
    let m = sha(manifest.as_bytes());
    let mut members = vec![
        (format!("blobs/sha256/{c}"), cfg),
        (format!("blobs/sha256/{d0}"), l0),
        (format!("blobs/sha256/{d1}"), l1),
        (
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        ),
    ];
    let manifest_desc = format!(
        r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{m}","size":{},"platform":{{"os":"linux","architecture":"{}"}}}}"#,
        manifest.len(),
        Platform::host().architecture
    );
    let other = format!(
        r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{}","size":1,"platform":{{"os":"linux","architecture":"s390x"}}}}"#,
        "f".repeat(64)
    );
    members.push((format!("blobs/sha256/{m}"), manifest.into_bytes()));
    let top = if multi {
        // A nested index, the way containerd exports multi-platform images.
        let nested = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{other},{manifest_desc}]}}"#
        );
        let n = sha(nested.as_bytes());
        let top = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:{n}","size":{},"annotations":{{"io.containerd.image.name":"docker.io/library/demo:1"}}}}]}}"#,
            nested.len()
        );
        members.push((format!("blobs/sha256/{n}"), nested.into_bytes()));
        top
    } else {
        format!(r#"{{"schemaVersion":2,"manifests":[{manifest_desc}]}}"#)
    };
    members.push(("index.json".into(), top.into_bytes()));
    members
}

#[test]
fn oci_archive_gzip_zstd_nested_index() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    let members = oci_members(
        gzip(&l0),
        zstd(&l1),
        "application/vnd.oci.image.layer.v1.tar+gzip",
        true,
    );
    let refs: Vec<(&str, Vec<u8>)> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let path = write_tar(dir.path(), "oci.tar", &refs);
    let src = open(&path, &OpenOptions::default()).unwrap();
    assert_eq!(src.manifest().format, SourceFormat::OciArchive);
    assert_eq!(src.manifest().names, ["docker.io/library/demo:1"]);
    check_two_layers(src.as_ref());
    let r = walk(src.as_ref(), &mut [], &Limits::default()).unwrap();
    assert_eq!(r.layers[0].compression, Some(Compression::Gzip));
    assert_eq!(r.layers[1].compression, Some(Compression::Zstd));
    // Selecting by name works; another platform has no blobs here.
    let named = OpenOptions {
        image: Some("docker.io/library/demo:1".into()),
        ..OpenOptions::default()
    };
    assert!(open(&path, &named).is_ok());
    let s390x = OpenOptions {
        platform: Platform::parse("linux/s390x").unwrap(),
        ..OpenOptions::default()
    };
    assert!(matches!(open(&path, &s390x), Err(Error::NoImage { .. })));
}

#[test]
fn oci_directory_layout() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    for (name, data) in oci_members(l0, l1, "application/vnd.oci.image.layer.v1.tar", false) {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    let src = open(dir.path(), &OpenOptions::default()).unwrap();
    assert_eq!(src.manifest().format, SourceFormat::OciDirectory);
    check_two_layers(src.as_ref());
}

#[test]
fn docker25_archive_has_both_documents() {
    // Docker 25+: an OCI layout plus manifest.json pointing at blobs; the index is used.
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    let mut members = oci_members(
        l0.clone(),
        l1.clone(),
        "application/vnd.oci.image.layer.v1.tar",
        false,
    );
    let manifest = format!(
        r#"[{{"Config":"blobs/sha256/{}","RepoTags":["demo:1"],"Layers":["blobs/sha256/{}","blobs/sha256/{}"]}}]"#,
        sha(CONFIG.as_bytes()),
        sha(&l0),
        sha(&l1)
    );
    members.push(("manifest.json".into(), manifest.into_bytes()));
    let refs: Vec<(&str, Vec<u8>)> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let path = write_tar(dir.path(), "d25.tar", &refs);
    let src = open(&path, &OpenOptions::default()).unwrap();
    check_two_layers(src.as_ref());
}

#[test]
fn bad_json_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_tar(
        dir.path(),
        "bad.tar",
        &[
            (
                "manifest.json",
                br#"[{"Config":"c.json","Layers":[]}]"#.to_vec(),
            ),
            ("c.json", b"{\"config\": [".to_vec()),
        ],
    );
    let err = open(&path, &OpenOptions::default()).err().unwrap();
    assert!(
        matches!(&err, Error::Json { file, .. } if file == "c.json"),
        "{err}"
    );
    assert!(err.to_string().contains("c.json"));
    let path = write_tar(
        dir.path(),
        "bad2.tar",
        &[("manifest.json", br#"{"not":"a list"}"#.to_vec())],
    );
    let err = open(&path, &OpenOptions::default()).err().unwrap();
    assert!(err.to_string().contains("manifest.json"), "{err}");
}

#[test]
fn whiteouts_and_opaque_dirs() {
    let l0 = layer(&[
        E::File("a/x", b"1", 0o644),
        E::File("a/y", b"22", 0o644),
        E::File("a/sub/z", b"333", 0o644),
        E::File("b/keep", b"4444", 0o644),
        E::File("c/gone", b"55555", 0o644),
    ]);
    // The opaque marker comes after the new file: order inside a layer does not matter.
    let l1 = layer(&[
        E::File("a/new", b"n", 0o644),
        E::File("a/.wh..wh..opq", b"", 0),
        E::File(".wh.c", b"", 0),
    ]);
    let l2 = layer(&[
        E::File("b/keep", b"x", 0o644),
        E::File("b/.wh.keep", b"", 0),
    ]);
    let r = walk(&Mem::new(vec![l0, l1, l2]), &mut [], &Limits::default()).unwrap();
    let paths: Vec<&str> = r.tree.iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["a", "a/new", "b", "b/keep"]);
    // A whiteout only hides lower layers: b/keep of layer 2 stays.
    assert_eq!(r.tree.get("b/keep").unwrap().layer, 2);
    assert_eq!(r.layers[0].wasted_bytes, 1 + 2 + 3 + 4 + 5);
    assert_eq!(r.layers[1].opaque_dirs, 1);
    assert_eq!(r.layers[0].added_bytes, 15);
}

#[test]
fn hostile_entries() {
    let mut b = tar::Builder::new(Vec::new());
    raw_entry(
        &mut b,
        b"../../etc/evil",
        tar::EntryType::Regular,
        b"",
        b"x",
    );
    raw_entry(&mut b, b"/abs/file", tar::EntryType::Regular, b"", b"y");
    raw_entry(&mut b, b"./dot/file", tar::EntryType::Regular, b"", b"z");
    raw_entry(
        &mut b,
        b"link",
        tar::EntryType::Symlink,
        b"../../../../etc/shadow",
        b"",
    );
    raw_entry(
        &mut b,
        b"hard",
        tar::EntryType::Link,
        b"../../etc/shadow",
        b"",
    );
    raw_entry(&mut b, b"loop1", tar::EntryType::Symlink, b"loop2", b"");
    raw_entry(&mut b, b"loop2", tar::EntryType::Symlink, b"/loop1", b"");
    raw_entry(
        &mut b,
        b"etc/shadow",
        tar::EntryType::Regular,
        b"",
        b"root:!:",
    );
    raw_entry(
        &mut b,
        b"dir/up",
        tar::EntryType::Symlink,
        b"../../../",
        b"",
    );
    let deep = "d/".repeat(300) + "f";
    let mut h = header(tar::EntryType::Regular, 0, 0o644);
    b.append_data(&mut h, &deep, &[][..]).unwrap();
    let l = b.into_inner().unwrap();
    let r = walk(&Mem::new(vec![l]), &mut [], &Limits::default()).unwrap();
    assert!(r.tree.get("abs/file").is_some());
    assert!(r.tree.get("dot/file").is_some());
    assert!(r.tree.iter().all(|(p, _)| !p.contains("..")));
    let kinds: Vec<&AnomalyKind> = r.anomalies.iter().map(|a| &a.kind).collect();
    assert_eq!(
        kinds,
        [
            &AnomalyKind::ParentTraversal,
            &AnomalyKind::HardlinkEscape,
            &AnomalyKind::PathTooDeep
        ]
    );
    assert_eq!(r.tree.resolve("link").as_deref(), Some("etc/shadow"));
    assert_eq!(
        r.tree.resolve("/dir/up/etc/shadow").as_deref(),
        Some("etc/shadow")
    );
    assert_eq!(r.tree.resolve("loop1"), None);
}

#[test]
fn gzip_bomb_is_a_clean_error() {
    let big = vec![0u8; 8 << 20];
    let l = gzip(&layer(&[E::File("zeros", &big, 0o644)]));
    assert!(l.len() < 100_000);
    let limits = Limits {
        max_layer_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = walk(&Mem::new(vec![l]), &mut [], &limits).unwrap_err();
    assert!(
        matches!(err, Error::LayerTooLarge { layer: 0, .. }),
        "{err}"
    );
}

#[test]
fn truncated_tar_names_the_layer() {
    let data = vec![7u8; 10_000];
    let ok = layer(&[E::File("a", b"1", 0o644)]);
    let mut l = layer(&[E::File("big", &data, 0o644), E::File("after", b"x", 0o644)]);
    l.truncate(5_000);
    let err = walk(&Mem::new(vec![ok, l.clone()]), &mut [], &Limits::default()).unwrap_err();
    assert!(matches!(err, Error::Layer { layer: 1, .. }), "{err}");
    assert!(err.to_string().contains("layer 1 (mem1)"), "{err}");
    // Also when an analyzer reads (and swallows errors of) the truncated file.
    struct Swallow;
    impl Analyzer for Swallow {
        fn required(&self, _: &str, _: &Entry) -> bool {
            true
        }
        fn analyze(&mut self, _: &str, _: &Entry, _: usize, c: &mut dyn Read) -> Result<()> {
            let _ = c.read_to_end(&mut Vec::new());
            Ok(())
        }
        fn relabel_layers(&mut self, _: &dyn Fn(usize) -> Option<usize>) {}
    }
    let err = walk(
        &Mem::new(vec![l.clone()]),
        &mut [&mut Swallow],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Layer { layer: 0, .. }), "{err}");
    // And a truncated gzip stream.
    let gz = gzip(&layer(&[E::File("big", &data, 0o644)]));
    let err = walk(
        &Mem::new(vec![gz[..gz.len() / 2].to_vec()]),
        &mut [],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Layer { layer: 0, .. }), "{err}");
}

#[test]
fn garbage_layer_is_an_error() {
    let err = walk(
        &Mem::new(vec![vec![0x55; 3000]]),
        &mut [],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Layer { layer: 0, .. }), "{err}");
}

#[test]
fn entry_cap() {
    let l = layer(&[
        E::File("a", b"", 0o644),
        E::File("b", b"", 0o644),
        E::File("c", b"", 0o644),
    ]);
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    let err = walk(&Mem::new(vec![l]), &mut [], &limits).unwrap_err();
    assert!(
        matches!(err, Error::TooManyEntries { layer: 0, limit: 2 }),
        "{err}"
    );
}

#[test]
fn per_file_read_cap() {
    let l = layer(&[E::File("k.pem", &[b'a'; 5000], 0o644)]);
    let mut a = Collect::default();
    let limits = Limits {
        max_file_read: 100,
        ..Limits::default()
    };
    walk(&Mem::new(vec![l]), &mut [&mut a], &limits).unwrap();
    assert_eq!(a.seen[0].2.len(), 100);
}

#[test]
fn hundred_thousand_files_streamed() {
    // Built as a stream of headers so the test itself stays small; the walker never holds the
    // layer, only the tree.
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..100_000u32 {
        let mut h = header(tar::EntryType::Regular, 1, 0o644);
        b.append_data(&mut h, format!("d{}/f{i}", i % 100), &b"x"[..])
            .unwrap();
    }
    let l = zstd(&b.into_inner().unwrap());
    let r = walk(&Mem::new(vec![l]), &mut [], &Limits::default()).unwrap();
    assert_eq!(r.tree.len(), 100_100);
    assert_eq!(r.layers[0].entries, 100_000);
    assert_eq!(r.layers[0].added_bytes, 100_000);
}

#[test]
fn hardlinks_and_special_files() {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = header(tar::EntryType::Fifo, 0, 0o600);
    b.append_data(&mut h, "run/fifo", &[][..]).unwrap();
    let mut h = header(tar::EntryType::Char, 0, 0o666);
    b.append_data(&mut h, "dev/null", &[][..]).unwrap();
    let l = b.into_inner().unwrap();
    let l2 = layer(&[
        E::File("bin/a", b"abc", 0o755),
        E::Hardlink("bin/b", "/bin/a"),
    ]);
    let r = walk(&Mem::new(vec![l, l2]), &mut [], &Limits::default()).unwrap();
    assert_eq!(r.tree.get("run/fifo").unwrap().kind, EntryKind::Fifo);
    assert_eq!(r.tree.get("dev/null").unwrap().kind, EntryKind::Char);
    let hard = r.tree.get("bin/b").unwrap();
    assert_eq!(
        (hard.kind, hard.link.as_deref()),
        (EntryKind::Hardlink, Some("bin/a"))
    );
}

#[test]
fn rootfs_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/passwd"), "root:x:0:0\n").unwrap();
    std::fs::write(root.join("su"), "ELF").unwrap();
    std::fs::set_permissions(root.join("su"), std::fs::Permissions::from_mode(0o4755)).unwrap();
    std::fs::hard_link(root.join("su"), root.join("su2")).unwrap();
    std::os::unix::fs::symlink("/", root.join("hostroot")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("etclink")).unwrap();
    let src = open(root, &OpenOptions::default()).unwrap();
    assert_eq!(src.manifest().format, SourceFormat::RootfsDirectory);
    let mut a = Collect::default();
    let r = walk(src.as_ref(), &mut [&mut a], &Limits::default()).unwrap();
    assert!(r.tree.get("su").unwrap().is_setuid());
    assert_eq!(r.tree.get("su2").unwrap().kind, EntryKind::Hardlink);
    assert_eq!(r.tree.get("hostroot").unwrap().kind, EntryKind::Symlink);
    // Symbolic links are not followed: nothing of the host's / is walked.
    assert_eq!(r.tree.len(), 6);
    assert_eq!(
        r.tree.resolve("etclink/passwd").as_deref(),
        Some("etc/passwd")
    );
    assert_eq!(
        a.seen,
        [("etc/passwd".to_string(), 0, b"root:x:0:0\n".to_vec())]
    );
}

#[test]
fn platform_parsing() {
    let p = Platform::parse("linux/arm64/v8").unwrap();
    assert!(p.matches(&Platform::parse("linux/arm64").unwrap()));
    assert!(!p.matches(&Platform::parse("linux/amd64").unwrap()));
    assert!(
        !Platform::parse("linux/arm/v7")
            .unwrap()
            .matches(&Platform::parse("linux/arm/v6").unwrap())
    );
    assert_eq!(p.to_string(), "linux/arm64/v8");
    assert!(Platform::parse("linux").is_none());
}

/// Reads an archive file as the one-way stream an engine export is.
fn stream(path: &Path, a: &mut Collect, b: &mut Collect) -> Result<StreamedImage> {
    let file = std::fs::File::open(path).unwrap();
    read_archive_stream(file, "stream", &mut [a, b], &OpenOptions::default())
}

#[test]
fn streamed_archives_match_the_file_reader() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    // Legacy layout with the upper layer first and the manifest last, as `docker save` sorts.
    let manifest =
        r#"[{"Config":"abc.json","RepoTags":["demo:1"],"Layers":["z0/layer.tar","a1/layer.tar"]}]"#;
    let legacy = write_tar(
        dir.path(),
        "legacy.tar",
        &[
            ("a1/VERSION", b"1.0".to_vec()),
            ("a1/json", br#"{"id":"a1","parent":"z0"}"#.to_vec()),
            ("a1/layer.tar", l1.clone()),
            ("abc.json", CONFIG.as_bytes().to_vec()),
            ("z0/layer.tar", l0.clone()),
            ("manifest.json", manifest.as_bytes().to_vec()),
            ("repositories", br#"{"demo":{"1":"a1"}}"#.to_vec()),
        ],
    );
    let oci: Vec<(String, Vec<u8>)> = oci_members(
        gzip(&l0),
        zstd(&l1),
        "application/vnd.oci.image.layer.v1.tar+gzip",
        true,
    );
    let refs: Vec<(&str, Vec<u8>)> = oci.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    let oci = write_tar(dir.path(), "oci.tar", &refs);
    for path in [legacy, oci] {
        let (mut a, mut b) = (Collect::default(), Collect::default());
        let streamed = stream(&path, &mut a, &mut b).unwrap();
        assert_eq!(streamed.config.config.user.as_deref(), Some("0"));
        assert_eq!(streamed.manifest.layers.len(), 2);
        check_two_layer_walk(&streamed.result, &a, &b);
        // The same tree and statistics as the seeking reader.
        let src = open(&path, &OpenOptions::default()).unwrap();
        let r = walk(src.as_ref(), &mut [], &Limits::default()).unwrap();
        assert_eq!(r.layers, streamed.result.layers);
        let entries = |t: &FileTree| -> Vec<(String, Entry)> {
            t.iter().map(|(p, e)| (p.to_string(), e.clone())).collect()
        };
        assert_eq!(entries(&r.tree), entries(&streamed.result.tree));
    }
}

#[test]
fn streamed_repeated_layer_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    let manifest = r#"[{"Config":"c.json","RepoTags":[],"Layers":["b0/layer.tar","c1/layer.tar","a2/layer.tar"]}]"#;
    let mut builder = tar::Builder::new(Vec::new());
    // The third layer repeats the first: docker save links it, before the target arrives.
    let mut h = header(tar::EntryType::Symlink, 0, 0o777);
    builder
        .append_link(&mut h, "a2/layer.tar", "../b0/layer.tar")
        .unwrap();
    for (name, data) in [
        ("b0/layer.tar", l0),
        ("c.json", CONFIG.as_bytes().to_vec()),
        ("c1/layer.tar", l1),
        ("manifest.json", manifest.as_bytes().to_vec()),
    ] {
        let mut h = header(tar::EntryType::Regular, data.len() as u64, 0o644);
        builder.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    let path = dir.path().join("repeat.tar");
    std::fs::write(&path, builder.into_inner().unwrap()).unwrap();
    let (mut a, mut b) = (Collect::default(), Collect::default());
    let streamed = stream(&path, &mut a, &mut b).unwrap();
    let tree = &streamed.result.tree;
    // The key deleted by layer 1 comes back with layer 2, and is reported there.
    assert_eq!(tree.get("secret.pem").unwrap().layer, 2);
    assert!(a.seen.iter().any(|(p, l, _)| p == "secret.pem" && *l == 2));
    assert_eq!(streamed.result.layers.len(), 3);
    let src = open(&path, &OpenOptions::default()).unwrap();
    let r = walk(src.as_ref(), &mut [], &Limits::default()).unwrap();
    assert_eq!(r.layers, streamed.result.layers);
}

#[test]
fn streamed_errors_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (l0, l1) = two_layers();
    let legacy = legacy_archive(dir.path(), l0.clone(), l1);
    let data = std::fs::read(&legacy).unwrap();
    // Cut inside the second layer: an error naming it, no panic.
    let cut = dir.path().join("cut.tar");
    std::fs::write(&cut, &data[..data.len() - 1500]).unwrap();
    let (mut a, mut b) = (Collect::default(), Collect::default());
    let err = stream(&cut, &mut a, &mut b)
        .err()
        .expect("a truncated stream fails");
    assert!(
        matches!(err, Error::Layer { .. } | Error::Archive { .. }),
        "{err}"
    );
    // A layer the manifest names but the stream lacks.
    let manifest = r#"[{"Config":"abc.json","Layers":["l0/layer.tar","gone/layer.tar"]}]"#;
    let missing = write_tar(
        dir.path(),
        "missing.tar",
        &[
            ("l0/layer.tar", l0),
            ("abc.json", CONFIG.as_bytes().to_vec()),
            ("manifest.json", manifest.as_bytes().to_vec()),
        ],
    );
    let err = stream(&missing, &mut a, &mut b)
        .err()
        .expect("missing layer");
    assert!(err.to_string().contains("gone/layer.tar"), "{err}");
    // Not an image at all.
    let other = write_tar(dir.path(), "other.tar", &[("readme", b"hi".to_vec())]);
    let err = stream(&other, &mut a, &mut b).err().expect("not an image");
    assert!(err.to_string().contains("not an image archive"), "{err}");
}

#[test]
fn seekable_layers_skip_large_files_by_seeking() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![0u8; 3 << 20];
    let l0 = layer(&[
        E::File("big.bin", &big, 0o644),
        E::File("small.bin", &[0u8; 1000], 0o644),
        E::File("key.pem", b"-----BEGIN PRIVATE KEY-----\n", 0o600),
        E::File("big2.bin", &big[..(1 << 20) + 7], 0o644),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n", 0o644),
    ]);
    let (_, l1) = two_layers();
    let path = legacy_archive(dir.path(), l0, l1);
    let src = open(&path, &OpenOptions::default()).unwrap();
    assert!(matches!(
        src.open_layer(0).unwrap(),
        LayerStream::SeekableTar(_)
    ));
    let (mut a, mut b) = (Collect::default(), Collect::default());
    let r = walk(src.as_ref(), &mut [&mut a, &mut b], &Limits::default()).unwrap();
    let seen: Vec<(&str, usize)> = a.seen.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(
        seen,
        [("key.pem", 0), ("etc/passwd", 0), ("etc/passwd", 1)],
        "{seen:?}"
    );
    assert_eq!(r.tree.get("big2.bin").unwrap().size, (1 << 20) + 7);
    // The same tree, statistics and analyzer view as reading the archive as a stream.
    let (mut c, mut d) = (Collect::default(), Collect::default());
    let streamed = stream(&path, &mut c, &mut d).unwrap();
    assert_eq!(streamed.result.layers, r.layers);
    assert_eq!(c.seen, a.seen);
}
