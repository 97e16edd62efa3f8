//! `--out-dir`: each input's report written the moment it is done, then
//! dropped, and folded into the fleet summary.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
    sync::Arc,
};

use logsift_engine::{InputReport, Sink};
use logsift_report::{
    Report, ReportBuilder,
    fleet::{self, FleetBuilder},
    html, json,
};

use super::{SUMMARY, SUMMARY_HTML, report_file_name};
use crate::{
    config::ScanConfig,
    outcome::{Verdict, report_problems},
    progress::Bar,
};

/// What a batch run ended with.
#[derive(Debug, Default)]
pub(crate) struct BatchEnd {
    /// What the gate weighs, across inputs.
    pub(crate) verdict: Verdict,
    /// Whether a report could not be written.
    pub(crate) write_failed: bool,
}

/// The sink of `--out-dir`: builds, writes and forgets each input's
/// report, folding it into the fleet summary.
pub(crate) struct OutDir<'a> {
    dir: &'a Path,
    /// The pack, suppressions, redaction, window and gate of the run.
    config: &'a ScanConfig,
    bar: Option<Arc<Bar>>,
    fleet: FleetBuilder,
    end: BatchEnd,
}

impl<'a> OutDir<'a> {
    pub(crate) fn new(
        dir: &'a Path,
        config: &'a ScanConfig,
        bar: Option<Arc<Bar>>,
    ) -> OutDir<'a> {
        OutDir {
            dir,
            config,
            bar,
            fleet: FleetBuilder::new(),
            end: BatchEnd::default(),
        }
    }

    fn say(&self, line: &str) {
        crate::progress::eprintln(self.bar.as_deref(), line);
    }

    /// Writes summary.json and returns how the run went.
    pub(crate) fn finish(mut self) -> BatchEnd {
        let summary = std::mem::take(&mut self.fleet).finish();
        let json = self.dir.join(SUMMARY);
        let written = write_atomically(&json, |w| fleet::write(&summary, w));
        self.check(written, &json);
        let page = self.dir.join(SUMMARY_HTML);
        let written =
            write_atomically(&page, |w| html::write_fleet(&summary, w));
        self.check(written, &page);
        self.end
    }

    /// Says so when a file could not be written, which fails the run.
    fn check(&mut self, written: io::Result<()>, path: &Path) {
        if let Err(e) = written {
            self.say(&format!(
                "logsift: cannot write report ({e}): {}",
                path.display()
            ));
            self.end.write_failed = true;
        }
    }

    fn write(&mut self, report: &Report, name: &str) {
        let path = self.dir.join(name);
        let written = write_atomically(&path, |w| json::write(report, w));
        self.check(written, &path);
    }
}

impl Sink for OutDir<'_> {
    fn input(&mut self, input: InputReport) {
        let display = input.path.clone();
        let c = self.config;
        let mut builder = ReportBuilder::new(&c.pack, vec![display.clone()])
            .redact(c.redact)
            .suppress(&c.suppressions)
            .ignore_unrecognized(&c.ignore)
            .window(c.engine.since, c.engine.until);
        builder.input(input);
        let report = builder.finish();
        // What is missing is said only when it fails the run.
        for line in report_problems(&report, c.fail_on_incomplete) {
            self.say(&line);
        }
        let name = report_file_name(&display);
        self.write(&report, &name);
        match self.fleet.add_report(&report, &name) {
            Ok(_) => {}
            Err(e) => {
                self.say(&format!(
                    "logsift: cannot summarize ({e}): {display}"
                ));
                self.end.write_failed = true;
            }
        }
        let v = &mut self.end.verdict;
        v.worst = v.worst.max(report.worst_severity());
        v.errors |= report.has_errors();
        v.incomplete |= !report.incomplete().is_empty();
    }
}

/// Writes `path` through a temporary file in the same folder, renamed
/// into place, so a reader (or `merge`) never sees half a report.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let mut builder = tempfile::Builder::new();
    // A temporary file is private (0600) by default; a report is not: the
    // merge Job or a colleague reads it as another user, so it gets the
    // mode `File::create` would give, 0666 less the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder.tempfile_in(dir.unwrap_or(Path::new(".")))?;
    let mut w = BufWriter::new(tmp.as_file());
    write(&mut w)?;
    w.flush()?;
    drop(w);
    tmp.persist(path).map(drop).map_err(|e| e.error)
}
