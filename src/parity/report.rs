//! The Markdown report of a comparison: a summary table by class and operation, then
//! each exchange that differs, every difference with both sides, and both answers'
//! bytes side by side.

use crate::parity::diff::Class;
use crate::parity::replay::{Outcome, Replayed};

/// Per operation, in the order first met: exchanges, then differences by class.
pub fn summary(outcome: &Outcome) -> Vec<(String, usize, [usize; 3])> {
    let mut rows: Vec<(String, usize, [usize; 3])> = Vec::new();
    for exchange in &outcome.exchanges {
        let at = match rows.iter().position(|r| r.0 == exchange.operation) {
            Some(at) => at,
            None => {
                rows.push((exchange.operation.clone(), 0, [0; 3]));
                rows.len() - 1
            }
        };
        rows[at].1 += 1;
        for difference in &exchange.differences {
            rows[at].2[difference.class as usize] += 1;
        }
    }
    rows
}

/// The verdict in one line, as `compare` prints it.
pub fn verdict(outcome: &Outcome) -> String {
    let [p, s, d] = Class::ALL.map(|c| outcome.count(c));
    let n = outcome.exchanges.len();
    let skipped = match outcome.skipped.len() {
        0 => String::new(),
        k => format!("; {k} cut short while recording, not replayed"),
    };
    format!(
        "{n} exchange{} replayed: {p} protocol, {s} schema, {d} data differences{skipped}",
        if n == 1 { "" } else { "s" }
    )
}

/// Text shown in a table cell: one line, pipes and backticks harmless, at most 300
/// characters.
fn cell(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "(absent)".into();
    };
    if text.is_empty() {
        return "(empty)".into();
    }
    let mut one: String = text
        .replace(['\r', '\n'], "␤")
        .replace('|', "\\|")
        .replace('`', "'");
    if one.chars().count() > 300 {
        one = one.chars().take(300).collect::<String>() + "…";
    }
    format!("`{one}`")
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How much of each answer a report shows: a WSDL runs to hundreds of kilobytes.
const SHOWN: usize = 8 * 1024;

/// An answer's bytes for a report, HTML-escaped, cut at [`SHOWN`] with a note.
pub fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN)]);
    let more = bytes.len().saturating_sub(SHOWN);
    let note = if more > 0 {
        format!("\n… ({more} more bytes)")
    } else {
        String::new()
    };
    escape_html(&format!("{text}{note}"))
}

/// Both answers' bytes side by side (an HTML table, which Markdown renders as is).
fn side_by_side(exchange: &Replayed) -> String {
    format!(
        "<table><tr><th>recorded</th><th>target</th></tr><tr><td><pre>{}</pre></td><td><pre>{}</pre></td></tr></table>",
        shown(&exchange.recorded),
        shown(&exchange.target),
    )
}

pub fn markdown(outcome: &Outcome) -> String {
    let mut out = format!(
        "# Parity report\n\nRecorded from `{}`, replayed against `{}`.\n\n{}.\n\n",
        outcome.upstream,
        outcome.against,
        verdict(outcome)
    );
    out.push_str("## Summary\n\n| operation | exchanges | protocol | schema | data |\n|---|---:|---:|---:|---:|\n");
    let mut totals = (0, [0; 3]);
    for (operation, n, counts) in summary(outcome) {
        out.push_str(&format!(
            "| {} | {n} | {} | {} | {} |\n",
            operation.replace('|', "\\|"),
            counts[0],
            counts[1],
            counts[2]
        ));
        totals.0 += n;
        for (t, c) in totals.1.iter_mut().zip(counts) {
            *t += c;
        }
    }
    out.push_str(&format!(
        "| **all** | {} | {} | {} | {} |\n\n",
        totals.0, totals.1[0], totals.1[1], totals.1[2]
    ));
    for (name, why) in &outcome.skipped {
        out.push_str(&format!("- `{name}`: not replayed: {why}\n"));
    }
    for exchange in outcome
        .exchanges
        .iter()
        .filter(|e| !e.differences.is_empty())
    {
        out.push_str(&format!(
            "\n## {} ({})\n\n| class | where | recorded | target |\n|---|---|---|---|\n",
            exchange.name, exchange.operation
        ));
        for d in &exchange.differences {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                d.class.name(),
                d.place.replace('|', "\\|"),
                cell(d.recorded.as_deref()),
                cell(d.target.as_deref())
            ));
        }
        out.push_str(&format!(
            "\n<details><summary>both answers</summary>\n\n{}\n\n</details>\n",
            side_by_side(exchange)
        ));
    }
    out
}
