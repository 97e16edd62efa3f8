//! The one read loop: fill a buffer from a stream, whatever sizes the
//! stream hands out, so chunk sizes (and so reports) never depend on it.

use std::io::{self, Read};

/// Reads into `buf` until it is full, the stream ends, or a read fails,
/// retrying interrupted reads. Returns how many bytes were read, and how
/// it stopped: `Ok(true)` at the end of the stream, `Ok(false)` with the
/// buffer full, or the error (the bytes read before it are counted).
pub(crate) fn read_full(
    reader: &mut dyn Read,
    buf: &mut [u8],
) -> (usize, io::Result<bool>) {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => return (n, Ok(true)),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (n, Err(e)),
        }
    }
    (n, Ok(false))
}

/// A reader that counts the bytes read through it.
pub(crate) struct Counted<R> {
    inner: R,
    /// Bytes read so far.
    pub(crate) read: u64,
}

impl<R> Counted<R> {
    pub(crate) fn new(inner: R) -> Counted<R> {
        Counted { inner, read: 0 }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out one byte at a time, interrupted every other call, then
    /// fails after `fail_at` bytes.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        calls: usize,
        fail_at: Option<usize>,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(2) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            if Some(self.at) == self.fail_at {
                return Err(io::Error::other("broken"));
            }
            match (self.data.get(self.at), buf.first_mut()) {
                (Some(&b), Some(slot)) => {
                    *slot = b;
                    self.at += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn trickle(data: &[u8], fail_at: Option<usize>) -> Trickle {
        Trickle { data: data.to_vec(), at: 0, calls: 0, fail_at }
    }

    #[test]
    fn fills_ends_and_fails_with_the_count() {
        let mut buf = [0u8; 4];
        let (n, r) = read_full(&mut trickle(b"abcdef", None), &mut buf);
        assert_eq!((n, r.unwrap(), &buf), (4, false, b"abcd"));
        let (n, r) = read_full(&mut trickle(b"ab", None), &mut buf);
        assert_eq!((n, r.unwrap()), (2, true));
        let (n, r) = read_full(&mut trickle(b"abcdef", Some(3)), &mut buf);
        assert_eq!(n, 3);
        assert_eq!(r.unwrap_err().to_string(), "broken");
    }
}
