//! gzip streams of one or more members, read as GNU gzip reads them: zero
//! bytes after the last member (tar and some uploaders pad their output
//! to a block) end the stream instead of failing it as a bad header. Each
//! member is inflated by zlib-rs or by ISA-L ([`Inflate`]).

#[cfg(feature = "isal")]
mod isal;

use std::{
    fmt,
    io::{self, BufRead, BufReader, Read},
};

use flate2::bufread::GzDecoder;

use crate::{budget::Packed, io::Counted};

/// Which library inflates gzip streams. Both give the same bytes, and for
/// a stream cut short the same error after the same bytes, so reports do
/// not depend on it (tests and a fuzz target hold them to it). Deflate data
/// that is damaged fails with both, but each finds the damage at its own
/// point and names it in its own words.
#[derive(Clone, Copy, Default)]
pub struct Inflate(Library);

#[derive(Clone, Copy, Default)]
enum Library {
    #[default]
    Zlib,
    #[cfg(feature = "isal")]
    Isal(&'static isal::Isal),
}

impl Inflate {
    /// zlib-rs, built in.
    pub fn zlib() -> Inflate {
        Inflate(Library::Zlib)
    }

    /// ISA-L, when the system has its shared library (`libisal.so.2`) and
    /// this build can load it.
    pub fn isal() -> Option<Inflate> {
        #[cfg(feature = "isal")]
        return isal::library().map(|l| Inflate(Library::Isal(l)));
        #[cfg(not(feature = "isal"))]
        return None;
    }

    /// ISA-L when it loads, zlib-rs otherwise.
    pub fn fastest() -> Inflate {
        Inflate::isal().unwrap_or_else(Inflate::zlib)
    }

    /// Every library this build and system have, zlib-rs first. Where the
    /// environment sets `LOGSIFT_REQUIRE_ISAL` (CI does), ISA-L must be
    /// among them, so the tests that compare the two cannot pass by
    /// comparing zlib-rs with itself.
    #[cfg(test)]
    pub(crate) fn every() -> Vec<Inflate> {
        let isal = Inflate::isal();
        assert!(
            isal.is_some()
                || std::env::var_os("LOGSIFT_REQUIRE_ISAL").is_none(),
            "LOGSIFT_REQUIRE_ISAL is set, and ISA-L did not load"
        );
        [Some(Inflate::zlib()), isal].into_iter().flatten().collect()
    }

    /// A decoder of one member, beginning at `reader`.
    fn member<R: BufRead>(self, reader: R) -> Member<R> {
        match self.0 {
            Library::Zlib => Member::Zlib(Box::new(GzDecoder::new(reader))),
            #[cfg(feature = "isal")]
            Library::Isal(l) => Member::Isal(isal::Member::new(reader, l)),
        }
    }
}

/// `zlib-rs`, or `ISA-L (libisal.so.2)`: the library and the file it was
/// loaded from.
impl fmt::Display for Inflate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Library::Zlib => f.write_str("zlib-rs"),
            #[cfg(feature = "isal")]
            Library::Isal(l) => write!(f, "ISA-L ({})", l.name()),
        }
    }
}

impl fmt::Debug for Inflate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One member's decoder.
enum Member<R> {
    Zlib(Box<GzDecoder<R>>),
    #[cfg(feature = "isal")]
    Isal(isal::Member<R>),
}

impl<R: BufRead> Member<R> {
    fn get_ref(&self) -> &R {
        match self {
            Member::Zlib(d) => d.get_ref(),
            #[cfg(feature = "isal")]
            Member::Isal(d) => d.get_ref(),
        }
    }

    fn into_inner(self) -> R {
        match self {
            Member::Zlib(d) => (*d).into_inner(),
            #[cfg(feature = "isal")]
            Member::Isal(d) => d.into_inner(),
        }
    }
}

impl<R: BufRead> Read for Member<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Member::Zlib(d) => d.read(buf),
            #[cfg(feature = "isal")]
            Member::Isal(d) => d.read(buf),
        }
    }
}

/// What the gzip decoder reads the compressed stream through.
const BUFFER: usize = 64 * 1024;

/// The members of a gzip stream read from `R`, and what they took of it.
pub(crate) type GzMembers<R> = Members<BufReader<Counted<R>>>;

/// Every member of the gzip stream `reader` holds, decompressed by
/// `inflate`.
pub(crate) fn gz_members<R: Read>(
    reader: R,
    inflate: Inflate,
) -> GzMembers<R> {
    let buffered = BufReader::with_capacity(BUFFER, Counted::new(reader));
    Members::new(buffered, inflate)
}

impl<R: Read> Packed for GzMembers<R> {
    /// What the decoder has taken: what was read, less what waits in the
    /// buffer. Unknown once the stream has ended, when nothing more comes.
    fn packed(&self) -> Option<u64> {
        let buffered = self.member.as_ref()?.get_ref();
        Some(buffered.get_ref().read - buffered.buffer().len() as u64)
    }
}

/// Every member of a gzip stream, one after the other.
pub(crate) struct Members<R: BufRead> {
    /// The member being read; `None` once the stream has ended.
    member: Option<Member<R>>,
    inflate: Inflate,
}

impl<R: BufRead> Members<R> {
    pub(crate) fn new(reader: R, inflate: Inflate) -> Members<R> {
        Members { member: Some(inflate.member(reader)), inflate }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            // The member ended with its trailer; what follows decides.
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut rest = member.into_inner();
            match rest.fill_buf()?.first() {
                None => return Ok(0),
                Some(0) => {
                    skip_zeros(&mut rest)?;
                    return Ok(0);
                }
                // Another member, or garbage its header check names.
                Some(_) => self.member = Some(self.inflate.member(rest)),
            }
        }
    }
}

/// Reads zero bytes to the end; anything else after them is an error.
fn skip_zeros(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if buf.iter().any(|&b| b != 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "data after the zero padding that ends the gzip stream",
            ));
        }
        let n = buf.len();
        reader.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::{Compression, write::GzEncoder};

    use super::*;

    fn member(text: &str) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    fn read(bytes: &[u8]) -> io::Result<String> {
        let mut out = String::new();
        Members::new(bytes, Inflate::zlib()).read_to_string(&mut out)?;
        Ok(out)
    }

    /// What `inflate` makes of `bytes`, read in pieces of changing sizes:
    /// the bytes before the end or the error, and the error.
    fn inflate(
        bytes: &[u8],
        inflate: Inflate,
    ) -> (Vec<u8>, Option<(io::ErrorKind, String)>) {
        let mut members = Members::new(bytes, inflate);
        let mut out = Vec::new();
        let mut buf = vec![0u8; 70_000];
        for i in 0.. {
            let want = [1, 4096, 65_536, 7, 70_000][i % 5];
            match members.read(&mut buf[..want]) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some((e.kind(), e.to_string()))),
            }
        }
        unreachable!()
    }

    /// Log-like text that compresses into several deflate blocks.
    fn text(lines: u32) -> Vec<u8> {
        (0..lines)
            .flat_map(|i| {
                format!(
                    "I1121 11:50:02 {i} kubelet.go:{} msg\n",
                    i * 7919 % 10007
                )
                .into_bytes()
            })
            .collect()
    }

    /// Asserts that every library gives what zlib-rs gives for `bytes`.
    /// Where the stream is damaged, not cut, a library may stop a few
    /// bytes earlier or later (each finds the damage where its own tables
    /// do); the error must be the same, and the bytes up to the earlier
    /// stop.
    fn same_everywhere(bytes: &[u8], what: &str, damaged: bool) {
        let want = inflate(bytes, Inflate::zlib());
        for library in Inflate::every() {
            let got = inflate(bytes, library);
            assert_eq!(got.1, want.1, "{library} on {what}");
            let shorter = got.0.len().min(want.0.len());
            assert!(
                got.0[..shorter] == want.0[..shorter],
                "{library} on {what}: other bytes"
            );
            if !damaged {
                assert_eq!(got.0.len(), want.0.len(), "{library} on {what}");
            }
        }
    }

    #[test]
    fn every_library_reads_members_padding_and_cuts_alike() {
        let one = member(std::str::from_utf8(&text(40_000)).unwrap());
        let mut two = one.clone();
        two.extend(member("second\n"));
        two.extend(member(""));
        let mut padded = two.clone();
        padded.extend([0u8; 700]);
        let mut garbage = two.clone();
        garbage.extend(b"not gzip");
        for (bytes, what) in [
            (&one, "one member"),
            (&two, "three members"),
            (&padded, "zero padding"),
            (&garbage, "garbage after"),
        ] {
            same_everywhere(bytes, what, false);
        }
        // Every cut of a small member (header, data, trailer), and cuts
        // through a large one.
        let small = member("one line of a log\n");
        for len in 0..small.len() {
            same_everywhere(
                &small[..len],
                &format!("small cut at {len}"),
                false,
            );
        }
        for len in (0..one.len()).step_by(997) {
            same_everywhere(&one[..len], &format!("cut at {len}"), false);
        }
    }

    #[test]
    fn every_library_fails_damaged_streams_alike() {
        let good = member(std::str::from_utf8(&text(5_000)).unwrap());
        // A flipped bit in the header, the data or the trailer's CRC and
        // length.
        for at in
            [0, 1, 2, 3, 9, 10, 11, 200, 5_000, good.len() - 8, good.len() - 1]
        {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            same_everywhere(&bad, &format!("bit flipped at {at}"), true);
        }
        // A header with a name, comment, extra field and header CRC.
        let mut fancy = flate2::GzBuilder::new()
            .filename("kubelet.log")
            .comment("rotated")
            .extra(vec![1, 2, 3, 4])
            .write(Vec::new(), Compression::best());
        fancy.write_all(&text(100)).unwrap();
        let fancy = fancy.finish().unwrap();
        same_everywhere(&fancy, "a header with every field", false);
        for len in 0..40 {
            same_everywhere(
                &fancy[..len],
                &format!("fancy header cut at {len}"),
                false,
            );
        }
    }

    #[test]
    fn members_follow_each_other_and_zero_padding_ends_the_stream() {
        let mut two = member("one\n");
        two.extend(member("two\n"));
        assert_eq!(read(&two).unwrap(), "one\ntwo\n");
        let mut padded = two.clone();
        padded.extend(vec![0u8; 10_000]);
        assert_eq!(read(&padded).unwrap(), "one\ntwo\n");
        let mut empty_member = member("");
        empty_member.extend(member("x\n"));
        assert_eq!(read(&empty_member).unwrap(), "x\n");
    }

    #[test]
    fn garbage_after_a_member_or_the_padding_is_an_error() {
        let mut garbage = member("one\n");
        garbage.extend(b"not gzip");
        assert!(read(&garbage).is_err());
        let mut after_zeros = member("one\n");
        after_zeros.extend([0, 0, 0, 7]);
        let err = read(&after_zeros).unwrap_err();
        assert!(err.to_string().contains("zero padding"), "{err}");
        let mut cut = member("one two three\n");
        cut.truncate(cut.len() - 4);
        assert!(read(&cut).is_err());
    }
}
