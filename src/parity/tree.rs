//! An XML document as a small tree for comparing: names with their namespace
//! (`{ns}local`, so `soap:` and `SOAP-ENV:` are one name), attributes without the
//! namespace declarations (a prefix is the writer's choice), and each element's text
//! with the whitespace between elements dropped.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// The local part of the name.
    pub fn local(&self) -> &str {
        self.name.rsplit('}').next().unwrap_or(&self.name)
    }

    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.local() == local)
    }
}

fn qualified(resolved: &ResolveResult, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match resolved {
        ResolveResult::Bound(ns) => format!("{{{}}}{local}", String::from_utf8_lossy(ns.as_ref())),
        _ => local.into_owned(),
    }
}

/// Parses a whole document; `Err` says why it is not well-formed XML.
pub fn parse(bytes: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                let name = qualified(&resolved, start.local_name().as_ref());
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| e.to_string())?;
                    let key = attr.key;
                    if key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (ns, local) = reader.resolve_attribute(key);
                    let value = attr.unescape_value().map_err(|e| e.to_string())?;
                    attrs.push((qualified(&ns, local.as_ref()), value.into_owned()));
                }
                let element = Element {
                    name,
                    attrs,
                    ..Element::default()
                };
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("an end tag with no start")?;
                close(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                push_text(&mut stack, &text)?;
            }
            Event::CData(c) => {
                let text = c.decode().map_err(|e| e.to_string())?;
                push_text(&mut stack, &text)?;
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    quick_xml::escape::resolve_xml_entity(&name).map(String::from)
                };
                push_text(&mut stack, &resolved.ok_or("an unknown entity")?)?;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn close(stack: &mut [Element], root: &mut Option<Element>, mut element: Element) {
    if element.text.trim().is_empty() {
        element.text.clear();
    }
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err("text outside the root element".into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_do_not_matter_and_namespace_declarations_are_not_attributes() {
        let a = parse(br#"<s:E xmlns:s="urn:x"><b k="1">t &amp; u</b></s:E>"#).unwrap();
        let b = parse(b"<E xmlns=\"urn:x\">\n  <b xmlns=\"\" k=\"1\">t &amp; u</b>\n</E>").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.children[0].text, "t & u");
        assert!(parse(b"<a><b></a>").is_err());
    }
}
