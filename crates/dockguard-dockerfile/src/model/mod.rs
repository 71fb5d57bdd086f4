//! The semantic model of a Dockerfile: stages, ARG/ENV scopes, expanded values, parsed scripts.

pub mod expand;
pub mod image_ref;
pub mod shell;

use crate::syntax::{Args, CommandForm, Dockerfile, Instruction, Kind, Span, Word};
pub use expand::{Expanded, Value, Vars, expand};
pub use image_ref::{ImageRef, registry_matches};
pub use shell::{Command, Script};

/// ARGs BuildKit defines in the global scope without a declaration.
pub const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Proxy ARGs usable in RUN without a declaration.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage of this file, by index.
    Stage(usize),
    Image(ImageRef),
    /// The image depends on build arguments without defaults, or the FROM is malformed.
    Unresolved,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    /// Index of the FROM instruction; the stage runs to `end` (exclusive).
    pub from: usize,
    pub end: usize,
    /// Lower-cased alias.
    pub name: Option<String>,
    pub base: Base,
    /// The FROM image word after expansion with global ARGs.
    pub image: Option<(Word, Expanded)>,
}

/// What is known at an instruction: its stage, the variables in scope before it runs and the
/// shell in effect.
#[derive(Debug, Clone)]
pub struct InstructionInfo {
    pub stage: Option<usize>,
    pub vars: Vars,
    pub shell: Vec<String>,
    /// The parsed script of a RUN (or ONBUILD RUN): the shell form under a POSIX SHELL, heredoc
    /// bodies included, or the exec form (see [`shell::parse_exec`]).
    pub script: Option<Script>,
}

#[derive(Debug)]
pub struct Model {
    pub df: Dockerfile,
    pub stages: Vec<Stage>,
    /// Global ARGs (before the first FROM) with their expanded defaults.
    pub global_vars: Vars,
    pub info: Vec<InstructionInfo>,
}

impl Model {
    pub fn new(df: Dockerfile) -> Model {
        let mut global_vars = Vars::new();
        for name in PLATFORM_ARGS {
            global_vars.insert(name.to_string(), Value::Unknown);
        }
        let mut stages: Vec<Stage> = Vec::new();
        let mut info = Vec::with_capacity(df.instructions.len());
        let mut vars = Vars::new();
        let mut env_vars = Vars::new();
        // Per stage: ENV values and SHELL, which later stages built FROM it inherit.
        let mut stage_env: Vec<(Vars, Vec<String>)> = Vec::new();
        let mut shell = default_shell();
        let escape = df.escape;

        for (idx, inst) in df.instructions.iter().enumerate() {
            if inst.kind == Kind::From {
                if let Some(prev) = stages.last_mut() {
                    prev.end = idx;
                }
                if !stages.is_empty() {
                    stage_env.push((std::mem::take(&mut env_vars), shell.clone()));
                }
                let mut stage = resolve_stage(inst, stages.len(), &stages, &global_vars, escape);
                stage.from = idx;
                vars = Vars::new();
                shell = default_shell();
                if let Base::Stage(parent) = &stage.base
                    && let Some((env, parent_shell)) = stage_env.get(*parent)
                {
                    vars = env.clone();
                    env_vars = env.clone();
                    shell = parent_shell.clone();
                }
                info.push(InstructionInfo {
                    stage: Some(stages.len()),
                    vars: vars.clone(),
                    shell: shell.clone(),
                    script: None,
                });
                stages.push(stage);
                continue;
            }
            let in_stage = !stages.is_empty();
            let scope = if in_stage { &vars } else { &global_vars };
            let mut item = InstructionInfo {
                stage: in_stage.then(|| stages.len() - 1),
                vars: scope.clone(),
                shell: shell.clone(),
                script: None,
            };
            let effective = inst.effective();
            if effective.kind == Kind::Run {
                item.script = match &effective.args {
                    // The exec form runs without the SHELL.
                    Args::Command(CommandForm::Exec { args, .. }) => Some(shell::parse_exec(args)),
                    _ if is_posix(&shell) => run_script(effective, escape),
                    _ => None,
                };
            }
            // Instructions that change the scope for what follows.
            match (&inst.args, in_stage) {
                (Args::Arg { pairs }, false) => {
                    for p in pairs {
                        let value = match &p.value {
                            Some(v) => {
                                let e = expand(v, &global_vars, escape);
                                if e.is_resolved() {
                                    Value::Known(e.value)
                                } else {
                                    Value::Unknown
                                }
                            }
                            None => Value::Unknown,
                        };
                        global_vars.insert(p.key.clone(), value);
                    }
                }
                (Args::Arg { pairs }, true) => {
                    let before = vars.clone();
                    for p in pairs {
                        let value = match &p.value {
                            Some(v) => {
                                let e = expand(v, &before, escape);
                                if e.is_resolved() {
                                    Value::Known(e.value)
                                } else {
                                    Value::Unknown
                                }
                            }
                            None => global_vars.get(&p.key).cloned().unwrap_or(Value::Unknown),
                        };
                        vars.insert(p.key.clone(), value);
                    }
                }
                (Args::KeyValues { pairs, .. }, true) if inst.kind == Kind::Env => {
                    let before = vars.clone();
                    for p in pairs {
                        let e = expand(p.value.as_deref().unwrap_or(""), &before, escape);
                        let value = if e.is_resolved() {
                            Value::Known(e.value)
                        } else {
                            Value::Unknown
                        };
                        env_vars.insert(p.key.clone(), value.clone());
                        vars.insert(p.key.clone(), value);
                    }
                }
                (Args::Shell { values }, true) if !values.is_empty() => shell = values.clone(),
                _ => {}
            }
            info.push(item);
        }
        if let Some(last) = stages.last_mut() {
            last.end = df.instructions.len();
        }
        Model {
            df,
            stages,
            global_vars,
            info,
        }
    }

    pub fn instruction(&self, idx: usize) -> &Instruction {
        &self.df.instructions[idx]
    }

    /// The instructions of a stage after its FROM, with their indices.
    pub fn stage_body(&self, stage: &Stage) -> impl Iterator<Item = (usize, &Instruction)> {
        (stage.from + 1..stage.end).map(move |i| (i, &self.df.instructions[i]))
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage a `--from=` value or `FROM` name refers to: an alias or an index.
    pub fn stage_ref(&self, reference: &str, before: usize) -> Option<usize> {
        let lower = reference.to_ascii_lowercase();
        self.stages[..before.min(self.stages.len())]
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| reference.parse::<usize>().ok().filter(|&i| i < before))
    }

    /// Expands a word of instruction `idx` in its scope.
    pub fn expand(&self, idx: usize, word: &str) -> Expanded {
        expand(word, &self.info[idx].vars, self.df.escape)
    }

    /// Expands a word of RUN `idx`'s command `cmd`: the ARG and ENV values in scope, overridden
    /// by the shell variables the script sets before the command ([`Script::assignments_before`]).
    /// A shell value that itself needs expansion (`$x`, `` `…` ``) counts as unknown.
    pub fn expand_in_run(&self, idx: usize, cmd: &Command, word: &str) -> Expanded {
        let info = &self.info[idx];
        let Some(script) = &info.script else {
            return self.expand(idx, word);
        };
        let assigned = script.assignments_before(cmd.span.start);
        if assigned.is_empty() {
            return self.expand(idx, word);
        }
        let mut vars = info.vars.clone();
        for (name, value) in assigned {
            let value = if value.contains(['$', '`']) {
                Value::Unknown
            } else {
                Value::Known(value.to_string())
            };
            vars.insert(name.to_string(), value);
        }
        expand(word, &vars, self.df.escape)
    }

    /// The last USER of a stage, following `FROM <stage>` chains; `None` when no USER is set.
    pub fn effective_user(&self, stage: usize) -> Option<(usize, String)> {
        let mut current = Some(stage);
        let mut guard = 0;
        while let Some(s) = current {
            let st = &self.stages[s];
            let user = self
                .stage_body(st)
                .filter(|(_, i)| i.kind == Kind::User)
                .last();
            if let Some((idx, inst)) = user {
                let raw = match &inst.args {
                    Args::Words(w) => w.first().map(|w| w.raw.clone()).unwrap_or_default(),
                    _ => String::new(),
                };
                let value = self.expand(idx, &raw).value;
                return Some((idx, value));
            }
            current = match st.base {
                Base::Stage(parent) if parent < s && guard < 64 => Some(parent),
                _ => None,
            };
            guard += 1;
        }
        None
    }

    /// The commands of every RUN in a stage, with the RUN's instruction index.
    pub fn stage_commands(&self, stage: &Stage) -> impl Iterator<Item = (usize, &Command)> {
        self.stage_body(stage)
            .filter_map(|(i, _)| self.info[i].script.as_ref().map(|s| (i, s)))
            .flat_map(|(i, s)| s.commands.iter().map(move |c| (i, c)))
    }

    /// Every RUN command of the file, with its instruction index.
    pub fn all_commands(&self) -> impl Iterator<Item = (usize, &Command)> {
        self.info
            .iter()
            .enumerate()
            .filter_map(|(i, info)| info.script.as_ref().map(|s| (i, s)))
            .flat_map(|(i, s)| s.commands.iter().map(move |c| (i, c)))
    }

    pub fn span_text(&self, span: &Span) -> &str {
        self.df.slice(span)
    }
}

fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_string(), "-c".to_string()]
}

/// Whether a SHELL is POSIX-like, so RUN text can be parsed as shell.
pub fn is_posix(shell: &[String]) -> bool {
    let Some(first) = shell.first() else {
        return true;
    };
    let program = first
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(first)
        .to_ascii_lowercase();
    !(program.contains("pwsh") || program.contains("powershell") || program.starts_with("cmd"))
}

fn resolve_stage(
    inst: &Instruction,
    index: usize,
    earlier: &[Stage],
    global: &Vars,
    escape: char,
) -> Stage {
    let Args::From { image, alias, .. } = &inst.args else {
        unreachable!("resolve_stage is called for FROM only")
    };
    let name = alias.as_ref().map(|a| a.raw.to_ascii_lowercase());
    let Some(image) = image else {
        return Stage {
            index,
            from: 0,
            end: 0,
            name,
            base: Base::Unresolved,
            image: None,
        };
    };
    let expanded = expand(&image.raw, global, escape);
    let value = expanded.value.clone();
    let lower = value.to_ascii_lowercase();
    let base = if !expanded.is_resolved() || value.is_empty() {
        Base::Unresolved
    } else if let Some(i) = earlier
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        Base::Stage(i)
    } else if lower == "scratch" {
        Base::Scratch
    } else {
        Base::Image(ImageRef::parse(&value))
    };
    Stage {
        index,
        from: 0,
        end: 0,
        name,
        base,
        image: Some((image.clone(), expanded)),
    }
}

fn run_script(run: &Instruction, escape: char) -> Option<Script> {
    let Args::Command(CommandForm::Shell { text, .. }) = &run.args else {
        return None;
    };
    let mut script = shell::parse_command_line(text, &run.heredocs);
    for heredoc in &run.heredocs {
        if shell::heredoc_is_shell(&text.value, heredoc, escape) {
            script.append(shell::parse_heredoc(heredoc));
        }
    }
    Some(script)
}

#[cfg(test)]
mod tests;
