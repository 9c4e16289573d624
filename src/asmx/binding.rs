//! The four ways to call a method, and what differs between them as data.

/// The SOAP envelope versions ASMX speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

impl SoapVersion {
    pub fn envelope_ns(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "http://schemas.xmlsoap.org/soap/envelope/",
            SoapVersion::Soap12 => "http://www.w3.org/2003/05/soap-envelope",
        }
    }

    pub fn from_envelope_ns(ns: &[u8]) -> Option<SoapVersion> {
        [SoapVersion::Soap11, SoapVersion::Soap12]
            .into_iter()
            .find(|v| v.envelope_ns().as_bytes() == ns)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "text/xml; charset=utf-8",
            SoapVersion::Soap12 => "application/soap+xml; charset=utf-8",
        }
    }
}

/// The non-SOAP bindings: `/srv.asmx/Method` by query string or form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpVerb {
    Get,
    Post,
}

/// Every binding a method is reachable through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Soap(SoapVersion),
    Http(HttpVerb),
}

/// The journal's, metrics' and fault rules' name for the binding.
impl From<Binding> for crate::model::Binding {
    fn from(binding: Binding) -> crate::model::Binding {
        use crate::model::Binding as Named;
        match binding {
            Binding::Soap(SoapVersion::Soap11) => Named::Soap11,
            Binding::Soap(SoapVersion::Soap12) => Named::Soap12,
            Binding::Http(HttpVerb::Get) => Named::Get,
            Binding::Http(HttpVerb::Post) => Named::Post,
        }
    }
}

/// The target namespace of the service (ASMX's default).
pub const SERVICE_NS: &str = "http://tempuri.org/";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
pub const XML_CONTENT_TYPE: &str = "text/xml; charset=utf-8";
pub const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";
