//! Reads a SOAP request document with quick-xml, streaming: the envelope version, the
//! headers a client insists on, and the body's request element with its parameter
//! elements. No DTD is accepted and no entity beyond XML's five is ever expanded; any
//! document that is not well-formed is refused whole. What the request keeps (names,
//! texts) borrows the document wherever it can, so reading a call copies little.

use std::borrow::Cow;
use std::cell::{RefCell, RefMut};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use quick_xml::Reader;

use super::binding::{SoapVersion, SERVICE_NS, XSI_NS};
use super::content_type::lossy_utf8;

/// One element under the request element.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamElement<'a> {
    pub ns: Option<Cow<'a, str>>,
    pub local: Cow<'a, str>,
    pub nil: bool,
    pub text: Cow<'a, str>,
    /// The byte offset right after the element, in the text read: [`position`] turns
    /// it into the line and column .NET reports, only when a fault needs them.
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestElement<'a> {
    pub ns: Option<Cow<'a, str>>,
    pub local: Cow<'a, str>,
    pub params: Vec<ParamElement<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<'a> {
    pub version: SoapVersion,
    /// The first header entry marked `mustUnderstand`: no header is understood here.
    pub must_understand: Option<String>,
    pub has_body: bool,
    pub request: Option<RequestElement<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// Not well-formed, a DTD, an unknown entity, or no root element.
    Malformed,
    /// Well-formed, but the root is not a SOAP envelope; carries its namespace.
    NotAnEnvelope(String),
}

fn ns_of<'a>(resolved: &'a ResolveResult) -> Option<&'a [u8]> {
    match resolved {
        ResolveResult::Bound(ns) => Some(ns.as_ref()),
        _ => None,
    }
}

/// A namespace a request or parameter is in. The service's own, which nearly every
/// element is in, is not copied.
fn namespace(ns: &[u8]) -> Cow<'static, str> {
    if ns == SERVICE_NS.as_bytes() {
        Cow::Borrowed(SERVICE_NS)
    } else {
        Cow::Owned(lossy_utf8(ns).into_owned())
    }
}

/// `part`, bytes the reader handed out, as the same bytes of `text` when they are a
/// slice of it (a name, or text with nothing to unescape), else as a copy.
fn borrowed<'a>(text: &'a str, part: &[u8]) -> Cow<'a, str> {
    let within = (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .and_then(|start| text.get(start..start + part.len()))
        .filter(|slice| slice.as_bytes() == part);
    match within {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(lossy_utf8(part).into_owned()),
    }
}

/// Where .NET's reader stands after an element ending at byte `pos` of `text`: the
/// name of the next node (one past `<`, two past `</`), or the start of the text that
/// follows (tests/captures/088, 091). Line and column are 1-based.
pub fn position(text: &str, pos: usize) -> (usize, usize) {
    let (line, column) = line_column(text, pos);
    let rest = text.get(pos..).unwrap_or("");
    let skip = if rest.starts_with("</") {
        2
    } else if rest.starts_with('<') {
        1
    } else {
        0
    };
    (line, column + skip)
}

/// Line and column (1-based) of byte offset `pos` in `text`.
pub fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..pos.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Where the element currently being read sits in the envelope.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Envelope,
    Header,
    Body,
    Request,
    Param,
    Other,
}

/// The reader's state while it walks the document once.
struct Walk<'a> {
    text: &'a str,
    stack: Vec<Place>,
    /// The root's namespace when the root is not a SOAP envelope.
    foreign_root: Option<String>,
    envelope: Option<Envelope<'a>>,
    root_done: bool,
    param: Option<ParamElement<'a>>,
}

thread_local! {
    /// Namespace scopes, kept from one document to the next on each thread: what
    /// `NsReader` does with a resolver of its own, without allocating that resolver
    /// anew for every call (issue 8).
    static RESOLVER: RefCell<NamespaceResolver> = RefCell::new(NamespaceResolver::default());
}

/// A document this long may have left a large buffer of namespace names behind.
const KEEP_RESOLVER_UP_TO: usize = 64 * 1024;

/// The namespace scopes open in the document being read. Closed when dropped, however
/// the reading ended, so the next document starts with none.
struct Scopes<'r> {
    resolver: RefMut<'r, NamespaceResolver>,
    open: usize,
}

impl Scopes<'_> {
    fn push(&mut self, start: &BytesStart) -> Result<(), ReadError> {
        // quick-xml opens the scope before it checks the bindings: a refused one (a
        // reserved prefix) still leaves a scope, and the bindings before it, to close.
        let pushed = self.resolver.push(start);
        self.open += 1;
        pushed.map_err(|_| ReadError::Malformed)
    }

    fn pop(&mut self) {
        self.resolver.pop();
        self.open -= 1;
    }
}

impl Drop for Scopes<'_> {
    fn drop(&mut self) {
        for _ in 0..self.open {
            self.resolver.pop();
        }
    }
}

pub fn read(text: &str) -> Result<Envelope<'_>, ReadError> {
    RESOLVER.with(|resolver| {
        let scopes = Scopes {
            resolver: resolver.borrow_mut(),
            open: 0,
        };
        let read = read_with(text, scopes);
        if text.len() > KEEP_RESOLVER_UP_TO {
            *resolver.borrow_mut() = NamespaceResolver::default();
        }
        read
    })
}

fn read_with<'a>(text: &'a str, mut scopes: Scopes<'_>) -> Result<Envelope<'a>, ReadError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut walk = Walk {
        text,
        stack: Vec::new(),
        foreign_root: None,
        envelope: None,
        root_done: false,
        param: None,
    };
    loop {
        let event = reader.read_event().map_err(|_| ReadError::Malformed)?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                scopes.push(start)?;
                if walk.root_done {
                    return Err(ReadError::Malformed);
                }
                let resolver = &*scopes.resolver;
                let (resolved, _) = resolver.resolve_element(start.name());
                let place = walk.place_of(resolver, start, ns_of(&resolved));
                walk.stack.push(place);
                if matches!(event, Event::Empty(_)) {
                    walk.close(reader.buffer_position() as usize);
                    scopes.pop();
                }
            }
            Event::End(_) => {
                walk.close(reader.buffer_position() as usize);
                scopes.pop();
            }
            Event::Text(t) => {
                // XML 1.0 line ends, as .NET's XmlReader: U+0085 and U+2028 stay.
                let content = t.xml10_content().map_err(|_| ReadError::Malformed)?;
                walk.text_content(content)?;
            }
            Event::CData(c) => {
                let content = c.decode().map_err(|_| ReadError::Malformed)?;
                walk.markup_content(content)?;
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    let name = r.decode().map_err(|_| ReadError::Malformed)?;
                    quick_xml::escape::resolve_xml_entity(&name).map(String::from)
                };
                walk.markup_content(resolved.ok_or(ReadError::Malformed)?.into())?;
            }
            Event::DocType(_) => return Err(ReadError::Malformed),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !walk.root_done {
        return Err(ReadError::Malformed);
    }
    if let Some(ns) = walk.foreign_root {
        return Err(ReadError::NotAnEnvelope(ns));
    }
    walk.envelope.ok_or(ReadError::Malformed)
}

impl<'a> Walk<'a> {
    /// Where an element stands. The request and its parameters keep their names.
    fn place_of(
        &mut self,
        resolver: &NamespaceResolver,
        start: &BytesStart,
        ns: Option<&[u8]>,
    ) -> Place {
        let local_name = start.local_name();
        let local = local_name.as_ref();
        let Some(parent) = self.stack.last().copied() else {
            let version = ns
                .filter(|_| local == b"Envelope")
                .and_then(SoapVersion::from_envelope_ns);
            return match version {
                Some(version) => {
                    self.envelope = Some(Envelope {
                        version,
                        must_understand: None,
                        has_body: false,
                        request: None,
                    });
                    Place::Envelope
                }
                None => {
                    self.foreign_root = Some(ns.map(lossy_utf8).unwrap_or_default().into_owned());
                    Place::Other
                }
            };
        };
        let Some(env) = self.envelope.as_mut() else {
            return Place::Other;
        };
        match parent {
            Place::Envelope => {
                let in_env = ns == Some(env.version.envelope_ns().as_bytes());
                match local {
                    b"Header" if in_env => Place::Header,
                    b"Body" if in_env && !env.has_body => {
                        env.has_body = true;
                        Place::Body
                    }
                    _ => Place::Other,
                }
            }
            Place::Header => {
                if env.must_understand.is_none() && must_understand(resolver, start, env.version) {
                    env.must_understand = Some(lossy_utf8(start.name().as_ref()).into_owned());
                }
                Place::Other
            }
            Place::Body if env.request.is_none() => {
                env.request = Some(RequestElement {
                    ns: ns.map(namespace),
                    local: borrowed(self.text, local),
                    params: Vec::new(),
                });
                Place::Request
            }
            Place::Request => {
                self.param = Some(ParamElement {
                    ns: ns.map(namespace),
                    local: borrowed(self.text, local),
                    nil: is_nil(resolver, start),
                    text: Cow::Borrowed(""),
                    end: 0,
                });
                Place::Param
            }
            _ => Place::Other,
        }
    }

    /// Pops the element that just ended; a finished parameter records where it ended.
    fn close(&mut self, position: usize) {
        if self.stack.pop() == Some(Place::Param) {
            if let Some(mut p) = self.param.take() {
                p.end = position;
                if let Some(request) = self.envelope.as_mut().and_then(|e| e.request.as_mut()) {
                    request.params.push(p);
                }
            }
        }
        if self.stack.is_empty() {
            self.root_done = true;
        }
    }

    /// Character data: only white space may stand outside the root.
    fn text_content(&mut self, content: Cow<'_, str>) -> Result<(), ReadError> {
        if self.stack.is_empty() {
            return if content.trim().is_empty() {
                Ok(())
            } else {
                Err(ReadError::Malformed)
            };
        }
        self.append(content);
        Ok(())
    }

    /// CDATA or a reference: never allowed outside the root.
    fn markup_content(&mut self, content: Cow<'_, str>) -> Result<(), ReadError> {
        if self.stack.is_empty() {
            return Err(ReadError::Malformed);
        }
        self.append(content);
        Ok(())
    }

    /// Adds text to the parameter being read: the first piece is borrowed from the
    /// document when it can be, a second one makes the text a copy.
    fn append(&mut self, content: Cow<'_, str>) {
        if let Some(p) = self.param.as_mut() {
            if p.text.is_empty() {
                p.text = borrowed(self.text, content.as_bytes());
            } else {
                p.text.to_mut().push_str(&content);
            }
        }
    }
}

fn attr_is(
    resolver: &NamespaceResolver,
    start: &BytesStart,
    ns: &str,
    local: &str,
    yes: &[&str],
) -> bool {
    start.attributes().flatten().any(|a| {
        let (resolved, name) = resolver.resolve_attribute(a.key);
        matches!(resolved, ResolveResult::Bound(n) if n.as_ref() == ns.as_bytes())
            && name.as_ref() == local.as_bytes()
            && a.unescape_value()
                .map(|v| yes.contains(&v.trim()))
                .unwrap_or(false)
    })
}

fn is_nil(resolver: &NamespaceResolver, start: &BytesStart) -> bool {
    attr_is(resolver, start, XSI_NS, "nil", &["true", "1"])
}

fn must_understand(resolver: &NamespaceResolver, start: &BytesStart, version: SoapVersion) -> bool {
    attr_is(
        resolver,
        start,
        version.envelope_ns(),
        "mustUnderstand",
        &["1", "true"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOAP11: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <GetUser xmlns="http://tempuri.org/"><a>x &amp; y</a><b xsi:nil="true" /><c/><d><![CDATA[<q>]]></d></GetUser>
  </soap:Body>
</soap:Envelope>"#;

    #[test]
    fn reads_request_and_params() {
        let env = read(SOAP11).unwrap();
        assert_eq!(env.version, SoapVersion::Soap11);
        let req = env.request.unwrap();
        assert_eq!(req.local, "GetUser");
        assert_eq!(req.ns.as_deref(), Some("http://tempuri.org/"));
        let texts: Vec<_> = req
            .params
            .iter()
            .map(|p| (p.local.as_ref(), p.nil, p.text.as_ref()))
            .collect();
        assert_eq!(
            texts,
            [
                ("a", false, "x & y"),
                ("b", true, ""),
                ("c", false, ""),
                ("d", false, "<q>")
            ]
        );
    }

    /// Found by `props`: XML 1.0 (.NET's XmlReader) turns only CR LF and CR into LF.
    #[test]
    fn line_ends_are_xml_1_0() {
        let doc = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><M><a>1\r\n2\r3\u{85}4\u{2028}5</a></M></s:Body></s:Envelope>";
        let params = read(doc).unwrap().request.unwrap().params;
        assert_eq!(params[0].text, "1\n2\n3\u{85}4\u{2028}5");
    }

    #[test]
    fn refuses_malformed_and_dtd() {
        for bad in [
            "",
            "hello world",
            "<a><b></a>",
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>",
            "<x>&e;</x>",
            "<a/><b/>",
        ] {
            assert_eq!(read(bad), Err(ReadError::Malformed), "{bad:?}");
        }
    }

    /// The resolver is kept between documents: one that ended half way must not leave
    /// its namespace declarations to the next.
    #[test]
    fn no_declaration_outlives_its_document() {
        let cut_short =
            "<x xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><y xmlns:s=\"urn:s\">";
        assert_eq!(read(cut_short), Err(ReadError::Malformed));
        assert_eq!(
            read("<Envelope><Body/></Envelope>"),
            Err(ReadError::NotAnEnvelope(String::new()))
        );
        assert_eq!(read("<s:x/>"), Err(ReadError::NotAnEnvelope(String::new())));
        assert!(read(SOAP11).is_ok());
    }

    /// Found by fuzzing: a refused binding ended the document with its element's
    /// scope still open, so the next request on the thread read its unqualified
    /// elements in the refused document's default namespace.
    #[test]
    fn a_refused_binding_leaves_no_scope_behind() {
        let refused = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
                       xmlns=\"http://tempuri.org/\" xmlns:xml=\"urn:bad\"/>";
        let unqualified = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\
                           <s:Body><GetUser><a>1</a></GetUser></s:Body></s:Envelope>";
        assert_eq!(read(refused), Err(ReadError::Malformed));
        let request = read(unqualified).unwrap().request.unwrap();
        assert_eq!(request.local, "GetUser");
        assert_eq!(request.ns, None);
    }

    #[test]
    fn reports_a_foreign_root() {
        assert_eq!(
            read("<foo xmlns=\"urn:x\"><bar/></foo>"),
            Err(ReadError::NotAnEnvelope("urn:x".into()))
        );
    }

    #[test]
    fn deep_nesting_is_streamed_not_recursed() {
        let deep = format!(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>{}{}</soap:Body></soap:Envelope>",
            "<x>".repeat(20_000),
            "</x>".repeat(20_000)
        );
        assert!(read(&deep).is_ok());
    }

    #[test]
    fn position_is_the_next_node_name() {
        assert_eq!(line_column("ab\ncd<x>1</x>", 13), (2, 11));
        assert_eq!(position("<a><x>1</x></a>", 11), (1, 14));
        assert_eq!(position("<a><x/><y/></a>", 7), (1, 9));
        assert_eq!(position("<a><x/> </a>", 7), (1, 8));
    }
}

/// Fuzzing by property (issue 7): whatever the bytes, the reader answers `Ok` or a
/// `ReadError` and never panics; well-formed envelopes keep their parameter texts.
#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    const TEMPLATE: &str = "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Header><h s:mustUnderstand=\"1\"/></s:Header><s:Body><GetUser xmlns=\"http://tempuri.org/\"><a>x &amp; y&#233;</a><b xsi:nil=\"true\"/><c><![CDATA[<q>]]></c></GetUser></s:Body></s:Envelope>";

    /// Positions the reader reports are 1-based whenever it accepts a document.
    fn check(text: &str) {
        if let Ok(env) = read(text) {
            for p in env.request.iter().flat_map(|r| &r.params) {
                let (line, column) = position(text, p.end);
                assert!(line >= 1 && column >= 1, "{p:?}");
            }
        }
    }

    /// One edit of the template: cut a byte range, or splice bytes in at an offset.
    fn mutated() -> impl Strategy<Value = String> {
        let len = TEMPLATE.len();
        let cut = (0..len, 0..len).prop_map(|(a, b)| {
            let (a, b) = (a.min(b), a.max(b));
            [&TEMPLATE.as_bytes()[..a], &TEMPLATE.as_bytes()[b..]].concat()
        });
        let splice = (0..=len, prop::collection::vec(any::<u8>(), 0..16)).prop_map(|(at, b)| {
            [
                &TEMPLATE.as_bytes()[..at],
                &b[..],
                &TEMPLATE.as_bytes()[at..],
            ]
            .concat()
        });
        let markup = (0..=len, "[<>&;/=\"'!?\\[\\]a-z#:-]{0,12}").prop_map(|(at, m)| {
            [
                &TEMPLATE.as_bytes()[..at],
                m.as_bytes(),
                &TEMPLATE.as_bytes()[at..],
            ]
            .concat()
        });
        prop_oneof![cut, splice, markup].prop_map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            check(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn mutated_envelopes_never_panic(text in mutated()) {
            check(&text);
        }

        #[test]
        fn well_formed_params_keep_their_text(
            params in prop::collection::vec(("[a-zA-Z][a-zA-Z0-9]{0,8}", "[^\\r\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\u{fffe}\\u{ffff}]{0,40}"), 0..6)
        ) {
            let inner: String = params
                .iter()
                .map(|(n, t)| {
                    let t = t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                    format!("<{n}>{t}</{n}>")
                })
                .collect();
            let doc = format!(
                "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><M xmlns=\"urn:m\">{inner}</M></s:Body></s:Envelope>"
            );
            let env = read(&doc).expect("well-formed");
            let got: Vec<_> = env.request.unwrap().params.into_iter().map(|p| (p.local.into_owned(), p.text.into_owned())).collect();
            prop_assert_eq!(got, params);
        }
    }
}
