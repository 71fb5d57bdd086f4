//! Builds the effective configuration: user file, project files (root to scanned path), CLI.

use crate::cli::ConfigArgs;
use anyhow::{Result, bail};
use dockguard_core::config::{self, LabelFormat, RequiredLabel};
use dockguard_core::{Config, Severity};
use std::path::Path;

/// Every known rule code, for validating what users write.
pub fn known_code(code: &str) -> bool {
    crate::registry::by_code(code).is_some()
}

pub fn load(args: &ConfigArgs, scanned: &Path) -> Result<Config> {
    let mut config = Config::default();
    if !args.no_config {
        match &args.config {
            Some(file) => config.merge_path(file)?,
            None => {
                if let Some(user) = config::user_config_path() {
                    config.merge_path(&user)?;
                }
                let start = if scanned.as_os_str().is_empty() || scanned == Path::new("-") {
                    std::env::current_dir()?
                } else {
                    std::path::absolute(scanned)?
                };
                for file in config::discover(&start) {
                    config.merge_path(&file)?;
                }
            }
        }
    }
    for code_ref in &config.mentioned_codes {
        if !known_code(&code_ref.code) {
            let mut err = code_ref.origin.clone();
            err.message = format!("unknown rule code `{}`", code_ref.code);
            return Err(err.into());
        }
    }
    apply_cli(&mut config, args)?;
    Ok(config)
}

fn apply_cli(config: &mut Config, args: &ConfigArgs) -> Result<()> {
    if let Some(profile) = args.profile {
        config.only_codes = Some(profile.codes());
    }
    for (codes, enabled) in [(&args.enable, true), (&args.disable, false)] {
        for code in codes {
            let code = code.to_ascii_uppercase();
            if !known_code(&code) {
                bail!("unknown rule code `{code}` (see `dockguard rules`)");
            }
            config.rule_choices.insert(code, enabled);
        }
    }
    for pair in &args.severity {
        let Some((code, severity)) = pair.split_once('=') else {
            bail!("--severity expects CODE=SEVERITY, got `{pair}`");
        };
        let code = code.trim().to_ascii_uppercase();
        if !known_code(&code) {
            bail!("unknown rule code `{code}` (see `dockguard rules`)");
        }
        let severity: Severity = severity.trim().parse().map_err(anyhow::Error::msg)?;
        config.severity_overrides.insert(code, severity);
    }
    config
        .trusted_registries
        .extend(args.trusted_registry.iter().cloned());
    for label in &args.require_label {
        let (name, format) = match label.split_once(':') {
            Some((n, f)) => (n, Some(parse_label_format(f)?)),
            None => (label.as_str(), None),
        };
        config.required_labels.retain(|l| l.name != name);
        config.required_labels.push(RequiredLabel {
            name: name.to_string(),
            format,
        });
    }
    if args.disable_ignore_pragmas {
        config.disable_ignore_pragmas = true;
    }
    Ok(())
}

fn parse_label_format(s: &str) -> Result<LabelFormat> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "text" => LabelFormat::Text,
        "url" => LabelFormat::Url,
        "semver" => LabelFormat::Semver,
        "hash" => LabelFormat::Hash,
        "rfc3339" => LabelFormat::Rfc3339,
        "spdx" => LabelFormat::Spdx,
        "email" => LabelFormat::Email,
        other => {
            bail!("unknown label format `{other}` (text, url, semver, hash, rfc3339, spdx, email)")
        }
    })
}
