//! The HTML report: the Markdown report's content as one self-contained page, each
//! difference's sides and both answers in two columns.

use crate::parity::replay::Outcome;
use crate::parity::report::{escape_html, shown, summary, verdict};

const STYLE: &str = "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}\
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px}\
.protocol{background:#fdd}.schema{background:#ffd}.data{background:#eef}\
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}";

pub fn page(outcome: &Outcome) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Parity report</title><style>{STYLE}</style></head><body>\n\
         <h1>Parity report</h1>\n<p>Recorded from <code>{}</code>, replayed against <code>{}</code>.</p>\n<p>{}.</p>\n",
        escape_html(&outcome.upstream),
        escape_html(&outcome.against),
        escape_html(&verdict(outcome))
    );
    out.push_str("<h2>Summary</h2>\n<table><tr><th>operation</th><th>exchanges</th><th>protocol</th><th>schema</th><th>data</th></tr>\n");
    for (operation, n, [p, s, d]) in summary(outcome) {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{n}</td><td>{p}</td><td>{s}</td><td>{d}</td></tr>\n",
            escape_html(&operation)
        ));
    }
    out.push_str("</table>\n");
    for (name, why) in &outcome.skipped {
        out.push_str(&format!(
            "<p><code>{}</code>: not replayed: {}</p>\n",
            escape_html(name),
            escape_html(why)
        ));
    }
    for exchange in outcome
        .exchanges
        .iter()
        .filter(|e| !e.differences.is_empty())
    {
        out.push_str(&format!(
            "<h2>{} ({})</h2>\n<table><tr><th>class</th><th>where</th><th>recorded</th><th>target</th></tr>\n",
            escape_html(&exchange.name),
            escape_html(&exchange.operation)
        ));
        for d in &exchange.differences {
            out.push_str(&format!(
                "<tr class=\"{0}\"><td>{0}</td><td>{1}</td><td><pre>{2}</pre></td><td><pre>{3}</pre></td></tr>\n",
                d.class.name(),
                escape_html(&d.place),
                escape_html(d.recorded.as_deref().unwrap_or("(absent)")),
                escape_html(d.target.as_deref().unwrap_or("(absent)"))
            ));
        }
        out.push_str(&format!(
            "</table>\n<div class=\"sides\"><pre>{}</pre><pre>{}</pre></div>\n",
            shown(&exchange.recorded),
            shown(&exchange.target)
        ));
    }
    out.push_str("</body></html>\n");
    out
}
