//! What could not be read, and why a file was not scanned: typed, so a
//! caller (or a test) tells a bomb from a cut member without reading
//! prose. `Display` gives the words the report prints: lowercase, no
//! trailing period.

use std::fmt;

use jiff::Timestamp;

/// What went wrong reading a file, member or input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file or folder could not be opened.
    Open(String),
    /// Reading stopped with an error (the I/O error's own words).
    Read(String),
    /// A folder's entry could not be listed.
    FolderEntry(String),
    /// A tar stream did not start as one.
    TarUnreadable(String),
    /// A tar header record (GNU long name or link, PAX extensions) larger
    /// than the walk holds: the member it describes is skipped.
    TarFieldTooLarge {
        /// Which record.
        what: &'static str,
        /// Its size, in bytes.
        size: u64,
        /// The limit, in bytes.
        max: u64,
    },
    /// A tar stream broke between members.
    TarCorrupt {
        /// The last member read before the break.
        after: Option<String>,
        /// Why, in the stream's words.
        why: String,
    },
    /// The stream under an archive broke inside this member.
    CutInsideMember(String),
    /// The archive ended inside this member.
    MemberShort {
        /// Bytes of the member there were.
        read: u64,
        /// Bytes its header promised.
        size: u64,
    },
    /// The stream broke after the archive's last member (a cut gzip
    /// trailer, say).
    CutAfterLastMember(String),
    /// A zip's central directory was unreadable; members were read from
    /// their local headers instead.
    ZipDirectory(String),
    /// One zip member could not be read.
    ZipMember(String),
    /// A zip member's local header could not be read.
    ZipMemberHeader(String),
    /// A zip member whose compressed bytes are another member's too: the
    /// trick of zip bombs that expand one stream many times over.
    ZipOverlap {
        /// The member read first that holds the same bytes.
        other: String,
    },
    /// The input held more members than `--max-members`.
    TooManyMembers {
        /// The limit.
        max: u64,
    },
    /// The input inflated to more than `--max-bytes`.
    TooManyBytes {
        /// The limit, in human units (`16 GiB`).
        max: String,
    },
    /// `--since` resolves after `--until` for this input.
    EmptyWindow {
        /// `--since`, resolved.
        since: Timestamp,
        /// `--until`, resolved.
        until: Timestamp,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Open(why) => write!(f, "cannot open ({why})"),
            Read(why) => write!(f, "cannot read ({why})"),
            FolderEntry(why) => write!(f, "cannot read folder entry ({why})"),
            TarUnreadable(why) => write!(f, "cannot read tar archive ({why})"),
            TarCorrupt { after: None, why } => {
                write!(f, "corrupt tar archive ({why})")
            }
            TarCorrupt { after: Some(m), why } => {
                write!(f, "corrupt tar archive after member {m} ({why})")
            }
            CutInsideMember(why) => write!(
                f,
                "archive is corrupt or truncated inside this member ({why})"
            ),
            MemberShort { read, size } => write!(
                f,
                "archive is truncated inside this member ({read} of {size} \
                 bytes)"
            ),
            TarFieldTooLarge { what, size, max } => write!(
                f,
                "tar {what} of {size} bytes is over the {max}-byte limit; \
                 the member it describes was skipped"
            ),
            CutAfterLastMember(why) => write!(
                f,
                "archive is corrupt or truncated after its last member \
                 ({why})"
            ),
            ZipDirectory(why) => write!(
                f,
                "cannot read zip central directory ({why}); members read \
                 from their local headers"
            ),
            ZipMember(why) => write!(f, "cannot read zip member ({why})"),
            ZipMemberHeader(why) => {
                write!(f, "cannot read zip member header ({why})")
            }
            ZipOverlap { other } => write!(
                f,
                "zip member shares its compressed bytes with {other}, as zip \
                 bombs do; not read"
            ),
            TooManyMembers { max } => write!(
                f,
                "more than {max} members in this input; the rest was not \
                 read (see --max-members)"
            ),
            TooManyBytes { max } => write!(
                f,
                "more than {max} decompressed from this input; the rest was \
                 not read (see --max-bytes)"
            ),
            EmptyWindow { since, until } => write!(
                f,
                "the time window holds no time for this input: --since \
                 ({since}) is after --until ({until}); only lines without a \
                 time were checked"
            ),
        }
    }
}

/// Why a file was deliberately not scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// Archives or compressed layers nested deeper than `--max-depth`.
    TooDeep {
        /// The limit.
        max: u32,
    },
    /// A zip inside a stream, too large to hold in memory.
    ZipTooLarge {
        /// The limit, in MiB.
        max_mib: u64,
    },
    /// A symbolic link in a folder or zip.
    Symlink,
    /// A tar link (symbolic or hard), to the target it names.
    TarLink(String),
    /// A FIFO, socket or device in a folder.
    SpecialFile,
    /// A FIFO or device in a tar archive.
    TarSpecialFile,
    /// A tar entry type the walk does not know.
    TarEntryType(char),
    /// Not text: what its first bytes say it is.
    Binary(&'static str),
    /// The input's byte or member budget ran out before this file.
    BudgetSpent,
    /// A valid archive without a member: nothing to read, and not damage.
    EmptyArchive,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SkipReason::*;
        match self {
            TooDeep { max } => write!(
                f,
                "archive nested more than {max} deep (see --max-depth)"
            ),
            ZipTooLarge { max_mib } => write!(
                f,
                "zip archive inside a stream is larger than {max_mib} MiB; \
                 scan it as a file"
            ),
            Symlink => f.write_str("symbolic link (not followed)"),
            TarLink(target) => write!(f, "link to {target} (not followed)"),
            SpecialFile => {
                f.write_str("special file (FIFO, socket or device)")
            }
            TarSpecialFile => f.write_str("special file (FIFO or device)"),
            TarEntryType(c) => write!(f, "unsupported tar entry type {c:?}"),
            Binary(what) => f.write_str(what),
            BudgetSpent => {
                f.write_str("not read: the input's budget was spent")
            }
            EmptyArchive => f.write_str("empty archive (no members)"),
        }
    }
}

/// Something a careful reader should know about a file that was read:
/// neither an error (nothing was lost) nor a skip.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoteKind {
    /// The bundle's name holds a date or time that does not exist, so
    /// its collection time is unknown.
    ImpossibleBundleDate(String),
    /// A member's stored name pointed outside its archive (a leading `/`,
    /// `..` parts); it is shown without them.
    NameRewritten(String),
    /// A member's stored name named no file (`.`, `/`); it is shown under
    /// a placeholder.
    NameEmpty(String),
    /// Runs of NUL bytes (a crash or power loss mid-write) inside a text
    /// file: the text around them was scanned.
    NulRuns {
        /// How many runs.
        runs: u64,
        /// Their bytes in all.
        bytes: u64,
        /// Where the first starts, as a byte offset.
        first: u64,
    },
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteKind::ImpossibleBundleDate(when) => write!(
                f,
                "the bundle's name holds a time that does not exist \
                 ({when}); its collection time is unknown"
            ),
            NoteKind::NameRewritten(stored) => write!(
                f,
                "the member's stored name {stored:?} points outside its \
                 archive; shown without its leading / and .. parts"
            ),
            NoteKind::NameEmpty(stored) => write!(
                f,
                "the member's stored name {stored:?} names no file; scanned \
                 under this placeholder"
            ),
            NoteKind::NulRuns { runs, bytes, first } => write!(
                f,
                "damaged: {bytes} NUL bytes in {runs} run(s), the first at \
                 byte {first}; the text around them was scanned"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words are the report's: pinned here for the kinds a scan
    /// rarely meets, the rest by the pinned reports.
    #[test]
    fn words_are_the_reports() {
        let t = |s: &str| s.parse::<Timestamp>().expect("time");
        let cases: [(String, &str); 5] = [
            (
                ErrorKind::TarCorrupt {
                    after: Some("a/b".into()),
                    why: "x".into(),
                }
                .to_string(),
                "corrupt tar archive after member a/b (x)",
            ),
            (
                ErrorKind::MemberShort { read: 3, size: 9 }.to_string(),
                "archive is truncated inside this member (3 of 9 bytes)",
            ),
            (
                ErrorKind::EmptyWindow {
                    since: t("2026-11-21T12:00:00Z"),
                    until: t("2026-11-21T11:00:00Z"),
                }
                .to_string(),
                "the time window holds no time for this input: --since \
                 (2026-11-21T12:00:00Z) is after --until \
                 (2026-11-21T11:00:00Z); only lines without a time were \
                 checked",
            ),
            (
                SkipReason::TarEntryType('V').to_string(),
                "unsupported tar entry type 'V'",
            ),
            (
                SkipReason::TooDeep { max: 4 }.to_string(),
                "archive nested more than 4 deep (see --max-depth)",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
