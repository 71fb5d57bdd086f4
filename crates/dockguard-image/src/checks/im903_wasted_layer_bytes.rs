use super::{ImageCtx, Rule};
use dockguard_core::Finding;

dockguard_dockerfile::declare_rule! {
    /// ## What it does
    /// Reports images whose layers ship more than [`MIN_WASTED_BYTES`] (10 MiB) of file
    /// content that the final image does not show — files overwritten or deleted by a later
    /// layer (or later in the same layer) — when that is also more than
    /// [`MIN_WASTED_PERCENT`] % of all the file bytes the layers ship. This is dive's
    /// "wasted space" (`wastedBytes`; its "efficiency" is the share that is not wasted). The
    /// message names the layers that waste the most, with the history step that made them.
    ///
    /// ## Why is this bad?
    /// Deleting a file in a later layer does not remove it from the image: every pull still
    /// downloads and stores it, and anyone with the image can extract it from the earlier
    /// layer (a secret "deleted" this way is still published). Wasted bytes slow every
    /// deployment and cost registry storage.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y build-essential
    /// RUN make && make install
    /// RUN apt-get purge -y build-essential && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// Remove temporary files in the same `RUN` that creates them
    /// (`RUN apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`), use
    /// `RUN --mount=type=cache` for caches, or build in a separate stage and copy only the
    /// result into the final one. Check with `dive <image>`.
    pub struct WastedLayerBytes {
        code: "IM903",
        name: "wasted-layer-bytes",
        step: MinimalImages,
        severity: Info,
        summary: "Layers ship bytes that the final image does not show",
        references: [
            Url "https://github.com/wagoodman/dive",
            Url "https://docs.docker.com/build/building/best-practices/#run",
        ],
    }
}

/// Wasted bytes below this are not reported.
pub const MIN_WASTED_BYTES: u64 = 10 << 20;

/// Wasted share (percent of shipped file bytes) below this is not reported.
pub const MIN_WASTED_PERCENT: u64 = 10;

/// Layers named in the message.
const SHOWN_LAYERS: usize = 3;

/// Longest history step quoted.
const QUOTE_MAX: usize = 60;

/// `12.3 MiB`.
fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The `created_by` of each layer: history entries that are not `empty_layer`, in order, when
/// there is one per layer.
fn layer_steps(ctx: &ImageCtx) -> Vec<Option<String>> {
    let steps: Vec<Option<String>> = ctx
        .config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .map(|h| h.created_by.clone())
        .collect();
    if steps.len() == ctx.result.layers.len() {
        steps
    } else {
        vec![None; ctx.result.layers.len()]
    }
}

fn quote(step: &str) -> String {
    let step = step.trim();
    let step = step.strip_prefix("/bin/sh -c ").unwrap_or(step);
    if step.chars().count() <= QUOTE_MAX {
        step.to_string()
    } else {
        let cut: String = step.chars().take(QUOTE_MAX).collect();
        format!("{cut}…")
    }
}

/// Whether `wasted` of `shipped` bytes is over both thresholds.
fn too_wasteful(wasted: u64, shipped: u64) -> bool {
    wasted > MIN_WASTED_BYTES
        && u128::from(wasted) * 100 > u128::from(shipped) * u128::from(MIN_WASTED_PERCENT)
}

impl Rule for WastedLayerBytes {
    fn meta(&self) -> &'static dockguard_core::RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &ImageCtx, out: &mut Vec<Finding>) {
        let layers = &ctx.result.layers;
        let wasted = ctx.result.wasted_bytes();
        let shipped: u64 = layers.iter().map(|l| l.added_bytes).sum();
        if !too_wasteful(wasted, shipped) {
            return;
        }
        let steps = layer_steps(ctx);
        let mut worst: Vec<usize> = (0..layers.len())
            .filter(|&i| layers[i].wasted_bytes > 0)
            .collect();
        worst.sort_by_key(|&i| std::cmp::Reverse(layers[i].wasted_bytes));
        let named: Vec<String> = worst
            .iter()
            .take(SHOWN_LAYERS)
            .map(|&i| {
                let what = match steps.get(i).cloned().flatten() {
                    Some(step) => format!(" ({})", quote(&step)),
                    None => String::new(),
                };
                format!("layer {i}{what}: {}", human(layers[i].wasted_bytes))
            })
            .collect();
        let share = wasted as f64 * 100.0 / shipped.max(1) as f64;
        out.push(ctx.finding(
            &Self::META,
            format!(
                "{} of the {} of files in the layers ({share:.0} %, efficiency {:.0} %) are \
                 overwritten or deleted by later layers; most in {}",
                human(wasted),
                human(shipped),
                100.0 - share,
                named.join("; "),
            ),
            ctx.config_location(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{E, image, layer, run};

    #[test]
    fn deleted_in_a_later_layer() {
        let big = vec![0u8; 12 << 20];
        let l0 = layer(&[E::File("keep", b"x", 0o644)]);
        let l1 = layer(&[E::File("var/lib/apt/lists/big", &big, 0o644)]);
        let l2 = layer(&[E::File("var/lib/apt/lists/.wh.big", b"", 0o644)]);
        let config = r#"{}, "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "ENV A=b", "empty_layer": true},
            {"created_by": "/bin/sh -c apt-get update"},
            {"created_by": "/bin/sh -c rm -rf /var/lib/apt/lists/*"}
        ]"#;
        let f = run(&WastedLayerBytes, &image(config, vec![l0, l1, l2]));
        assert_eq!(f.len(), 1, "{f:#?}");
        let m = &f[0].message;
        assert!(m.starts_with("12.0 MiB of the 12.0 MiB"), "{m}");
        assert!(m.contains("layer 1 (apt-get update): 12.0 MiB"), "{m}");
        assert_eq!(f[0].location.file, "img");
    }

    #[test]
    fn small_or_low_share_is_fine() {
        // 2 MiB wasted: below the floor.
        let small = vec![0u8; 2 << 20];
        let l0 = layer(&[E::File("tmp/a", &small, 0o644)]);
        let l1 = layer(&[E::File("tmp/.wh.a", b"", 0o644)]);
        assert!(run(&WastedLayerBytes, &image("{}", vec![l0, l1])).is_empty());
        // The share gate (a real image of this size would be slow to build in a test).
        let mib = 1 << 20;
        assert!(!too_wasteful(11 * mib, 121 * mib)); // 9 %
        assert!(too_wasteful(11 * mib, 100 * mib)); // 11 %
        assert!(!too_wasteful(10 * mib, 20 * mib)); // at the floor
        assert!(!too_wasteful(u64::MAX / 20, u64::MAX)); // 5 %, no overflow
        assert!(too_wasteful(u64::MAX, u64::MAX));
    }

    #[test]
    fn sizes_and_quotes() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(1536), "1.5 KiB");
        assert_eq!(human(3 << 30), "3.0 GiB");
        assert_eq!(quote("/bin/sh -c make"), "make");
        assert!(quote(&"x".repeat(100)).ends_with('…'));
    }
}
