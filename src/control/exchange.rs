//! What the handler of an emulated call tells the control plane about it, through the
//! request's extensions: the binding, the operation, the acting user, an injected fault
//! and the request body. The observing middleware reads it once the response is built.

use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest};
use serde::{Deserialize, Serialize};

use super::faults::FaultKind;
use crate::model::Vendor;

/// How a call reached the emulator: an ASMX binding or a vendor API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    Soap11,
    Soap12,
    Get,
    Post,
    Chatbot,
    Conscent,
    #[serde(rename = "commbox")]
    CommBox,
    #[serde(rename = "webapi")]
    WebApi,
}

impl Binding {
    /// The name used in the journal, in metric labels and in fault rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Soap11 => "soap11",
            Binding::Soap12 => "soap12",
            Binding::Get => "get",
            Binding::Post => "post",
            Binding::Chatbot => "chatbot",
            Binding::Conscent => "conscent",
            Binding::CommBox => "commbox",
            Binding::WebApi => "webapi",
        }
    }

    pub const ALL: [Binding; 8] = [
        Binding::Soap11,
        Binding::Soap12,
        Binding::Get,
        Binding::Post,
        Binding::Chatbot,
        Binding::Conscent,
        Binding::CommBox,
        Binding::WebApi,
    ];

    pub fn from_name(name: &str) -> Option<Binding> {
        Binding::ALL.into_iter().find(|b| b.as_str() == name)
    }

    pub fn is_asmx(self) -> bool {
        matches!(
            self,
            Binding::Soap11 | Binding::Soap12 | Binding::Get | Binding::Post
        )
    }
}

impl From<Vendor> for Binding {
    fn from(vendor: Vendor) -> Binding {
        match vendor {
            Vendor::Chatbot => Binding::Chatbot,
            Vendor::Conscent => Binding::Conscent,
            Vendor::CommBox => Binding::CommBox,
            Vendor::WebApi => Binding::WebApi,
        }
    }
}

/// The stable names of the vendor endpoints: the operation of a vendor call in the
/// journal, in metrics and in fault rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorEndpoint {
    ChatbotUpdateContact,
    ConscentUpdateUser,
    CommBoxUpdateUser,
    WebApiPutContactItem,
    WebApiGetAllTypes,
}

impl VendorEndpoint {
    pub const ALL: [VendorEndpoint; 5] = [
        VendorEndpoint::ChatbotUpdateContact,
        VendorEndpoint::ConscentUpdateUser,
        VendorEndpoint::CommBoxUpdateUser,
        VendorEndpoint::WebApiPutContactItem,
        VendorEndpoint::WebApiGetAllTypes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            VendorEndpoint::ChatbotUpdateContact => "chatbot.updateUserContactDetails",
            VendorEndpoint::ConscentUpdateUser => "conscent.updateUser",
            VendorEndpoint::CommBoxUpdateUser => "commbox.updateUser",
            VendorEndpoint::WebApiPutContactItem => "webapi.putUserContactItem",
            VendorEndpoint::WebApiGetAllTypes => "webapi.getAllContactItemTypes",
        }
    }
}

/// Filled in by the handler; absent for requests no handler claimed (unknown paths).
#[derive(Debug, Default)]
pub struct Exchange {
    pub binding: Option<Binding>,
    pub operation: Option<&'static str>,
    pub user: Option<String>,
    pub fault: Option<FaultKind>,
    /// Kept only while the journal is on; a clone of the body the handler read.
    pub request_body: Option<Bytes>,
    /// The answer is a document kept in memory for the life of the process (WSDL,
    /// disco, help pages), so the journal may share it rather than copy it.
    pub lasting_response: bool,
}

impl Exchange {
    /// Changes the request's exchange, creating it on first use.
    pub fn update(req: &HttpRequest, change: impl FnOnce(&mut Exchange)) {
        let mut extensions = req.extensions_mut();
        match extensions.get_mut::<Exchange>() {
            Some(exchange) => change(exchange),
            None => {
                let mut exchange = Exchange::default();
                change(&mut exchange);
                extensions.insert(exchange);
            }
        }
    }
}
