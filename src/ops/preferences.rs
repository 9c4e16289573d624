//! UpdateUserPreferences. `xmlPreferences` is a `<Preferences>` element whose
//! attributes name the preferences to change (docs/compatibility.md B2.20); the 7.x/8.0 form with one
//! child element per preference is read the same way. What it leaves out keeps its
//! value. The string is read without DTDs and without entities other than XML's own,
//! so it can neither expand nor refer to anything outside itself.

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::Reply;
use crate::model::{Notification, PreferencesPatch};

/// System administrators may change anyone's preferences, users their own. A null
/// `xmlPreferences` (SOAP) changes nothing (docs/compatibility.md A4); an empty one is refused.
pub fn update_user_preferences(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let target = ctx.user(args.str("UserName"))?;
    if !caller.may_manage(&target) {
        return Err(OpError::AccessDenied);
    }
    let Some(xml) = args.str("XmlPreferences") else {
        return Ok(Reply::ok());
    };
    if xml.trim().is_empty() {
        return Err(OpError::RequiredParameter("xmlPreferences"));
    }
    let patch = parse(xml).map_err(OpError::InvalidPreferences)?;
    ctx.tx.update_preferences(target.id, &patch)?;
    Ok(Reply::ok())
}

/// Reads the preferences element into a patch, or says what is wrong and where.
fn parse(xml: &str) -> Result<PreferencesPatch, String> {
    let mut reader = Reader::from_str(xml);
    let mut patch = PreferencesPatch::default();
    // Open elements; the root is depth 1, a 7.x-style preference element depth 2.
    let mut depth = 0usize;
    let mut root_seen = false;
    // The 7.x-style preference being read: its name and text so far.
    let mut child: Option<(String, String)> = None;
    let fail = |reader: &Reader<&[u8]>, reason: &str| {
        let (line, column) = line_position(xml, reader.buffer_position() as usize);
        format!("{reason} (line {line}, position {column})")
    };
    loop {
        let event = reader.read_event().map_err(|e| {
            let (line, column) = line_position(xml, reader.error_position() as usize);
            format!("not well-formed XML: {e} (line {line}, position {column})")
        })?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                match depth {
                    0 if root_seen => return Err(fail(&reader, "more than one root element")),
                    0 if !name.eq_ignore_ascii_case("Preferences") => {
                        return Err(fail(&reader, "the root element must be <Preferences>"))
                    }
                    0 => {
                        root_seen = true;
                        read_attributes(start, &mut patch).map_err(|r| fail(&reader, &r))?;
                    }
                    1 => child = Some((name, String::new())),
                    // Deeper markup is no preference value: the element is skipped.
                    _ => child = None,
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                } else if depth == 1 {
                    if let Some((name, text)) = child.take() {
                        set(&mut patch, &name, &text).map_err(|r| fail(&reader, &r))?;
                    }
                }
            }
            Event::End(_) => {
                depth -= 1;
                if depth == 1 {
                    if let Some((name, text)) = child.take() {
                        set(&mut patch, &name, &text).map_err(|r| fail(&reader, &r))?;
                    }
                }
            }
            Event::Text(text) => {
                let text = text
                    .xml_content()
                    .map_err(|e| fail(&reader, &e.to_string()))?;
                if depth == 0 && !text.trim().is_empty() {
                    return Err(fail(&reader, "text outside the <Preferences> element"));
                }
                append(&mut child, &text);
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| fail(&reader, &e.to_string()))?;
                append(&mut child, &text);
            }
            Event::GeneralRef(reference) => {
                let name = reference
                    .decode()
                    .map_err(|e| fail(&reader, &e.to_string()))?;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => resolve_xml_entity(&name).map(str::to_string),
                };
                let text =
                    resolved.ok_or_else(|| fail(&reader, &format!("unknown entity '&{name};'")))?;
                append(&mut child, &text);
            }
            Event::DocType(_) => return Err(fail(&reader, "a DTD is not allowed")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof if depth > 0 => {
                return Err(fail(&reader, "the <Preferences> element is not closed"))
            }
            Event::Eof => break,
        }
    }
    if !root_seen {
        return Err(fail(&reader, "no <Preferences> element"));
    }
    Ok(patch)
}

fn append(child: &mut Option<(String, String)>, text: &str) {
    if let Some((_, value)) = child {
        value.push_str(text);
    }
}

fn read_attributes(start: &BytesStart, patch: &mut PreferencesPatch) -> Result<(), String> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("not well-formed XML: {e}"))?;
        let value = attribute
            .unescape_value()
            .map_err(|e| format!("not well-formed XML: {e}"))?;
        let name = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        set(patch, &name, &value)?;
    }
    Ok(())
}

/// Sets one preference from its text. Names match in any case; names that are not
/// preferences (such as GetUser's `NotificationTypeId`) are ignored, so a client may
/// send back the `<Preferences>` element it read.
fn set(patch: &mut PreferencesPatch, name: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    let flag =
        || parse_bool(value).ok_or_else(|| format!("{name} must be true or false, not '{value}'"));
    match name.to_ascii_lowercase().as_str() {
        "language" if value.is_empty() => return Err("Language cannot be empty".into()),
        "language" => patch.language = Some(value.to_string()),
        "defaultportal" => patch.default_portal = Some(value.to_string()),
        "showarchives" => patch.show_archives = Some(flag()?),
        "showhiddens" => patch.show_hiddens = Some(flag()?),
        "attachdocumenttoemail" => patch.attach_document_to_email = Some(flag()?),
        "notificationtype" => {
            let notification = parse_notification(value).ok_or_else(|| {
                format!("NotificationType must be NONE, INSTANT or DAILY REPORT, not '{value}'")
            })?;
            patch.notification = Some(notification);
        }
        "emailtype" => {
            let kind = ["HTML", "TEXT"]
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(value))
                .ok_or_else(|| format!("EmailType must be HTML or TEXT, not '{value}'"))?;
            patch.email_type = Some(kind.to_string());
        }
        _ => {}
    }
    Ok(())
}

/// `true`/`false` in any case, or `1`/`0` (docs/compatibility.md A17).
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" => Some(true),
        "0" => Some(false),
        t if t.eq_ignore_ascii_case("true") => Some(true),
        t if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A notification type by name in any case, or by its `NotificationTypeId`.
fn parse_notification(text: &str) -> Option<Notification> {
    [
        Notification::None,
        Notification::Instant,
        Notification::DailyReport,
    ]
    .into_iter()
    .find(|n| n.name().eq_ignore_ascii_case(text) || n.id().to_string() == text)
}

/// 1-based line and character position of byte offset `at`, as .NET reports them.
fn line_position(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_set_only_what_they_name() {
        let patch =
            parse(r#"<Preferences ShowHiddens="TRUE" NotificationType="daily report" />"#).unwrap();
        assert_eq!(
            patch,
            PreferencesPatch {
                show_hiddens: Some(true),
                notification: Some(Notification::DailyReport),
                ..Default::default()
            }
        );
    }

    #[test]
    fn legacy_child_elements_are_read_too() {
        let patch = parse(
            "<?xml version=\"1.0\"?><Preferences><Language>Fran&#231;ais &amp; co</Language>\
             <DefaultPortal /><EmailType><![CDATA[text]]></EmailType><Extra><x/></Extra></Preferences>",
        )
        .unwrap();
        assert_eq!(patch.language.as_deref(), Some("Français & co"));
        assert_eq!(patch.default_portal.as_deref(), Some(""));
        assert_eq!(patch.email_type.as_deref(), Some("TEXT"));
        assert_eq!(patch.show_archives, None);
    }

    #[test]
    fn dtds_unknown_entities_and_broken_xml_are_refused() {
        let bomb = "<!DOCTYPE p [<!ENTITY a \"aaaa\">]><Preferences Language=\"&a;\" />";
        assert_eq!(
            parse(bomb).unwrap_err(),
            "a DTD is not allowed (line 1, position 34)"
        );
        assert!(parse("<Preferences Language=\"&a;\" />")
            .unwrap_err()
            .contains("a"));
        assert!(
            parse("<Preferences><Language>&ext;</Language></Preferences>")
                .unwrap_err()
                .starts_with("unknown entity '&ext;'")
        );
        assert!(parse("<Preferences")
            .unwrap_err()
            .starts_with("not well-formed XML"));
        assert!(parse("<Preferences>")
            .unwrap_err()
            .starts_with("the <Preferences> element is not closed"));
        assert!(parse("<Prefs />")
            .unwrap_err()
            .starts_with("the root element must be <Preferences>"));
        assert!(parse("<!-- x -->")
            .unwrap_err()
            .starts_with("no <Preferences> element"));
        assert!(parse("<Preferences/><Preferences/>")
            .unwrap_err()
            .starts_with("more than one root"));
        assert_eq!(
            parse("<Preferences\n ShowArchives=\"maybe\" />").unwrap_err(),
            "ShowArchives must be true or false, not 'maybe' (line 2, position 25)"
        );
    }

    #[test]
    fn positions_count_characters_from_one() {
        assert_eq!(line_position("ab\ncdé", 7), (2, 4));
        assert_eq!(line_position("x", 99), (1, 2));
    }
}
