//! `synth-pack [--count N] [--seed S] OUT.toml`: writes a pack of N
//! synthetic signatures (default 232, which with the built-in pack's 116
//! makes it three times as large) for `benches/compare.sh`'s measure of
//! how the scan's cost follows the number of signatures.

use std::process::ExitCode;

use logsift_benches::{embedded_literals, synthetic_pack};

fn main() -> ExitCode {
    let mut count = 232;
    let mut seed = 1;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = |v: Option<String>| v.and_then(|v| v.parse().ok());
        match a.as_str() {
            "--count" => match value(args.next()) {
                Some(n) => count = n,
                None => return usage(),
            },
            "--seed" => match value(args.next()) {
                Some(n) => seed = n as u64,
                None => return usage(),
            },
            path if out.is_none() && !path.starts_with('-') => {
                out = Some(path.to_string())
            }
            _ => return usage(),
        }
    }
    let Some(out) = out else { return usage() };
    let toml = synthetic_pack(count, seed, &embedded_literals());
    if let Err(e) = std::fs::write(&out, toml) {
        eprintln!("synth-pack: {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: synth-pack [--count N] [--seed S] OUT.toml");
    ExitCode::from(2)
}
