//! Command-line arguments, parsed and validated by clap; nothing here acts.

use std::{fmt, path::PathBuf, str::FromStr};

use clap::{
    Args, Parser, Subcommand, ValueEnum,
    builder::{PossibleValuesParser, TypedValueParser},
};
use logsift_engine::{Config, TimeBound};
use logsift_report::Format;
use logsift_signatures::{Severity, SourceKind};

/// When to colour text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    /// Only on a terminal, and not when NO_COLOR is set.
    Auto,
    /// Always, even into a pipe (for `less -R`).
    Always,
    /// Never.
    Never,
}

/// Where error lines no signature knows are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum UnrecognizedMode {
    /// Looked for, and listed in JSON, NDJSON, text, Markdown and HTML
    /// (not in SARIF or JUnit, whose readers act on every entry).
    On,
    /// As `on`, and as notes in SARIF and JUnit too (never results or
    /// failing tests).
    Notes,
    /// Not looked for.
    Off,
}

/// Which library inflates gzip streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InflateWith {
    /// ISA-L when the system has its shared library (libisal.so.2, in
    /// Debian's and Ubuntu's package libisal2), zlib-rs otherwise.
    Auto,
    /// ISA-L; an error when it does not load.
    Isal,
    /// zlib-rs, built in.
    Zlib,
}

/// The least severity that fails the run, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Critical findings only.
    Critical,
    /// Errors and worse.
    Error,
    /// Warnings and worse.
    Warning,
    /// Any finding.
    Info,
    /// No finding fails the run.
    Never,
}

impl FailOn {
    /// The least severity that fails the run; `None` for never.
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// A number of bytes, written `512M`, `16G`, `4096` (K, M, G, T are
/// powers of 1024; a trailing `B` or `iB` is allowed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Size(pub(crate) u64);

impl FromStr for Size {
    type Err = String;

    fn from_str(value: &str) -> Result<Size, String> {
        let v = value.trim();
        let v =
            v.strip_suffix("iB").or_else(|| v.strip_suffix('B')).unwrap_or(v);
        let (number, shift) = match v.chars().last() {
            Some('K' | 'k') => (&v[..v.len() - 1], 10),
            Some('M' | 'm') => (&v[..v.len() - 1], 20),
            Some('G' | 'g') => (&v[..v.len() - 1], 30),
            Some('T' | 't') => (&v[..v.len() - 1], 40),
            _ => (v, 0),
        };
        number
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(1u64 << shift))
            .map(Size)
            .ok_or_else(|| {
                format!("{value:?} is not a size such as 512M or 16G")
            })
    }
}

impl fmt::Display for Size {
    /// In the largest unit that divides it, as the help text shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
            if self.0 != 0 && self.0.is_multiple_of(1u64 << shift) {
                return write!(f, "{}{unit}", self.0 >> shift);
            }
        }
        write!(f, "{}", self.0)
    }
}

/// `--since`/`--until`: a duration before collection, or a time.
fn time_bound(s: &str) -> Result<TimeBound, String> {
    s.parse()
}

/// `--source-kind`: a kind such as kubelet or ipamd.
fn source_kind(s: &str) -> Result<SourceKind, String> {
    s.parse()
}

/// `--shard K/N`: share K (1-based) of N.
fn shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || {
        format!(
            "{s:?}: expected K/N with 1 <= K <= N, e.g. 2/8 (K is 1-based)"
        )
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The limits whose defaults the engine owns, so help and behaviour can
/// never disagree.
fn engine() -> Config {
    Config::default()
}

/// Finds known failures in Kubernetes node and provisioning logs.
#[derive(Debug, Parser)]
#[command(
    name = "logsift",
    // The version and the commit built from (build.rs); main adds the
    // built-in pack's digest, which costs loading it, only when asked.
    version = env!("LOGSIFT_VERSION"),
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
    /// Print shell completions or the man page.
    Generate(GenerateArgs),
}

/// `logsift generate`: made from this definition, so they always agree
/// with the arguments logsift takes.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// What to print to standard output.
    #[arg(value_name = "KIND", value_enum)]
    pub(crate) kind: GenerateKind,
}

/// What `logsift generate` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenerateKind {
    /// Completions for bash (e.g. into
    /// ~/.local/share/bash-completion/completions/logsift).
    CompleteBash,
    /// Completions for zsh (a file named _logsift in a folder of $fpath).
    CompleteZsh,
    /// Completions for fish (e.g. into
    /// ~/.config/fish/completions/logsift.fish).
    CompleteFish,
    /// Completions for PowerShell (dot-source it from $PROFILE).
    CompletePowershell,
    /// The man page, in roff (e.g. into a man1 folder as logsift.1).
    Man,
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

    /// Also write the summary as one self-contained HTML page to FILE (its
    /// bundles link to their reports by file name).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
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
            value_enum,
            default_value_t = ListFormat::Table
        )]
        format: ListFormat,
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
    /// Print a signature to start from, for a local pack, drafted from a
    /// template of unrecognised error lines in a JSON report.
    Draft {
        /// The template's id (`u-` and 10 hex digits).
        #[arg(value_name = "ID")]
        id: String,
        /// A JSON report of `scan --unrecognized on` that lists it.
        #[arg(value_name = "REPORT")]
        report: PathBuf,
    },
}

/// How `signatures list` prints the pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// A table for people.
    Table,
    /// JSON for tools.
    Json,
}

/// `--report FORMAT=PATH`: one more report of the same run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReportTo {
    /// Its format.
    pub(crate) format: Format,
    /// Where it goes; `-` is standard output.
    pub(crate) path: PathBuf,
}

pub(crate) fn report_to(s: &str) -> Result<ReportTo, String> {
    let Some((format, path)) = s.split_once('=') else {
        return Err("expected FORMAT=PATH, e.g. sarif=out.sarif".to_string());
    };
    if path.is_empty() {
        return Err("the path is empty".to_string());
    }
    Ok(ReportTo { format: format.parse()?, path: PathBuf::from(path) })
}

/// The names `--format` accepts, from the report crate's list.
/// `--format`: one of the report formats, by name.
fn formats() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .try_map(|s| s.parse::<Format>())
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
        value_enum,
        default_value_t = ColorWhen::Auto,
        hide_possible_values = true
    )]
    pub(crate) color: ColorWhen,

    /// Exit 1 when a finding is at least this severe.
    #[arg(
        long,
        value_name = "SEVERITY",
        value_enum,
        default_value_t = FailOn::Error
    )]
    pub(crate) fail_on: FailOn,

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
    pub(crate) format: Option<Format>,

    /// How deep archives and compressed files may nest in an input.
    #[arg(long, value_name = "N", default_value_t = engine().max_depth)]
    pub(crate) max_depth: u32,

    /// Evidence lines per finding: the first ones and the last one.
    #[arg(long, value_name = "N", default_value_t = engine().max_evidence)]
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
    /// is done, and summary.json over all of them (and summary.html, the same
    /// as a page for people).
    ///
    /// A folder holding only bundles (archives, extracted bundle folders)
    /// is one input per bundle, as always. Replaces --output, --format and
    /// --report.
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
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = report_to)]
    pub(crate) reports: Vec<ReportTo>,

    /// Scan only share K of N (1-based) of the inputs, chosen by a hash
    /// of each input's path, e.g. --shard 2/8.
    ///
    /// A folder of bundles counts one input per bundle.
    #[arg(long, value_name = "K/N", value_parser = shard)]
    pub(crate) shard: Option<(u64, u64)>,

    /// Add a signature pack: a TOML file, or a folder of them.
    #[arg(long = "signatures", value_name = "PATH")]
    pub(crate) signatures: Vec<PathBuf>,

    /// Error lines no signature matched, grouped into templates: where to
    /// report them.
    #[arg(long, value_name = "WHERE", default_value = "on")]
    pub(crate) unrecognized: UnrecognizedMode,

    /// The library that inflates gzip streams: both give the same
    /// report, ISA-L faster (`logsift --version` tells which `auto`
    /// takes).
    #[arg(long, value_name = "LIBRARY", default_value = "auto")]
    pub(crate) inflate: InflateWith,

    /// Templates of unrecognised error lines to leave out, one a line,
    /// `<*>` standing for any text (as the report prints them).
    #[arg(long, value_name = "FILE")]
    pub(crate) ignore_unrecognized: Option<PathBuf>,

    /// Findings to accept, with reasons (default: .logsift.toml in the
    /// current folder, when there is one).
    #[arg(long, value_name = "FILE")]
    pub(crate) suppressions: Option<PathBuf>,

    /// Keep only lines stamped at or after TIME: 2h, 30m, 7d before each
    /// input's collection, or a time such as 2026-11-21T10:00Z.
    #[arg(long, value_name = "TIME", value_parser = time_bound)]
    pub(crate) since: Option<TimeBound>,

    /// Keep only lines stamped at or before TIME (same forms as --since).
    #[arg(long, value_name = "TIME", value_parser = time_bound)]
    pub(crate) until: Option<TimeBound>,

    /// Take every file given directly (not inside an archive or folder) to
    /// be of this kind, e.g. kubelet, containerd, ipamd, terraform.
    #[arg(long, value_name = "KIND", value_parser = source_kind)]
    pub(crate) source_kind: Option<SourceKind>,

    /// Name standard input (`-`) in reports, e.g. the bundle's file name:
    /// a collector's name also gives its instance id, time and version.
    #[arg(long, value_name = "NAME")]
    pub(crate) stdin_name: Option<String>,

    /// Threads to scan with (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub(crate) threads: Option<usize>,

    /// Follow symbolic links inside folders (loops are detected).
    #[arg(long)]
    pub(crate) follow: bool,

    /// The most one input may decompress to in all, e.g. 16G or 512M.
    #[arg(
        long,
        value_name = "SIZE",
        default_value_t = Size(engine().max_bytes)
    )]
    pub(crate) max_bytes: Size,

    /// Stop a compressed layer past this decompressed-to-raw ratio.
    #[arg(long, value_name = "N", default_value_t = engine().max_ratio)]
    pub(crate) max_ratio: u64,

    /// The most files and archive members one input may hold.
    #[arg(long, value_name = "N", default_value_t = engine().max_members)]
    pub(crate) max_members: u64,

    /// The most bytes of one line held at once, e.g. 4M; longer lines are
    /// still searched in full, in overlapping pieces.
    #[arg(
        long,
        value_name = "SIZE",
        default_value_t = Size(engine().max_line_bytes as u64)
    )]
    pub(crate) max_line_bytes: Size,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The defaults help shows are the engine's, parsed back.
    #[test]
    fn defaults_are_the_engines() {
        let args = Cli::parse_from(["logsift", "scan", "x.log"]);
        let Command::Scan(scan) = args.command else {
            panic!("not a scan");
        };
        let c = Config::default();
        assert_eq!(scan.max_depth, c.max_depth);
        assert_eq!(scan.max_evidence, c.max_evidence);
        assert_eq!(scan.max_bytes, Size(c.max_bytes));
        assert_eq!(scan.max_ratio, c.max_ratio);
        assert_eq!(scan.max_members, c.max_members);
        assert_eq!(scan.max_line_bytes, Size(c.max_line_bytes as u64));
        assert_eq!(Size(c.max_bytes).to_string(), "16G");
        assert_eq!(Size(c.max_line_bytes as u64).to_string(), "4M");
    }

    #[test]
    fn shards_parse() {
        assert_eq!(shard("2/8"), Ok((2, 8)));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3"] {
            assert!(shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_parse_and_print() {
        for (text, bytes) in
            [("512M", 512 << 20), ("16GiB", 16 << 30), ("4096", 4096)]
        {
            assert_eq!(text.parse::<Size>(), Ok(Size(bytes)));
        }
        assert_eq!(Size(1536).to_string(), "1536");
        assert_eq!(Size(3 << 10).to_string(), "3K");
        assert!("lots".parse::<Size>().is_err());
        assert!("99999999T".parse::<Size>().is_err());
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
