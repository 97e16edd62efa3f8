//! Criterion benches of each stage of a scan: compiling the signatures,
//! searching plain text, a gzip member, a whole `.tar.gz` bundle. Each
//! stage that decompresses is measured next to inflating the same bytes
//! without searching, so the report shows what the search adds.
//!
//! `cargo bench -p logsift-benches` (a few minutes on 2 cores); one group:
//! `cargo bench -p logsift-benches -- search`. End-to-end comparisons with
//! other tools are `benches/compare.sh`.

mod common;

use std::{hint::black_box, io::Read, time::Duration};

use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main, measurement::WallTime,
};
use flate2::read::MultiGzDecoder;
use logsift_engine::{Config, Inflate, Scanner};
use logsift_signatures::{Matcher, Pack, SourceKind};

use common::{bundle, default_pack, gzip_log, plain_logs, tripled_pack};

/// Large inputs: few samples of one iteration each, so the whole run
/// stays within minutes on a small machine.
fn slow_group<'c>(
    c: &'c mut Criterion,
    name: &str,
    bytes: u64,
) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes));
    g
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("embedded", |b| {
        b.iter(|| black_box(Pack::embedded().unwrap().compile()))
    });
    let tripled = tripled_pack();
    g.bench_function("tripled", |b| b.iter(|| black_box(tripled.compile())));
    g.finish();
}

/// Every candidate line of `text`, as the engine walks them: the next
/// literal hit, then on past the end of its line.
fn candidates(m: &Matcher, text: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    let mut found = m.candidates(text, SourceKind::Unknown);
    while let Some(hit) = found.next_from(pos) {
        n += 1;
        pos = memchr::memchr(b'\n', &text[hit..])
            .map_or(text.len(), |i| hit + i + 1);
    }
    n
}

fn search(c: &mut Criterion) {
    let text = plain_logs();
    let packs = [("default", default_pack()), ("tripled", tripled_pack())];
    let mut g = slow_group(c, "search", text.len() as u64);
    for (name, pack) in &packs {
        let m = pack.compile();
        g.bench_function(format!("candidates/{name}"), |b| {
            b.iter(|| candidates(&m, black_box(text)))
        });
        let scanner = Scanner::new(&m, Config::default());
        g.bench_function(format!("scan_bytes/{name}"), |b| {
            b.iter(|| {
                scanner.scan_bytes(
                    "plain.log",
                    SourceKind::Unknown,
                    black_box(text),
                )
            })
        });
    }
    g.finish();
}

fn inflate(data: &[u8]) -> u64 {
    let mut gz = MultiGzDecoder::new(data);
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0;
    loop {
        match gz.read(&mut buf).unwrap() {
            0 => return total,
            n => total += n as u64,
        }
    }
}

fn gzip_member(c: &mut Criterion) {
    let (gz, len) = gzip_log();
    let m = default_pack().compile();
    let scanner = Scanner::new(&m, Config::default());
    let mut g = slow_group(c, "gzip_member", *len as u64);
    g.bench_function("inflate", |b| b.iter(|| inflate(black_box(gz))));
    g.bench_function("scan_bytes", |b| {
        b.iter(|| {
            scanner.scan_bytes(
                "kubelet.log.gz",
                SourceKind::Kubelet,
                black_box(gz),
            )
        })
    });
    g.finish();
}

fn bundle_tar_gz(c: &mut Criterion) {
    let (bytes, text) = bundle();
    let m = default_pack().compile();
    let scanner = Scanner::new(&m, Config::default());
    let mut g = slow_group(c, "bundle", *text);
    // zlib-rs, and the library `--inflate auto` takes (ISA-L where the
    // system has it).
    for (name, inflate) in
        [("inflate", Inflate::zlib()), ("inflate_auto", Inflate::fastest())]
    {
        g.bench_function(name, |b| {
            b.iter(|| {
                logsift_benches::inflate_bundle(black_box(&bytes[..]), inflate)
                    .unwrap()
            })
        });
    }
    g.bench_function("scan_bytes", |b| {
        b.iter(|| {
            scanner.scan_bytes(
                "bundle.tar.gz",
                SourceKind::Unknown,
                black_box(bytes),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, compile, search, gzip_member, bundle_tar_gz);
criterion_main!(benches);
