//! Tar streams, member by member, telling a broken archive from a
//! broken member.

use std::{
    cell::RefCell,
    io::{self, Read},
    rc::Rc,
};

use jiff::Timestamp;

use super::{Entry, Node, Part, Walker, io_message};
use crate::{
    error::{ErrorKind, SkipReason},
    source::normalize,
};

impl Walker<'_, '_> {
    /// A tar stream, member by member. A broken stream ends the walk; the
    /// members before the break keep their findings.
    pub(super) fn tar(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        depth: u32,
    ) {
        let broken = Rc::new(RefCell::new(None));
        let latch = Latch { inner: reader, broken: Rc::clone(&broken) };
        let mut archive = ::tar::Archive::new(latch);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => {
                part.error(
                    &node.vpath,
                    ErrorKind::TarUnreadable(io_message(&e)),
                );
                return;
            }
        };
        let top = depth <= 1;
        let mut last = None;
        let mut members = 0u64;
        for entry in entries {
            if self.budget.exhausted() {
                return;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let why = broken
                        .borrow()
                        .clone()
                        .unwrap_or_else(|| io_message(&e));
                    let kind = ErrorKind::TarCorrupt { after: last, why };
                    part.error(&node.vpath, kind);
                    return;
                }
            };
            members += 1;
            let raw =
                String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = normalize(&raw);
            if name.is_empty() {
                continue;
            }
            let vpath = format!("{}!{}", node.vpath, name);
            last = Some(name);
            if let Some(t) = entry
                .header()
                .mtime()
                .ok()
                .filter(|&t| t > 0)
                .and_then(|t| Timestamp::from_second(t as i64).ok())
            {
                // Collectors tar their files right after writing them.
                let _ = self.reference.set(t);
            }
            let what = entry_kind(&entry);
            let Some(member) = self.admit(part, vpath, raw, what, top) else {
                continue;
            };
            if !self.budget.take_member()
                || !self.tar_member(part, &member, &mut entry, &broken, depth)
            {
                return;
            }
        }
        // tar stops at its end-of-archive blocks; reading on to the end
        // checks a gzip trailer and finds a stream cut after the last
        // member.
        let mut rest = archive.into_inner();
        if let Err(e) = io::copy(&mut rest, &mut io::sink()) {
            part.error(
                &node.vpath,
                ErrorKind::CutAfterLastMember(io_message(&e)),
            );
        } else if members == 0 {
            part.skip(&node.vpath, SkipReason::EmptyArchive);
        }
    }

    /// Reads one member, then tells why it ended short, if it did: the
    /// stream under the archive broke (the member's own error, if any,
    /// was that break seen from inside), a read failed, or the archive
    /// ended inside it. Returns whether the walk can go on.
    fn tar_member<R: Read>(
        &self,
        part: &mut Part,
        member: &Node,
        entry: &mut ::tar::Entry<'_, R>,
        broken: &Rc<RefCell<Option<String>>>,
        depth: u32,
    ) -> bool {
        let size = entry.size();
        let mut counting = Counting { inner: entry, read: 0 };
        self.stream(part, member, &mut counting, depth, false);
        // Read what the member's scan left (a skipped binary, say), so
        // a stream that ends early is noticed here and not missed.
        let drained = io::copy(&mut counting, &mut io::sink());
        let read = counting.read;
        let vpath = &member.vpath;
        let outer = broken.borrow().clone();
        let kind = match (outer, drained) {
            (Some(why), _) => {
                part.errors.retain(|e| e.path != *vpath);
                ErrorKind::CutInsideMember(why)
            }
            (None, Err(e)) => ErrorKind::Read(io_message(&e)),
            (None, Ok(_)) if read < size => {
                ErrorKind::MemberShort { read, size }
            }
            (None, Ok(_)) => return true,
        };
        if matches!(kind, ErrorKind::CutInsideMember(_))
            || !part.has_error(vpath)
        {
            part.error(vpath, kind);
        }
        false
    }
}

/// What a tar header says its entry is.
fn entry_kind<R: Read>(entry: &::tar::Entry<'_, R>) -> Entry {
    use ::tar::EntryType as T;
    match entry.header().entry_type() {
        T::Regular | T::Continuous | T::GNUSparse => Entry::File,
        T::Directory => Entry::Dir,
        T::Symlink | T::Link => {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            Entry::Skip(SkipReason::TarLink(target))
        }
        T::Char | T::Block | T::Fifo => {
            Entry::Skip(SkipReason::TarSpecialFile)
        }
        other => {
            Entry::Skip(SkipReason::TarEntryType(other.as_byte() as char))
        }
    }
}

/// Remembers the first error of the stream under an archive, so a failing
/// member can tell a broken archive from a broken member.
struct Latch<'r> {
    inner: &'r mut dyn Read,
    broken: Rc<RefCell<Option<String>>>,
}

impl Read for Latch<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.inner.read(buf);
        if let Err(e) = &r
            && e.kind() != io::ErrorKind::Interrupted
        {
            self.broken.borrow_mut().get_or_insert_with(|| io_message(e));
        }
        r
    }
}

struct Counting<'r, R> {
    inner: &'r mut R,
    read: u64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
