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
//! Searching costs more than inflating, so the scan thread is the slower
//! one and the inflating thread waits on a full queue. It spends that
//! time on the scan's literal search instead: the scan says which member
//! it is in and how that member is searched (a [`Job`]), and while the
//! scan lags behind, the inflating thread finds the candidate lines of
//! the member's whole lines in each chunk before it queues it
//! ([`Searched`]). The scan takes those hits for the lines they cover and
//! searches only the rest itself. A line's hits depend on that line
//! alone (`Matcher::line_hits`), so the findings are the same whichever
//! thread found them, and how much the helper takes on balances itself:
//! it searches only while the queue stays full.
//!
//! [`Metered`]: crate::budget::Metered

use std::{
    cell::RefCell,
    collections::VecDeque,
    io::{self, BufReader, Read},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
        mpsc::{Receiver, SyncSender, sync_channel},
    },
};

use logsift_signatures::{Hit, Matcher, SourceKind};
use memchr::{memchr, memrchr};

use crate::{
    budget::Budget,
    gz::{Inflate, Members, gz_members},
    io::read_full,
};

/// Bytes per chunk: as much as the scan reads at once.
const CHUNK: usize = 256 * 1024;
/// Chunks queued between the threads; with the one being filled and the
/// one being scanned, at most this plus two are held (2.5 MiB).
const QUEUE: usize = 8;
/// Chunks waiting in the queue from which on the scan is taken to lag,
/// and the inflating thread searches a chunk before queueing it. The
/// engine's own tests search every chunk they can, so that every test
/// through the walk on a spare thread checks that the hits found ahead
/// are those found in place.
const BEHIND: usize = if cfg!(test) { 0 } else { QUEUE / 2 };

/// Whether the scan lags, `queued` chunks waiting for it.
// Always, in tests.
#[allow(clippy::absurd_extreme_comparisons)]
fn lagging(queued: usize) -> bool {
    queued >= BEHIND
}

/// Bytes whose hits the scans took from those found ahead, for tests to
/// tell that the search ahead ran.
#[cfg(test)]
pub(crate) static TAKEN: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// What the scan asks the inflating thread to search ahead of it: the
/// lines of one member, searched as the scan searches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Job {
    /// The member's kind and probe set (`Matcher::candidates_with`).
    pub(crate) kind: SourceKind,
    pub(crate) probes: usize,
    /// Where the member's bytes are in the inflated stream.
    pub(crate) start: u64,
    pub(crate) end: u64,
}

/// The hits of a job's whole lines at stream offsets `from..to` (from a
/// line start to just after a line end), found on the inflating thread;
/// each hit's `at` counts from `from`.
struct Searched {
    job: Job,
    from: u64,
    to: u64,
    hits: Vec<Hit>,
}

impl Searched {
    /// Searches the whole lines of `job`'s member in `data`, the bytes of
    /// the inflated stream from `offset`.
    fn find(
        matcher: &Matcher,
        job: Job,
        data: &[u8],
        offset: u64,
    ) -> Option<Searched> {
        let lo = job.start.max(offset);
        let hi = job.end.min(offset + data.len() as u64);
        if lo >= hi {
            return None;
        }
        let part = &data[(lo - offset) as usize..(hi - offset) as usize];
        // A line begins the member, or follows a line end; the chunk's
        // first line may have begun in the chunk before.
        let first = if lo == job.start { 0 } else { memchr(b'\n', part)? + 1 };
        let last = memrchr(b'\n', part)? + 1;
        if first >= last {
            return None;
        }
        let mut hits = Vec::new();
        matcher.line_hits(&part[first..last], job.kind, job.probes, &mut hits);
        Some(Searched {
            job,
            from: lo + first as u64,
            to: lo + last as u64,
            hits,
        })
    }
}

/// Whole lines of a region whose hits were found ahead: `start..end` of
/// the region, and their hits, each `at` counted from `start`.
pub(crate) struct Known {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) hits: Vec<Hit>,
}

/// A text whose lines the inflating thread may search ahead: a member,
/// or the whole stream, at stream offsets `start..end`.
#[derive(Clone, Copy)]
pub(crate) struct Member<'a> {
    pub(crate) lookahead: &'a Lookahead<'a>,
    pub(crate) start: u64,
    pub(crate) end: u64,
}

/// What the two threads share.
struct Shared<'m> {
    matcher: &'m Matcher,
    /// The scan's current job.
    job: Mutex<Option<Job>>,
    /// Chunks queued and not yet taken.
    queued: AtomicUsize,
}

/// The scan's side of the search ahead: where it posts its jobs and takes
/// the hits found for them.
pub(crate) struct Lookahead<'a> {
    shared: &'a Shared<'a>,
    /// Hits of the chunks taken, in stream order.
    searched: RefCell<VecDeque<Searched>>,
}

impl Lookahead<'_> {
    /// From now on the scan is in `job`'s member.
    pub(crate) fn post(&self, job: Job) {
        self.set(Some(job));
    }

    /// The scan of the member is over: what is left of it (a member
    /// whose scan stopped early is read to its end) is not searched.
    pub(crate) fn finish(&self) {
        self.set(None);
        self.searched.borrow_mut().clear();
    }

    fn set(&self, job: Option<Job>) {
        // A poisoned lock only means the other side panicked; its panic
        // is given on when the scan ends.
        *self.shared.job.lock().unwrap_or_else(|p| p.into_inner()) = job;
    }

    /// Pushes into `out` (cleared first) the hits found ahead for the
    /// lines of `job` at stream offsets `from..to`, a region of whole
    /// lines, in order: the stretches that were searched, as offsets in
    /// the region.
    pub(crate) fn take(
        &self,
        job: Job,
        from: u64,
        to: u64,
        out: &mut Vec<Known>,
    ) {
        out.clear();
        let mut searched = self.searched.borrow_mut();
        // What the scan has passed, or another member's, is of no more
        // use.
        while searched.front().is_some_and(|s| s.job != job || s.to <= from) {
            searched.pop_front();
        }
        for s in searched.iter() {
            if s.job != job || s.from >= to {
                break;
            }
            // Both are whole lines, so their overlap is.
            let (lo, hi) = (s.from.max(from), s.to.min(to));
            let first =
                s.hits.partition_point(|h| s.from + (h.at as u64) < lo);
            let last = s.hits.partition_point(|h| s.from + (h.at as u64) < hi);
            let shift = lo - s.from;
            #[cfg(test)]
            TAKEN.fetch_add(hi - lo, Ordering::Relaxed);
            out.push(Known {
                start: (lo - from) as usize,
                end: (hi - from) as usize,
                hits: s.hits[first..last]
                    .iter()
                    .map(|h| Hit { at: h.at - shift as usize, ..*h })
                    .collect(),
            });
        }
    }
}

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
    /// Hits the inflating thread found in it.
    searched: Option<Searched>,
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
        Chunk {
            data,
            len,
            raw: self.budget.take_staged_raw(),
            end,
            searched: None,
        }
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
struct Queue<'a> {
    chunks: Receiver<Chunk>,
    spent: SyncSender<Vec<u8>>,
    shared: &'a Shared<'a>,
}

impl Source for Queue<'_> {
    fn next(&mut self, spent: Vec<u8>) -> Option<Chunk> {
        // The helper allocates a new buffer when none comes back in time.
        let _ = self.spent.try_send(spent);
        let chunk = self.chunks.recv().ok()?;
        self.shared.queued.fetch_sub(1, Ordering::Relaxed);
        Some(chunk)
    }
}

/// The scanning side's reader: the chunks' bytes, in order, then how the
/// stream ended. Charges the budget with each chunk's raw bytes as it
/// takes the chunk.
struct Chunks<'b, S> {
    source: S,
    budget: &'b Budget,
    /// Where the hits found ahead go.
    lookahead: Option<&'b Lookahead<'b>>,
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
            if let (Some(searched), Some(l)) = (chunk.searched, self.lookahead)
            {
                l.searched.borrow_mut().push_back(searched);
            }
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
/// With a helper, `scan` is also given the [`Lookahead`] through which
/// the helper searches ahead of it with `matcher`, unless `matcher` has
/// a literal that spans lines.
///
/// The raw bytes read from the input while this runs must be counted
/// through [`Budget::stage_raw`]; this turns staging on and off.
pub(crate) fn inflate<T: Send>(
    reader: &mut dyn Read,
    inflate: Inflate,
    budget: &Budget,
    helper: bool,
    matcher: &Matcher,
    scan: impl FnOnce(&mut dyn Read, Option<&Lookahead<'_>>) -> T + Send,
) -> T {
    budget.stage_raw(true);
    let mut inflater =
        Inflater { decoder: gz_members(reader, inflate), budget };
    let result = if helper {
        let shared = Shared {
            matcher,
            job: Mutex::new(None),
            queued: AtomicUsize::new(0),
        };
        let ahead = matcher.lines_apart();
        std::thread::scope(|threads| {
            let (chunks_tx, chunks) = sync_channel(QUEUE);
            let (spent, spent_rx) = sync_channel::<Vec<u8>>(QUEUE + 2);
            let shared = &shared;
            let scanning = threads.spawn(move || {
                let lookahead = Lookahead {
                    shared,
                    searched: RefCell::new(VecDeque::new()),
                };
                let lookahead = ahead.then_some(&lookahead);
                let source = Queue { chunks, spent, shared };
                let mut r = Chunks {
                    source,
                    budget,
                    lookahead,
                    current: Vec::new(),
                    len: 0,
                    pos: 0,
                    end: None,
                };
                scan(&mut r, lookahead)
            });
            let mut offset = 0u64;
            loop {
                let buf = spent_rx.try_recv().unwrap_or_default();
                let mut chunk = inflater.next(buf);
                let last = chunk.end.is_some();
                if ahead && lagging(shared.queued.load(Ordering::Relaxed)) {
                    let job =
                        *shared.job.lock().unwrap_or_else(|p| p.into_inner());
                    chunk.searched = job.and_then(|job| {
                        Searched::find(
                            shared.matcher,
                            job,
                            &chunk.data[..chunk.len],
                            offset,
                        )
                    });
                }
                offset += chunk.len as u64;
                shared.queued.fetch_add(1, Ordering::Relaxed);
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
            lookahead: None,
            current: Vec::new(),
            len: 0,
            pos: 0,
            end: None,
        };
        scan(&mut r, None)
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
                let matcher = Matcher::new(&[]);
                let got = super::inflate(
                    &mut raw,
                    inflate,
                    &budget,
                    helper,
                    &matcher,
                    |r, _| {
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
                    },
                );
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
            &Matcher::new(&[]),
            |r, _| {
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
            &Matcher::new(&[]),
            |r, _| drain(r),
        );
        assert_eq!((all.len(), err), (text.len(), None));
    }
}
