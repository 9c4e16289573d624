//! Every in-band error an operation can answer with, with its exact text (docs/compatibility.md B1.6).
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
    #[error("Username already exists")]
    UsernameExists,
    #[error("[115] Domain not found")]
    DomainNotFound,
    /// SendWelcomeEmailForUser's wording of a non-administrator caller (docs/compatibility.md B2.23).
    #[error("Only the system administrator can perform this operation")]
    OnlySystemAdministrator,
    /// SendWelcomeEmailForUser's wording of `User not found` (docs/compatibility.md B2.23).
    #[error("User does not exist")]
    UserDoesNotExist,
    #[error("[903]Required parameter.'{0}'")]
    RequiredParameter(&'static str),
    /// Values the documentation does not define are refused the way an exception in
    /// the real server surfaces: `SystemError:` and the reason.
    #[error("SystemError:Invalid xmlPreferences: {0}")]
    InvalidPreferences(String),
    #[error("SystemError:Invalid StatusCode {0}. Use 0 to disable or 1 to enable the user.")]
    InvalidStatusCode(i32),
    #[error("SystemError:Invalid UserType {0}. Use 1 for an author or 2 for a read-only user.")]
    InvalidUserType(i32),
    /// From here to `UnknownSubType`: the vendor APIs' refusals, which each vendor
    /// answers in its own body. infoRouter's changes never meet them; were one to, it
    /// would answer a system error.
    #[error("SystemError:several users match")]
    AmbiguousUser,
    #[error("SystemError:the unique id belongs to another user")]
    UniqueIdTaken,
    #[error("SystemError:the email address belongs to another user")]
    EmailTaken,
    #[error("SystemError:unknown contact sub type")]
    UnknownSubType,
    #[error("SystemError:{0}")]
    System(String),
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => OpError::UsernameExists,
            // Logged when answered (`reply::failed`), not here: a call's outcome may
            // be thrown away unanswered (a write rolled back for its hashes).
            e => OpError::System(e.to_string()),
        }
    }
}
