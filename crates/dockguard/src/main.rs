//! The `dockguard` binary: parses the command line, calls the library crates, prints, exits.

/// `println!` that returns the write error (a closed pipe ends the command quietly, see
/// `is_broken_pipe`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?;
    }};
}

mod apparmor;
mod bench;
mod cli;
mod containers;
mod discover;
mod image;
mod info;
mod lint;
mod registry;
mod sbom;
mod seccomp;
mod settings;
mod vuln;
mod watch;

use clap::Parser;
use std::io::Write;

fn main() {
    quiet_caught_parser_panics();
    let cli = cli::Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("dockguard: error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn run(cli: cli::Cli) -> anyhow::Result<i32> {
    match cli.command {
        cli::Command::Lint(args) => Ok(exit_code(lint::lint(&args)?)),
        cli::Command::Scan(args) => Ok(exit_code(lint::scan(&args)?)),
        cli::Command::Containers(args) => containers::run(&args),
        cli::Command::Bench(args) => bench::run(&args),
        cli::Command::Image(args) => image::run(&args),
        cli::Command::Sbom(args) => sbom::run(&args),
        cli::Command::Vuln(args) => vuln::run(&args),
        cli::Command::Db(args) => vuln::db(&args),
        cli::Command::Seccomp(args) => seccomp::run(&args),
        cli::Command::Apparmor(args) => apparmor::run(&args),
        cli::Command::Watch(args) => watch::run(&args),
        cli::Command::Rules(args) => info::rules(&args).map(|()| 0),
        cli::Command::Explain { code } => info::explain(&code),
        cli::Command::Completions { shell } => {
            let mut cmd = <cli::Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "dockguard", &mut out);
            out.flush()?;
            Ok(0)
        }
        cli::Command::Man { output } => info::man(output.as_deref()).map(|()| 0),
    }
}

/// brush-parser can panic on malformed scripts; the Dockerfile crate catches that and falls back,
/// so its panic message would only be noise on stderr. Every other panic is reported as usual.
fn quiet_caught_parser_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info
            .location()
            .is_some_and(|l| l.file().contains("brush-parser"))
        {
            return;
        }
        default(info);
    }));
}

fn exit_code(result: lint::RunResult) -> i32 {
    if result.input_errors > 0 {
        2
    } else if result.failing {
        1
    } else {
        0
    }
}

/// A reader that went away (`dockguard lint | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
