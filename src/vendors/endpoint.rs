//! The stable names of the vendor endpoints: the operation of a vendor call in the
//! journal, in metrics and in fault rules.

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

    /// Every name, in [`VendorEndpoint::ALL`]'s order: what a fault rule may target.
    pub const NAMES: [&'static str; 5] = [
        VendorEndpoint::ALL[0].name(),
        VendorEndpoint::ALL[1].name(),
        VendorEndpoint::ALL[2].name(),
        VendorEndpoint::ALL[3].name(),
        VendorEndpoint::ALL[4].name(),
    ];

    pub const fn name(self) -> &'static str {
        match self {
            VendorEndpoint::ChatbotUpdateContact => "chatbot.updateUserContactDetails",
            VendorEndpoint::ConscentUpdateUser => "conscent.updateUser",
            VendorEndpoint::CommBoxUpdateUser => "commbox.updateUser",
            VendorEndpoint::WebApiPutContactItem => "webapi.putUserContactItem",
            VendorEndpoint::WebApiGetAllTypes => "webapi.getAllContactItemTypes",
        }
    }
}
