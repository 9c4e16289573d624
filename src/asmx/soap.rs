//! The SOAP 1.1 and 1.2 bindings: content type, envelope, routing and parameters.

use super::binding::{SoapVersion, SERVICE_NS};
use super::content_type::MediaType;
use super::envelope_reader::{self, Envelope, ParamElement, ReadError, RequestElement};
use super::fault::{Fault, SoapFault};
use super::http::url_decode;
use crate::ops::{self, Args, Method, ParamKind, Value};

/// A routed SOAP call.
#[derive(Debug)]
pub struct SoapCall {
    pub version: SoapVersion,
    pub method: Method,
    pub args: Args,
}

/// How `xsi:nil="true"` reads (docs/compatibility.md A4): null by default, `""` in classic .NET mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NilMode {
    Null,
    Empty,
}

pub fn decode(
    content_type: Option<&str>,
    soap_action: Option<&str>,
    body: &[u8],
    nil: NilMode,
) -> Result<SoapCall, Fault> {
    let media = MediaType::parse(content_type.unwrap_or(""));
    let expected = if media.is("text/xml") {
        SoapVersion::Soap11
    } else if media.is("application/soap+xml") {
        SoapVersion::Soap12
    } else {
        // Without a SOAPAction, .NET reads the body as SOAP 1.2 to route it (see `route`)
        // before it looks at the type, so a body that is not XML fails there (tests/captures/139,
        // a form post; 125, JSON, is a Mono crash). Otherwise the type is refused.
        let routed_by_body = soap_action.is_none();
        let error = routed_by_body
            .then(|| not_xml(&media.decode_body(body)))
            .flatten();
        return Err(match error {
            Some(error) => Fault::Soap(SoapVersion::Soap12, SoapFault::Unprocessable(error)),
            None => Fault::UnsupportedMediaType,
        });
    };
    let text = media.decode_body(body);
    let envelope = envelope_reader::read(&text).map_err(|e| match e {
        ReadError::Malformed => Fault::MalformedXml(expected),
        ReadError::NotAnEnvelope(ns) => {
            Fault::Soap(SoapVersion::Soap11, SoapFault::VersionMismatch(ns))
        }
    })?;
    // A SOAP 1.2 envelope is answered as 1.2 whatever the type; the reverse is refused.
    if expected == SoapVersion::Soap12 && envelope.version == SoapVersion::Soap11 {
        return Err(Fault::UnsupportedMediaType);
    }
    let version = envelope.version;
    let fault = |f: SoapFault| Fault::Soap(version, f);
    let method = route(&envelope, &media, soap_action).map_err(fault)?;
    let args = arguments(method, envelope.request.as_ref(), nil, &text).map_err(fault)?;
    if let Some(header) = envelope.must_understand {
        return Err(fault(SoapFault::NotUnderstood(header)));
    }
    Ok(SoapCall {
        version,
        method,
        args,
    })
}

/// The message .NET's XML reader gives for a body that cannot begin a document: none
/// when the first thing after white space is markup.
fn not_xml(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start_matches([' ', '\t', '\r', '\n']);
    if start.is_empty() {
        return Some("Root element is missing.".into());
    }
    if start.starts_with('<') {
        return None;
    }
    let (line, column) = envelope_reader::line_column(text, text.len() - start.len());
    Some(format!(
        "Data at the root level is invalid. Line {line}, position {column}."
    ))
}

/// The method an action URI names: `http://tempuri.org/<Method>`, exact case.
fn by_action(action: &str) -> Option<Method> {
    action.strip_prefix(SERVICE_NS).and_then(ops::find)
}

/// The method the body element names, in the service namespace, exact case.
fn by_element(envelope: &Envelope) -> Result<Method, SoapFault> {
    envelope
        .request
        .as_ref()
        .filter(|r| r.ns.as_deref() == Some(SERVICE_NS))
        .and_then(|r| ops::find(&r.local))
        .ok_or(SoapFault::MissingAction)
}

/// SOAP 1.1 routes by the `SOAPAction` header (one pair of quotes stripped,
/// URL-decoded); SOAP 1.2 by the content type's `action`. Without either, by the body
/// element: .NET guesses SOAP 1.2 for a request without the header
/// (`SoapServerProtocol.GuessVersion`), and that helper routes by the body before the
/// envelope's version is known. Only a body element that names no method is refused.
fn route(
    envelope: &Envelope,
    media: &MediaType,
    soap_action: Option<&str>,
) -> Result<Method, SoapFault> {
    match (envelope.version, soap_action) {
        (SoapVersion::Soap11, Some(raw)) => {
            let raw = raw.trim();
            let unquoted = raw
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or(raw);
            let action = url_decode(unquoted);
            by_action(&action).ok_or_else(|| SoapFault::UnknownSoapAction(action.into_owned()))
        }
        (SoapVersion::Soap11, None) => by_element(envelope),
        (SoapVersion::Soap12, _) => match media.param("action").filter(|a| !a.is_empty()) {
            Some(raw) => {
                let action = url_decode(raw);
                by_action(&action).ok_or_else(|| SoapFault::UnknownAction(action.into_owned()))
            }
            None => by_element(envelope),
        },
    }
}

/// Binds the request element's children to the method's parameters. Names match
/// case-insensitively (docs/compatibility.md A2) but only in the service namespace; the first of
/// duplicates wins; a body element of another method leaves every parameter absent.
fn arguments(
    method: Method,
    request: Option<&RequestElement>,
    nil: NilMode,
    text: &str,
) -> Result<Args, SoapFault> {
    let params: &[ParamElement] = match request {
        Some(r) if r.ns.as_deref() == Some(SERVICE_NS) && r.local == method.name => &r.params,
        _ => &[],
    };
    let values = method
        .params
        .iter()
        .map(|param| {
            let element = params.iter().find(|e| {
                e.ns.as_deref() == Some(SERVICE_NS) && e.local.eq_ignore_ascii_case(param.name)
            });
            match element {
                None => Ok(Value::absent(param.kind)),
                Some(e) => value(param.kind, e, nil, text),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(method.args(values))
}

/// `document` is the text the element was read from, for the position a fault reports.
fn value(
    kind: ParamKind,
    element: &ParamElement,
    nil: NilMode,
    document: &str,
) -> Result<Value, SoapFault> {
    let unreadable = |reason: String| {
        let (line, column) = envelope_reader::position(document, element.end);
        SoapFault::Unreadable {
            line,
            column,
            reason,
        }
    };
    if element.nil {
        return Ok(match (kind, nil) {
            (ParamKind::Str, NilMode::Empty) => Value::Str(Some(String::new())),
            _ => Value::absent(kind),
        });
    }
    let text: &str = &element.text;
    match kind {
        ParamKind::Str => Ok(Value::Str(Some(text.to_string()))),
        ParamKind::Int => text
            .trim()
            .parse()
            .map(Value::Int)
            .map_err(|_| unreadable("Input string was not in a correct format.".into())),
        // xsd:boolean: true/false/1/0, exact case.
        ParamKind::Bool => match text.trim() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            other => Err(unreadable(format!(
                "The string '{other}' is not a valid Boolean value."
            ))),
        },
    }
}
