//! Tar streams, member by member, telling a broken archive from a
//! broken member.

use std::{
    cell::RefCell,
    io::{self, Read},
    rc::Rc,
};

use jiff::Timestamp;

use super::{
    Ahead, Entry, Level, Node, Part, Walker, io_message, member_name,
};
use crate::{
    ahead::Member,
    error::{ErrorKind, SkipReason},
    io::Counted,
};

impl Walker<'_, '_> {
    /// A tar stream, member by member. A broken stream ends the walk; the
    /// members before the break keep their findings.
    pub(super) fn tar(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut dyn Read,
        at: Level<'_>,
    ) {
        let broken = Rc::new(RefCell::new(None));
        let latch = Latch { inner: reader, broken: Rc::clone(&broken) };
        let mut archive = ::tar::Archive::new(latch);
        // Raw entries: GNU long names and PAX records come as entries of
        // their own, read here under a size limit, where the tar crate
        // would read any size into memory.
        let entries = match archive.entries() {
            Ok(e) => e.raw(true),
            Err(e) => {
                part.error(
                    &node.vpath,
                    ErrorKind::TarUnreadable(io_message(&e)),
                );
                return;
            }
        };
        let top = at.depth <= 1;
        let mut last = None;
        let mut members = 0u64;
        let mut ext = Extensions::default();
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
            match ext.take(&mut entry) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    part.error(&node.vpath, ErrorKind::Read(io_message(&e)));
                    return;
                }
            }
            members += 1;
            let (long_name, long_link, too_large) = ext.member();
            let raw = long_name.unwrap_or_else(|| {
                String::from_utf8_lossy(&entry.path_bytes()).into_owned()
            });
            let name = member_name(&raw, members);
            let vpath = format!("{}!{}", node.vpath, name);
            if let Some(kind) = too_large {
                part.error(&vpath, kind);
                continue;
            }
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
            let what = entry_kind(&entry, long_link);
            let inside = member_level(&entry, at);
            let Some(member) = self.admit(part, vpath, raw, what, top) else {
                continue;
            };
            if !self.budget.take_member()
                || !self.tar_member(part, &member, &mut entry, &broken, inside)
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
        at: Level<'_>,
    ) -> bool {
        let size = entry.size();
        let mut counting = Counted::new(entry);
        self.stream(part, member, &mut counting, at, false);
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

/// The largest GNU long name or link, or PAX record set, read: a real
/// path is a few hundred bytes; one of megabytes is built to exhaust
/// memory.
const MAX_FIELD: u64 = 64 * 1024;

/// What the records before a member say of it: a GNU long name or link,
/// a PAX path or linkpath, or that one was too large to read.
#[derive(Default)]
struct Extensions {
    name: Option<String>,
    link: Option<String>,
    too_large: Option<ErrorKind>,
}

/// The records a tar may put before a member, to say more of it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    LongName,
    LongLink,
    Pax,
    PaxGlobal,
}

impl Record {
    fn of(t: ::tar::EntryType) -> Option<Record> {
        if t.is_gnu_longname() {
            Some(Record::LongName)
        } else if t.is_gnu_longlink() {
            Some(Record::LongLink)
        } else if t.is_pax_local_extensions() {
            Some(Record::Pax)
        } else if t.is_pax_global_extensions() {
            Some(Record::PaxGlobal)
        } else {
            None
        }
    }

    /// The report's words for it.
    fn what(self) -> &'static str {
        match self {
            Record::LongName => "GNU long name",
            Record::LongLink => "GNU long link name",
            Record::Pax => "PAX record",
            Record::PaxGlobal => "PAX global record",
        }
    }
}

impl Extensions {
    /// Takes `entry` in when it is a record about the next member, and
    /// says whether it was.
    fn take<R: Read>(
        &mut self,
        entry: &mut ::tar::Entry<'_, R>,
    ) -> io::Result<bool> {
        let Some(record) = Record::of(entry.header().entry_type()) else {
            return Ok(false);
        };
        let size = entry.size();
        if size > MAX_FIELD {
            // Its bytes are skipped, never held, as the walk moves on; a
            // global record describes no member of its own.
            if record != Record::PaxGlobal {
                self.too_large = Some(ErrorKind::TarFieldTooLarge {
                    what: record.what(),
                    size,
                    max: MAX_FIELD,
                });
            }
            return Ok(true);
        }
        let mut data = Vec::with_capacity(size as usize);
        entry.take(MAX_FIELD).read_to_end(&mut data)?;
        let text = |b: &[u8]| {
            let b = b.split(|&c| c == 0).next().unwrap_or_default();
            String::from_utf8_lossy(b).into_owned()
        };
        match record {
            Record::LongName => self.name = Some(text(&data)),
            Record::LongLink => self.link = Some(text(&data)),
            Record::Pax => {
                for ext in
                    ::tar::PaxExtensions::new(&data).map_while(Result::ok)
                {
                    match ext.key_bytes() {
                        b"path" => self.name = Some(text(ext.value_bytes())),
                        b"linkpath" => {
                            self.link = Some(text(ext.value_bytes()))
                        }
                        _ => {}
                    }
                }
            }
            Record::PaxGlobal => {}
        }
        Ok(true)
    }

    /// What the records said of the member that follows them; cleared.
    fn member(
        &mut self,
    ) -> (Option<String>, Option<String>, Option<ErrorKind>) {
        let e = std::mem::take(self);
        (e.name, e.link, e.too_large)
    }
}

/// What a tar header says its entry is; `link` is the target a GNU long
/// link or PAX record gave.
fn entry_kind<R: Read>(
    entry: &::tar::Entry<'_, R>,
    link: Option<String>,
) -> Entry {
    use ::tar::EntryType as T;
    match entry.header().entry_type() {
        T::Regular | T::Continuous | T::GNUSparse => Entry::File,
        T::Directory => Entry::Dir,
        T::Symlink | T::Link => {
            let target = link.unwrap_or_else(|| {
                entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default()
            });
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

/// The level of a member of a tar at level `at`: its lines may be
/// searched ahead where the tar's stream may be and the member's bytes
/// are the stream's as they come (not a sparse file's, whose holes the
/// tar crate fills in).
fn member_level<'g, R: Read>(
    entry: &::tar::Entry<'_, R>,
    at: Level<'g>,
) -> Level<'g> {
    use ::tar::EntryType as T;
    let ahead = match (at.ahead, entry.header().entry_type()) {
        (Ahead::Stream(lookahead), T::Regular | T::Continuous) => {
            let start = entry.raw_file_position();
            let end = start.saturating_add(entry.size());
            Ahead::Member(Member { lookahead, start, end })
        }
        _ => Ahead::Not,
    };
    Level { ahead, ..at }
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
