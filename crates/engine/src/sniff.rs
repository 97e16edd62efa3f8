//! Telling formats apart by their first bytes, never by their names.
//!
//! Collectors name journal dumps `.txt` and Prometheus text `metrics.json`,
//! and people rename files; only the content is trusted.

use crate::model::InputKind;

/// How many leading bytes the sniffer looks at.
pub(crate) const HEAD_LEN: usize = 8 * 1024;

/// Why an EVTX file is not scanned.
pub(crate) const EVTX: &str = "binary file (Windows event log, EVTX)";

/// What a stream holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Gzip,
    Tar,
    Zip,
    /// Text in UTF-16, to be decoded before matching.
    Utf16 {
        big_endian: bool,
    },
    /// Text (UTF-8 or close enough to it).
    Text,
    /// A Windows event log (EVTX): there, but not parsed.
    Evtx,
    /// Something that is not read, with the reason.
    Unreadable(&'static str),
}

const MAGICS: &[(&[u8], Format)] = &[
    (b"\x1f\x8b", Format::Gzip),
    (b"PK\x03\x04", Format::Zip),
    // An empty archive is only an end-of-central-directory record.
    (b"PK\x05\x06", Format::Zip),
    (b"\xff\xfe", Format::Utf16 { big_endian: false }),
    (b"\xfe\xff", Format::Utf16 { big_endian: true }),
    (b"BZh", Format::Unreadable("bzip2-compressed data (not supported)")),
    (
        b"\xfd7zXZ\x00",
        Format::Unreadable("xz-compressed data (not supported)"),
    ),
    (
        b"\x28\xb5\x2f\xfd",
        Format::Unreadable("zstd-compressed data (not supported)"),
    ),
    (
        b"7z\xbc\xaf\x27\x1c",
        Format::Unreadable("7-zip archive (not supported)"),
    ),
    (b"ElfFile\x00", Format::Evtx),
    (
        b"\x7fELF",
        Format::Unreadable("binary file (ELF executable or core dump)"),
    ),
    (b"KDUMP   ", Format::Unreadable("binary file (kernel crash dump)")),
    (b"\x89PNG", Format::Unreadable("binary file (PNG image)")),
    (b"\xff\xd8\xff", Format::Unreadable("binary file (JPEG image)")),
    (b"GIF8", Format::Unreadable("binary file (GIF image)")),
    (b"%PDF-", Format::Unreadable("binary file (PDF document)")),
    (
        b"SQLite format 3\x00",
        Format::Unreadable("binary file (SQLite database)"),
    ),
];

/// Sniffs a stream from its first bytes (up to [`HEAD_LEN`]).
pub(crate) fn sniff(head: &[u8]) -> Format {
    if let Some((_, f)) = MAGICS.iter().find(|(m, _)| head.starts_with(m)) {
        return *f;
    }
    if is_tar_header(head) {
        return Format::Tar;
    }
    if let Some(big_endian) = utf16_without_bom(head) {
        return Format::Utf16 { big_endian };
    }
    if head.contains(&0) && !damaged_text(head) {
        return Format::Unreadable("binary file (NUL bytes)");
    }
    Format::Text
}

/// Whether the file at `path` is a tar, a gzip'd tar or a zip archive,
/// from its first bytes; a gzip stream is decoded just far enough to see
/// a tar header, and one that cannot be is `Gzip`.
pub(crate) fn archive_kind(
    path: &std::path::Path,
) -> std::io::Result<Option<InputKind>> {
    use std::io::Read;

    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(None);
    }
    let mut head = Vec::with_capacity(512);
    file.take(512).read_to_end(&mut head)?;
    Ok(match sniff(&head) {
        Format::Tar => Some(InputKind::Tar),
        Format::Zip => Some(InputKind::Zip),
        Format::Gzip => {
            let file = std::fs::File::open(path)?;
            let mut inner = Vec::with_capacity(512);
            // Too damaged to tell (a bundle cut short in transfer, say):
            // taken as an archive, so the scan reports it as one.
            let gz = crate::gz::gz_members(file, crate::gz::Inflate::zlib());
            if gz.take(512).read_to_end(&mut inner).is_err() {
                return Ok(Some(InputKind::Gzip));
            }
            (sniff(&inner) == Format::Tar || is_tar_end(&inner))
                .then_some(InputKind::TarGz)
        }
        _ => None,
    })
}

/// Whether `head`, which holds NUL bytes, is text with NUL-filled runs,
/// as a journal or syslog file is after a crash or power loss: lines
/// around the runs, and almost no other control bytes.
fn damaged_text(head: &[u8]) -> bool {
    let text: Vec<u8> = head.iter().copied().filter(|&b| b != 0).collect();
    let control = text
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
                || b == 0x7f
        })
        .count();
    text.len() >= 64
        && text.contains(&b'\n')
        && control * 100 <= text.len()
        && std::str::from_utf8(&text)
            .is_ok_and(|t| t.chars().any(char::is_alphabetic))
}

/// Whether `head` is the start of an archive with no member: tar ends
/// with two blocks of zeros, and an empty archive is only those.
pub(crate) fn is_tar_end(head: &[u8]) -> bool {
    head.len() >= 512 && head.iter().all(|&b| b == 0)
}

/// A POSIX or GNU tar header: the `ustar` magic, or failing that (v7
/// archives have none) a header whose checksum adds up.
fn is_tar_header(head: &[u8]) -> bool {
    if head.len() < 512 {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    let stored = std::str::from_utf8(&head[148..156])
        .ok()
        .map(|s| s.trim_matches(|c: char| c == '\0' || c == ' '))
        .and_then(|s| u32::from_str_radix(s, 8).ok());
    let Some(stored) = stored else { return false };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { b as u32 })
        .sum();
    // An all-zero block sums to 256 and is not a header.
    sum == stored && head[0] != 0
}

/// Text in UTF-16 without a byte order mark: mostly printable ASCII with
/// every other byte zero. Returns whether it is big-endian.
fn utf16_without_bom(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 8 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in head.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd_zero) && rarely(even_zero) {
        Some(false)
    } else if mostly(even_zero) && rarely(odd_zero) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_win_over_names() {
        assert_eq!(sniff(b"\x1f\x8b\x08\x00"), Format::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"ElfFile\x00\x01"), Format::Evtx);
        assert_eq!(
            sniff(b"Nov 21 12:00:00 host kubelet[1]: ok\n"),
            Format::Text
        );
        assert_eq!(sniff(b""), Format::Text);
        assert_eq!(
            sniff(b"abc\0def"),
            Format::Unreadable("binary file (NUL bytes)")
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = "kubelet started ok\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(sniff(&le), Format::Utf16 { big_endian: false });
        let mut bom = vec![0xff, 0xfe];
        bom.extend(&le);
        assert_eq!(sniff(&bom), Format::Utf16 { big_endian: false });
        let be: Vec<u8> = "kubelet started ok\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(sniff(&be), Format::Utf16 { big_endian: true });
    }

    #[test]
    fn tar_header_by_magic_and_by_checksum() {
        let mut h = vec![0u8; 512];
        h[..5].copy_from_slice(b"a.log");
        h[257..262].copy_from_slice(b"ustar");
        assert_eq!(sniff(&h), Format::Tar);

        let mut v7 = vec![0u8; 512];
        v7[..5].copy_from_slice(b"a.log");
        let sum: u32 = v7.iter().map(|&b| b as u32).sum::<u32>() + 8 * 32;
        let field = format!("{sum:06o}\0 ");
        v7[148..156].copy_from_slice(field.as_bytes());
        assert_eq!(sniff(&v7), Format::Tar);
    }
}
