//! Alpine and Wolfi packages from the apk database `lib/apk/db/installed`.
//!
//! The file is a list of blocks separated by blank lines, one `X:value` line per field (the
//! key is one character). Read per block:
//!
//! - `P:` name, `V:` version (as written: `1.36.1-r29`), `A:` architecture;
//! - `o:` origin, the source package advisories are keyed by (`ssl_client` → `busybox`); the
//!   source version is the package's version; without `o:` the source is the package itself;
//! - `L:` licence, kept as one string as written (recent Alpine writes SPDX expressions such
//!   as `MIT AND BSD-2-Clause`);
//! - `F:` directory and the `R:` file lines after it → the files the package owns
//!   (`F:usr/bin` + `R:ssl_client` → `usr/bin/ssl_client`);
//! - `D:` dependencies: version constraints (`>=`, `=`, `~`, `<`, `>`) removed, conflicts
//!   (`!name`) dropped, and virtual names (`so:libc.musl-x86_64.so.1`, `cmd:sh`, `pc:zlib`,
//!   `/bin/sh`) resolved to the installed package whose `p:` (provides) lists them, or dropped
//!   when no installed package provides them.
//!
//! Other fields (checksums, sizes, maintainer, commit, file attributes) are ignored.

use std::collections::HashMap;

use super::dpkg_status::warn_capped;
use super::{Cataloger, Parsed};
use crate::model::{Ecosystem, Package};

pub struct Apk;

const INSTALLED: &str = "lib/apk/db/installed";

impl Cataloger for Apk {
    fn name(&self) -> &'static str {
        "apk-installed"
    }

    fn wants(&self, path: &str) -> bool {
        path == INSTALLED
    }

    fn parse(&self, path: &str, content: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let text = String::from_utf8_lossy(content);
        let mut blocks: Vec<Block> = Vec::new();
        let mut current = Block::default();
        for (i, raw) in text.lines().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.trim().is_empty() {
                finish(path, std::mem::take(&mut current), &mut blocks, &mut parsed);
                continue;
            }
            let Some((key, value)) = line.split_once(':').filter(|(k, _)| k.len() == 1) else {
                warn_capped(&mut parsed, path, Some(number), "line is not `X:value`");
                continue;
            };
            if current.line == 0 {
                current.line = number;
            }
            let value = value.trim();
            match key {
                "P" => current.package.name = value.to_string(),
                "V" => current.package.version = value.to_string(),
                "A" => current.package.arch = Some(value.to_string()).filter(|a| !a.is_empty()),
                "o" => {
                    current.package.source_name = Some(value.to_string()).filter(|o| !o.is_empty())
                }
                "L" if !value.is_empty() => current.package.licenses.push(value.to_string()),
                "F" => current.dir = value.trim_matches('/').to_string(),
                "R" if !value.is_empty() => {
                    let file = if current.dir.is_empty() {
                        value.to_string()
                    } else {
                        format!("{}/{value}", current.dir)
                    };
                    current.package.files.push(file);
                }
                "D" => current
                    .depends
                    .extend(value.split_whitespace().map(str::to_string)),
                "p" => current.provides.extend(
                    value
                        .split_whitespace()
                        .map(|t| strip_constraint(t).to_string()),
                ),
                _ => {}
            }
        }
        finish(path, current, &mut blocks, &mut parsed);
        resolve_dependencies(&mut blocks);
        parsed.packages = blocks.into_iter().map(|b| b.package).collect();
        parsed
    }
}

/// One block being read.
struct Block {
    /// First line, 0 until a field is read.
    line: u32,
    package: Package,
    /// The last `F:` directory.
    dir: String,
    depends: Vec<String>,
    provides: Vec<String>,
}

impl Default for Block {
    fn default() -> Self {
        Block {
            line: 0,
            package: Package::new(Ecosystem::Apk, "", ""),
            dir: String::new(),
            depends: Vec::new(),
            provides: Vec::new(),
        }
    }
}

/// Keeps a finished block if it names a package and a version.
fn finish(path: &str, mut block: Block, blocks: &mut Vec<Block>, parsed: &mut Parsed) {
    if block.line == 0 {
        return;
    }
    let p = &mut block.package;
    if p.name.is_empty() || p.version.is_empty() {
        let message = if p.name.is_empty() {
            "package block without `P:`".to_string()
        } else {
            format!("package `{}` has no `V:`", p.name)
        };
        warn_capped(parsed, path, Some(block.line), &message);
        return;
    }
    if p.source_name.is_none() {
        p.source_name = Some(p.name.clone());
    }
    p.source_version = Some(p.version.clone());
    blocks.push(block);
}

/// `busybox>=1.36` → `busybox`, `so:libc.musl-x86_64.so.1=1` → `so:libc.musl-x86_64.so.1`.
fn strip_constraint(token: &str) -> &str {
    token.split(['<', '>', '=', '~']).next().unwrap_or(token)
}

/// Turns each block's `D:` tokens into the names of the installed packages they designate.
fn resolve_dependencies(blocks: &mut [Block]) {
    let mut provider: HashMap<String, String> = HashMap::new();
    for b in blocks.iter() {
        for virt in &b.provides {
            provider
                .entry(virt.clone())
                .or_insert_with(|| b.package.name.clone());
        }
    }
    for b in blocks.iter() {
        provider.insert(b.package.name.clone(), b.package.name.clone());
    }
    for b in blocks.iter_mut() {
        let mut deps: Vec<String> = Vec::new();
        for token in &b.depends {
            if token.starts_with('!') {
                continue;
            }
            let Some(name) = provider.get(strip_constraint(token)) else {
                continue;
            };
            if name != &b.package.name && !deps.contains(name) {
                deps.push(name.clone());
            }
        }
        b.package.dependencies = deps;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From an Alpine 3.20 `lib/apk/db/installed` (some packages and file entries left out).
    const ALPINE_320: &str = "\
C:Q1zHGJ3PdHW/tYHZ9F3TNRXKBnSJE=
P:musl
V:1.2.5-r0
A:x86_64
S:411323
I:641024
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1712142716
c:b0bd3e7c58ecd3fce4d2c1b15bc5e5e1b66d8df2
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1mvrE3IHuj0MMKnqqpT5tqJa+vRs=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1cBNmYRCZwHnGAfJ+YkSQrGcH8pk=
P:busybox
V:1.36.1-r29
A:x86_64
S:509888
I:926720
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1717003226
c:1b5e4e5f0c7fc6e6f0e1e4fd7a2a21b3a6a4d5b6
D:so:libc.musl-x86_64.so.1
p:cmd:busybox=1.36.1-r29
r:busybox-initscripts
F:bin
R:busybox
a:0:0:755
Z:Q1WeBBzOXHyTdBUGBcmj7/cWcJgmE=
F:etc
R:securetty
Z:Q1mB95Hq2NUGc0rXvP9TvHnwRl6Ts=
R:udhcpd.conf
Z:Q1EgLFjj67ou3XMKG7XuMTjXcgaN4=

C:Q1EpOzBt8fAEbrdnuQ1wCUKKlhb0M=
P:libcrypto3
V:3.3.1-r0
A:x86_64
S:1743880
I:4644864
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1717424153
c:4f1f9bd3bbf9c3e5e8b6e1b1d0c8b6d3c9e3a3f1
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
r:libcrypto1.1
F:usr
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1mrRn2dvyVBiGGwwq4CqhbBhbhP0=

C:Q1dBv6Ahe5KXbnlbY2xrDeXdYxr6c=
P:libssl3
V:3.3.1-r0
A:x86_64
S:346024
I:798720
T:SSL shared libraries
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1717424153
c:4f1f9bd3bbf9c3e5e8b6e1b1d0c8b6d3c9e3a3f1
D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3
p:so:libssl.so.3=3
r:openssl
F:usr
F:usr/lib
R:libssl.so.3
a:0:0:755
Z:Q1aUe2YBbqNcXm5TvNsMD3r0Ag7Ks=

C:Q1gTaH2oAfBdk9mKBA7c7ZrWzSbQI=
P:ssl_client
V:1.36.1-r29
A:x86_64
S:4957
I:14336
T:EXternal ssl_client for busybox wget
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1717003226
c:1b5e4e5f0c7fc6e6f0e1e4fd7a2a21b3a6a4d5b6
D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3
p:cmd:ssl_client=1.36.1-r29
i:busybox=1.36.1-r29 libssl3
r:busybox-initscripts
F:usr
F:usr/bin
R:ssl_client
a:0:0:755
Z:Q1yJk4HQNNqEBC0F4Pv/0LiIbBVhU=

C:Q1Lm5tAqHLpRJp0sZzjsRWDyY2ngA=
P:alpine-baselayout
V:3.6.5-r0
A:x86_64
L:GPL-2.0-only
o:alpine-baselayout
D:alpine-baselayout-data=3.6.5-r0 /bin/sh !alpine-baselayout-legacy
F:etc
R:profile

C:Q1oU0A8Vdl+fm4UXXfjbL3AvuvNk0=
P:alpine-baselayout-data
V:3.6.5-r0
A:x86_64
L:GPL-2.0-only
o:alpine-baselayout
r:alpine-baselayout
F:etc
R:fstab
";

    fn find<'a>(parsed: &'a Parsed, name: &str) -> &'a Package {
        parsed
            .packages
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn alpine_320() {
        assert!(Apk.wants("lib/apk/db/installed"));
        assert!(!Apk.wants("lib/apk/db/installed.new"));
        let parsed = Apk.parse(INSTALLED, ALPINE_320.as_bytes());
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let names: Vec<&str> = parsed.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "musl",
                "busybox",
                "libcrypto3",
                "libssl3",
                "ssl_client",
                "alpine-baselayout",
                "alpine-baselayout-data"
            ]
        );

        let musl = find(&parsed, "musl");
        assert_eq!(musl.version, "1.2.5-r0");
        assert_eq!(musl.arch.as_deref(), Some("x86_64"));
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(musl.source_name.as_deref(), Some("musl"));
        assert_eq!(
            musl.files,
            ["lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1"]
        );
        assert!(musl.dependencies.is_empty());

        let busybox = find(&parsed, "busybox");
        assert_eq!(
            busybox.files,
            ["bin/busybox", "etc/securetty", "etc/udhcpd.conf"]
        );
        assert_eq!(busybox.dependencies, ["musl"]);

        let ssl_client = find(&parsed, "ssl_client");
        assert_eq!(ssl_client.version, "1.36.1-r29");
        assert_eq!(ssl_client.source_name.as_deref(), Some("busybox"));
        assert_eq!(ssl_client.source_version.as_deref(), Some("1.36.1-r29"));
        assert_eq!(ssl_client.licenses, ["GPL-2.0-only"]);
        assert_eq!(ssl_client.files, ["usr/bin/ssl_client"]);
        assert_eq!(ssl_client.dependencies, ["musl", "libcrypto3", "libssl3"]);

        let libssl = find(&parsed, "libssl3");
        assert_eq!(libssl.source_name.as_deref(), Some("openssl"));
        assert_eq!(libssl.files, ["usr/lib/libssl.so.3"]);

        // `/bin/sh` is provided by nothing installed here, `!…` is a conflict.
        let base = find(&parsed, "alpine-baselayout");
        assert_eq!(base.dependencies, ["alpine-baselayout-data"]);
    }

    #[test]
    fn garbage_and_truncated() {
        let parsed = Apk.parse(INSTALLED, b"\x00\x01binary\xff\nP:\nV:1\n\nnonsense line\n");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.warnings.len(), 3);

        let cut = &ALPINE_320[..ALPINE_320.find("V:1.36.1-r29").unwrap_or(0)];
        let parsed = Apk.parse(INSTALLED, cut.as_bytes());
        assert_eq!(parsed.packages.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(23));

        // No origin, CRLF, no trailing newline.
        let parsed = Apk.parse(INSTALLED, b"P:scanelf\r\nV:1.3.7-r2\r\nR:top-level");
        assert!(parsed.warnings.is_empty());
        let p = &parsed.packages[0];
        assert_eq!(p.source_name.as_deref(), Some("scanelf"));
        assert_eq!(p.files, ["top-level"]);

        let junk = "x\n".repeat(100_000);
        assert_eq!(
            Apk.parse(INSTALLED, junk.as_bytes()).warnings.len(),
            crate::catalogers::dpkg_status::MAX_WARNINGS
        );
    }
}
