//! `logsift generate` and `logsift --version`: what logsift says about
//! itself, made from the clap definition and the built-in pack.

use std::io;

use clap::{Command, CommandFactory};
use clap_complete::Shell;
use clap_mangen::{
    Man,
    roff::{Roff, roman},
};
use logsift_engine::Inflate;
use logsift_signatures::Pack;

use crate::{
    args::{Cli, GenerateKind},
    outcome::Outcome,
};

/// The completions or man page of `kind`, whole: clap_complete panics
/// when a write fails, so it writes to memory and only the caller meets
/// standard output (and its closed pipes).
pub(crate) fn generate(kind: GenerateKind) -> io::Result<Vec<u8>> {
    let mut cmd = Cli::command();
    let shell = match kind {
        GenerateKind::CompleteBash => Shell::Bash,
        GenerateKind::CompleteZsh => Shell::Zsh,
        GenerateKind::CompleteFish => Shell::Fish,
        GenerateKind::CompletePowershell => Shell::PowerShell,
        GenerateKind::Man => return man(cmd),
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "logsift", &mut out);
    Ok(out)
}

/// One page for every command, as ripgrep ships one: the top level, then
/// a section per subcommand with its synopsis and options, instead of the
/// logsift-scan(1) pages clap_mangen would point to and nobody installs.
fn man(cmd: Command) -> io::Result<Vec<u8>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let top = Man::new(cmd.clone());
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    top.render_name_section(&mut page)?;
    top.render_synopsis_section(&mut page)?;
    top.render_description_section(&mut page)?;
    top.render_options_section(&mut page)?;
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        subcommand_sections(sub, &mut page)?;
    }
    exit_status(&mut page)?;
    top.render_version_section(&mut page)?;
    Ok(page)
}

/// What scripts gating on logsift read first; clap knows nothing of it.
fn exit_status(page: &mut Vec<u8>) -> io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (
            Outcome::Clean,
            "No finding at or above --fail-on, and everything was read.",
        ),
        (
            Outcome::Findings,
            "A finding at or above --fail-on that is not suppressed; or, \
             with --fail-on-incomplete, an input lacking a source its \
             collector always writes.",
        ),
        (
            Outcome::Error,
            "A usage error, or an input or member could not be read; the \
             report still lists all that was scanned, and each error.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([roman((code as u8).to_string())]);
        roff.text([roman(meaning)]);
    }
    roff.to_writer(page)
}

/// `LOGSIFT SCAN` and the like: the command's description, synopsis and
/// options with their headings one level down, then its own subcommands.
fn subcommand_sections(cmd: &Command, page: &mut Vec<u8>) -> io::Result<()> {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let mut head = Roff::new();
    head.control("SH", [name.to_uppercase().as_str()]);
    if let Some(about) = cmd.get_about() {
        head.text([roman(about.to_string())]);
    }
    head.to_writer(page)?;
    let man = Man::new(cmd.clone());
    let mut body = Vec::new();
    if cmd.get_long_about().is_some() {
        man.render_description_section(&mut body)?;
    }
    man.render_synopsis_section(&mut body)?;
    man.render_options_section(&mut body)?;
    demote(&body, page);
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        subcommand_sections(sub, page)?;
    }
    Ok(())
}

/// Section headings (`.SH OPTIONS`) become subsections (`.SS Options`).
/// Text lines never start with a `.`: roff escapes those as `\&.`.
fn demote(roff: &[u8], page: &mut Vec<u8>) {
    for line in roff.split_inclusive(|&b| b == b'\n') {
        match line.strip_prefix(b".SH ") {
            Some(title) => {
                let title = String::from_utf8_lossy(title);
                let mut chars = title.trim().trim_matches('"').chars();
                let first = chars.next().map(|c| c.to_string());
                let rest = chars.as_str().to_lowercase();
                let title = first.unwrap_or_default() + &rest;
                page.extend_from_slice(format!(".SS {title}\n").as_bytes());
            }
            None => page.extend_from_slice(line),
        }
    }
}

/// `logsift --version`: the version and commit clap prints, then the
/// built-in pack, since the same logsift finds different things with a
/// different pack (reports record the same digest).
pub(crate) fn version() -> Result<String, String> {
    let pack =
        Pack::embedded().map_err(|e| format!("embedded signatures: {e}"))?;
    Ok(format!(
        "logsift {}\nsignatures: {} built-in, {}\ninflate: {}\n",
        env!("LOGSIFT_VERSION"),
        pack.len(),
        pack.digest(),
        Inflate::fastest()
    ))
}
