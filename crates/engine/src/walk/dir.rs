//! Folders: listed in name order, their files scanned in parallel.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Node, Part, Walker, io_message};
use crate::error::{ErrorKind, SkipReason};

impl Walker<'_, '_> {
    /// A folder: listed in order, its files scanned in parallel. Links are
    /// never followed, so a scan cannot leave the folder or loop.
    pub(super) fn dir(&self, part: &mut Part, root: &Path, display: &str) {
        let files = self.list(part, root, display);
        self.scan_listed(part, &files);
    }

    /// The regular files below `root`, in name order, as (path, virtual
    /// path, relative path); links and special files are recorded as
    /// skipped, unreadable entries as errors.
    pub(super) fn list(
        &self,
        part: &mut Part,
        root: &Path,
        display: &str,
    ) -> Vec<(PathBuf, String, String)> {
        let mut files = Vec::new();
        let follow = self.cx.config.follow_links;
        for entry in
            WalkDir::new(root).follow_links(follow).sort_by_file_name()
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e.path().map_or_else(
                        || display.to_string(),
                        |p| join_dir(display, root, p),
                    );
                    let why =
                        e.io_error().map_or_else(|| e.to_string(), io_message);
                    part.error(&at, ErrorKind::FolderEntry(why));
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            let vpath = join_dir(display, root, entry.path());
            let rel =
                vpath[display.len()..].trim_start_matches('/').to_string();
            if ft.is_file() {
                files.push((entry.into_path(), vpath, rel));
            } else if ft.is_symlink() {
                part.skip(&vpath, SkipReason::Symlink);
            } else {
                part.skip(&vpath, SkipReason::SpecialFile);
            }
        }
        files
    }

    /// Scans listed files in parallel. A file may have changed since it
    /// was listed: one that vanished is an error naming it, one that
    /// shrank or grew is read as it is now.
    pub(super) fn scan_listed(
        &self,
        part: &mut Part,
        files: &[(PathBuf, String, String)],
    ) {
        let parts: Vec<Part> = files
            .par_iter()
            .map(|(path, vpath, rel)| {
                let mut p = Part::default();
                if self.budget.exhausted() || !self.budget.take_member() {
                    p.skip(vpath, SkipReason::BudgetSpent);
                    return p;
                }
                // Folders have no `./` prefix; present them as the Linux
                // collector's tar would, so both lay out the same.
                p.clues.member(&format!("./{rel}"));
                let node = Node::new(vpath.clone(), rel.clone());
                self.file(&mut p, path, &node);
                p
            })
            .collect();
        for p in parts {
            part.merge(p);
        }
    }
}

/// The virtual path of a file below a scanned folder.
fn join_dir(display: &str, root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_empty() {
        display.to_string()
    } else {
        format!("{display}/{}", rel.join("/"))
    }
}
