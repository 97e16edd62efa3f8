//! The `logsift` binary: parses arguments, runs the scan, writes the
//! report, and owns the exit code. Glue only; the work is in the crates.

mod args;
mod batch;
mod config;
mod outcome;
mod packs;
mod progress;
mod scan;

use std::{
    io::{self, BufWriter},
    process::ExitCode,
};

use clap::Parser;

use crate::{
    args::{Cli, Command},
    config::{PackTask, PacksConfig, ScanConfig},
    outcome::Outcome,
    scan::scan,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    };
    ExitCode::from(outcome as u8)
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
    match result.and_then(|o| io::Write::flush(&mut out).map(|()| o)) {
        Ok(o) => o,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Clean,
        Err(e) => {
            eprintln!("logsift: cannot write ({e}): standard output");
            Outcome::Error
        }
    }
}
