//! gzip streams of one or more members, read as GNU gzip reads them: zero
//! bytes after the last member (tar and some uploaders pad their output
//! to a block) end the stream instead of failing it as a bad header.

use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;

use crate::{budget::Packed, io::Counted};

/// What the gzip decoder reads the compressed stream through.
const BUFFER: usize = 64 * 1024;

/// The members of a gzip stream read from `R`, and what they took of it.
pub(crate) type GzMembers<R> = Members<BufReader<Counted<R>>>;

/// Every member of the gzip stream `reader` holds, decompressed.
pub(crate) fn gz_members<R: Read>(reader: R) -> GzMembers<R> {
    Members::new(BufReader::with_capacity(BUFFER, Counted::new(reader)))
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
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> Members<R> {
    pub(crate) fn new(reader: R) -> Members<R> {
        Members { member: Some(GzDecoder::new(reader)) }
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
                Some(_) => self.member = Some(GzDecoder::new(rest)),
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
        Members::new(bytes).read_to_string(&mut out)?;
        Ok(out)
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
