//! CIS section 6, Docker security operations: image sprawl (6.1) and container sprawl (6.2),
//! both manual checks that report counts (`INFO`).

use super::c_common::bench_check;
use super::{Ctx, Outcome};
use serde_json::Value;
use std::collections::BTreeSet;

bench_check! {
    /// ## What it does
    /// Manual check (`INFO`): counts the local images and how many of them the containers
    /// (stopped ones included) use, as `<used> active/<images> in use`.
    ///
    /// ## Why is this bad?
    /// Unused images pile up old, unpatched software on the host: they can be run again by
    /// mistake, they confuse audits and they take disk space.
    ///
    /// ## Example
    /// Forty tags of `example/web` left behind by deployments, one of them in use.
    ///
    /// ## Compared with docker-bench-security
    /// docker-bench-security counts containers whose image exists, not images: twelve
    /// containers of one image make "12 active". Here each image in use counts once.
    ///
    /// ## Fix
    /// Remove the images no container uses (`docker image prune -a`) and keep only the
    /// versions you may roll back to.
    pub static CHECK_6_1 {
        id: "6.1",
        scored: false,
        eval: eval_6_1,
        code: "HB601",
        name: "image-sprawl",
        step: HostBench,
        severity: Info,
        summary: "Ensure that image sprawl is avoided (Manual)",
        references: [Cis "6.1"],
    }
}

fn eval_6_1(ctx: &Ctx) -> Outcome {
    let images: BTreeSet<&str> = ctx.snapshot.images.iter().map(|i| i.id.as_str()).collect();
    let used: BTreeSet<&str> = ctx
        .snapshot
        .containers
        .iter()
        .filter_map(|c| c.inspect.get("Image").and_then(Value::as_str))
        .filter(|id| images.contains(id))
        .collect();
    Outcome::info(format!("{} active/{} in use", used.len(), images.len()))
}

bench_check! {
    /// ## What it does
    /// Manual check (`INFO`): counts the containers on the host and how many of them run, as
    /// `<containers> total/<running> running`.
    ///
    /// ## Why is this bad?
    /// Stopped containers keep their file system changes, logs, configuration and secrets in
    /// their environment; many of them make the host harder to audit and can be started
    /// again by mistake.
    ///
    /// ## Example
    /// Hundreds of exited containers left by `docker run` without `--rm`.
    ///
    /// ## Compared with docker-bench-security
    /// Same counts, read from `/info`.
    ///
    /// ## Fix
    /// Remove the containers you no longer need (`docker container prune`) and run one-off
    /// containers with `--rm`.
    pub static CHECK_6_2 {
        id: "6.2",
        scored: false,
        eval: eval_6_2,
        code: "HB602",
        name: "container-sprawl",
        step: HostBench,
        severity: Info,
        summary: "Ensure that container sprawl is avoided (Manual)",
        references: [Cis "6.2"],
    }
}

fn eval_6_2(ctx: &Ctx) -> Outcome {
    let count = |key: &str| {
        ctx.snapshot
            .info
            .get(key)
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    Outcome::info(format!(
        "{} total/{} running",
        count("Containers"),
        count("ContainersRunning")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::c_common::testing::{container, fleet, no_info, run, snapshot};
    use crate::result::Verdict;
    use crate::snapshot::{ImageRecord, Snapshot};
    use serde_json::json;

    #[test]
    fn image_sprawl_counts_images_not_containers() {
        let fleet = fleet();
        let used = fleet[0].inspect["Image"].as_str().unwrap().to_string();
        let image = |id: &str| ImageRecord {
            id: id.to_string(),
            tags: vec![],
            inspect: Value::Null,
            history: Value::Null,
        };
        let snap = Snapshot {
            images: vec![image(&used), image("sha256:unused")],
            ..snapshot(no_info(), fleet)
        };
        let outcome = run(&CHECK_6_1, &snap);
        assert_eq!(outcome.verdict, Verdict::Info);
        assert_eq!(outcome.details.as_deref(), Some("1 active/2 in use"));
        let empty = run(&CHECK_6_1, &Snapshot::default());
        assert_eq!(empty.details.as_deref(), Some("0 active/0 in use"));
        assert!(!CHECK_6_1.scored);
    }

    #[test]
    fn container_sprawl_counts() {
        let info = json!({"Containers": 12, "ContainersRunning": 1});
        let outcome = run(&CHECK_6_2, &snapshot(info, vec![container("default")]));
        assert_eq!(outcome.verdict, Verdict::Info);
        assert_eq!(outcome.details.as_deref(), Some("12 total/1 running"));
        assert!(!CHECK_6_2.scored);
    }
}
