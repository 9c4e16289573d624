//! DataContractSerializer XML for the Web API (docs/vendors.md §4.3–4.6). Reading follows
//! DCS: the root's name and namespace must match, members are read in ordinal order
//! and an element that comes out of that order is skipped (dotnet/corefx#28219), no
//! DTD, bounded depth. Writing is DCS's compact form: one line, no declaration.

use std::io;

use quick_xml::escape::{partial_escape, resolve_xml_entity};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer};

use super::body::MAX_DEPTH;

/// The namespace of the CLR namespace `APIWebRole.Controllers`.
pub const NS: &str = "http://schemas.datacontract.org/2004/07/APIWebRole.Controllers";
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A member as found: `None` for `i:nil="true"`, else its text.
pub type Member = Option<String>;

fn is_nil(reader: &NsReader<&[u8]>, start: &BytesStart) -> bool {
    start.attributes().flatten().any(|a| {
        let (resolved, name) = reader.resolve_attribute(a.key);
        matches!(resolved, ResolveResult::Bound(ns) if ns.as_ref() == XSI.as_bytes())
            && name.as_ref() == b"nil"
            && a.unescape_value()
                .is_ok_and(|v| matches!(v.trim(), "true" | "1"))
    })
}

/// Where the reader stands.
struct Walk<'n> {
    names: &'n [&'n str],
    found: Vec<Option<Member>>,
    /// The first member that may still be read.
    next: usize,
    depth: usize,
    root_done: bool,
    /// The member being read: its index, nil flag and text so far.
    member: Option<(usize, bool, String)>,
}

impl Walk<'_> {
    fn open(
        &mut self,
        reader: &NsReader<&[u8]>,
        in_ns: bool,
        start: &BytesStart,
        root: &str,
    ) -> Option<()> {
        let local = start.local_name();
        match self.depth {
            _ if self.root_done => return None,
            0 if !(in_ns && local.as_ref() == root.as_bytes()) => return None,
            1 if in_ns => {
                let later = (self.next..self.names.len())
                    .find(|&i| self.names[i].as_bytes() == local.as_ref());
                if let Some(index) = later {
                    self.member = Some((index, is_nil(reader, start), String::new()));
                    self.next = index + 1;
                }
            }
            // Members are simple types: an element inside one makes the body unreadable.
            2 if self.member.is_some() => return None,
            _ => {}
        }
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        match self.depth {
            0 => self.root_done = true,
            1 => {
                if let Some((index, nil, text)) = self.member.take() {
                    self.found[index] = Some((!nil).then_some(text));
                }
            }
            _ => {}
        }
    }

    /// Character data: only white space outside the root, kept inside a member.
    fn content(&mut self, text: &str, markup: bool) -> Option<()> {
        if self.depth == 0 {
            return (!markup && text.trim().is_empty()).then_some(());
        }
        if let Some((_, _, buffer)) = self.member.as_mut().filter(|_| self.depth == 2) {
            buffer.push_str(text);
        }
        Some(())
    }
}

/// Reads the contract `root` with members `names` (in ordinal order): each member's
/// value when present, or `None` for a document DCS would not read.
pub fn read(text: &str, root: &str, names: &[&str]) -> Option<Vec<Option<Member>>> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut walk = Walk {
        names,
        found: vec![None; names.len()],
        next: 0,
        depth: 0,
        root_done: false,
        member: None,
    };
    loop {
        let (ns, event) = reader.read_resolved_event().ok()?;
        let in_ns = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == NS.as_bytes());
        match event {
            Event::Start(ref start) => walk.open(&reader, in_ns, start, root)?,
            Event::Empty(ref start) => {
                walk.open(&reader, in_ns, start, root)?;
                walk.close();
            }
            Event::End(_) => walk.close(),
            // XML 1.0 line ends, as DCS reads: U+0085 and U+2028 stay.
            Event::Text(t) => walk.content(&t.xml10_content().ok()?, false)?,
            Event::CData(c) => walk.content(&c.decode().ok()?, true)?,
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    resolve_xml_entity(&r.decode().ok()?).map(String::from)
                };
                walk.content(&resolved?, true)?;
            }
            Event::DocType(_) => return None,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    walk.root_done.then_some(walk.found)
}

fn members(w: &mut Writer<Vec<u8>>, members: &[(&str, &str)]) -> io::Result<()> {
    for (name, value) in members {
        w.create_element(*name)
            .write_text_content(BytesText::from_escaped(partial_escape(*value)))?;
    }
    Ok(())
}

fn document(
    root: &str,
    contract: bool,
    inner: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
) -> String {
    let mut w = Writer::new(Vec::new());
    let mut element = w.create_element(root);
    if contract {
        element = element
            .with_attribute(("xmlns:i", XSI))
            .with_attribute(("xmlns", NS));
    }
    // Writing into memory cannot fail.
    let _ = element.write_inner_content(inner);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

/// A contract object; `contract: false` gives a plain element (Web API's `<Error>`).
pub fn object(root: &str, contract: bool, fields: &[(&str, &str)]) -> String {
    document(root, contract, |w| members(w, fields))
}

/// `ArrayOf<item>` holding one element per entry.
pub fn array(root: &str, item: &str, entries: &[Vec<(&str, &str)>]) -> String {
    document(root, true, |w| {
        for fields in entries {
            w.create_element(item)
                .write_inner_content(|w| members(w, fields))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 4] = ["ContactSubType", "IsDefault", "UserId", "Value"];

    fn doc(inner: &str) -> String {
        format!("<UpsertContactItemViewModel xmlns:i=\"{XSI}\" xmlns=\"{NS}\">{inner}</UpsertContactItemViewModel>")
    }

    fn text(v: &str) -> Option<Member> {
        Some(Some(v.to_string()))
    }

    #[test]
    fn members_in_order_are_read() {
        let found = read(
            &doc("<ContactSubType>a</ContactSubType><IsDefault>true</IsDefault><UserId>b</UserId><Value>x &amp; <![CDATA[<y>]]></Value>"),
            "UpsertContactItemViewModel",
            &NAMES,
        );
        assert_eq!(
            found,
            Some(vec![text("a"), text("true"), text("b"), text("x & <y>")])
        );
    }

    #[test]
    fn out_of_order_elements_are_skipped_and_nil_is_seen() {
        let found = read(
            &doc(
                "<Value>v</Value><UserId>b</UserId><Other><x/></Other><IsDefault i:nil=\"true\"/>",
            ),
            "UpsertContactItemViewModel",
            &NAMES,
        );
        assert_eq!(found, Some(vec![None, None, None, text("v")]));
        let found = read(
            &doc("<UserId>b</UserId><IsDefault i:nil=\"true\"/><Value/>"),
            "UpsertContactItemViewModel",
            &NAMES,
        );
        assert_eq!(found, Some(vec![None, None, text("b"), text("")]));
    }

    #[test]
    fn foreign_roots_and_malformed_documents_are_refused() {
        for bad in [
            "<UpsertContactItemViewModel><Value>v</Value></UpsertContactItemViewModel>".to_string(),
            format!("<Other xmlns=\"{NS}\"/>"),
            doc("<Value><b>v</b></Value>"),
            doc("<Value>v</Vaue>"),
            format!("<!DOCTYPE x><UpsertContactItemViewModel xmlns=\"{NS}\"/>"),
            format!("{}x", doc("")),
            String::new(),
            doc(&format!(
                "{}{}",
                "<a>".repeat(MAX_DEPTH),
                "</a>".repeat(MAX_DEPTH)
            )),
        ] {
            assert_eq!(
                read(&bad, "UpsertContactItemViewModel", &NAMES),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn writes_compact_contracts() {
        assert_eq!(
            object("Result", true, &[("Description", "a<b & \"c\""), ("ResultCode", "1")]),
            format!("<Result xmlns:i=\"{XSI}\" xmlns=\"{NS}\"><Description>a&lt;b &amp; \"c\"</Description><ResultCode>1</ResultCode></Result>")
        );
        assert_eq!(
            object("Error", false, &[("Message", "m")]),
            "<Error><Message>m</Message></Error>"
        );
        assert_eq!(
            array("ArrayOfX", "X", &[vec![("A", "1")], vec![("A", "2")]]),
            format!("<ArrayOfX xmlns:i=\"{XSI}\" xmlns=\"{NS}\"><X><A>1</A></X><X><A>2</A></X></ArrayOfX>")
        );
    }
}

/// Fuzzing by property (issue 7): any text reads as a contract or `None`, never a
/// panic, and what this module writes reads back member for member.
#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    const ROOT: &str = "UpsertContactItemViewModel";
    const NAMES: [&str; 4] = ["ContactSubType", "IsDefault", "UserId", "Value"];
    const TEXT: &str = "[^\\r\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\u{fffe}\\u{ffff}]{0,24}";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn written_contracts_read_back(values in prop::collection::vec(TEXT, 4)) {
            let fields: Vec<(&str, &str)> =
                NAMES.iter().copied().zip(values.iter().map(String::as_str)).collect();
            let found = read(&object(ROOT, true, &fields), ROOT, &NAMES);
            let expected: Vec<Option<Member>> = values.iter().map(|v| Some(Some(v.clone()))).collect();
            prop_assert_eq!(found, Some(expected));
        }

        #[test]
        fn mutated_contracts_never_panic(
            values in prop::collection::vec(TEXT, 4),
            at in any::<prop::sample::Index>(),
            junk in "[<>&;/=\"'!?a-zA-Z:#\\[\\]]{0,12}",
        ) {
            let fields: Vec<(&str, &str)> =
                NAMES.iter().copied().zip(values.iter().map(String::as_str)).collect();
            let text = object(ROOT, true, &fields);
            let mut cut = at.index(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = read(&format!("{}{junk}{}", &text[..cut], &text[cut..]), ROOT, &NAMES);
        }

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = read(&text, ROOT, &NAMES);
        }
    }
}
