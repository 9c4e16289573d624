//! Every in-band error an operation can answer with, with its exact text (Part B §1.6).
//! These become `success="false" error="…"`; they are never HTTP errors.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("[900] Authentication failed")]
    AuthenticationFailed,
    /// The source writes `-"`, a mangled em dash; we send the intended character.
    #[error("[900] Authentication failed \u{2014} Unauthenticated User.")]
    UnauthenticatedUser,
    #[error("[901] Session expired or Invalid ticket")]
    SessionExpired,
    #[error("[902] Ticket generation not allowed")]
    TicketGenerationNotAllowed,
    #[error("[902] Ticket generation are not allowed for this user.")]
    TicketGenerationNotAllowedForUser,
    #[error("[2730] Insufficient rights. Anonymous users cannot perform this action.")]
    AnonymousNotAllowed,
    #[error("invalid ticket format")]
    InvalidTicketFormat,
    #[error("User not found")]
    UserNotFound,
    #[error("Access denied")]
    AccessDenied,
    #[error("Insufficient rights")]
    InsufficientRights,
    #[error("New password cannot be the same as old password")]
    SamePassword,
    #[error("Password cannot be empty.")]
    EmptyPassword,
    #[error("Invalid or expired reset code")]
    InvalidResetCode,
    #[error("External authentication \u{2014} password cannot be changed")]
    ExternalAuthentication,
    #[error("Please enter your Email address.")]
    EmailRequired,
    #[error("No user found with this email")]
    NoUserWithEmail,
    #[error("User name field cannot be empty.")]
    UserNameRequired,
    #[error("User has no e-mail address on file")]
    NoEmailOnFile,
    #[error("SystemError:{0}")]
    System(String),
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        OpError::System(e.to_string())
    }
}
