//! How a user looks on the wire: the `<User>` element and the login attributes.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::reply::{Node, Reply, Text};
use crate::model::{Session, User};

/// A text field of `user`, shared with the node instead of copied into it.
fn field(user: &Arc<User>, get: fn(&User) -> &str) -> Text {
    Text::Field(Arc::clone(user), get)
}

fn upper_bool(b: bool) -> &'static str {
    if b {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// `LastLogonDate` style (docs/compatibility.md A9): server local time, which is UTC here.
fn format_date(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// `expireOn` style (docs/compatibility.md A9).
pub fn format_expiry(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The attributes AuthenticateUser, RenewTicket and isValidTicket share, in their
/// documented order (the caller adds `ticket` first where the method has one).
pub fn login_attrs(reply: Reply, user: &User, session: &Session) -> Reply {
    reply
        .attr("userid", user.id.to_string())
        .attr("username", &user.user_name)
        .attr("firstName", &user.first_name)
        .attr("lastName", &user.last_name)
        .attr("fullname", user.full_name())
        .attr("email", &user.email)
        .attr("expireOn", format_expiry(session.expires_at))
        .attr("isAuthenticated", "True")
}

/// How many attributes each element has, so its list is allocated once (a wrong
/// count only costs the list growing again).
const IDENTITY_ATTRS: usize = 8;
const USER_ATTRS: usize = IDENTITY_ATTRS + 5;
const PREFERENCES_ATTRS: usize = 8;

/// The short `<User>` of GetAllUsersWithoutDetails and GetCoWorkers1 without
/// `detailMode`: who the user is and how to reach them. `MobileNumber` is part of
/// every `<User>` (docs/compatibility.md A3), so it is here too.
pub fn identity_node(user: Arc<User>) -> Node {
    identity_attrs(Node::new("User").reserve_attrs(IDENTITY_ATTRS), &user)
}

fn identity_attrs(node: Node, user: &Arc<User>) -> Node {
    node.attr("exists", "true")
        .attr("UserID", user.id.to_string())
        .attr("FirstName", field(user, |u| &u.first_name))
        .attr("LastName", field(user, |u| &u.last_name))
        .attr("Email", field(user, |u| &u.email))
        .attr("MobileNumber", field(user, |u| &u.mobile))
        .attr("Enabled", upper_bool(user.enabled))
        .attr("UserName", field(user, |u| &u.user_name))
}

/// The full `<User>` element of GetUser, GetCurrentUser and the detailed listings,
/// with `<Preferences>`.
pub fn user_node(user: Arc<User>) -> Node {
    let p = &user.preferences;
    let preferences = Node::new("Preferences")
        .reserve_attrs(PREFERENCES_ATTRS)
        .attr("Language", field(&user, |u| &u.preferences.language))
        .attr(
            "DefaultPortal",
            field(&user, |u| &u.preferences.default_portal),
        )
        .attr("ShowArchives", upper_bool(p.show_archives))
        .attr("ShowHiddens", upper_bool(p.show_hiddens))
        .attr("NotificationType", p.notification.name())
        .attr("NotificationTypeId", p.notification.id().to_string())
        .attr("EmailType", field(&user, |u| &u.preferences.email_type))
        .attr(
            "AttachDocumentToEmail",
            upper_bool(p.attach_document_to_email),
        );
    identity_attrs(Node::new("User").reserve_attrs(USER_ATTRS), &user)
        .attr(
            "Domain",
            field(&user, |u| u.domain.as_deref().unwrap_or("")),
        )
        .attr("LastLogonDate", format_date(user.last_logon))
        .attr(
            "LastPasswordChangeDate",
            format_date(user.last_password_change),
        )
        .attr("AuthenticationAuthority", field(&user, |u| &u.auth_source))
        .attr("ReadOnlyUser", upper_bool(user.read_only))
        .child(preferences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_follow_part_a9() {
        let t = Utc.with_ymd_and_hms(2026, 3, 20, 14, 35, 0).unwrap();
        assert_eq!(format_expiry(t), "2026-03-20T14:35:00Z");
        assert_eq!(format_date(Some(t)), "2026-03-20 14:35:00");
        assert_eq!(format_date(None), "");
    }
}
