//! Turns parsed arguments into a scan configuration, once; nothing past
//! this point sees clap.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
};

use logsift_engine::{Inflate, Input, TimeBound, Timestamp};
use logsift_report::{
    Format, suppress::Suppressions, text, unrecognized::Ignore,
};
use logsift_signatures::{Pack, Severity};

use crate::args::{
    ColorWhen, InflateWith, ListFormat, MergeArgs, ReportTo, ScanArgs,
    SignaturesCommand, UnrecognizedMode,
};

/// Everything a scan needs.
#[derive(Debug)]
pub(crate) struct ScanConfig {
    /// What to scan, in the order given.
    pub(crate) inputs: Vec<Input>,
    /// The signatures to look for.
    pub(crate) pack: Pack,
    /// Engine limits.
    pub(crate) engine: logsift_engine::Config,
    /// The reports to write, the main one (`--format`, `--output`) first,
    /// then each `--report`; at most one goes to standard output.
    pub(crate) outputs: Vec<Output>,
    /// The least severity that fails the run; `None` never fails.
    pub(crate) fail_on: Option<Severity>,
    /// Threads; 0 lets rayon choose.
    pub(crate) threads: usize,
    /// Whether secrets in the log text reports quote are redacted.
    pub(crate) redact: bool,
    /// Templates of unrecognised error lines to leave out.
    pub(crate) ignore: Ignore,
    /// Whether SARIF and JUnit carry the unrecognized templates as notes.
    pub(crate) unrecognized_notes: bool,
    /// With `--out-dir`: where each input's report and summary.json go;
    /// the outputs above are then unused.
    pub(crate) out_dir: Option<PathBuf>,
    /// Whether to draw a progress bar on standard error.
    pub(crate) progress: bool,
    /// Whether an input lacking an expected source fails the run.
    pub(crate) fail_on_incomplete: bool,
    /// Findings to mark suppressed; expired entries are already dropped.
    pub(crate) suppressions: Suppressions,
    /// Said on standard error before the scan (expired suppressions).
    pub(crate) warnings: Vec<String>,
}

/// Where suppressions are read from when `--suppressions` is not given,
/// if it exists.
const DEFAULT_SUPPRESSIONS: &str = ".logsift.toml";

/// The suppressions of `--suppressions FILE`, or of `.logsift.toml` when
/// there is one, with the entries expired by `now` dropped and a warning
/// for each.
fn suppressions(
    flag: Option<&Path>,
    now: Timestamp,
) -> Result<(Suppressions, Vec<String>), String> {
    let path = match flag {
        Some(p) => p,
        None if Path::new(DEFAULT_SUPPRESSIONS).is_file() => {
            Path::new(DEFAULT_SUPPRESSIONS)
        }
        None => return Ok((Suppressions::new(), Vec::new())),
    };
    let mut s = Suppressions::load(path).map_err(|e| e.to_string())?;
    let warnings = s
        .drop_expired(now)
        .iter()
        .map(|e| {
            format!(
                "warning: suppression expired on {}: {}:{}",
                e.expires_text().unwrap_or_default(),
                e.file,
                e.line
            )
        })
        .collect();
    Ok((s, warnings))
}

impl ScanConfig {
    pub(crate) fn from_args(args: ScanArgs) -> Result<ScanConfig, String> {
        let pack = pack(args.no_default_signatures, &args.signatures)?;
        let (inputs, twice) =
            inputs(&args.inputs, &args.stdin_name, args.shard)?;
        let (suppressions, mut warnings) =
            suppressions(args.suppressions.as_deref(), Timestamp::now())?;
        warnings.extend(twice);
        let unknown = suppressions.unknown_ids(&pack);
        if !unknown.is_empty() {
            let lines: Vec<String> =
                unknown.iter().map(ToString::to_string).collect();
            return Err(lines.join("\n"));
        }
        let threads = match args.threads {
            Some(0) => return Err("--threads must be at least 1".to_string()),
            Some(n) => {
                let (n, warning) = capped_threads(n, cores());
                warnings.extend(warning);
                n
            }
            None => 0,
        };
        check_window(args.since, args.until)?;
        Ok(ScanConfig {
            inputs,
            pack,
            engine: engine(&args)?,
            outputs: outputs(
                args.format,
                args.output,
                &args.reports,
                args.color,
                &Terminal::detect(),
            )?,
            fail_on: args.fail_on.severity(),
            threads,
            redact: !args.no_redact,
            ignore: ignore(args.ignore_unrecognized.as_deref())?,
            unrecognized_notes: args.unrecognized == UnrecognizedMode::Notes,
            out_dir: args.out_dir,
            progress: !args.quiet && std::io::stderr().is_terminal(),
            fail_on_incomplete: args.fail_on_incomplete,
            suppressions,
            warnings,
        })
    }
}

/// The built-in pack unless left out, with every `--signatures` pack
/// added, checked as one.
fn pack(no_default: bool, added: &[PathBuf]) -> Result<Pack, String> {
    let mut pack = if no_default {
        Pack::new()
    } else {
        Pack::embedded().map_err(|e| format!("embedded signatures: {e}"))?
    };
    for path in added {
        pack.add_path(path).map_err(|e| e.to_string())?;
    }
    pack.check().map_err(|e| e.to_string())?;
    if pack.is_empty() {
        return Err("no signatures to scan with: drop \
                    --no-default-signatures or add --signatures PATH"
            .to_string());
    }
    Ok(pack)
}

/// The inputs as given, standard input named by `--stdin-name`, a folder
/// of bundles as one input per bundle (before sharding, so shards split
/// bundles, not folders), then this shard's share.
fn inputs(
    given: &[PathBuf],
    stdin_name: &Option<String>,
    shard: Option<(u64, u64)>,
) -> Result<(Vec<Input>, Vec<String>), String> {
    let stdin_count = given.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        return Err("standard input (-) can be given only once".to_string());
    }
    if stdin_name.is_some() && stdin_count == 0 {
        return Err("--stdin-name names standard input, which is not \
                    among the inputs: add -"
            .to_string());
    }
    let inputs = given
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin { name: stdin_name.clone() }
            } else {
                Input::Path(p.clone())
            }
        })
        .collect();
    let (mut inputs, notes) = crate::batch::expand(inputs);
    if let Some(shard) = shard {
        inputs.retain(|i| crate::batch::in_shard(&i.display(), shard));
    }
    Ok((inputs, notes))
}

/// The engine's limits and window, from the flags; the rest as the
/// engine's defaults say.
fn engine(args: &ScanArgs) -> Result<logsift_engine::Config, String> {
    Ok(logsift_engine::Config {
        max_evidence: args.max_evidence,
        max_depth: args.max_depth,
        max_bytes: args.max_bytes.0,
        max_ratio: args.max_ratio.max(1),
        max_members: args.max_members,
        max_line_bytes: usize::try_from(args.max_line_bytes.0)
            .unwrap_or(usize::MAX)
            .max(1024),
        follow_links: args.follow,
        since: args.since,
        until: args.until,
        source_kind: args.source_kind,
        mine: args.unrecognized != UnrecognizedMode::Off,
        inflate: inflate(args.inflate)?,
        ..logsift_engine::Config::default()
    })
}

/// The library `--inflate` names, loaded.
fn inflate(with: InflateWith) -> Result<Inflate, String> {
    match with {
        InflateWith::Auto => Ok(Inflate::fastest()),
        InflateWith::Zlib => Ok(Inflate::zlib()),
        InflateWith::Isal => Inflate::isal().ok_or_else(|| {
            "logsift: --inflate isal: ISA-L's shared library (libisal.so.2) \
             did not load; install it (Debian and Ubuntu: libisal2) or use \
             --inflate auto"
                .to_string()
        }),
    }
}

/// The templates of `--ignore-unrecognized FILE`; none without it.
fn ignore(path: Option<&Path>) -> Result<Ignore, String> {
    let Some(path) = path else { return Ok(Ignore::default()) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read ({e}): {}", path.display()))?;
    Ignore::parse(&text).map_err(|e| format!("{e}: {}", path.display()))
}

/// `logsift merge`: the reports to fold and where the summary goes.
#[derive(Debug)]
pub(crate) struct MergeConfig {
    /// Report files, or folders of them.
    pub(crate) inputs: Vec<PathBuf>,
    /// The summary's file; standard output when `None` or `-`.
    pub(crate) output: Option<PathBuf>,
    /// Where to write the summary's HTML page too.
    pub(crate) html: Option<PathBuf>,
}

impl From<MergeArgs> for MergeConfig {
    fn from(args: MergeArgs) -> MergeConfig {
        MergeConfig {
            inputs: args.inputs,
            output: args.output,
            html: args.html,
        }
    }
}

/// What `logsift signatures` does, and to which pack.
#[derive(Debug)]
pub(crate) struct PacksConfig {
    /// The pack; the built-in one when `None`.
    pub(crate) pack: Option<PathBuf>,
    /// What to do with it.
    pub(crate) task: PackTask,
}

/// One `logsift signatures` command.
#[derive(Debug)]
pub(crate) enum PackTask {
    /// List the signatures, as a table or JSON.
    List(ListFormat),
    /// Everything about one signature or diagnosis.
    Show(String),
    /// Every example through the scanner.
    Test,
    /// The pack's rules.
    Lint,
    /// A signature drafted from a report's unrecognised template.
    Draft {
        /// The template's id.
        id: String,
        /// The JSON report listing it.
        report: PathBuf,
    },
}

impl From<SignaturesCommand> for PacksConfig {
    fn from(cmd: SignaturesCommand) -> PacksConfig {
        use SignaturesCommand as C;
        let (pack, task) = match cmd {
            C::List { format, pack } => (pack, PackTask::List(format)),
            C::Show { id, pack } => (pack, PackTask::Show(id)),
            C::Test { pack } => (pack, PackTask::Test),
            C::Lint { pack } => (pack, PackTask::Lint),
            C::Draft { id, report } => (None, PackTask::Draft { id, report }),
        };
        PacksConfig { pack, task }
    }
}

/// A window that ends before it starts keeps no timed line: say so
/// rather than report a scan of nothing. Bounds of both kinds (a time and
/// a duration) are compared per input, by the engine, once its collection
/// time is known.
fn check_window(
    since: Option<TimeBound>,
    until: Option<TimeBound>,
) -> Result<(), String> {
    let inverted = match (since, until) {
        (Some(TimeBound::At(s)), Some(TimeBound::At(u))) => s > u,
        (
            Some(TimeBound::BeforeCollection(s)),
            Some(TimeBound::BeforeCollection(u)),
        ) => s < u,
        _ => false,
    };
    if inverted {
        return Err("--since is after --until: the window holds no time; \
                    swap them"
            .to_string());
    }
    Ok(())
}

/// One report to write.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Output {
    /// Its format.
    pub(crate) format: Format,
    /// Where it goes.
    pub(crate) to: Destination,
    /// How to render it when it is text: colour and escaping, resolved
    /// here against the terminal and `NO_COLOR`.
    pub(crate) text: text::Options,
}

/// Where a report goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Standard output.
    Stdout,
    /// A file, created or truncated.
    File(PathBuf),
}

impl Destination {
    /// `-` is standard output, as for inputs.
    fn new(path: PathBuf) -> Destination {
        if path.as_os_str() == "-" {
            Destination::Stdout
        } else {
            Destination::File(path)
        }
    }

    /// How error messages name it.
    pub(crate) fn name(&self) -> String {
        match self {
            Destination::Stdout => "standard output".to_string(),
            Destination::File(p) => p.display().to_string(),
        }
    }
}

/// What the environment says about colour.
#[derive(Debug)]
struct Terminal {
    /// Whether standard output is a terminal.
    stdout: bool,
    /// Whether `NO_COLOR` is set to a non-empty value.
    no_color: bool,
}

impl Terminal {
    fn detect() -> Terminal {
        Terminal {
            stdout: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR")
                .is_some_and(|v| !v.is_empty()),
        }
    }
}

/// The reports to write: the main one, to `--output` or standard output,
/// in `--format` or, by default, text for a terminal and JSON (the
/// contract) for anything else; then each `--report FORMAT=PATH`.
fn outputs(
    format: Option<Format>,
    output: Option<PathBuf>,
    reports: &[ReportTo],
    color: ColorWhen,
    term: &Terminal,
) -> Result<Vec<Output>, String> {
    let main_to = output.map_or(Destination::Stdout, Destination::new);
    let main_format = match format {
        Some(f) => f,
        None if main_to == Destination::Stdout && term.stdout => Format::Text,
        None => Format::Json,
    };
    let mut list = vec![(main_format, main_to)];
    for r in reports {
        list.push((r.format, Destination::new(r.path.clone())));
    }
    for (i, (_, to)) in list.iter().enumerate() {
        if list[..i].iter().any(|(_, seen)| seen == to) {
            return Err(match to {
                Destination::Stdout => "only one report can go to standard \
                                        output; give the others a file"
                    .to_string(),
                Destination::File(p) => {
                    format!("two reports would write {}", p.display())
                }
            });
        }
    }
    Ok(list
        .into_iter()
        .map(|(format, to)| {
            let terminal = to == Destination::Stdout && term.stdout;
            let text = text::Options {
                color: match color {
                    ColorWhen::Always => true,
                    ColorWhen::Never => false,
                    ColorWhen::Auto => terminal && !term.no_color,
                },
                // Forced colour means the reader is terminal-like (`less
                // -R`), so log text is escaped there too.
                escape: terminal || color == ColorWhen::Always,
            };
            Output { format, to, text }
        })
        .collect())
}

/// The most threads worth starting per core: a scan waits on reading and
/// inflating, so a few per core help; thousands only cost memory.
const THREADS_PER_CORE: usize = 4;

/// The cores this process may run on.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `--threads n` held to [`THREADS_PER_CORE`] per core, and the warning
/// that says so when it is cut.
fn capped_threads(n: usize, cores: usize) -> (usize, Option<String>) {
    let max = cores.saturating_mul(THREADS_PER_CORE).max(1);
    if n <= max {
        return (n, None);
    }
    let warning = format!(
        "--threads {n} is more than {THREADS_PER_CORE} per core; \
         using {max} ({cores} cores)"
    );
    (max, Some(warning))
}

#[cfg(test)]
mod output_tests {
    use clap::ValueEnum;

    use super::*;

    fn term(stdout: bool, no_color: bool) -> Terminal {
        Terminal { stdout, no_color }
    }

    fn resolve(
        format: Option<&str>,
        output: Option<&str>,
        reports: &[&str],
        color: &str,
        t: &Terminal,
    ) -> Result<Vec<Output>, String> {
        let reports = reports
            .iter()
            .map(|s| crate::args::report_to(s))
            .collect::<Result<Vec<_>, _>>()?;
        let format = format.map(|f| f.parse::<Format>().unwrap());
        let color = ColorWhen::from_str(color, false).unwrap();
        outputs(format, output.map(PathBuf::from), &reports, color, t)
    }

    #[test]
    fn default_format_is_text_on_a_terminal_and_json_elsewhere() {
        let on_tty = resolve(None, None, &[], "auto", &term(true, false));
        let on_tty = on_tty.unwrap();
        assert_eq!(on_tty[0].format, Format::Text);
        assert_eq!(
            on_tty[0].text,
            text::Options { color: true, escape: true }
        );
        let piped = resolve(None, None, &[], "auto", &term(false, false));
        assert_eq!(piped.unwrap()[0].format, Format::Json);
        let file =
            resolve(None, Some("r.json"), &[], "auto", &term(true, false));
        assert_eq!(file.unwrap()[0].format, Format::Json);
    }

    #[test]
    fn colour_follows_flag_terminal_and_no_color() {
        let t = text::Options { color: false, escape: true };
        let got = resolve(None, None, &[], "auto", &term(true, true));
        assert_eq!(got.unwrap()[0].text, t);
        let got = resolve(None, None, &[], "never", &term(true, false));
        assert_eq!(got.unwrap()[0].text, t);
        let got =
            resolve(Some("text"), None, &[], "always", &term(false, true));
        assert_eq!(
            got.unwrap()[0].text,
            text::Options { color: true, escape: true }
        );
        let got =
            resolve(None, None, &["text=r.txt"], "auto", &term(true, false));
        assert_eq!(got.unwrap()[1].text, text::Options::default());
    }

    #[test]
    fn reports_parse_and_conflicts_are_refused() {
        let got = resolve(
            None,
            None,
            &["sarif=out.sarif", "junit=a=b.xml", "markdown=-"],
            "auto",
            &term(false, false),
        );
        // The main report already takes standard output.
        assert!(got.unwrap_err().contains("standard output"));
        let got = resolve(
            None,
            Some("main.json"),
            &["sarif=out.sarif", "junit=a=b.xml", "markdown=-"],
            "auto",
            &term(false, false),
        )
        .unwrap();
        let to: Vec<_> = got.iter().map(|o| (o.format, &o.to)).collect();
        assert_eq!(
            to,
            [
                (Format::Json, &Destination::File("main.json".into())),
                (Format::Sarif, &Destination::File("out.sarif".into())),
                (Format::Junit, &Destination::File("a=b.xml".into())),
                (Format::Markdown, &Destination::Stdout),
            ]
        );
        let t = term(false, false);
        for bad in ["sarif", "xml=out.xml", "json="] {
            assert!(resolve(None, None, &[bad], "auto", &t).is_err(), "{bad}");
        }
        let twice = resolve(None, Some("a"), &["sarif=a"], "auto", &t);
        assert!(twice.unwrap_err().contains("two reports would write a"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_held_to_four_per_core() {
        assert_eq!(capped_threads(3, 2), (3, None));
        assert_eq!(capped_threads(8, 2), (8, None));
        let (n, warning) = capped_threads(100_000, 2);
        assert_eq!(n, 8);
        assert!(warning.unwrap().contains("using 8 (2 cores)"));
        assert_eq!(capped_threads(5, 0).0, 1);
    }

    #[test]
    fn inverted_windows_are_refused() {
        let b = |s: &str| Some(s.parse::<TimeBound>().unwrap());
        assert!(check_window(b("2026-11-21"), b("2026-11-20")).is_err());
        assert!(check_window(b("30m"), b("2h")).is_err());
        assert!(check_window(b("2h"), b("30m")).is_ok());
        assert!(check_window(b("2026-11-20"), b("2026-11-21")).is_ok());
        assert!(check_window(b("2026-11-20"), b("2026-11-20")).is_ok());
        assert!(check_window(b("2h"), b("2026-11-20")).is_ok());
        assert!(check_window(None, b("2026-11-20")).is_ok());
    }
}
