//! The page around a report: head, style, the table sorter, and the
//! escaping every piece of log text goes through.
//!
//! The page loads nothing: the style and the script are inline and a
//! Content-Security-Policy forbids every fetch, so it works offline, as a
//! mail attachment, and cannot be made to call out by a log line.

use std::{
    fmt,
    io::{self, Write},
};

use jiff::Timestamp;
use logsift_signatures::Severity;

use crate::render::sanitize;

/// Text made safe for HTML, as element content or a quoted attribute:
/// controls, bidi and zero-width characters shown as escapes (as in every
/// format), then `& < > " '` as entities.
pub(super) struct Esc<'a>(pub(super) &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = sanitize::escape(self.0);
        let mut rest: &str = &shown;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Text of several lines (fix steps, summaries): each line escaped as
/// [`Esc`], the line breaks kept for a `pre-wrap` element.
pub(super) struct Lines<'a>(pub(super) &'a str);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.lines().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", Esc(line))?;
        }
        Ok(())
    }
}

/// The span between two times, or that the lines had none.
pub(super) struct Span(
    pub(super) Option<Timestamp>,
    pub(super) Option<Timestamp>,
);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            (None, None) => f.write_str("no time on its lines"),
            (a, b) if a == b => write!(f, "at {}", When(a)),
            (a, b) => write!(f, "{} to {}", When(a), When(b)),
        }
    }
}

/// `n` and the noun, singular or plural.
pub(super) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A time, or a dash.
pub(super) struct When(pub(super) Option<Timestamp>);

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => write!(f, "{}", t.strftime("%Y-%m-%d %H:%M:%S UTC")),
            None => f.write_str("—"),
        }
    }
}

/// A severity as a coloured badge.
pub(super) struct Badge(pub(super) Severity);

impl fmt::Display for Badge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.as_str();
        write!(f, "<span class=\"sev {s}\">{s}</span>")
    }
}

/// A table cell holding a severity's badge, sorting by rank (a dash, and
/// first, for none).
pub(super) struct SevCell(pub(super) Option<Severity>);

impl fmt::Display for SevCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(
                f,
                "<td data-v=\"{}\">{}</td>",
                s as usize + 1,
                Badge(s)
            ),
            None => f.write_str("<td data-v=\"0\">—</td>"),
        }
    }
}

/// A link to a documentation page: only `http(s)` addresses become
/// links, anything else is shown as text.
pub(super) struct Link<'a>(pub(super) &'a str);

impl fmt::Display for Link<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        if url.starts_with("https://") || url.starts_with("http://") {
            write!(
                f,
                "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                Esc(url),
                Esc(url)
            )
        } else {
            write!(f, "{}", Esc(url))
        }
    }
}

/// The page's opening: doctype, policy, style, title.
pub(super) fn open<W: Write>(w: &mut W, title: &str) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    // Nothing may be fetched: no script, style, image or frame from
    // anywhere but this file.
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src \
         'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
         img-src data:; base-uri 'none'; form-action 'none'\">"
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(w, "<meta name=\"generator\" content=\"logsift\">")?;
    writeln!(w, "<title>{}</title>", Esc(title))?;
    writeln!(w, "<style>{STYLE}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<h1>{}</h1>", Esc(title))
}

/// The page's end: the table sorter, then the closing tags.
pub(super) fn close<W: Write>(w: &mut W) -> io::Result<()> {
    writeln!(w, "<script>{SCRIPT}</script>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")?;
    w.flush()
}

/// One summary card: a number and what it counts.
pub(super) fn card<W: Write>(
    w: &mut W,
    class: &str,
    n: usize,
    what: &str,
) -> io::Result<()> {
    writeln!(
        w,
        "<div class=\"card {class}\"><b>{n}</b><span>{}</span></div>",
        Esc(what)
    )
}

/// A table header whose columns sort on a click; `numeric` marks the
/// columns that sort as numbers.
pub(super) fn sortable_head<W: Write>(
    w: &mut W,
    id: &str,
    columns: &[(&str, bool)],
) -> io::Result<()> {
    write!(w, "<table class=\"sortable\" id=\"{id}\"><thead><tr>")?;
    for (name, numeric) in columns {
        let kind = if *numeric { "num" } else { "text" };
        write!(w, "<th data-sort=\"{kind}\">{}</th>", Esc(name))?;
    }
    writeln!(w, "</tr></thead><tbody>")
}

const STYLE: &str = "
:root{--crit:#7a0019;--err:#c62828;--warn:#b26a00;--info:#1565c0;--ok:#2e7d32;--bg:#fff;--fg:#1b1b1b;--mute:#5f6368;--line:#dadce0;--code:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#161719;--fg:#e8eaed;--mute:#9aa0a6;--line:#3c4043;--code:#202124}}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1.2em;background:var(--bg);color:var(--fg)}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05em;margin:1.2em 0 .3em}
.meta{color:var(--mute);font-size:.9em}
.cards{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:.5em .9em;min-width:8.5em}
.card b{display:block;font-size:1.6em}.card span{color:var(--mute);font-size:.85em}
.card.critical{border-left-color:var(--crit)}.card.error{border-left-color:var(--err)}.card.warning{border-left-color:var(--warn)}.card.info{border-left-color:var(--info)}
.sev{display:inline-block;border-radius:4px;padding:0 .45em;color:#fff;font-size:.8em;font-weight:600;text-transform:uppercase}
.sev.critical{background:var(--crit)}.sev.error{background:var(--err)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.92em}
th,td{border-bottom:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:after{content:' \\2195';color:var(--mute)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
code{padding:0 .25em}pre{padding:.5em .7em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
details{border:1px solid var(--line);border-radius:6px;padding:.3em .8em;margin:.5em 0}
summary{cursor:pointer}
.diag{border-left:6px solid var(--err);padding:.2em .9em;margin:.8em 0;background:var(--code)}
.diag.critical{border-left-color:var(--crit)}.diag.warning{border-left-color:var(--warn)}.diag.info{border-left-color:var(--info)}
.fix{white-space:pre-wrap}
code.t{display:inline-block;border-left:4px solid var(--mute);margin:0 .2em .2em 0}
code.t.critical{border-color:var(--crit)}code.t.error{border-color:var(--err)}code.t.warning{border-color:var(--warn)}code.t.info{border-color:var(--info)}
td.nowrap{white-space:nowrap}
.note{color:var(--mute)}
svg text{font:11px ui-monospace,monospace;fill:var(--fg)}
svg .axis{stroke:var(--line)}svg .critical{fill:var(--crit)}svg .error{fill:var(--err)}svg .warning{fill:var(--warn)}svg .info{fill:var(--info)}
";

/// Sorts a table by the clicked column, numbers as numbers, and back on
/// a second click.
const SCRIPT: &str = "
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){
    th.addEventListener('click',function(){
      var num=th.dataset.sort==='num',up=th.dataset.dir!=='asc';
      t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir;});
      th.dataset.dir=up?'asc':'desc';
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;
        var c=num?(parseFloat(x)||0)-(parseFloat(y)||0):x.localeCompare(y);
        return up?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_cannot_open_an_element_or_leave_an_attribute() {
        let shown = Esc("<script>alert('x')</script> & \"q\"").to_string();
        assert_eq!(
            shown,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            Esc("a\u{1b}[31mb\u{202e}").to_string(),
            "a\\x1b[31mb\\u{202e}"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(
            Link("https://docs.aws.amazon.com/eks/")
                .to_string()
                .starts_with("<a href=")
        );
        assert_eq!(
            Link("javascript:alert(1)").to_string(),
            "javascript:alert(1)"
        );
    }
}
