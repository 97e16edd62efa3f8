//! Turns parsed arguments into a scan configuration, once; nothing past
//! this point sees clap.

use std::path::PathBuf;

use logsift_engine::Input;
use logsift_signatures::{Pack, Severity};

use crate::args::ScanArgs;

/// Everything a scan needs.
#[derive(Debug)]
pub(crate) struct ScanConfig {
    /// What to scan, in the order given.
    pub(crate) inputs: Vec<Input>,
    /// The signatures to look for.
    pub(crate) pack: Pack,
    /// Engine limits.
    pub(crate) engine: logsift_engine::Config,
    /// Where the report goes; stdout when `None`.
    pub(crate) output: Option<PathBuf>,
    /// The least severity that fails the run; `None` never fails.
    pub(crate) fail_on: Option<Severity>,
    /// Threads; 0 lets rayon choose.
    pub(crate) threads: usize,
}

impl ScanConfig {
    pub(crate) fn from_args(args: ScanArgs) -> Result<ScanConfig, String> {
        let mut pack = if args.no_default_signatures {
            Pack::new()
        } else {
            Pack::embedded()
                .map_err(|e| format!("embedded signatures: {e}"))?
        };
        for path in &args.signatures {
            pack.add_path(path).map_err(|e| e.to_string())?;
        }
        if pack.is_empty() {
            return Err("no signatures to scan with: drop \
                        --no-default-signatures or add --signatures PATH"
                .to_string());
        }
        let stdin_count =
            args.inputs.iter().filter(|p| p.as_os_str() == "-").count();
        if stdin_count > 1 {
            return Err(
                "standard input (-) can be given only once".to_string()
            );
        }
        let inputs = args
            .inputs
            .into_iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p)
                }
            })
            .collect();
        let fail_on = match args.fail_on.as_str() {
            "never" => None,
            s => Some(s.parse::<Severity>()?),
        };
        if args.threads == Some(0) {
            return Err("--threads must be at least 1".to_string());
        }
        Ok(ScanConfig {
            inputs,
            pack,
            engine: logsift_engine::Config {
                max_evidence: args.max_evidence,
                max_depth: args.max_depth,
                ..logsift_engine::Config::default()
            },
            output: args.output,
            fail_on,
            threads: args.threads.unwrap_or(0),
        })
    }
}
