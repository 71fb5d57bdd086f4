//! dockguard's default runtime rules (`rules/dockguard_rules.yaml`, 18 rules), in Falco's
//! rules language, for the events our sources provide: a terminal shell in a container,
//! `docker exec`, package managers in containers, privileged / sensitive-mount /
//! engine-socket / dangerous-capability containers started, writes below binary directories
//! and /etc, sensitive files read by untrusted programs, netcat/socat reverse shells, crypto
//! miners, binaries dropped and executed, namespace tools and su/sudo in containers, setuid to
//! root, fileless execution from a memfd. Users tune them by overriding the `user_known_*`
//! macros and the lists in a rules file loaded after this one.

/// The file's text.
pub const TEXT: &str = include_str!("../rules/dockguard_rules.yaml");
/// The name under which it is loaded (errors and warnings name it).
pub const NAME: &str = "dockguard_rules.yaml";

#[cfg(test)]
mod tests {
    use super::*;
    use dockguard_falco::Ruleset;

    #[test]
    fn default_rules_load_without_warnings() {
        let (rules, warnings) = Ruleset::load_str(&[(NAME, TEXT)]).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let names: Vec<&str> = rules.rules().iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), 18, "{names:?}");
        assert!(rules.rules().iter().all(|r| r.enabled()));
    }
}
