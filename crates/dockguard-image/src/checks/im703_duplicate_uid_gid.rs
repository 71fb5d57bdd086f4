use std::collections::HashMap;

use super::accounts::{records, shown_name};
use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reads the final `/etc/passwd` and `/etc/group` of the image (through symbolic links)
    /// and reports a user or group name defined twice, a UID held by two accounts and a GID
    /// held by two groups, at the line of each later occurrence (one finding per line). A
    /// second account with UID 0 is the most serious case: it is reported even when it comes
    /// before `root` in the file. IDs are read as glibc reads them, so `00` and `+0` are UID 0.
    /// Lines without a numeric ID and NIS compat lines (`+…`, `-…`) are skipped.
    ///
    /// ## Why is this bad?
    /// The kernel knows only numbers: two accounts with one UID are the same user, with each
    /// other's files and processes, under two names that logs and audits keep apart. A second
    /// UID 0 account (`toor`) is a second root, often with its own password, and a classic
    /// backdoor. Duplicate names make `getpwnam` return whichever entry comes first, so tools
    /// and the administrator may act on a different account than the one they see.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'toor:x:0:0::/root:/bin/sh' >> /etc/passwd
    /// ```
    ///
    /// ## Fix
    /// Create accounts with `useradd`/`adduser` (they refuse duplicates) instead of appending
    /// lines to `/etc/passwd` or `/etc/group`, remove the extra entries, and give every
    /// account and group its own ID.
    pub struct DuplicateUidGid {
        code: "IM703",
        name: "duplicate-uid-gid",
        step: NonRootUser,
        severity: Medium,
        summary: "Duplicate UID, GID, user or group name in the account databases",
        references: [Cwe "CWE-269", Cwe "CWE-286"],
    }
}

/// One duplicate: the 1-based line of the later entry and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: u32,
    pub message: String,
}

/// Which database is read: the words of its messages.
#[derive(Clone, Copy)]
pub enum Database {
    Passwd,
    Group,
}

impl Database {
    fn noun(self) -> &'static str {
        match self {
            Database::Passwd => "account",
            Database::Group => "group",
        }
    }

    fn id_name(self) -> &'static str {
        match self {
            Database::Passwd => "uid",
            Database::Group => "gid",
        }
    }
}

/// The duplicates of one database (`/etc/passwd` or `/etc/group`; the ID is the third field
/// of both), in line order.
pub fn duplicates(text: &str, db: Database) -> Vec<Duplicate> {
    let entries: Vec<(&str, u32, Option<u64>)> =
        records(text).map(|r| (r.name(), r.line, r.id(2))).collect();
    // The entry that keeps each ID: the first one, except that `root` keeps ID 0 wherever it
    // is, so that a `toor` listed before `root` is the one reported.
    let mut owner_of_id: HashMap<u64, (&str, u32)> = HashMap::new();
    for &(name, line, id) in &entries {
        let Some(id) = id else { continue };
        let keeps = owner_of_id.get(&id).is_none_or(|&(owner, _)| {
            matches!(db, Database::Passwd) && id == 0 && name == "root" && owner != "root"
        });
        if keeps {
            owner_of_id.insert(id, (name, line));
        }
    }
    let mut first_line_of_name: HashMap<&str, u32> = HashMap::new();
    let mut out = Vec::new();
    let noun = db.noun();
    let id_name = db.id_name();
    for (name, line, id) in entries {
        let shown = shown_name(name);
        let first_of_name = *first_line_of_name.entry(name).or_insert(line);
        let owner = id.and_then(|id| owner_of_id.get(&id).map(|&owner| (id, owner)));
        let message = match owner {
            Some((0, (owner, owner_line)))
                if matches!(db, Database::Passwd) && owner_line != line && name != owner =>
            {
                format!(
                    "uid 0 is also held by `{shown}`: a second root account (besides `{}` at \
                     line {owner_line})",
                    shown_name(owner)
                )
            }
            _ if first_of_name != line => {
                format!("{noun} `{shown}` is defined twice (first at line {first_of_name})")
            }
            Some((id, (owner, owner_line))) if owner_line != line => format!(
                "{id_name} {id} of `{shown}` is also held by {noun} `{}` (line {owner_line})",
                shown_name(owner)
            ),
            _ => continue,
        };
        out.push(Duplicate { line, message });
    }
    out
}

impl Rule for DuplicateUidGid {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        for (path, db) in [
            ("etc/passwd", Database::Passwd),
            ("etc/group", Database::Group),
        ] {
            let Some(text) = ctx.facts.files.text(path) else {
                continue;
            };
            for d in duplicates(&text, db) {
                out.push(ctx.finding(&Self::META, d.message, ctx.file_location(path, d.line, 1)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    fn summary(f: &[Finding]) -> Vec<(&str, u32)> {
        f.iter()
            .map(|f| (f.location.file.as_str(), f.location.line))
            .collect()
    }

    #[test]
    fn second_root_account() {
        let passwd = "root:x:0:0:root:/root:/bin/sh\n\
            app:x:1000:1000::/home/app:/bin/sh\n\
            toor:x:0:0::/root:/bin/sh\n";
        let d = duplicates(passwd, Database::Passwd);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].line, 3);
        assert!(
            d[0].message
                .starts_with("uid 0 is also held by `toor`: a second root account"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn second_root_account_listed_before_root() {
        let passwd = "toor:x:00:0::/root:/bin/sh\nroot:x:0:0:root:/root:/bin/sh\n";
        let d = duplicates(passwd, Database::Passwd);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].line, 1);
        assert!(d[0].message.contains("`toor`"), "{}", d[0].message);
        assert!(
            d[0].message.contains("`root` at line 2"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn duplicate_ids_and_names() {
        let passwd = "root:x:0:0:root:/root:/bin/sh\n\
            a:x:1000:1000::/home/a:/bin/sh\n\
            b:x:1000:1000::/home/b:/bin/sh\n\
            a:x:1001:1001::/home/a:/bin/sh\n\
            c:x:notanumber:1::/:/bin/sh\n\
            d:x:1002:1002::/:/bin/sh\n";
        let d = duplicates(passwd, Database::Passwd);
        let lines: Vec<u32> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 4], "{d:#?}");
        assert_eq!(
            d[0].message,
            "uid 1000 of `b` is also held by account `a` (line 2)"
        );
        assert_eq!(
            d[1].message,
            "account `a` is defined twice (first at line 2)"
        );

        let group = "root:x:0:\nwheel:x:10:root\nadmin:x:10:\nwheel:x:11:\nnogroup:x:65534:\n";
        let d = duplicates(group, Database::Group);
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "gid 10 of `admin` is also held by group `wheel` (line 2)",
                "group `wheel` is defined twice (first at line 2)",
            ]
        );
    }

    #[test]
    fn distinct_entries_are_not_reported() {
        let passwd = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/sbin/nologin\n\
            nobody:x:65534:65534::/:/sbin/nologin\n";
        assert!(duplicates(passwd, Database::Passwd).is_empty());
        // gid 0 twice in /etc/group is a duplicate gid, not a "second root account".
        let d = duplicates("root:x:0:\nsys:x:0:\n", Database::Group);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.starts_with("gid 0 of `sys`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            ":",
            ":::",
            "a:b:",
            "a:b:+",
            "a:b: ",
            "\u{0}:x:0",
            "x:x:18446744073709551616",
        ] {
            let _ = duplicates(text, Database::Passwd);
            let _ = duplicates(text, Database::Group);
        }
    }

    #[test]
    fn final_tree_symlinks_and_later_layers() {
        let dup = b"root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n";
        let clean = b"root:x:0:0:root:/root:/bin/sh\n";
        // /etc/passwd is a symlink to the file holding the duplicate (KeptFiles reads only
        // its well-known paths, so the link points at another of them).
        let linked = layer(&[
            E::Symlink("etc/passwd", "/etc/shadow"),
            E::File("etc/shadow", dup, 0o644),
            E::File("etc/group", b"root:x:0:\nroot:x:1:\n", 0o644),
        ]);
        let f = run(&DuplicateUidGid, &image("{}", vec![linked]));
        assert_eq!(
            summary(&f),
            [("img:/etc/passwd", 2), ("img:/etc/group", 2)],
            "{f:#?}"
        );
        // Overwritten by a later layer: only the final content counts.
        let l0 = layer(&[E::File("etc/passwd", dup, 0o644)]);
        let l1 = layer(&[E::File("etc/passwd", clean, 0o644)]);
        assert!(run(&DuplicateUidGid, &image("{}", vec![l0.clone(), l1.clone()])).is_empty());
        assert_eq!(
            run(&DuplicateUidGid, &image("{}", vec![l1, l0.clone()])).len(),
            1
        );
        // Deleted by a later layer.
        let gone = layer(&[E::File("etc/.wh.passwd", b"", 0o644)]);
        assert!(run(&DuplicateUidGid, &image("{}", vec![l0, gone])).is_empty());
    }
}
