//! Everything the bench needs from the engine, fetched once: `/info`, `/version`, every
//! container (stopped ones too) with its inspect JSON, images with their history, networks and,
//! when the node is a swarm manager, the swarm, its nodes and secrets.

use dockguard_engine::Engine;
use dockguard_workload::Workload;
use serde_json::Value;

/// One container as the bench sees it.
#[derive(Debug, Clone)]
pub struct ContainerRecord {
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    pub running: bool,
    /// `docker://<name>`: the file name findings use.
    pub source: String,
    /// The inspect JSON, pretty-printed: the text findings point into.
    pub text: String,
    pub inspect: Value,
    /// Its settings, read by the workload crate's engine source.
    pub workload: Workload,
}

#[derive(Debug, Clone)]
pub struct ImageRecord {
    pub id: String,
    pub tags: Vec<String>,
    pub inspect: Value,
    pub history: Value,
}

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub info: Value,
    pub version: Value,
    pub containers: Vec<ContainerRecord>,
    pub images: Vec<ImageRecord>,
    pub networks: Value,
    /// `/swarm` when this node is a manager.
    pub swarm: Option<Value>,
    pub nodes: Option<Value>,
    pub secrets: Option<Value>,
}

/// The label of the container dockguard runs in when it benches its own host (see
/// `docs/bench.md`), so it does not report itself.
pub const SELF_LABEL: &str = "dockguard.bench";

/// Which containers the bench looks at.
#[derive(Debug, Clone, Default)]
pub struct ContainerFilter {
    /// Only running containers (docker-bench-security's behaviour); default: all.
    pub running_only: bool,
    /// Name substrings to include (any) / exclude (any).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `key` or `key=value` labels a container must carry (all).
    pub labels: Vec<String>,
}

impl ContainerFilter {
    /// Name patterns select images too, by tag, as in docker-bench-security (`-i web` checks
    /// the `web` images); labels select containers only.
    pub fn keeps_image(&self, tags: &[String]) -> bool {
        let any_tag = |p: &String| tags.iter().any(|t| t.contains(p.as_str()));
        (self.include.is_empty() || self.include.iter().any(any_tag))
            && !self.exclude.iter().any(any_tag)
    }

    /// dockguard's own container (label [`SELF_LABEL`]) is never benched.
    pub fn keeps(&self, name: &str, labels: &Value) -> bool {
        if labels.get(SELF_LABEL).is_some() {
            return false;
        }
        let name_ok = (self.include.is_empty()
            || self.include.iter().any(|p| name.contains(p.as_str())))
            && !self.exclude.iter().any(|p| name.contains(p.as_str()));
        let labels_ok = self
            .labels
            .iter()
            .all(|wanted| match wanted.split_once('=') {
                Some((k, v)) => labels.get(k).and_then(Value::as_str) == Some(v),
                None => labels.get(wanted.as_str()).is_some(),
            });
        name_ok && labels_ok
    }
}

impl Snapshot {
    /// Fetches everything from the engine.
    pub fn collect(
        engine: &Engine,
        filter: &ContainerFilter,
    ) -> Result<Snapshot, dockguard_engine::Error> {
        let info = engine.info()?.value;
        let version = engine.version()?.value;
        let mut containers = Vec::new();
        for summary in dockguard_engine::ContainerSummary::list(
            &engine.containers(!filter.running_only)?.value,
        ) {
            let labels = Value::Null;
            if !filter.keeps(&summary.name, &labels) && filter.labels.is_empty() {
                continue;
            }
            let inspect = match engine.inspect_container(&summary.id) {
                Ok(json) => json.value,
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e),
            };
            let labels = inspect
                .pointer("/Config/Labels")
                .cloned()
                .unwrap_or(Value::Null);
            if !filter.keeps(&summary.name, &labels) {
                continue;
            }
            containers.push(ContainerRecord::new(&summary.id, inspect));
        }
        let mut images = Vec::new();
        if let Value::Array(mut list) = engine.get_json("/images/json")?.value {
            // The engine lists newest first, images created in the same second in no stable
            // order: the id settles ties so two snapshots list the same images alike.
            let key = |v: &Value| {
                (
                    std::cmp::Reverse(v.get("Created").and_then(Value::as_i64).unwrap_or(0)),
                    v.get("Id")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                )
            };
            list.sort_by_cached_key(key);
            for image in list {
                let Some(id) = image.get("Id").and_then(Value::as_str) else {
                    continue;
                };
                let tags: Vec<String> = image
                    .get("RepoTags")
                    .and_then(Value::as_array)
                    .map(|t| {
                        t.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if !filter.keeps_image(&tags) {
                    continue;
                }
                let inspect = engine.get_json(&format!("/images/{id}/json"))?.value;
                let history = engine.get_json(&format!("/images/{id}/history"))?.value;
                images.push(ImageRecord {
                    id: id.to_string(),
                    tags,
                    inspect,
                    history,
                });
            }
        }
        let networks = engine.get_json("/networks")?.value;
        let manager = info
            .pointer("/Swarm/ControlAvailable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let (swarm, nodes, secrets) = if manager {
            (
                Some(engine.get_json("/swarm")?.value),
                Some(engine.get_json("/nodes")?.value),
                Some(engine.get_json("/secrets")?.value),
            )
        } else {
            (None, None, None)
        };
        Ok(Snapshot {
            info,
            version,
            containers,
            images,
            networks,
            swarm,
            nodes,
            secrets,
        })
    }

    /// What the workload rules need to know about this engine's host.
    pub fn host_facts(&self) -> dockguard_workload::HostFacts {
        dockguard_workload::sources::engine::host_facts(&self.info.to_string())
    }

    /// A `SecurityOptions` entry of `/info` is present (`name=rootless`, `name=userns`, …).
    pub fn has_security_option(&self, name: &str) -> bool {
        self.info
            .get("SecurityOptions")
            .and_then(Value::as_array)
            .is_some_and(|options| {
                options.iter().filter_map(Value::as_str).any(|o| {
                    o.split(',')
                        .any(|field| field.trim() == format!("name={name}"))
                })
            })
    }

    pub fn rootless(&self) -> bool {
        self.has_security_option("rootless")
    }

    pub fn userns_remap(&self) -> bool {
        self.has_security_option("userns")
    }
}

impl ContainerRecord {
    /// Builds a record from one inspect object.
    pub fn new(id: &str, inspect: Value) -> Self {
        let name = inspect
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .trim_start_matches('/')
            .to_string();
        let running = inspect
            .pointer("/State/Running")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let source = format!("docker://{name}");
        let text = serde_json::to_string_pretty(&inspect).unwrap_or_default();
        let workload =
            dockguard_workload::sources::engine::load(&source, &text).unwrap_or_default();
        ContainerRecord {
            id: id.to_string(),
            name,
            running,
            source,
            text,
            inspect,
            workload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_by_name_and_label_and_never_itself() {
        let filter = ContainerFilter {
            include: vec!["web".into()],
            exclude: vec!["old".into()],
            labels: vec!["tier=front".into()],
            ..ContainerFilter::default()
        };
        assert!(filter.keeps("web-1", &json!({"tier": "front"})));
        assert!(!filter.keeps("web-old", &json!({"tier": "front"})));
        assert!(!filter.keeps("db", &json!({"tier": "front"})));
        assert!(!filter.keeps("web-1", &json!({"tier": "back"})));
        let all = ContainerFilter::default();
        assert!(all.keeps("anything", &Value::Null));
        assert!(!all.keeps("dockguard", &json!({"dockguard.bench": ""})));
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(filter.keeps_image(&tags(&["example/web:1"])));
        assert!(!filter.keeps_image(&tags(&["example/web-old:1"])));
        assert!(!filter.keeps_image(&tags(&["postgres:16"])));
        assert!(all.keeps_image(&[]));
    }
}
