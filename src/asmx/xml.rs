//! Writes XmlNodes the way .NET's XmlTextWriter does, byte for byte. quick-xml's writer
//! escapes differently (it escapes `'` and leaves line breaks raw in attributes), so the
//! few rules .NET follows live here instead.
//!
//! An answer is written before all of it is known: into a [`Doc`] of text and elements
//! whose children ([`UserRows`]) are read only as the bytes go out ([`Lazy`]). Whether
//! such an element is empty (` />`) or not (`>` … `</name>`) is decided by its first
//! batch. The writer makes a `Lazy` and a `Lazy` resumes the writer, so both live here.

use std::fmt::Write;

use crate::ops::{Node, OpError, Snapshot, UserRows};

/// The line break IIS writes (`Environment.NewLine` on Windows).
pub const NEWLINE: &str = "\r\n";
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// What an escaping rule does with an ASCII byte.
enum Escape {
    Entity(&'static str),
    /// `&#xN;`, the byte's character reference.
    CharRef,
}

/// The last byte any rule escapes. Letters, like all non-ASCII bytes, come after it,
/// so most bytes are passed over without asking the rule.
const LAST_ESCAPED: u8 = b'>';

/// Copies `value` with the bytes `rule` escapes replaced; `rule` is asked only about
/// bytes up to [`LAST_ESCAPED`]. Those are ASCII, which never occurs inside a
/// multi-byte character, so the text between them is copied a run at a time instead
/// of a character at a time.
fn escape(out: &mut String, value: &str, rule: impl Fn(u8) -> Option<Escape>) {
    let mut run = 0;
    for (i, b) in value.bytes().enumerate() {
        if b > LAST_ESCAPED {
            continue;
        }
        let Some(escape) = rule(b) else { continue };
        out.push_str(&value[run..i]);
        match escape {
            Escape::Entity(entity) => out.push_str(entity),
            Escape::CharRef => {
                // Writing to a String cannot fail.
                let _ = write!(out, "&#x{b:X};");
            }
        }
        run = i + 1;
    }
    out.push_str(&value[run..]);
}

/// Attribute value: `& < > "` as entities, CR/LF as character references, tab
/// literal, `'` literal; other control characters as character references.
pub fn escape_attr(out: &mut String, value: &str) {
    escape(out, value, |b| match b {
        b'&' => Some(Escape::Entity("&amp;")),
        b'<' => Some(Escape::Entity("&lt;")),
        b'>' => Some(Escape::Entity("&gt;")),
        b'"' => Some(Escape::Entity("&quot;")),
        b'\t' => None,
        0..=0x1f => Some(Escape::CharRef),
        _ => None,
    });
}

/// Text content: `& < >` as entities, quotes literal.
pub fn escape_text(out: &mut String, value: &str) {
    escape(out, value, |b| match b {
        b'&' => Some(Escape::Entity("&amp;")),
        b'<' => Some(Escape::Entity("&lt;")),
        b'>' => Some(Escape::Entity("&gt;")),
        b'\n' | b'\r' | b'\t' => None,
        0..=0x1f => Some(Escape::CharRef),
        _ => None,
    });
}

/// `HttpUtility.HtmlEncode`: `& < > " '` as entities. Used for ASP.NET's error texts
/// and everything the help pages show.
pub fn html_encode_into(out: &mut String, text: &str) {
    escape(out, text, |b| match b {
        b'&' => Some(Escape::Entity("&amp;")),
        b'<' => Some(Escape::Entity("&lt;")),
        b'>' => Some(Escape::Entity("&gt;")),
        b'"' => Some(Escape::Entity("&quot;")),
        b'\'' => Some(Escape::Entity("&#39;")),
        _ => None,
    });
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
    out.text()
        .reserve(DECLARATION.len() + NEWLINE.len() + estimated_len(node));
    out.push_str(DECLARATION);
    out.push_str(NEWLINE);
    element(&mut out, node, 0, Layout::Indented, None);
    out
}

/// The node on one line, with `xmlns=""` as the top element's last attribute: how it
/// sits inside a SOAP `…Result` element of the service namespace. The envelope has
/// made room for it (see [`estimated_len`]).
pub fn inline_in_soap(out: &mut Doc, node: &Node) {
    element(out, node, 0, Layout::Inline, Some(("xmlns", "")));
}

/// About how long a node is written: its tags, attributes and line breaks, with
/// values unescaped and without rows. Reserving it up front saves growing the
/// output, and copying it, again and again as the answer is written.
pub fn estimated_len(node: &Node) -> usize {
    let attrs: usize = node
        .attrs
        .iter()
        .map(|(name, value)| name.len() + value.as_str().len() + 4)
        .sum();
    let children: usize = node.children.iter().map(estimated_len).sum();
    2 * node.name.len() + 8 + attrs + children
}

/// A child element at `depth`, on its own line when indented.
fn child(out: &mut Doc, node: &Node, depth: usize, layout: Layout) {
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
fn close(out: &mut String, name: &str, depth: usize, layout: Layout, opened: bool) {
    if !opened {
        out.push_str(" />");
        return;
    }
    layout.break_to(out, depth);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A written answer: its pieces in order.
#[derive(Default)]
pub struct Doc {
    pieces: Vec<Piece>,
    /// The text after the last piece.
    text: String,
}

#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    Rows(Lazy),
}

impl Doc {
    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// The text being written, for the escaping helpers.
    pub fn text(&mut self) -> &mut String {
        &mut self.text
    }

    pub fn rows(&mut self, lazy: Lazy) {
        self.flush();
        self.pieces.push(Piece::Rows(lazy));
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.pieces
                .push(Piece::Text(std::mem::take(&mut self.text)));
        }
    }

    /// The whole text when nothing is left to read, else the pieces.
    pub fn into_text(self) -> Result<String, Vec<Piece>> {
        if self.pieces.is_empty() {
            Ok(self.text)
        } else {
            Err(self.into_pieces())
        }
    }

    pub fn into_pieces(mut self) -> Vec<Piece> {
        self.flush();
        self.pieces
    }
}

/// An element whose start tag is written (without its `>`), with its rows to come.
#[derive(Debug, Clone)]
pub struct Lazy {
    rows: UserRows,
    name: &'static str,
    depth: usize,
    layout: Layout,
    /// Whether the start tag's `>` is written: it had children of its own, or a row.
    opened: bool,
}

impl Lazy {
    fn new(node: &Node, rows: UserRows, depth: usize, layout: Layout, opened: bool) -> Lazy {
        Lazy {
            rows,
            name: node.name,
            depth,
            layout,
            opened,
        }
    }

    /// Writes the next batch of rows, or after the last one the element's end; false
    /// once the element is complete.
    pub fn write_next(&mut self, out: &mut Doc, snapshot: &Snapshot) -> Result<bool, OpError> {
        let Some(batch) = self.rows.next_batch(snapshot)? else {
            close(out.text(), self.name, self.depth, self.layout, self.opened);
            return Ok(false);
        };
        if !self.opened {
            out.push('>');
            self.opened = true;
        }
        for row in &batch {
            child(out, row, self.depth + 1, self.layout);
        }
        Ok(true)
    }
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
    fn text_and_html_escape_their_own_sets() {
        let mut text = String::new();
        escape_text(&mut text, "a&b<c>d\"e'f\tg\nh\ri\u{1}é");
        assert_eq!(text, "a&amp;b&lt;c&gt;d\"e'f\tg\nh\ri&#x1;é");
        let mut html = String::new();
        html_encode_into(&mut html, "<a href='x'>&\"é\u{1}");
        assert_eq!(html, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;é\u{1}");
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
