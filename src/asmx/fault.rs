//! Every protocol error ASMX can answer with, its exact text, and its bytes: the one
//! place where a `Fault` becomes a response. Texts are the Microsoft resource strings
//! (placeholders filled in) as a client sees them with ASP.NET custom errors on: the
//! messages of the exception chain joined by ` ---> `, no type names, no stack.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::binding::{SoapVersion, HTML_CONTENT_TYPE, TEXT_CONTENT_TYPE, XML_CONTENT_TYPE};
use super::envelope;
use super::response::asmx_response;
use super::xml::{escape_text, html_encode_into, NEWLINE};

/// Errors raised while reading or routing a SOAP request: sent as a SOAP fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SoapFault {
    #[error("Unable to handle request without a valid action parameter. Please supply a valid soap action.")]
    MissingAction,
    #[error("Server did not recognize the value of HTTP Header SOAPAction: {0}.")]
    UnknownSoapAction(String),
    #[error("Unable to handle request. The action '{0}' was not recognized.")]
    UnknownAction(String),
    #[error("Server was unable to process request. ---> {0}")]
    Unprocessable(String),
    #[error("Server was unable to read request. ---> There is an error in XML document ({line}, {column}). ---> {reason}")]
    Unreadable {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("SOAP header {0} was not understood.")]
    NotUnderstood(String),
    /// The method's worker stopped before it answered.
    #[error("Server was unable to process request. ---> Thread was being aborted.")]
    Aborted,
    /// A fault rule of the admin API fired (`soap_fault`): its message, as the server's.
    #[error("{0}")]
    Injected(String),
    #[error("Possible SOAP version mismatch: Envelope namespace {0} was unexpected. Expecting {soap11}.", soap11 = SoapVersion::Soap11.envelope_ns())]
    VersionMismatch(String),
}

impl SoapFault {
    /// The fault code: the request could not be understood (Client/Sender) or a
    /// header/version condition of its own.
    fn code(&self, version: SoapVersion) -> &'static str {
        match (self, version) {
            (SoapFault::NotUnderstood(_), _) => "soap:MustUnderstand",
            (SoapFault::VersionMismatch(_), _) => "soap:VersionMismatch",
            (
                SoapFault::Unprocessable(_) | SoapFault::Injected(_) | SoapFault::Aborted,
                SoapVersion::Soap11,
            ) => "soap:Server",
            (
                SoapFault::Unprocessable(_) | SoapFault::Injected(_) | SoapFault::Aborted,
                SoapVersion::Soap12,
            ) => "soap:Receiver",
            (_, SoapVersion::Soap11) => "soap:Client",
            (_, SoapVersion::Soap12) => "soap:Sender",
        }
    }

    /// Raised once the method was reached: the headers are checked after the request
    /// is read (tests/captures/044), the rest stand for the method itself failing (100-103).
    fn method_reached(&self) -> bool {
        matches!(
            self,
            SoapFault::NotUnderstood(_) | SoapFault::Injected(_) | SoapFault::Aborted
        )
    }
}

/// Errors of the HTTP GET/POST bindings: sent as `text/plain`, status 500.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpFault {
    #[error("Missing parameter: {0}.")]
    MissingParameter(String),
    #[error("Cannot convert {value} to {type_name}.\r\nParameter name: type ---> {reason}")]
    CannotConvert {
        value: String,
        type_name: &'static str,
        reason: &'static str,
    },
    #[error("{0} Web Service method name is not valid.")]
    UnknownMethod(String),
    #[error("Invalid method name '{given}', method names are case sensitive. The method name '{actual}' with the same name but different casing was found.\r\nParameter name: methodName")]
    MethodNameCase { given: String, actual: &'static str },
    #[error("Request format is invalid: {0}.")]
    InvalidRequestFormat(String),
    /// A fault rule of the admin API fired (`soap_fault` on GET/POST): its message.
    #[error("{0}")]
    Injected(String),
    /// The method's worker stopped before it answered.
    #[error("Thread was being aborted.")]
    Aborted,
}

impl HttpFault {
    /// Raised by the method rather than while reading the request (docs/compatibility.md W3).
    fn method_reached(&self) -> bool {
        matches!(self, HttpFault::Injected(_) | HttpFault::Aborted)
    }
}

/// Errors ASP.NET raises before a protocol is chosen: sent as an HTML error page.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageFault {
    #[error("Request format is unrecognized for URL unexpectedly ending in '{0}'.")]
    UnrecognizedUrl(String),
    #[error("Request format is unrecognized.")]
    UnrecognizedRequestFormat,
    #[error("The length of the query string for this request exceeds the configured maxQueryStringLength value.")]
    QueryStringTooLong,
    /// A body over `--max-body` (ASP.NET's `maxRequestLength`).
    #[error("Maximum request length exceeded.")]
    RequestTooLarge,
    /// The request's world cannot be served (docs/worlds.md): IIS's answer for an
    /// application it cannot start is a 503 too.
    #[error("{0}")]
    WorldUnavailable(String),
}

impl PageFault {
    /// The exception ASP.NET raises (tests/captures/013, 135 against 081, 133): the handler
    /// factory's own, or the runtime's for what it refuses before a handler runs.
    fn exception_type(&self) -> &'static str {
        match self {
            PageFault::UnrecognizedUrl(_) => "System.InvalidOperationException",
            PageFault::UnrecognizedRequestFormat
            | PageFault::QueryStringTooLong
            | PageFault::RequestTooLarge
            | PageFault::WorldUnavailable(_) => "System.Web.HttpException",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            PageFault::UnrecognizedUrl(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PageFault::UnrecognizedRequestFormat => StatusCode::METHOD_NOT_ALLOWED,
            PageFault::QueryStringTooLong => StatusCode::BAD_REQUEST,
            PageFault::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageFault::WorldUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    Soap(SoapVersion, SoapFault),
    Http(HttpFault),
    Page(PageFault),
    /// The SOAP request is not well-formed XML: 400 with an empty body.
    MalformedXml(SoapVersion),
    /// A content type no SOAP version accepts: 415 with an empty body.
    UnsupportedMediaType,
}

fn html_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    html_encode_into(&mut out, text);
    out
}

/// ASP.NET encodes each message of the exception chain, not the ` ---> ` joining them.
fn encode_chain(text: &str) -> String {
    text.split(CHAIN)
        .map(html_encode)
        .collect::<Vec<_>>()
        .join(CHAIN)
}

const CHAIN: &str = " ---> ";

impl Fault {
    pub fn into_response(self) -> HttpResponse {
        let error = StatusCode::INTERNAL_SERVER_ERROR;
        match self {
            Fault::Soap(version, fault) => {
                let body = soap_envelope(version, fault.code(version), &fault.to_string(), &fault);
                asmx_response(error, fault.method_reached())
                    .content_type(version.content_type())
                    .body(body)
            }
            Fault::Http(fault) => asmx_response(error, fault.method_reached())
                .content_type(TEXT_CONTENT_TYPE)
                .body(format!("{}{NEWLINE}", encode_chain(&fault.to_string()))),
            Fault::Page(fault) => asmx_response(fault.status(), false)
                .content_type(HTML_CONTENT_TYPE)
                .body(error_page(&fault)),
            Fault::MalformedXml(version) => asmx_response(StatusCode::BAD_REQUEST, false)
                .content_type(version.content_type())
                .finish(),
            Fault::UnsupportedMediaType => asmx_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, false)
                .content_type(XML_CONTENT_TYPE)
                .finish(),
        }
    }
}

/// A fault in the shape of `version`. A version mismatch also names both envelopes
/// the service supports in an `Upgrade` header; a must-understand fault has no detail.
fn soap_envelope(version: SoapVersion, code: &str, text: &str, kind: &SoapFault) -> String {
    let mut out = String::with_capacity(512);
    envelope::open(&mut out, version);
    if matches!(kind, SoapFault::VersionMismatch(_)) {
        out.push_str(concat!(
            "<soap:Header><soap12:Upgrade xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">",
            "<soap12:SupportedEnvelope qname=\"soap:Envelope\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" />",
            "<soap12:SupportedEnvelope qname=\"soap12:Envelope\" xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\" />",
            "</soap12:Upgrade></soap:Header>"
        ));
    }
    // The same three parts in each version's element names.
    let ([code_open, code_close], [text_open, text_close], detail) = match version {
        SoapVersion::Soap11 => (
            ["<faultcode>", "</faultcode>"],
            ["<faultstring>", "</faultstring>"],
            "<detail />",
        ),
        SoapVersion::Soap12 => (
            ["<soap:Code><soap:Value>", "</soap:Value></soap:Code>"],
            [
                "<soap:Reason><soap:Text xml:lang=\"en\">",
                "</soap:Text></soap:Reason>",
            ],
            "<soap:Detail />",
        ),
    };
    out.push_str("<soap:Body><soap:Fault>");
    out.push_str(code_open);
    out.push_str(code);
    out.push_str(code_close);
    out.push_str(text_open);
    escape_text(&mut out, text);
    out.push_str(text_close);
    if !matches!(kind, SoapFault::NotUnderstood(_)) {
        out.push_str(detail);
    }
    out.push_str("</soap:Fault>");
    out.push_str(envelope::CLOSE);
    out
}

/// ASP.NET's "Server Error in '/' Application" page, message only (no stack).
fn error_page(fault: &PageFault) -> String {
    let message = html_encode(&fault.to_string());
    let exception = fault.exception_type();
    let code = fault.status().as_u16();
    format!(
        "<!DOCTYPE html>{NEWLINE}<html>{NEWLINE}    <head>{NEWLINE}        <title>{message}</title>{NEWLINE}\
         </head>{NEWLINE}    <body bgcolor=\"white\">{NEWLINE}{NEWLINE}            \
         <span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>{NEWLINE}{NEWLINE}            \
         <h2> <i>{message}</i> </h2></span>{NEWLINE}{NEWLINE}            \
         <b> Description: </b>An unhandled exception occurred during the execution of the current web request.{NEWLINE}            \
         <br><br>{NEWLINE}{NEWLINE}            <b> Exception Details: </b>{exception}: {message}<br><br>{NEWLINE}{NEWLINE}            \
         <b> HTTP status: </b>{code}{NEWLINE}{NEWLINE}    </body>{NEWLINE}</html>{NEWLINE}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_have_placeholders_filled() {
        assert_eq!(
            HttpFault::MissingParameter("mobileNumber".into()).to_string(),
            "Missing parameter: mobileNumber."
        );
        assert_eq!(
            SoapFault::UnknownSoapAction("http://tempuri.org/NoSuchMethod".into()).to_string(),
            "Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/NoSuchMethod."
        );
        assert_eq!(
            html_encode("Invalid method name 'x'"),
            "Invalid method name &#39;x&#39;"
        );
    }
}
