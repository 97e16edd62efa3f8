//! The `logsift` binary: parses arguments, runs the scan, writes the
//! report, and owns the exit code. Glue only; the work is in the crates.

mod args;
mod batch;
mod config;
mod generate;
mod outcome;
mod packs;
mod progress;
mod scan;

use std::{
    io::{self, BufWriter, Write},
    process::ExitCode,
};

use clap::{Parser, error::ErrorKind};

use crate::{
    args::{Cli, Command},
    config::{PackTask, PacksConfig, ScanConfig},
    outcome::Outcome,
    scan::scan,
};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.kind() == ErrorKind::DisplayVersion => {
            // From any command; loads the pack only when asked.
            return ExitCode::from(print(generate::version()) as u8);
        }
        Err(e) => e.exit(),
    };
    let outcome = match cli.command {
        Command::Scan(args) => match ScanConfig::from_args(*args) {
            Ok(config) => scan(&config),
            Err(e) => {
                eprintln!("logsift: {e}");
                Outcome::Error
            }
        },
        Command::Signatures(cmd) => signatures(&cmd.into()),
        Command::Merge(args) => batch::merge(&args.into()),
        Command::Generate(args) => {
            print(generate::generate(args.kind).map_err(|e| e.to_string()))
        }
    };
    ExitCode::from(outcome as u8)
}

/// Prints a command's whole answer, or why there is none.
fn print(answer: Result<impl AsRef<[u8]>, String>) -> Outcome {
    match answer {
        Ok(bytes) => written(
            io::stdout()
                .lock()
                .write_all(bytes.as_ref())
                .map(|()| Outcome::Clean),
        ),
        Err(e) => {
            eprintln!("logsift: {e}");
            Outcome::Error
        }
    }
}

fn signatures(config: &PacksConfig) -> Outcome {
    let pack = match packs::load(config.pack.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("logsift: {e}");
            return Outcome::Error;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match &config.task {
        PackTask::List(format) => packs::list(&pack, *format, &mut out),
        PackTask::Show(id) => packs::show(&pack, id, &mut out),
        PackTask::Test => packs::test(&pack, &mut out),
        PackTask::Lint => {
            packs::lint_pack(&pack, config.pack.is_some(), &mut out)
        }
        PackTask::Draft { id, report } => packs::draft(id, report, &mut out),
    };
    written(result.and_then(|o| out.flush().map(|()| o)))
}

/// The outcome of a command that wrote to standard output; a reader that
/// stopped early (`| head`) took all it wanted.
fn written(result: io::Result<Outcome>) -> Outcome {
    match result {
        Ok(o) => o,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Clean,
        Err(e) => {
            eprintln!("logsift: cannot write ({e}): standard output");
            Outcome::Error
        }
    }
}
