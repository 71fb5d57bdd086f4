//! Dockerfile rules: one file per rule, each declared with [`declare_rule!`] and listed once in
//! [`registry::RULES`].
//!
//! Code ranges: `DF0xx` file and syntax, `DF1xx` base images and provenance, `DF2xx` users and
//! permissions, `DF3xx` secrets, `DF4xx` package managers, `DF5xx` instruction correctness,
//! `DF6xx` downloads and TLS verification, `DF7xx` image minimality and runtime behaviour.

pub mod helpers;
pub mod registry;

use crate::model::{Command, Model};
use crate::syntax::{Instruction, Span};
use dockguard_core::{Config, Edit, Fix, RuleMeta};

/// One problem a rule found, before it becomes a [`dockguard_core::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, description: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix {
            description: description.into(),
            edits,
        });
        self
    }
}

/// What a rule sees: the model of one file and the configuration.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
}

impl<'a> Ctx<'a> {
    pub fn text(&self) -> &'a str {
        &self.model.df.text
    }

    /// Top-level instructions with their indices.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.model.df.instructions.iter().enumerate()
    }

    /// Instructions as they run: ONBUILD triggers are replaced by the instruction they wrap.
    pub fn effective_instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.instructions().map(|(i, inst)| (i, inst.effective()))
    }

    /// Every command of every RUN (ONBUILD RUN included), with the instruction index.
    pub fn commands(&self) -> impl Iterator<Item = (usize, &'a Command)> {
        self.model.all_commands()
    }
}

/// A Dockerfile rule.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &Ctx, out: &mut Vec<Diagnostic>);
}

/// Declares a rule struct and its `META` from a doc comment and a field list. The doc comment
/// is the rule's documentation (What it does / Why is this bad? / Example / Fix).
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            step: $step:ident,
            severity: $sev:ident,
            summary: $summary:literal,
            references: [$($rk:ident $rid:literal),* $(,)?],
            $(fixable: $fixable:literal,)?
            $(default_enabled: $enabled:literal,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;
        impl $name {
            pub const META: dockguard_core::RuleMeta = dockguard_core::RuleMeta {
                code: $code,
                name: $rname,
                step: dockguard_core::Step::$step,
                severity: dockguard_core::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                references: &[$(dockguard_core::Reference::new(dockguard_core::RefKind::$rk, $rid)),*],
                fixable: false $(|| $fixable)?,
                default_enabled: true $(&& $enabled)?,
            };
        }
    };
}

// One module per rule, in code order within each region.
pub mod df000_syntax_error;
pub mod df001_unused_suppression;
// region DF0xx (batch C)
// endregion DF0xx
pub mod df100_base_image_latest;
pub mod df101_base_image_untagged;
// region DF1xx (batch A)
// endregion DF1xx
pub mod df200_final_stage_root;
// region DF2xx (batch D)
// endregion DF2xx
pub mod df300_secret_arg_env_name;
// region DF3xx (batch D)
// endregion DF3xx
// region DF4xx (batch B)
pub mod df402_apt_no_install_recommends;
// endregion DF4xx
pub mod df500_json_cmd_entrypoint;
// region DF5xx (batch C)
// endregion DF5xx
// region DF6xx (batch A)
// endregion DF6xx
// region DF7xx (batch D)
// endregion DF7xx

#[cfg(test)]
pub(crate) mod testing;
