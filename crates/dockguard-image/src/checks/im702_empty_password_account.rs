use std::collections::HashSet;

use super::accounts::{records, shown_name};
use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reads the final `/etc/shadow` and `/etc/passwd` of the image (through symbolic links)
    /// and reports accounts whose password field is empty. Locked or disabled values are not
    /// reported: `*`, `!`, `!!`, `!*`, `x`, locked hashes such as `!$6$…`, or any other
    /// non-empty value. An empty second field of `/etc/passwd` is reported as well: the
    /// account then has no shadow password and logs in with none, whatever `/etc/shadow`
    /// says. An account with both fields empty is reported once, at its shadow line. NIS
    /// compat lines (`+…`, `-…`) and lines too short to be entries (fewer than two fields in
    /// `/etc/shadow`, fewer than seven in `/etc/passwd`) are skipped.
    ///
    /// ## Why is this bad?
    /// `su`, `login` and any service authenticating through PAM accept an empty password for
    /// such an account: any process in the container, or anyone who reaches a login service,
    /// becomes that user without knowing a secret, root included if the account is root.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN adduser -D app && passwd -d app
    /// ```
    ///
    /// ## Fix
    /// Lock the password instead of deleting it: `passwd -l app` or `usermod -L app`
    /// (Alpine: `adduser -D` already leaves `!`). Containers need no passwords at all:
    /// select the user with `USER app`.
    pub struct EmptyPasswordAccount {
        code: "IM702",
        name: "empty-password-account",
        step: NonRootUser,
        severity: High,
        summary: "An account of the image has an empty password",
        references: [Dockle "DKL-LI-0001", Cwe "CWE-258"],
    }
}

/// Accounts with an empty password in `/etc/shadow`: (name, 1-based line).
pub fn empty_shadow_passwords(shadow: &str) -> Vec<(&str, u32)> {
    records(shadow)
        .filter(|r| r.field(1) == Some(""))
        .map(|r| (r.name(), r.line))
        .collect()
}

/// Accounts with an empty second field in `/etc/passwd` (seven fields or more): (name, line).
pub fn empty_passwd_passwords(passwd: &str) -> Vec<(&str, u32)> {
    records(passwd)
        .filter(|r| r.fields.len() >= 7 && r.field(1) == Some(""))
        .map(|r| (r.name(), r.line))
        .collect()
}

impl Rule for EmptyPasswordAccount {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let shadow = ctx.facts.files.text("etc/shadow").unwrap_or_default();
        let passwd = ctx.facts.files.text("etc/passwd").unwrap_or_default();
        let mut reported = HashSet::new();
        for (name, line) in empty_shadow_passwords(&shadow) {
            reported.insert(name);
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "account `{}` has an empty password in /etc/shadow: it logs in without one",
                    shown_name(name)
                ),
                ctx.file_location("etc/shadow", line, 1),
            ));
        }
        for (name, line) in empty_passwd_passwords(&passwd) {
            if reported.contains(name) {
                continue;
            }
            out.push(ctx.finding(
                &Self::META,
                format!(
                    "account `{}` has an empty password field in /etc/passwd (not `x`, so \
                     /etc/shadow is not used): it logs in without a password",
                    shown_name(name)
                ),
                ctx.file_location("etc/passwd", line, 1),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";

    fn locations(f: &[Finding]) -> Vec<(&str, u32)> {
        f.iter()
            .map(|f| (f.location.file.as_str(), f.location.line))
            .collect()
    }

    #[test]
    fn empty_shadow_passwords_are_reported_locked_ones_are_not() {
        let shadow = b"root:*:19000:0:99999:7:::\n\
            # a comment\n\
            app::19000:0:99999:7:::\n\
            locked:!:19000::::::\n\
            never:!!:19000::::::\n\
            both:!*:19000::::::\n\
            hash:!$6$salt$abc:19000::::::\n\
            x:x:19000::::::\n\
            short\n\
            +::::::::\n\
            \xff\xfe::19000::::::\n";
        let l0 = layer(&[
            E::File("etc/passwd", PASSWD, 0o644),
            E::File("etc/shadow", shadow, 0o640),
        ]);
        let f = run(&EmptyPasswordAccount, &image("{}", vec![l0]));
        assert_eq!(
            locations(&f),
            [("img:/etc/shadow", 3), ("img:/etc/shadow", 11)],
            "{f:#?}"
        );
        assert!(f[0].message.contains("`app`"), "{}", f[0].message);
        // A non-UTF-8 name is shown, replaced, without a panic.
        assert!(f[1].message.contains('\u{fffd}'), "{}", f[1].message);
    }

    #[test]
    fn empty_passwd_field_is_reported_once_per_account() {
        let passwd = b"root:x:0:0:root:/root:/bin/sh\n\
            guest::1001:1001::/home/guest:/bin/sh\n\
            both::1002:1002::/home/both:/bin/sh\n\
            short::1003\n";
        let shadow = b"root:*:19000::::::\nboth::19000::::::\n";
        let l0 = layer(&[
            E::File("etc/passwd", passwd, 0o644),
            E::File("etc/shadow", shadow, 0o640),
        ]);
        let f = run(&EmptyPasswordAccount, &image("{}", vec![l0]));
        assert_eq!(
            locations(&f),
            [("img:/etc/shadow", 2), ("img:/etc/passwd", 2)],
            "{f:#?}"
        );
        assert!(f[1].message.contains("`guest`"), "{}", f[1].message);
    }

    #[test]
    fn shadow_through_a_symlink() {
        // KeptFiles reads only its well-known paths, so the link points at another of them.
        let l0 = layer(&[
            E::Symlink("etc/shadow", "./gshadow"),
            E::File("etc/gshadow", b"root:*:1::::::\nopen::1::::::\n", 0o640),
        ]);
        let f = run(&EmptyPasswordAccount, &image("{}", vec![l0]));
        assert_eq!(locations(&f), [("img:/etc/shadow", 2)], "{f:#?}");
    }

    #[test]
    fn only_the_final_content_counts() {
        let open = layer(&[E::File("etc/shadow", b"root::1::::::\n", 0o640)]);
        // Overwritten by a later layer that locks the account.
        let locked = layer(&[E::File("etc/shadow", b"root:!:1::::::\n", 0o640)]);
        let img = image("{}", vec![open.clone(), locked.clone()]);
        assert!(run(&EmptyPasswordAccount, &img).is_empty());
        // Deleted by a later layer.
        let deleted = layer(&[E::File("etc/.wh.shadow", b"", 0o644)]);
        let img = image("{}", vec![open.clone(), deleted]);
        assert!(run(&EmptyPasswordAccount, &img).is_empty());
        // Opened again by a later layer.
        let img = image("{}", vec![locked, open]);
        assert_eq!(run(&EmptyPasswordAccount, &img).len(), 1);
    }

    #[test]
    fn parsing_never_panics_on_garbage() {
        for text in [
            "",
            ":",
            "::",
            "\n\n",
            "a",
            "a:",
            "\u{0}:\u{0}",
            "é::",
            ":::::::::::::",
        ] {
            let _ = empty_shadow_passwords(text);
            let _ = empty_passwd_passwords(text);
        }
        assert_eq!(empty_shadow_passwords("a:"), [("a", 1)]);
        assert!(empty_passwd_passwords("a::0:0").is_empty());
    }
}
