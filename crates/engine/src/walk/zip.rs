//! Zip archives: through the central directory, or from the local
//! headers when that is broken.

use std::{
    collections::BTreeMap,
    io::{Read, Seek},
};

use ::zip::read::ZipFile;

use super::{Entry, Level, Node, Part, Walker};
use crate::{
    budget::{Gauge, Metered, Packed},
    error::{ErrorKind, SkipReason},
    source::normalize,
};

impl Walker<'_, '_> {
    /// A zip archive, read through its central directory. A bad member is
    /// reported and the walk moves on to the next.
    pub(super) fn zip<R: Read + Seek>(
        &self,
        part: &mut Part,
        node: &Node,
        mut reader: R,
        at: Level<'_>,
    ) {
        let mut archive = match ::zip::ZipArchive::new(&mut reader) {
            Ok(a) => a,
            Err(e) => {
                // The central directory is broken (a cut download, say);
                // the members' own headers still lead from one to the next.
                part.error(
                    &node.vpath,
                    ErrorKind::ZipDirectory(e.to_string()),
                );
                if reader.rewind().is_ok() {
                    self.zip_stream(part, node, &mut reader, at);
                }
                return;
            }
        };
        let top = at.depth <= 1;
        let mut extents = Extents::default();
        for i in 0..archive.len() {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let fallback = format!("#{i}");
            let raw = archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map_or(fallback, |n| n.into_owned());
            let vpath = format!("{}!{}", node.vpath, normalize(&raw));
            let file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    part.error(&vpath, ErrorKind::ZipMember(e.to_string()));
                    continue;
                }
            };
            if let Some(other) = extents.claim(&file, &vpath) {
                part.error(&vpath, ErrorKind::ZipOverlap { other });
                continue;
            }
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            let what = match (file.is_dir(), file.is_symlink()) {
                (true, _) => Entry::Dir,
                (_, true) => Entry::Skip(SkipReason::Symlink),
                _ => Entry::File,
            };
            let Some(member) = self.admit(part, vpath, raw, what, top) else {
                continue;
            };
            let gauge = Gauge::within(at.layer);
            let mut metered = Metered::new(file, &self.budget, &gauge);
            let inside = Level::inside(at.depth, &gauge);
            self.stream(part, &member, &mut metered, inside, false);
        }
    }

    /// A zip read member by member from its local headers, for archives
    /// whose central directory cannot be read.
    pub(super) fn zip_stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        at: Level<'_>,
    ) {
        let top = at.depth <= 1;
        let mut reader = reader;
        loop {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let file = match ::zip::read::read_zipfile_from_stream(&mut reader)
            {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    part.error(
                        &node.vpath,
                        ErrorKind::ZipMemberHeader(e.to_string()),
                    );
                    return;
                }
            };
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            let vpath = format!("{}!{}", node.vpath, normalize(&raw));
            // Local headers say nothing of links: what is not a folder
            // is read.
            let what = if file.is_dir() { Entry::Dir } else { Entry::File };
            let Some(member) = self.admit(part, vpath, raw, what, top) else {
                continue;
            };
            let gauge = Gauge::within(at.layer);
            let mut metered = Metered::new(file, &self.budget, &gauge);
            let inside = Level::inside(at.depth, &gauge);
            self.stream(part, &member, &mut metered, inside, false);
        }
    }
}

/// The byte ranges of the archive that members read so far hold.
#[derive(Default)]
struct Extents {
    /// Start to end and the member's name.
    taken: BTreeMap<u64, (u64, String)>,
}

impl Extents {
    /// Claims `file`'s compressed bytes for it; the name of the member
    /// that holds some of them already, if one does.
    fn claim<R: Read>(
        &mut self,
        file: &ZipFile<'_, R>,
        name: &str,
    ) -> Option<String> {
        let start = file.data_start()?;
        let end = start.saturating_add(file.compressed_size());
        if end == start {
            return None;
        }
        let before = self.taken.range(..end).next_back();
        if let Some((_, (other_end, other))) = before
            && *other_end > start
        {
            return Some(other.clone());
        }
        self.taken.insert(start, (end, name.to_string()));
        None
    }
}

impl<R: Read> Packed for ZipFile<'_, R> {
    /// The member's compressed size, as its header gives it: the reader
    /// never takes more than that.
    fn packed(&self) -> Option<u64> {
        Some(self.compressed_size())
    }
}
