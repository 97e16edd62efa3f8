//! The progress bar of long scans: bytes read of the inputs' total,
//! inputs done, and the time left, on standard error when it is a
//! terminal. The engine only counts (its `Progress` trait); drawing is
//! here, with indicatif.

use std::{fs, path::Path, sync::Mutex, time::Duration};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logsift_engine::{Input, Progress};

/// A progress bar over a scan's inputs.
#[derive(Debug)]
pub(crate) struct Bar {
    bar: ProgressBar,
    inputs: u64,
    /// Inputs done. Counted and shown under one lock: with a plain
    /// atomic, two workers finishing at once could show "3/3" then "2/3".
    done: Mutex<u64>,
}

impl Bar {
    /// A bar for `inputs`, drawn on standard error. The total is their
    /// size on disk, which is what the engine counts; standard input has
    /// none, so with it the bar only counts.
    pub(crate) fn start(inputs: &[Input]) -> Bar {
        let total = inputs.iter().try_fold(0u64, |sum, i| match i {
            Input::Path(p) => Some(sum.saturating_add(size(p))),
            Input::Stdin { .. } => None,
        });
        let template = match total {
            Some(_) => {
                "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} \
                 {msg} ETA {eta}"
            }
            None => "{spinner} {elapsed_precise} {bytes} {msg}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(
            total,
            ProgressDrawTarget::stderr_with_hz(4),
        )
        .with_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        let inputs = inputs.len() as u64;
        bar.set_message(format!("0/{inputs} inputs"));
        Bar { bar, inputs, done: Mutex::new(0) }
    }

    /// Prints `line` on standard error above the bar.
    pub(crate) fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bar, before the final messages.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn bytes(&self, n: u64) {
        self.bar.inc(n);
    }

    fn input_done(&self) {
        // A worker that panicked holding the lock left a count that is
        // still right; the bar goes on.
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *done += 1;
        self.bar.set_message(format!("{done}/{} inputs", self.inputs));
    }
}

/// Prints `line` on standard error, above the bar when there is one.
pub(crate) fn eprintln(bar: Option<&Bar>, line: &str) {
    match bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    }
}

/// The bytes of the files under `path`, links not followed: an estimate,
/// so what cannot be read counts as nothing.
fn size(path: &Path) -> u64 {
    // The input itself is followed when it is a link, as the scan does.
    let Ok(meta) = fs::metadata(path) else { return 0 };
    if !meta.is_dir() {
        return meta.len();
    }
    let mut total = 0u64;
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => {
                    let len = entry.metadata().map_or(0, |m| m.len());
                    total = total.saturating_add(len);
                }
                _ => {}
            }
        }
    }
    total
}
