//! The method table: one row per infoRouter method. It drives dispatch, the WSDL and the
//! help pages, so a method exists on every binding or on none (docs/compatibility.md A23).

use super::args::{Param, ParamKind};
use super::method::{Access, Method, MethodSpec};
use super::reply::Root;
use super::{
    admin, auth, contact, domains, listing, passwords, preferences, server_info, users, welcome,
};

const fn s(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Str,
    }
}

const fn i(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Int,
    }
}

const fn b(name: &'static str) -> Param {
    Param {
        name,
        kind: ParamKind::Bool,
    }
}

macro_rules! method {
    (lookup $($spec:tt)*) => {
        MethodSpec { access: Access::Lookup, ..method!($($spec)*) }
    };
    (read $($spec:tt)*) => {
        MethodSpec { access: Access::Read, ..method!($($spec)*) }
    };
    (stream $($spec:tt)*) => {
        MethodSpec { access: Access::Stream, ..method!($($spec)*) }
    };
    ($name:literal, $root:ident, [$($param:expr),* $(,)?], $run:path, $summary:literal) => {
        method!($name, $root, &[$($param),*], $run, $summary)
    };
    ($name:literal, $root:ident, $params:expr, $run:path, $summary:literal) => {
        MethodSpec {
            name: $name,
            params: $params,
            root: Root::$root,
            summary: $summary,
            access: Access::Write,
            run: $run,
        }
    };
}

/// The page, filters and sort of GetAllUsers2 and GetAllUsersWithoutDetails.
const USER_PAGE: &[Param] = &[
    s("AuthenticationTicket"),
    i("StartingRowNumber"),
    i("NumberOfRow"),
    s("firstNameFilter"),
    s("lastNameFilter"),
    s("userNameFilter"),
    s("emailFilter"),
    s("authenticationSourceFilter"),
    s("domainNameFilter"),
    i("UserStatusFilter"),
    i("UserTypeFilter"),
    i("SortBy"),
    b("SortAscending"),
];

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
    method!(lookup "isValidTicket", Root, [s("AuthenticationTicket")], auth::is_valid_ticket,
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
    method!(lookup "GetUser", Response, [s("AuthenticationTicket"), s("UserName")], users::get_user,
        "Returns a user's profile and preferences (the caller's own when UserName is empty)."),
    method!(lookup "GetCurrentUser", Root, [s("authenticationTicket")], users::get_current_user,
        "Returns the profile and preferences of the ticket's user."),
    method!(lookup "UserExists", Response, [s("AuthenticationTicket"), s("UserName")],
        users::user_exists,
        "Tells whether a user name exists."),
    method!(stream "GetAllUsers", Response, [s("AuthenticationTicket")], listing::get_all_users,
        "Returns every user with full details, by first name then last name. System administrators only."),
    method!(read "GetAllUsers1", Response,
        [s("AuthenticationTicket"), i("StartingRowNumber"), i("NumbeOfRow"), s("firstNameFilter"),
         s("lastNameFilter"), s("userNameFilter"), s("emailFilter"), s("authenticationSourceFilter"),
         s("domainNameFilter"), i("StatusFilter"), i("SortBy"), b("SortAscending")],
        listing::get_all_users1,
        "Returns a filtered, sorted page of users with full details and the total count. System administrators only."),
    method!(read "GetAllUsers2", Response,
        USER_PAGE,
        listing::get_all_users2,
        "Like GetAllUsers1, with a user type filter. System administrators only."),
    method!(read "GetAllUsersWithoutDetails", Response,
        USER_PAGE,
        listing::get_all_users_without_details,
        "Like GetAllUsers2, with identity attributes only. System administrators only."),
    method!(stream "GetLocalUsers", Response, [s("AuthenticationTicket"), s("DomainName")],
        domains::get_local_users,
        "Returns the users whose default domain is the given one. System administrators and the domain's managers."),
    method!(stream "GetCoWorkers", Response, [s("AuthenticationTicket")], domains::get_co_workers,
        "Returns the other members of the caller's domains, by first name then last name."),
    method!(stream "GetCoWorkers1", Response,
        [s("AuthenticationTicket"), i("SortBy"), b("SortAscending"), b("DetailMode")],
        domains::get_co_workers1,
        "Returns the caller's co-workers in a chosen order, in full or identity only."),
    method!("CreateUser", Response,
        [s("AuthenticationTicket"), s("DomainName"), s("UserName"), s("FirstName"), s("LastName"),
         s("EmailAddress"), s("Password"), b("ReadOnlyUser"), s("AuthenticationSource")],
        admin::create_user,
        "Creates a user and returns its id. System administrators only."),
    method!("DeleteUser", Response, [s("AuthenticationTicket"), s("UserName")], admin::delete_user,
        "Deletes a user, named by login name or as ID:123. System administrators only."),
    method!("DeleteUser1", Response,
        [s("AuthenticationTicket"), s("UserPassword"), s("UserName")], admin::delete_user1,
        "Deletes a user after checking the caller's own password. System administrators only."),
    method!("UpdateUserEmail", Response,
        [s("AuthenticationTicket"), s("UserName"), s("NewEmailAddress")],
        contact::update_user_email,
        "Changes a user's e-mail address."),
    method!("UpdateUserContactInfo", Response,
        [s("authenticationTicket"), s("userName"), s("emailAddress"), s("mobileNumber")],
        contact::update_user_contact_info,
        "Changes a user's e-mail address and mobile number; over SOAP a null value keeps the stored one."),
    method!("UpdateUserProfile", Response,
        [s("AuthenticationTicket"), s("UserName"), s("NewUserName"), s("NewFirstName"),
         s("NewLastName"), s("AuthenticateSource")],
        admin::update_user_profile,
        "Changes a user's login name, names and authentication source. System administrators only."),
    method!("UpdateUserPreferences", Response,
        [s("AuthenticationTicket"), s("UserName"), s("XmlPreferences")],
        preferences::update_user_preferences,
        "Changes the preferences named in a Preferences XML element; the rest are kept."),
    method!("ChangeUserStatus", Response,
        [s("AuthenticationTicket"), s("UserName"), i("StatusCode")], admin::change_user_status,
        "Enables (1) or disables (0) a user. System administrators only."),
    method!("ChangeUserType", Response,
        [s("AuthenticationTicket"), s("UserName"), i("UserType")], admin::change_user_type,
        "Makes a user an author (1) or read-only (2). System administrators only."),
    method!("SendWelcomeEmailForUser", Root, [s("authenticationTicket"), s("userName")],
        welcome::send_welcome_email_for_user,
        "Mails a user a welcome message, with a 48-hour password link for native users. System administrators only."),
    method!(lookup "ServerInfo", Root, [], server_info::server_info,
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
