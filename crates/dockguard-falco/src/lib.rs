//! Falco's rules language (step 7, runtime defence).
//!
//! Load Falco rules files (lists, macros, rules, overrides, exceptions) with
//! [`Ruleset::load`], then ask [`Ruleset::matching`] which enabled rules an event triggers:
//!
//! ```
//! use dockguard_falco::{EventFields, Field, FieldArg, FieldValue, Ruleset};
//! use std::borrow::Cow;
//!
//! struct Exec;
//! impl EventFields for Exec {
//!     fn get(&self, f: Field, _: Option<&FieldArg>) -> Option<FieldValue<'_>> {
//!         match f {
//!             Field::EvtType => Some(FieldValue::Str(Cow::Borrowed("execve"))),
//!             Field::ProcName => Some(FieldValue::Str(Cow::Borrowed("bash"))),
//!             _ => None,
//!         }
//!     }
//! }
//!
//! let yaml = "- list: shells\n  items: [bash, sh]\n- rule: Shell\n  desc: a shell\n  condition: evt.type = execve and proc.name in (shells)\n  output: shell %proc.name by uid %user.uid\n  priority: NOTICE\n";
//! let (rules, warnings) = Ruleset::load_str(&[("demo.yaml", yaml)]).unwrap();
//! assert!(warnings.is_empty());
//! let hit: Vec<_> = rules.matching(&Exec).collect();
//! assert_eq!(hit[0].name(), "Shell");
//! assert_eq!(hit[0].format(&Exec).0, "shell bash by uid <NA>");
//! ```
//!
//! Fields come from [`fields`]; a rule naming a field we do not provide is skipped with one
//! [`Warning`] (Falco's `skip-if-unknown-filter`), and every error names `file:line:column`.

mod compile;
pub mod cond;
pub mod fields;
pub mod output;
mod rules;
mod yaml;

pub use fields::{EventFields, Field, FieldArg, FieldType, FieldValue};
pub use output::OutputFormat;
pub use rules::{Error, Matching, Priority, Rule, Ruleset, Stats, Warning};

/// Whether `text` matches `pattern` as Falco's `glob` operator decides (fnmatch(3) without
/// FNM_PATHNAME: `*` and `?` match `/` too), case-sensitively.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    compile::Glob::new(pattern, false).matches(text)
}
