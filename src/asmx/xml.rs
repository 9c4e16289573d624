//! Writes XmlNodes the way .NET's XmlTextWriter does, byte for byte. quick-xml's writer
//! escapes differently (it escapes `'` and leaves line breaks raw in attributes), so the
//! few rules .NET follows live here instead.

use super::doc::{Doc, Lazy};
use crate::ops::Node;

/// The line break IIS writes (`Environment.NewLine` on Windows).
pub const NEWLINE: &str = "\r\n";
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// Attribute value: `& < > "` as entities, CR/LF as character references, tab
/// literal, `'` literal; other control characters as character references.
pub fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
}

/// Text content: `& < >` as entities, quotes literal.
pub fn escape_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(c),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
}

/// `HttpUtility.HtmlEncode`: `& < > " '` as entities. Used for ASP.NET's error texts
/// and everything the help pages show.
pub fn html_encode_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// How children sit in their parent: each on a line of its own, indented two spaces
/// per level (a GET/POST document), or all on one line (inside a SOAP envelope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Indented,
    Inline,
}

impl Layout {
    /// What comes before a child or a closing tag at `depth`.
    fn break_to(self, out: &mut String, depth: usize) {
        if self == Layout::Indented {
            out.push_str(NEWLINE);
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
    }
}

fn open_tag(out: &mut String, node: &Node, extra: Option<(&str, &str)>) {
    out.push('<');
    out.push_str(node.name);
    for (name, value) in node
        .attrs
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .chain(extra)
    {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_attr(out, value);
        out.push('"');
    }
}

/// `<?xml …?>`, a line break, then the node indented by two spaces per level, with no
/// trailing line break: the body of an HTTP GET/POST answer.
pub fn document(node: &Node) -> Doc {
    let mut out = Doc::default();
    out.push_str(DECLARATION);
    out.push_str(NEWLINE);
    element(&mut out, node, 0, Layout::Indented, None);
    out
}

/// The node on one line, with `xmlns=""` as the top element's last attribute: how it
/// sits inside a SOAP `…Result` element of the service namespace.
pub fn inline_in_soap(out: &mut Doc, node: &Node) {
    element(out, node, 0, Layout::Inline, Some(("xmlns", "")));
}

/// A child element at `depth`, on its own line when indented.
pub fn child(out: &mut Doc, node: &Node, depth: usize, layout: Layout) {
    layout.break_to(out.text(), depth);
    element(out, node, depth, layout, None);
}

fn element(out: &mut Doc, node: &Node, depth: usize, layout: Layout, extra: Option<(&str, &str)>) {
    open_tag(out.text(), node, extra);
    let opened = !node.children.is_empty();
    if opened {
        out.push('>');
        for c in &node.children {
            child(out, c, depth + 1, layout);
        }
    }
    match &node.rows {
        Some(rows) => out.rows(Lazy::new(node, rows.clone(), depth, layout, opened)),
        None => close(out.text(), node.name, depth, layout, opened),
    }
}

/// Ends an element: `/>` on its start tag when nothing was written inside it, else
/// its closing tag (on a line of its own when indented).
pub fn close(out: &mut String, name: &str, depth: usize, layout: Layout, opened: bool) {
    if !opened {
        out.push_str(" />");
        return;
    }
    layout.break_to(out, depth);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_escape_like_dotnet() {
        let mut out = String::new();
        escape_attr(&mut out, "a&b<c>d\"e'f\tg\nh\ri\u{1}é😀");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e'f\tg&#xA;h&#xD;i&#x1;é😀");
    }

    #[test]
    fn document_indents_children_with_crlf() {
        let node = Node::new("response").attr("success", "true").child(
            Node::new("User")
                .attr("a", "1")
                .child(Node::new("Preferences")),
        );
        assert_eq!(
            document(&node).into_text().unwrap(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<response success=\"true\">\r\n  \
             <User a=\"1\">\r\n    <Preferences />\r\n  </User>\r\n</response>"
        );
    }

    #[test]
    fn soap_inline_undeclares_namespace_on_top_only() {
        let node = Node::new("response")
            .attr("success", "true")
            .child(Node::new("User"));
        let mut out = Doc::default();
        inline_in_soap(&mut out, &node);
        assert_eq!(
            out.into_text().unwrap(),
            "<response success=\"true\" xmlns=\"\"><User /></response>"
        );
    }
}
