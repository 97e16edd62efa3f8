//! `logsift scan`: runs the engine over the inputs and writes the report
//! in every format asked for, or one report per input with `--out-dir`.

use std::{
    fs::File,
    io::{self, BufWriter},
    path::Path,
    sync::Arc,
};

use logsift_engine::{MINING_PROBE_SETS, Scanner};
use logsift_report::{Format, Report, ReportBuilder, prepare};
use logsift_signatures::{Matcher, Pack};

use crate::{
    batch,
    config::{Destination, Output, ScanConfig},
    outcome::{Outcome, Verdict, gate, report_problems},
    progress::Bar,
};

/// `logsift scan`: scans the inputs and writes the reports.
pub(crate) fn scan(config: &ScanConfig) -> Outcome {
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
    // Error lines no signature knows are found in the signatures' pass.
    let compile = || {
        if config.engine.mine {
            Matcher::with_probes(config.pack.signatures(), MINING_PROBE_SETS)
        } else {
            config.pack.compile()
        }
    };
    // With a second thread, the report's one-time work is done beside
    // the matcher's, not after the scan.
    let matcher = if config.threads > 1 {
        pool.install(|| rayon::join(compile, || prepare(&config.pack))).0
    } else {
        compile()
    };
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
        .suppress(&config.suppressions)
        .ignore_unrecognized(&config.ignore)
        .window(config.engine.since, config.engine.until);
    pool.install(|| scanner.scan(&config.inputs, &mut builder));
    if let Some(b) = &bar {
        b.finish();
    }
    let report = builder.finish();

    for line in report_problems(&report, config.fail_on_incomplete) {
        eprintln!("{line}");
    }
    // Every report is attempted even when one fails, so a full disk for
    // one file still leaves the others; any failure makes the run fail.
    let mut failed = false;
    let mut closed = false;
    // SARIF and JUnit readers act on every entry they find, so the
    // templates go there only when asked for.
    let without_templates = (!config.unrecognized_notes
        && !report.unrecognized.is_empty())
    .then(|| Report { unrecognized: Vec::new(), ..report.clone() });
    for output in &config.outputs {
        let report = match (&without_templates, output.format) {
            (Some(plain), Format::Sarif | Format::Junit) => plain,
            _ => &report,
        };
        match write_report(report, &config.pack, output) {
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
    let verdict = Verdict {
        errors: report.has_errors(),
        worst: report.worst_severity(),
        incomplete: !report.incomplete().is_empty(),
    };
    gate(config.fail_on, config.fail_on_incomplete, verdict)
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
    let mut sink = batch::OutDir::new(dir, config, bar.clone());
    run(&mut sink);
    let end = sink.finish();
    if let Some(b) = &bar {
        b.finish();
    }
    if end.write_failed {
        return Outcome::Error;
    }
    gate(config.fail_on, config.fail_on_incomplete, end.verdict)
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
