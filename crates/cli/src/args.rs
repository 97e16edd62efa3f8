//! Command-line arguments, parsed and validated by clap; nothing here acts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Finds known failures in Kubernetes node and provisioning logs.
#[derive(Debug, Parser)]
#[command(name = "logsift", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scan log bundles, archives, folders or files for known failures.
    Scan(ScanArgs),
    /// List, show, test and lint signature packs.
    #[command(subcommand)]
    Signatures(SignaturesCommand),
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
    /// Show everything about one signature.
    Show {
        /// The signature's id.
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

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files, folders or archives to scan; `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,

    /// Exit 1 when a finding is at least this severe.
    #[arg(
        long,
        value_name = "SEVERITY",
        default_value = "error",
        value_parser = ["critical", "error", "warning", "info", "never"]
    )]
    pub(crate) fail_on: String,

    /// How deep archives and compressed files may nest in an input.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub(crate) max_depth: u32,

    /// Evidence lines per finding: the first ones and the last one.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) max_evidence: usize,

    /// Do not load the signature pack built into logsift.
    #[arg(long)]
    pub(crate) no_default_signatures: bool,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Add a signature pack: a TOML file, or a folder of them.
    #[arg(long = "signatures", value_name = "PATH")]
    pub(crate) signatures: Vec<PathBuf>,

    /// Threads to scan with (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub(crate) threads: Option<usize>,
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
        let help = Cli::command()
            .find_subcommand_mut("scan")
            .map(|c| c.render_long_help().to_string())
            .unwrap_or_default();
        assert!(!help.is_empty());
        for line in help.lines() {
            assert!(line.chars().count() <= 79, "too long: {line:?}");
        }
    }
}
