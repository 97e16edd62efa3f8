//! Inflating an input's gzip stream ahead of its scan, on a thread of its
//! own when one is spare.
//!
//! A `.tar.gz` bundle is one gzip stream: read in one go, its scan cannot
//! go faster than inflating and searching one after the other. With a
//! spare core, one thread inflates into fixed-size chunks while the
//! calling thread's work (the tar walk and the scan) is moved to a
//! second thread that takes them from a short queue, so the scan hides
//! behind decompression.
//!
//! The result must not depend on whether a thread was spare. So the
//! stream is always cut into the same chunks, inflating in place or on
//! the helper alike; the budget is charged on the scanning side, as each
//! chunk is taken: its bytes by the usual [`Metered`] reader (the caller
//! wraps the reader given to it), and the raw bytes the decoder read to
//! produce it, which the helper only stages (see [`Budget::stage_raw`]).
//! Every check of the budget then sees the same numbers at the same
//! point of the stream, whichever thread inflated it.
//!
//! [`Metered`]: crate::budget::Metered

use std::{
    io::{self, BufReader, Read},
    sync::mpsc::{Receiver, SyncSender, sync_channel},
};

use crate::{
    budget::Budget,
    gz::{Inflate, Members, gz_members},
    io::read_full,
};

/// Bytes per chunk: as much as the scan reads at once.
const CHUNK: usize = 256 * 1024;
/// Chunks queued between the threads; with the one being filled and the
/// one being scanned, at most this plus two are held (1.5 MiB).
const QUEUE: usize = 4;

/// How a stream ended.
#[derive(Clone, Debug)]
enum End {
    Eof,
    /// An error, kept as its kind and words so it can be given again to a
    /// caller that reads on (as the decoder itself would).
    Error(io::ErrorKind, String),
}

/// Up to [`CHUNK`] inflated bytes, and what the decoder read to make them.
struct Chunk {
    /// A buffer of [`CHUNK`] bytes, reused from chunk to chunk without
    /// being cleared (zeroing 1 GiB of buffers cost as much as 5% of a
    /// scan); the inflated bytes are its first `len`.
    data: Vec<u8>,
    len: usize,
    /// Raw bytes of the input read while inflating it.
    raw: u64,
    /// Set on the last chunk.
    end: Option<End>,
}

/// Inflates a gzip stream (every member, to its end) into chunks.
struct Inflater<'b, R: Read> {
    decoder: Members<BufReader<R>>,
    budget: &'b Budget,
}

impl<R: Read> Inflater<'_, R> {
    /// The next chunk, filled to [`CHUNK`] unless the stream ends: its
    /// size never depends on how the decoder hands out its bytes.
    fn next(&mut self, mut data: Vec<u8>) -> Chunk {
        // Only a new buffer is zeroed; a spent one keeps its length.
        data.resize(CHUNK, 0);
        let (len, ended) = read_full(&mut self.decoder, &mut data);
        let end = match ended {
            Ok(true) => Some(End::Eof),
            Ok(false) => None,
            Err(e) => Some(End::Error(e.kind(), e.to_string())),
        };
        Chunk { data, len, raw: self.budget.take_staged_raw(), end }
    }
}

/// Where the scanning side gets its chunks.
trait Source {
    /// The next chunk, given back the previous one's buffer to reuse;
    /// `None` if the inflating side is gone.
    fn next(&mut self, spent: Vec<u8>) -> Option<Chunk>;
}

impl<R: Read> Source for Inflater<'_, R> {
    fn next(&mut self, spent: Vec<u8>) -> Option<Chunk> {
        Some(Inflater::next(self, spent))
    }
}

/// Chunks from the helper thread, and the way back for spent buffers.
struct Queue {
    chunks: Receiver<Chunk>,
    spent: SyncSender<Vec<u8>>,
}

impl Source for Queue {
    fn next(&mut self, spent: Vec<u8>) -> Option<Chunk> {
        // The helper allocates a new buffer when none comes back in time.
        let _ = self.spent.try_send(spent);
        self.chunks.recv().ok()
    }
}

/// The scanning side's reader: the chunks' bytes, in order, then how the
/// stream ended. Charges the budget with each chunk's raw bytes as it
/// takes the chunk.
struct Chunks<'b, S> {
    source: S,
    budget: &'b Budget,
    current: Vec<u8>,
    /// The bytes of `current` that hold data.
    len: usize,
    pos: usize,
    end: Option<End>,
}

impl<S: Source> Read for Chunks<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pos < self.len {
                let n = buf.len().min(self.len - self.pos);
                buf[..n]
                    .copy_from_slice(&self.current[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            match &self.end {
                Some(End::Eof) => return Ok(0),
                Some(End::Error(kind, words)) => {
                    return Err(io::Error::new(*kind, words.clone()));
                }
                None => {}
            }
            let spent = std::mem::take(&mut self.current);
            let Some(chunk) = self.source.next(spent) else {
                // Only when the helper panicked; its panic follows.
                self.end = Some(End::Error(
                    io::ErrorKind::Other,
                    "decompression stopped".into(),
                ));
                continue;
            };
            self.budget.add_raw(chunk.raw);
            self.current = chunk.data;
            self.len = chunk.len;
            self.pos = 0;
            self.end = chunk.end;
        }
    }
}

/// Inflates the gzip stream `reader` and gives the inflated bytes to
/// `scan`, returning what it returns. With `helper`, inflating runs on
/// the calling thread and `scan` on a new one, so both proceed at once;
/// without, `scan` runs here and inflates as it reads. Either way `scan`
/// reads the same bytes in the same pieces and the budget is charged
/// alike (see the module's documentation), so its result is the same.
///
/// The raw bytes read from the input while this runs must be counted
/// through [`Budget::stage_raw`]; this turns staging on and off.
pub(crate) fn inflate<T: Send>(
    reader: &mut dyn Read,
    inflate: Inflate,
    budget: &Budget,
    helper: bool,
    scan: impl FnOnce(&mut dyn Read) -> T + Send,
) -> T {
    budget.stage_raw(true);
    let mut inflater =
        Inflater { decoder: gz_members(reader, inflate), budget };
    let result = if helper {
        std::thread::scope(|threads| {
            let (chunks_tx, chunks) = sync_channel(QUEUE);
            let (spent, spent_rx) = sync_channel::<Vec<u8>>(QUEUE + 2);
            let scanning = threads.spawn(move || {
                let source = Queue { chunks, spent };
                let mut r = Chunks {
                    source,
                    budget,
                    current: Vec::new(),
                    len: 0,
                    pos: 0,
                    end: None,
                };
                scan(&mut r)
            });
            loop {
                let buf = spent_rx.try_recv().unwrap_or_default();
                let chunk = inflater.next(buf);
                let last = chunk.end.is_some();
                // A scan that stopped reading has dropped its end: stop.
                if chunks_tx.send(chunk).is_err() || last {
                    break;
                }
            }
            drop(chunks_tx);
            match scanning.join() {
                Ok(t) => t,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    } else {
        let mut r = Chunks {
            source: &mut inflater,
            budget,
            current: Vec::new(),
            len: 0,
            pos: 0,
            end: None,
        };
        scan(&mut r)
    };
    budget.stage_raw(false);
    result
}

impl<S: Source + ?Sized> Source for &mut S {
    fn next(&mut self, spent: Vec<u8>) -> Option<Chunk> {
        (**self).next(spent)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::budget::Raw;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        );
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Reads `r` in pieces of ever-changing sizes, as the tar walk and the
    /// scan do; returns the pieces' sizes, the bytes, and the error.
    fn drain(r: &mut dyn Read) -> (Vec<usize>, Vec<u8>, Option<String>) {
        let mut sizes = Vec::new();
        let mut all = Vec::new();
        let mut buf = vec![0u8; 300_000];
        for i in 0.. {
            let want = [512, 100_000, 7, 300_000, 65_536][i % 5];
            match r.read(&mut buf[..want]) {
                Ok(0) => return (sizes, all, None),
                Ok(n) => {
                    sizes.push(n);
                    all.extend_from_slice(&buf[..n]);
                }
                Err(e) => return (sizes, all, Some(e.to_string())),
            }
        }
        unreachable!()
    }

    #[test]
    fn helper_or_not_the_scan_reads_the_same_pieces_and_budget() {
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("line {i} of the log\n").into_bytes())
            .collect();
        let mut two = gzip(&text[..1_000_000]);
        two.extend(gzip(&text[1_000_000..]));
        let mut cut = two.clone();
        cut.truncate(two.len() - 5000);
        for (input, inflate) in [two, cut].into_iter().flat_map(|i| {
            Inflate::every().into_iter().map(move |l| (i.clone(), l))
        }) {
            let run = |helper: bool| {
                let budget = Budget::new(u64::MAX, 1000, 10);
                let raw_seen = std::sync::Mutex::new(Vec::new());
                let mut raw = Raw::new(&input[..], &budget);
                let got =
                    super::inflate(&mut raw, inflate, &budget, helper, |r| {
                        let mut sizes = Vec::new();
                        let mut all = Vec::new();
                        let mut buf = vec![0u8; 300_000];
                        let mut err = None;
                        for i in 0.. {
                            let want =
                                [512, 100_000, 7, 300_000, 65_536][i % 5];
                            match r.read(&mut buf[..want]) {
                                Ok(0) => break,
                                Ok(n) => {
                                    sizes.push(n);
                                    all.extend_from_slice(&buf[..n]);
                                    // What a Metered reader would see.
                                    raw_seen
                                        .lock()
                                        .unwrap()
                                        .push(budget.raw());
                                }
                                Err(e) => {
                                    err = Some(e.to_string());
                                    break;
                                }
                            }
                        }
                        (sizes, all, err)
                    });
                (got, raw_seen.into_inner().unwrap(), budget.raw())
            };
            let inline = run(false);
            assert_eq!(inline, run(true));
            let ((_, all, err), _, raw) = &inline;
            if err.is_none() {
                assert_eq!(all, &text);
                assert_eq!(*raw, input.len() as u64);
            } else {
                assert!(all.len() < text.len() && text.starts_with(all));
            }
        }
    }

    #[test]
    fn a_scan_that_stops_early_stops_the_helper() {
        let text = b"x\n".repeat(3_000_000);
        let input = gzip(&text);
        let budget = Budget::new(u64::MAX, 1000, 10);
        let first = inflate(
            &mut Raw::new(&input[..], &budget),
            Inflate::zlib(),
            &budget,
            true,
            |r| {
                let mut buf = [0u8; 10];
                r.read(&mut buf).unwrap()
            },
        );
        assert_eq!(first, 10);
        let (_, all, err) = inflate(
            &mut Raw::new(&input[..], &budget),
            Inflate::zlib(),
            &budget,
            true,
            drain,
        );
        assert_eq!((all.len(), err), (text.len(), None));
    }
}
