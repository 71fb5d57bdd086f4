//! Rule outputs: Falco's printf-like `output:` with `%field`, `%field[arg]`,
//! `%transformer(field)` and `%container.info`; missing values print `<NA>`.
//!
//! Formatting returns the text and the `output_fields` map of Falco's JSON alert
//! (`{"proc.name": "bash", "user.uid": 0, "fd.name": null, …}`).
//!
//! Fields we do not provide are kept: they print `<NA>` and appear as `null` in
//! `output_fields`, so a rule whose condition we can evaluate is not lost because its output
//! mentions, say, `%user.loginname`.

use crate::cond::Transform;
use crate::fields::{EventFields, Field, FieldArg, FieldValue};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A parsed output format.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFormat {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field {
        /// As written (the key in `output_fields`), e.g. `proc.aname[2]`.
        key: String,
        field: Option<(Field, Option<FieldArg>)>,
        transform: Option<Transform>,
    },
}

/// Falco's `%container.info`.
const CONTAINER_INFO: &str = "container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository container_image_tag=%container.image.tag";

impl OutputFormat {
    /// Parses an output string; never fails (a `%` that starts no field is kept as text).
    /// Surrounding whitespace is dropped: a folded YAML scalar (`output: >`) ends with a
    /// newline that is not part of the alert.
    pub fn parse(text: &str) -> OutputFormat {
        let text = text.trim();
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(p) = rest.find('%') {
            lit.push_str(&rest[..p]);
            rest = &rest[p + 1..];
            if field_token(rest).is_some_and(|(k, _)| k == "container.info") {
                rest = &rest["container.info".len()..];
                let inner = OutputFormat::parse(CONTAINER_INFO);
                flush(&mut lit, &mut parts);
                parts.extend(inner.parts);
                continue;
            }
            let (transform, body) = match ["tolower(", "toupper(", "basename("]
                .iter()
                .find(|t| rest.starts_with(**t))
            {
                Some(t) => {
                    let tr = match *t {
                        "tolower(" => Transform::ToLower,
                        "toupper(" => Transform::ToUpper,
                        _ => Transform::Basename,
                    };
                    (Some(tr), &rest[t.len()..])
                }
                None => (None, rest),
            };
            let Some((key, used)) = field_token(body) else {
                lit.push('%');
                continue;
            };
            let mut consumed = (rest.len() - body.len()) + used;
            if transform.is_some() {
                if rest[consumed..].starts_with(')') {
                    consumed += 1;
                } else {
                    lit.push('%');
                    continue;
                }
            }
            rest = &rest[consumed..];
            flush(&mut lit, &mut parts);
            let field = resolve(&key);
            parts.push(Part::Field {
                key: match transform {
                    Some(Transform::ToLower) => format!("tolower({key})"),
                    Some(Transform::ToUpper) => format!("toupper({key})"),
                    Some(Transform::Basename) => format!("basename({key})"),
                    None => key,
                },
                field,
                transform,
            });
        }
        lit.push_str(rest);
        flush(&mut lit, &mut parts);
        OutputFormat { parts }
    }

    /// Names of fields the output mentions that we do not provide.
    pub fn unknown_fields(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Field {
                    key, field: None, ..
                } => Some(key.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The text and the `output_fields` map for one event.
    pub fn format<E: EventFields + ?Sized>(
        &self,
        ev: &E,
    ) -> (String, BTreeMap<String, serde_json::Value>) {
        let mut text = String::new();
        let mut fields = BTreeMap::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Field {
                    key,
                    field,
                    transform,
                } => {
                    let value = field.as_ref().and_then(|(f, arg)| ev.get(*f, arg.as_ref()));
                    let json = match value {
                        None => {
                            text.push_str("<NA>");
                            serde_json::Value::Null
                        }
                        Some(FieldValue::Int(i)) => {
                            let _ = write!(text, "{i}");
                            serde_json::Value::from(i)
                        }
                        Some(FieldValue::Bool(b)) => {
                            text.push_str(if b { "true" } else { "false" });
                            serde_json::Value::Bool(b)
                        }
                        Some(FieldValue::Str(s)) => {
                            let s = apply(*transform, &s);
                            text.push_str(&s);
                            serde_json::Value::String(s)
                        }
                        Some(FieldValue::StrList(items)) => {
                            let joined = items
                                .iter()
                                .map(|s| apply(*transform, s))
                                .collect::<Vec<_>>()
                                .join(",");
                            text.push_str(&joined);
                            serde_json::Value::String(joined)
                        }
                    };
                    fields.insert(key.clone(), json);
                }
            }
        }
        (text, fields)
    }
}

fn apply(t: Option<Transform>, s: &str) -> String {
    match t {
        None => s.to_string(),
        Some(Transform::ToLower) => s.to_lowercase(),
        Some(Transform::ToUpper) => s.to_uppercase(),
        Some(Transform::Basename) => s.rsplit('/').next().unwrap_or(s).to_string(),
    }
}

fn flush(lit: &mut String, parts: &mut Vec<Part>) {
    if !lit.is_empty() {
        parts.push(Part::Text(std::mem::take(lit)));
    }
}

/// A field name (`a.b.c`, optionally `[arg]`) at the start of `s`: the name and bytes used.
fn field_token(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphabetic() {
        return None;
    }
    let mut end = 0;
    while end < b.len() {
        let c = b[end];
        if c.is_ascii_alphanumeric()
            || c == b'_'
            || (c == b'.'
                && end + 1 < b.len()
                && (b[end + 1].is_ascii_alphanumeric() || b[end + 1] == b'_'))
        {
            end += 1;
        } else {
            break;
        }
    }
    if !s[..end].contains('.') {
        return None;
    }
    if s[end..].starts_with('[')
        && let Some(close) = s[end..].find(']')
    {
        end += close + 1;
    }
    Some((s[..end].to_string(), end))
}

fn resolve(key: &str) -> Option<(Field, Option<FieldArg>)> {
    let (name, arg) = match key.find('[') {
        Some(p) => (&key[..p], Some(key[p + 1..key.len() - 1].trim())),
        None => (key, None),
    };
    let field = Field::from_name(name)?;
    let arg = match arg {
        None => None,
        Some(_) if !field.takes_arg() => return None,
        Some(a) => Some(match a.parse::<usize>() {
            Ok(n) => FieldArg::Index(n),
            Err(_) => FieldArg::Key(a.to_string()),
        }),
    };
    Some((field, arg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    struct Ev;
    impl EventFields for Ev {
        fn get(&self, field: Field, arg: Option<&FieldArg>) -> Option<FieldValue<'_>> {
            match (field, arg) {
                (Field::ProcName, None) => Some(FieldValue::Str(Cow::Borrowed("Bash"))),
                (Field::UserUid, None) => Some(FieldValue::Int(0)),
                (Field::ContainerPrivileged, None) => Some(FieldValue::Bool(true)),
                (Field::ProcAname, Some(FieldArg::Index(2))) => {
                    Some(FieldValue::Str(Cow::Borrowed("sshd")))
                }
                (Field::ContainerId, None) => Some(FieldValue::Str(Cow::Borrowed("abc"))),
                _ => None,
            }
        }
    }

    #[test]
    fn interpolation() {
        let f = OutputFormat::parse(
            "Shell (user=%user.uid %proc.name gp=%proc.aname[2] priv=%container.privileged x=%proc.tty y=%user.loginname 100% %toupper(proc.name))",
        );
        assert_eq!(f.unknown_fields(), ["user.loginname"]);
        let (text, fields) = f.format(&Ev);
        assert_eq!(
            text,
            "Shell (user=0 Bash gp=sshd priv=true x=<NA> y=<NA> 100% BASH)"
        );
        assert_eq!(fields["user.uid"], serde_json::json!(0));
        assert_eq!(fields["proc.aname[2]"], serde_json::json!("sshd"));
        assert_eq!(fields["proc.tty"], serde_json::Value::Null);
        assert_eq!(fields["container.privileged"], serde_json::json!(true));
        assert_eq!(fields["toupper(proc.name)"], serde_json::json!("BASH"));
    }

    #[test]
    fn container_info_and_edge_cases() {
        let (text, fields) = OutputFormat::parse("%container.info.").format(&Ev);
        assert!(
            text.starts_with("container_id=abc container_name=<NA>"),
            "{text}"
        );
        assert!(text.ends_with('.'));
        assert!(fields.contains_key("container.image.tag"));
        let (text, _) = OutputFormat::parse("%% %1 %proc.name[ %tolower(proc.name").format(&Ev);
        assert_eq!(text, "%% %1 Bash[ %tolower(proc.name");
    }

    #[test]
    fn folded_yaml_newline_is_not_part_of_the_alert() {
        let (text, _) = OutputFormat::parse("  shell %proc.name\n").format(&Ev);
        assert_eq!(text, "shell Bash");
    }
}
