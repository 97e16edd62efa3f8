//! The `logsift` binary: parses arguments, runs the scan, writes the
//! report, and owns the exit code. Glue only; the work is in the crates.

mod args;
mod batch;
mod config;
mod packs;
mod progress;

use std::{
    fs::File,
    io::{self, BufWriter},
    path::Path,
    process::ExitCode,
    sync::Arc,
};

use clap::Parser;
use logsift_engine::Scanner;
use logsift_report::{Report, ReportBuilder};
use logsift_signatures::{Pack, Severity};

use crate::{
    args::{Cli, Command, SignaturesCommand},
    config::{Destination, Output, ScanConfig},
    progress::Bar,
};

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing at or above `--fail-on`, and everything was read.
    Clean = 0,
    /// A finding at or above `--fail-on` that is not suppressed, or with
    /// `--fail-on-incomplete`, an input lacking an expected source.
    Findings = 1,
    /// A usage error, or something could not be read.
    Error = 2,
}

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
        Command::Signatures(cmd) => signatures(&cmd),
        Command::Merge(args) => batch::merge(&args),
    };
    ExitCode::from(outcome as u8)
}

fn signatures(cmd: &SignaturesCommand) -> Outcome {
    use SignaturesCommand as C;
    let path = match cmd {
        C::List { pack, .. }
        | C::Show { pack, .. }
        | C::Test { pack }
        | C::Lint { pack } => pack.as_deref(),
    };
    let pack = match packs::load(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("logsift: {e}");
            return Outcome::Error;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match cmd {
        C::List { format, .. } => packs::list(&pack, format, &mut out),
        C::Show { id, .. } => packs::show(&pack, id, &mut out),
        C::Test { .. } => packs::test(&pack, &mut out),
        C::Lint { pack: own } => {
            packs::lint_pack(&pack, own.is_some(), &mut out)
        }
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

fn scan(config: &ScanConfig) -> Outcome {
    let pool = match rayon_pool(config.threads) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("logsift: cannot start threads ({e})");
            return Outcome::Error;
        }
    };
    for w in &config.warnings {
        eprintln!("logsift: {w}");
    }
    let matcher = config.pack.compile();
    let bar = config.progress.then(|| Arc::new(Bar::start(&config.inputs)));
    let mut scanner = Scanner::new(&matcher, config.engine.clone());
    if let Some(b) = &bar {
        scanner = scanner.with_progress(Arc::clone(b) as _);
    }
    if let Some(dir) = &config.out_dir {
        return scan_to_dir(config, dir, bar, |sink| {
            pool.install(|| scanner.scan(&config.inputs, sink));
        });
    }
    let order = config.inputs.iter().map(|i| i.display()).collect();
    let mut builder = ReportBuilder::new(&config.pack, order)
        .redact(config.redact)
        .suppress(&config.suppressions);
    pool.install(|| scanner.scan(&config.inputs, &mut builder));
    if let Some(b) = &bar {
        b.finish();
    }
    let report = builder.finish();

    for input in &report.inputs {
        for e in &input.errors {
            eprintln!("logsift: {}: {}", e.message, e.path);
        }
    }
    let incomplete = report.incomplete();
    if config.fail_on_incomplete {
        for (input, kind, status) in &incomplete {
            eprintln!("logsift: incomplete: {kind} {status}: {input}");
        }
    }
    // Every report is attempted even when one fails, so a full disk for
    // one file still leaves the others; any failure makes the run fail.
    let mut failed = false;
    let mut closed = false;
    for output in &config.outputs {
        match write_report(&report, &config.pack, output) {
            Ok(()) => {}
            Err(e)
                if e.kind() == io::ErrorKind::BrokenPipe
                    && output.to == Destination::Stdout =>
            {
                closed = true;
            }
            Err(e) => {
                let target = output.to.name();
                eprintln!("logsift: cannot write report ({e}): {target}");
                failed = true;
            }
        }
    }
    if failed {
        return Outcome::Error;
    }
    // A reader that stopped early (`logsift scan x | head`) is not a
    // failure of the scan.
    if closed {
        return Outcome::Clean;
    }
    gate(
        config,
        report.has_errors(),
        report.worst_severity(),
        !incomplete.is_empty(),
    )
}

/// `scan --out-dir`: each input's report is written as it is done, then
/// summary.json; nothing goes to standard output.
fn scan_to_dir(
    config: &ScanConfig,
    dir: &Path,
    bar: Option<Arc<Bar>>,
    run: impl FnOnce(&mut batch::OutDir<'_>),
) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("logsift: cannot create folder ({e}): {}", dir.display());
        return Outcome::Error;
    }
    let mut sink = batch::OutDir::new(
        dir,
        &config.pack,
        &config.suppressions,
        config.redact,
        config.fail_on_incomplete,
        bar.clone(),
    );
    run(&mut sink);
    let tally = sink.finish();
    if let Some(b) = &bar {
        b.finish();
    }
    if tally.write_failed {
        return Outcome::Error;
    }
    gate(config, tally.errors, tally.worst, tally.incomplete)
}

/// The exit code: errors first, then findings at or above `--fail-on`
/// (suppressed ones aside), then, when asked, incomplete coverage.
fn gate(
    config: &ScanConfig,
    errors: bool,
    worst: Option<Severity>,
    incomplete: bool,
) -> Outcome {
    if errors {
        return Outcome::Error;
    }
    match (config.fail_on, worst) {
        (Some(min), Some(worst)) if worst >= min => Outcome::Findings,
        _ if config.fail_on_incomplete && incomplete => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

fn write_report(
    report: &Report,
    pack: &Pack,
    output: &Output,
) -> io::Result<()> {
    let Output { format, to, text } = output;
    match to {
        Destination::File(path) => {
            let file = BufWriter::new(File::create(path)?);
            format.write(report, pack, text, file)
        }
        Destination::Stdout => {
            let stdout = io::stdout();
            let lock = BufWriter::new(stdout.lock());
            format.write(report, pack, text, lock)
        }
    }
}

fn rayon_pool(
    threads: usize,
) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_documented_values() {
        assert_eq!(Outcome::Clean as u8, 0);
        assert_eq!(Outcome::Findings as u8, 1);
        assert_eq!(Outcome::Error as u8, 2);
    }
}
