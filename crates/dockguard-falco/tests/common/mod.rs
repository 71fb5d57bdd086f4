//! A fake event for tests: fields set by hand.
#![allow(dead_code)]

use dockguard_falco::{EventFields, Field, FieldArg, FieldValue, Ruleset};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Default, Clone, Debug)]
pub struct Ev {
    vals: HashMap<Field, FieldValue<'static>>,
    anames: Vec<String>,
    /// (source, dest)
    mounts: Vec<(String, String)>,
}

impl Ev {
    pub fn new() -> Ev {
        Ev::default()
    }
    /// An exec event in a container.
    pub fn exec(name: &str) -> Ev {
        Ev::new()
            .s(Field::EvtType, "execve")
            .s(Field::EvtSource, "syscall")
            .s(Field::ProcName, name)
            .s(Field::ContainerId, "0123456789ab")
            .i(Field::EvtNum, 7)
    }
    pub fn s(mut self, f: Field, v: &str) -> Ev {
        self.vals
            .insert(f, FieldValue::Str(Cow::Owned(v.to_string())));
        self
    }
    pub fn i(mut self, f: Field, v: i64) -> Ev {
        self.vals.insert(f, FieldValue::Int(v));
        self
    }
    pub fn b(mut self, f: Field, v: bool) -> Ev {
        self.vals.insert(f, FieldValue::Bool(v));
        self
    }
    pub fn list(mut self, f: Field, v: &[&str]) -> Ev {
        self.vals.insert(
            f,
            FieldValue::StrList(v.iter().map(|s| Cow::Owned(s.to_string())).collect()),
        );
        self
    }
    pub fn ancestors(mut self, names: &[&str]) -> Ev {
        self.anames = names.iter().map(|s| s.to_string()).collect();
        if let Some(p) = names.first() {
            self = self.s(Field::ProcPname, p);
        }
        self
    }
    pub fn mount(mut self, source: &str, dest: &str) -> Ev {
        self.mounts.push((source.into(), dest.into()));
        self
    }
}

impl EventFields for Ev {
    fn get(&self, field: Field, arg: Option<&FieldArg>) -> Option<FieldValue<'_>> {
        match (field, arg) {
            (Field::ProcAname, Some(FieldArg::Index(n))) => self
                .anames
                .get(n.checked_sub(1)?)
                .map(|s| FieldValue::Str(Cow::Borrowed(s))),
            (Field::ProcAname, None) => Some(FieldValue::StrList(
                self.anames
                    .iter()
                    .map(|s| Cow::Borrowed(s.as_str()))
                    .collect(),
            )),
            (Field::ContainerMountDest, Some(FieldArg::Key(k))) => self
                .mounts
                .iter()
                .find(|(s, _)| s == k || (k.ends_with('*') && s.starts_with(&k[..k.len() - 1])))
                .map(|(_, d)| FieldValue::Str(Cow::Borrowed(d))),
            (Field::ContainerMountDest, Some(FieldArg::Index(n))) => self
                .mounts
                .get(*n)
                .map(|(_, d)| FieldValue::Str(Cow::Borrowed(d))),
            (_, None) => self.vals.get(&field).cloned(),
            _ => None,
        }
    }
}

pub fn load(yaml: &str) -> Ruleset {
    let (rs, warnings) = Ruleset::load_str(&[("t.yaml", yaml)]).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    rs
}

pub fn hits(rs: &Ruleset, ev: &Ev) -> Vec<String> {
    rs.matching(ev).map(|r| r.name().to_string()).collect()
}

/// A rule with the given condition (and name R).
pub fn rule(cond: &str) -> String {
    format!(
        "- rule: R\n  desc: d\n  condition: {}\n  output: o\n  priority: NOTICE\n",
        serde_json_quote(cond)
    )
}

fn serde_json_quote(s: &str) -> String {
    // A double-quoted YAML scalar.
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether a single rule with this condition fires for the event.
pub fn fires(cond: &str, ev: &Ev) -> bool {
    let rs = load(&rule(cond));
    !hits(&rs, ev).is_empty()
}
