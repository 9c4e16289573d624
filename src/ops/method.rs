//! The method table: one row per infoRouter method. It drives dispatch, the WSDL and the
//! help pages, so a method exists on every binding or on none (Part A23).

use super::args::Args;
use super::error::OpError;
use super::reply::Reply;
use super::{auth, contact, passwords, server_info, users, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Str,
    Int,
    Bool,
}

#[derive(Debug)]
pub struct Param {
    /// The one declared spelling (the method's SOAP example, Part A2).
    pub name: &'static str,
    pub kind: ParamKind,
}

/// The root element of a method's XmlNode (Part A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Root,
    Response,
}

impl Root {
    pub fn element(self) -> &'static str {
        match self {
            Root::Root => "root",
            Root::Response => "response",
        }
    }
}

type Handler = fn(&Ctx, &Args) -> Result<Reply, OpError>;

pub struct MethodSpec {
    pub name: &'static str,
    pub params: &'static [Param],
    pub root: Root,
    pub summary: &'static str,
    pub(super) run: Handler,
}

impl std::fmt::Debug for MethodSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A method of the service; only the table hands these out.
pub type Method = &'static MethodSpec;

const fn s(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Str,
    }
}

macro_rules! method {
    ($name:literal, $root:ident, [$($param:expr),* $(,)?], $run:path, $summary:literal) => {
        MethodSpec {
            name: $name,
            params: &[$($param),*],
            root: Root::$root,
            summary: $summary,
            run: $run,
        }
    };
}

/// In declaration order, which is the order of the WSDL and the help page.
pub static METHODS: &[MethodSpec] = &[
    method!("AuthenticateUser", Root, [s("UID"), s("PWD")], auth::authenticate_user,
        "Logs a user in and returns an authentication ticket."),
    method!("AuthenticateUser1", Root, [s("UID"), s("PWD"), s("Lang")], auth::authenticate_user1,
        "Logs a user in with a session language and returns an authentication ticket."),
    method!("AuthenticateUserViaWindows", Root, [s("language"), s("oldTicket")],
        auth::authenticate_user_via_windows,
        "Logs in the Windows identity of the request (none exists on this server)."),
    method!("RenewTicket", Root, [s("UID"), s("PWD"), s("Lang"), s("OldTicket")],
        auth::renew_ticket,
        "Re-validates credentials and renews the old ticket, or issues a new one."),
    method!("CreateTicketforUser", Root, [s("TrustedUserPwd"), s("UserName")],
        auth::create_ticket_for_user,
        "Issues a ticket for a user on behalf of a trusted application."),
    method!("isValidTicket", Root, [s("AuthenticationTicket")], auth::is_valid_ticket,
        "Tells whether a ticket is valid, without extending it."),
    method!("LogOut", Root, [s("AuthenticationTicket")], auth::log_out,
        "Ends the session of a ticket."),
    method!("ChangeUserPassword", Root,
        [s("AuthenticationTicket"), s("UserName"), s("NewPassword")],
        passwords::change_user_password,
        "Sets a new password for the caller or, for a user manager, another user."),
    method!("ForgotPassword", Root, [s("emailAddress")], passwords::forgot_password,
        "Mails a password-reset link to every account with this e-mail address."),
    method!("ForgotPasswordByUserName", Root, [s("userName")],
        passwords::forgot_password_by_user_name,
        "Mails a password-reset link to one account."),
    method!("ChangePasswordUsingSecretText", Root,
        [s("userName"), s("secretText"), s("newPassword")],
        passwords::change_password_using_secret_text,
        "Sets a new password with the secret of a password-reset mail."),
    method!("GetUser", Response, [s("AuthenticationTicket"), s("UserName")], users::get_user,
        "Returns a user's profile and preferences (the caller's own when UserName is empty)."),
    method!("GetCurrentUser", Root, [s("authenticationTicket")], users::get_current_user,
        "Returns the profile and preferences of the ticket's user."),
    method!("UserExists", Response, [s("AuthenticationTicket"), s("UserName")],
        users::user_exists,
        "Tells whether a user name exists."),
    method!("UpdateUserEmail", Response,
        [s("AuthenticationTicket"), s("UserName"), s("NewEmailAddress")],
        contact::update_user_email,
        "Changes a user's e-mail address."),
    method!("UpdateUserContactInfo", Response,
        [s("authenticationTicket"), s("userName"), s("emailAddress"), s("mobileNumber")],
        contact::update_user_contact_info,
        "Changes a user's e-mail address and mobile number; over SOAP a null value keeps the stored one."),
    method!("ServerInfo", Root, [], server_info::server_info,
        "Returns the server's version, time and feature switches. No ticket needed."),
];

/// The method with exactly this name (method names are case-sensitive).
pub fn find(name: &str) -> Option<Method> {
    METHODS.iter().find(|m| m.name == name)
}

/// The method whose name differs from `name` only in case, for ASMX's hint.
pub fn find_ignoring_case(name: &str) -> Option<Method> {
    METHODS.iter().find(|m| m.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        for (i, m) in METHODS.iter().enumerate() {
            assert!(
                METHODS[i + 1..].iter().all(|o| o.name != m.name),
                "{} twice",
                m.name
            );
        }
    }

    #[test]
    fn lookup_is_case_sensitive() {
        assert!(find("isValidTicket").is_some());
        assert!(find("IsValidTicket").is_none());
        assert_eq!(
            find_ignoring_case("IsValidTicket").map(|m| m.name),
            Some("isValidTicket")
        );
    }
}
