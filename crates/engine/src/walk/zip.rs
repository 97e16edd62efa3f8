//! Zip archives: through the central directory, or from the local
//! headers when that is broken.

use std::{
    collections::BTreeMap,
    io::{self, Read, Seek, SeekFrom},
};

use ::zip::read::ZipFile;

use super::{Entry, Level, Node, Part, Walker, io_message, member_name};
use crate::{
    budget::{Gauge, Metered, Packed},
    error::{ErrorKind, SkipReason},
    io::read_full,
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
            let name = member_name(&raw, i as u64 + 1);
            let vpath = format!("{}!{name}", node.vpath);
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
    /// whose central directory cannot be read. A member written as a
    /// stream (its sizes in a data descriptor after its data) is found by
    /// its descriptor; one cut before its descriptor is read to the cut.
    pub(super) fn zip_stream<R: Read + Seek>(
        &self,
        part: &mut Part,
        node: &Node,
        reader: &mut R,
        at: Level<'_>,
    ) {
        let top = at.depth <= 1;
        let mut read = 0;
        loop {
            if self.budget.exhausted() || !self.budget.take_member() {
                return;
            }
            let header_error = |e: String| ErrorKind::ZipMemberHeader(e);
            let streamed = match streamed(reader) {
                Ok(s) => s,
                Err(e) => {
                    part.error(&node.vpath, header_error(io_message(&e)));
                    return;
                }
            };
            let options = streamed.as_ref().map_or_else(
                ::zip::read::ZipReadOptions::new,
                Streamed::options,
            );
            let file = match ::zip::read::read_zipfile_from_stream_with_options(
                reader, options,
            ) {
                Ok(Some(f)) => f,
                Ok(None) => return,
                Err(e) => {
                    part.error(&node.vpath, header_error(e.to_string()));
                    return;
                }
            };
            read += 1;
            let raw = String::from_utf8_lossy(file.name_raw()).into_owned();
            let vpath = format!("{}!{}", node.vpath, member_name(&raw, read));
            // Local headers say nothing of links: what is not a folder
            // is read.
            let what = if file.is_dir() { Entry::Dir } else { Entry::File };
            match self.admit(part, vpath.clone(), raw, what, top) {
                Some(member) => {
                    let gauge = Gauge::within(at.layer);
                    let mut metered = Metered::new(file, &self.budget, &gauge);
                    let inside = Level::inside(at.depth, &gauge);
                    self.stream(part, &member, &mut metered, inside, false);
                }
                // Dropped, it reads on to its end, where the next starts.
                None => drop(file),
            }
            match streamed {
                Some(Streamed { descriptor: Some(d), .. }) => {
                    if let Err(e) = reader.seek(SeekFrom::Start(d.end)) {
                        part.error(&vpath, ErrorKind::Read(io_message(&e)));
                        return;
                    }
                }
                Some(Streamed { descriptor: None, .. }) => {
                    let why = "the archive ends before the member's data \
                               descriptor"
                        .to_string();
                    part.error(&vpath, ErrorKind::CutInsideMember(why));
                    return;
                }
                None => {}
            }
        }
    }
}

/// The largest stretch searched for a streamed member's data descriptor
/// at a time; the search reads on to the end of the archive if it must.
const WINDOW: usize = 64 * 1024;

/// A zip member whose sizes follow its data, and where they are.
struct Streamed {
    /// Where its compressed data starts.
    data: u64,
    /// Where the archive ends, for a member cut before its descriptor.
    end: u64,
    descriptor: Option<Descriptor>,
}

/// A data descriptor: the member's checksum and sizes, written after it.
struct Descriptor {
    crc: u32,
    packed: u64,
    size: u64,
    /// Where the next member's header starts.
    end: u64,
}

impl Streamed {
    /// What the zip crate needs to read the member: the sizes its header
    /// leaves out, or, cut short, all the bytes there are.
    fn options<'a>(&self) -> ::zip::read::ZipReadOptions<'a> {
        let options = ::zip::read::ZipReadOptions::new();
        match &self.descriptor {
            Some(d) => options
                .override_compressed_size(d.packed)
                .override_uncompressed_size(d.size)
                .override_crc(d.crc),
            None => options
                .override_compressed_size(self.end.saturating_sub(self.data))
                .ignore_crc32(true),
        }
    }
}

/// Reads the local header at the reader's position and, if its member
/// was written as a stream, finds its data descriptor; leaves the reader
/// where it was.
fn streamed<R: Read + Seek>(reader: &mut R) -> io::Result<Option<Streamed>> {
    const LOCAL: &[u8] = b"PK\x03\x04";
    const DATA_DESCRIPTOR: u16 = 1 << 3;
    let start = reader.stream_position()?;
    let mut header = [0u8; 30];
    let n = read_full(reader, &mut header).0;
    reader.seek(SeekFrom::Start(start))?;
    let u16_at = |i: usize| u16::from_le_bytes([header[i], header[i + 1]]);
    if n < header.len()
        || &header[..4] != LOCAL
        || u16_at(6) & DATA_DESCRIPTOR == 0
    {
        return Ok(None);
    }
    let data = start + 30 + u64::from(u16_at(26)) + u64::from(u16_at(28));
    let end = reader.seek(SeekFrom::End(0))?;
    let descriptor = find_descriptor(reader, data)?;
    reader.seek(SeekFrom::Start(start))?;
    Ok(Some(Streamed { data, end, descriptor }))
}

/// The first data descriptor after `data` whose compressed size is the
/// distance to it: the descriptor's signature alone may occur inside the
/// compressed bytes, the signature and that size together do not.
fn find_descriptor<R: Read + Seek>(
    reader: &mut R,
    data: u64,
) -> io::Result<Option<Descriptor>> {
    const SIGNATURE: &[u8] = b"PK\x07\x08";
    // Signature, checksum and two sizes of 8 bytes (zip64) at most, and
    // the next signature's first bytes.
    const LONGEST: usize = 26;
    reader.seek(SeekFrom::Start(data))?;
    let mut window: Vec<u8> = Vec::with_capacity(WINDOW + LONGEST);
    let mut base = data;
    let mut chunk = vec![0u8; WINDOW];
    loop {
        let (n, ended) = read_full(reader, &mut chunk);
        ended?;
        window.extend_from_slice(&chunk[..n]);
        for at in memchr::memmem::find_iter(&window, SIGNATURE) {
            let fields = &window[at..];
            let pos = base + at as u64;
            if let Some(d) = descriptor_at(fields, pos - data, pos) {
                return Ok(Some(d));
            }
        }
        if n < chunk.len() {
            return Ok(None);
        }
        // Keep the tail, where a descriptor may start and run on.
        let keep = window.len().saturating_sub(LONGEST - 1);
        window.drain(..keep);
        base += keep as u64;
    }
}

/// The descriptor at `fields` (from its signature on), if it says the
/// member's compressed data is `packed` bytes long. Its sizes take 4 bytes
/// each, or 8 in a zip64 archive; where both readings fit, the one that
/// the next header's signature follows is taken.
fn descriptor_at(fields: &[u8], packed: u64, pos: u64) -> Option<Descriptor> {
    let u32_at = |i: usize| {
        Some(u32::from_le_bytes(fields.get(i..i + 4)?.try_into().ok()?))
    };
    let u64_at = |i: usize| {
        Some(u64::from_le_bytes(fields.get(i..i + 8)?.try_into().ok()?))
    };
    let header_at =
        |i: usize| fields.get(i..i + 2).is_none_or(|sig| sig == b"PK");
    let crc = u32_at(4)?;
    let short = (u32_at(8).map(u64::from) == Some(packed))
        .then(|| u32_at(12).map(u64::from))
        .flatten()
        .map(|size| Descriptor { crc, packed, size, end: pos + 16 });
    let long = (u64_at(8) == Some(packed))
        .then(|| u64_at(16))
        .flatten()
        .map(|size| Descriptor { crc, packed, size, end: pos + 24 });
    match (short, long) {
        (Some(_), Some(l)) if !header_at(16) && header_at(24) => Some(l),
        (Some(s), _) => Some(s),
        (None, l) => l,
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

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn descriptor(crc: u32, packed: u64, size: u64, zip64: bool) -> Vec<u8> {
        let mut d = b"PK\x07\x08".to_vec();
        d.extend(crc.to_le_bytes());
        if zip64 {
            d.extend(packed.to_le_bytes());
            d.extend(size.to_le_bytes());
        } else {
            d.extend((packed as u32).to_le_bytes());
            d.extend((size as u32).to_le_bytes());
        }
        d
    }

    #[test]
    fn a_descriptor_is_the_signature_with_the_distance_to_it() {
        for zip64 in [false, true] {
            // A signature inside the data with a size that does not fit,
            // and the real descriptor across a window's edge.
            let mut bytes = vec![7u8; 10];
            bytes.extend(descriptor(1, 999, 2, zip64));
            bytes.resize(WINDOW - 5, 7);
            let packed = bytes.len() as u64 - 3;
            bytes.extend(descriptor(0xabcd, packed, 4242, zip64));
            bytes.extend(b"PK\x03\x04");
            let found =
                find_descriptor(&mut Cursor::new(&bytes), 3).unwrap().unwrap();
            assert_eq!(
                (found.crc, found.packed, found.size),
                (0xabcd, packed, 4242)
            );
            assert_eq!(found.end, bytes.len() as u64 - 4);
        }
        let cut = vec![7u8; 3 * WINDOW];
        assert!(find_descriptor(&mut Cursor::new(&cut), 0).unwrap().is_none());
    }
}
