//! Command-line arguments, parsed and validated by clap; nothing here acts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, builder::PossibleValuesParser};
use logsift_report::Format;

/// Finds known failures in Kubernetes node and provisioning logs.
#[derive(Debug, Parser)]
#[command(
    name = "logsift",
    version,
    propagate_version = true,
    term_width = 79
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scan log bundles, archives, folders or files for known failures.
    Scan(Box<ScanArgs>),
    /// List, show, test and lint signature packs.
    #[command(subcommand, term_width = 79)]
    Signatures(SignaturesCommand),
    /// Build one fleet summary from the reports of separate runs.
    Merge(MergeArgs),
}

/// `logsift merge`: the summary.json of `scan --out-dir`, from reports
/// written by several runs (shards of one fleet, say).
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// JSON reports, or folders of them such as `scan --out-dir` writes
    /// (their summary.json is left out).
    #[arg(required = true, value_name = "REPORT_OR_DIR")]
    pub(crate) inputs: Vec<PathBuf>,

    /// Write the summary to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Each takes an optional pack (a TOML file or a folder of them); without
/// one, it works on the pack built into logsift.
#[derive(Debug, Subcommand)]
pub(crate) enum SignaturesCommand {
    /// List the signatures of a pack.
    List {
        /// `table` for people, `json` for tools.
        #[arg(
            long,
            value_name = "FORMAT",
            default_value = "table",
            value_parser = ["table", "json"]
        )]
        format: String,
        /// The pack (default: the built-in one).
        #[arg(value_name = "PATH")]
        pack: Option<PathBuf>,
    },
    /// Show everything about one signature or diagnosis.
    Show {
        /// The signature's or diagnosis' id.
        #[arg(value_name = "ID")]
        id: String,
        /// The pack (default: the built-in one).
        #[arg(value_name = "PATH")]
        pack: Option<PathBuf>,
    },
    /// Run every example line through the scanner; exit 1 on a failure.
    Test {
        /// The pack (default: the built-in one).
        #[arg(value_name = "PATH")]
        pack: Option<PathBuf>,
    },
    /// Check a pack's rules; exit 1 on a problem.
    Lint {
        /// The pack (default: the built-in one).
        #[arg(value_name = "PATH")]
        pack: Option<PathBuf>,
    },
}

/// The names `--format` accepts, from the report crate's list.
fn formats() -> PossibleValuesParser {
    PossibleValuesParser::new(Format::ALL.map(Format::as_str))
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files, folders or archives to scan; `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,

    /// Colour text: auto, always or never.
    ///
    /// auto colours only on a terminal, and not when NO_COLOR is set.
    #[arg(
        long,
        value_name = "WHEN",
        default_value = "auto",
        value_parser = ["auto", "always", "never"]
    )]
    pub(crate) color: String,

    /// Exit 1 when a finding is at least this severe.
    #[arg(
        long,
        value_name = "SEVERITY",
        default_value = "error",
        value_parser = ["critical", "error", "warning", "info", "never"]
    )]
    pub(crate) fail_on: String,

    /// Also exit 1 when an input lacks a source its collector always
    /// writes (coverage says missing or unreadable), e.g. the kubelet log.
    #[arg(long)]
    pub(crate) fail_on_incomplete: bool,

    /// The report's format (default: text on a terminal, else json).
    #[arg(
        long,
        value_name = "FORMAT",
        value_parser = formats()
    )]
    pub(crate) format: Option<String>,

    /// How deep archives and compressed files may nest in an input.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub(crate) max_depth: u32,

    /// Evidence lines per finding: the first ones and the last one.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) max_evidence: usize,

    /// Do not load the signature pack built into logsift.
    #[arg(long)]
    pub(crate) no_default_signatures: bool,

    /// Quote log lines as they are, secrets included.
    ///
    /// By default, AWS keys and session tokens, bearer tokens, JWTs,
    /// kubeconfig credentials, tokens, passwords in URLs and private keys
    /// in evidence lines and messages are replaced by placeholders.
    #[arg(long)]
    pub(crate) no_redact: bool,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Write one JSON report per input into DIR, each as soon as its input
    /// is done, and summary.json over all of them.
    ///
    /// A folder holding only archives (tar, tar.gz, zip) is taken as one
    /// input per archive. Replaces --output, --format and --report.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["output", "format", "reports"]
    )]
    pub(crate) out_dir: Option<PathBuf>,

    /// No progress bar on standard error.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Also write the report in FORMAT to PATH (repeatable).
    ///
    /// e.g. --report sarif=out.sarif --report junit=out.xml
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub(crate) reports: Vec<String>,

    /// Scan only share K of N (1-based) of the inputs, chosen by a hash
    /// of each input's path, e.g. --shard 2/8.
    ///
    /// As with --out-dir, a folder of archives counts one input each.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,

    /// Add a signature pack: a TOML file, or a folder of them.
    #[arg(long = "signatures", value_name = "PATH")]
    pub(crate) signatures: Vec<PathBuf>,

    /// Findings to accept, with reasons (default: .logsift.toml in the
    /// current folder, when there is one).
    #[arg(long, value_name = "FILE")]
    pub(crate) suppressions: Option<PathBuf>,

    /// Keep only lines stamped at or after TIME: 2h, 30m, 7d before each
    /// input's collection, or a time such as 2026-11-21T10:00Z.
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<String>,

    /// Keep only lines stamped at or before TIME (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<String>,

    /// Take every file given directly (not inside an archive or folder) to
    /// be of this kind, e.g. kubelet, containerd, ipamd, terraform.
    #[arg(long, value_name = "KIND")]
    pub(crate) source_kind: Option<String>,

    /// Threads to scan with (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub(crate) threads: Option<usize>,

    /// Follow symbolic links inside folders (loops are detected).
    #[arg(long)]
    pub(crate) follow: bool,

    /// The most one input may decompress to in all, e.g. 16G or 512M.
    #[arg(long, value_name = "SIZE", default_value = "16G")]
    pub(crate) max_bytes: String,

    /// Stop a compressed layer past this decompressed-to-raw ratio.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub(crate) max_ratio: u64,

    /// The most files and archive members one input may hold.
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    pub(crate) max_members: u64,

    /// The most bytes of one line held at once, e.g. 4M; longer lines are
    /// still searched in full, in overlapping pieces.
    #[arg(long, value_name = "SIZE", default_value = "4M")]
    pub(crate) max_line_bytes: String,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lines_fit_79_columns() {
        // Built first, as clap does before printing, so settings propagate.
        let mut cli = Cli::command();
        cli.build();
        let help = cli
            .find_subcommand_mut("scan")
            .map(|c| c.render_long_help().to_string())
            .unwrap_or_default();
        assert!(!help.is_empty());
        for line in help.lines() {
            assert!(line.chars().count() <= 79, "too long: {line:?}");
        }
    }
}
