use serde::{Serialize, Serializer};
use std::fmt;

/// One of the ten Docker security steps every rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    NamespacesCgroups = 1,
    TrustedImages = 2,
    HostBench = 3,
    NonRootUser = 4,
    UserNamespaces = 5,
    CveScanning = 6,
    RuntimeDefence = 7,
    Rootless = 8,
    MinimalImages = 9,
    Secrets = 10,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::NamespacesCgroups,
        Step::TrustedImages,
        Step::HostBench,
        Step::NonRootUser,
        Step::UserNamespaces,
        Step::CveScanning,
        Step::RuntimeDefence,
        Step::Rootless,
        Step::MinimalImages,
        Step::Secrets,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Step> {
        Step::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::NamespacesCgroups => "Namespaces and cgroups",
            Step::TrustedImages => "Trusted images",
            Step::HostBench => "Host bench",
            Step::NonRootUser => "Non-root USER",
            Step::UserNamespaces => "User namespaces",
            Step::CveScanning => "CVE scanning",
            Step::RuntimeDefence => "Runtime defence",
            Step::Rootless => "Rootless mode",
            Step::MinimalImages => "Minimal images",
            Step::Secrets => "Secrets",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for step in Step::ALL {
            assert_eq!(Step::from_number(step.number()), Some(step));
        }
        assert_eq!(Step::from_number(0), None);
        assert_eq!(Step::from_number(11), None);
        assert_eq!(Step::Secrets.number(), 10);
    }
}
