//! Zip archives: through the central directory, or from the local
//! headers when that is broken.

use std::io::{Read, Seek};

use super::{Entry, Node, Part, Walker};
use crate::{
    budget::Metered,
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
        depth: u32,
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
                    self.zip_stream(part, node, &mut reader, depth);
                }
                return;
            }
        };
        let top = depth <= 1;
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
            let mut file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    part.error(&vpath, ErrorKind::ZipMember(e.to_string()));
                    continue;
                }
            };
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            let what = match (file.is_dir(), file.is_symlink()) {
                (true, _) => Entry::Dir,
                (_, true) => Entry::Skip(SkipReason::Symlink),
                _ => Entry::File,
            };
            let Some(member) = self.admit(part, vpath, raw, what, top) else {
                continue;
            };
            let mut metered = Metered::new(&mut file, &self.budget);
            self.stream(part, &member, &mut metered, depth, false);
        }
    }

    /// A zip read member by member from its local headers, for archives
    /// whose central directory cannot be read.
    pub(super) fn zip_stream(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        depth: u32,
    ) {
        let top = depth <= 1;
        let mut reader = reader;
        loop {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let mut file =
                match ::zip::read::read_zipfile_from_stream(&mut reader) {
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
            let mut metered = Metered::new(&mut file, &self.budget);
            self.stream(part, &member, &mut metered, depth, false);
        }
    }
}
