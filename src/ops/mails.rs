//! The mails sent about an account: the password-reset mail (Forgot*) and the welcome
//! mail (SendWelcomeEmailForUser). Both are recorded, not sent (docs/compatibility.md A21). A native
//! user gets a link with a password-reset secret that ChangePasswordUsingSecretText
//! accepts; an external user gets a notice naming the authority that holds the password.

use chrono::Duration;

use super::ctx::Ctx;
use super::error::OpError;
use super::secrets::new_guid;
use crate::model::{Mail, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountMail {
    PasswordReset,
    Welcome,
}

impl AccountMail {
    /// How long the link works: one hour for a reset (ForgotPassword pages), 48 hours
    /// for a welcome (SendWelcomeEmailForUser page).
    fn link_lifetime(self) -> Duration {
        match self {
            AccountMail::PasswordReset => Duration::hours(1),
            AccountMail::Welcome => Duration::hours(48),
        }
    }

    fn template(self, native: bool) -> &'static str {
        match (self, native) {
            (AccountMail::PasswordReset, true) => "FORGOTPASSWORD",
            (AccountMail::PasswordReset, false) => "FORGOTPASSWORDEXTERNAL",
            (AccountMail::Welcome, true) => "WELCOMETOIR",
            (AccountMail::Welcome, false) => "WELCOMETOIREXTERNAL",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            AccountMail::PasswordReset => "Password reset request",
            AccountMail::Welcome => "Welcome to infoRouter",
        }
    }

    /// The body; `link` is empty for an external user.
    fn body(self, user: &User, link: &str) -> String {
        let (name, login, authority) = (user.full_name(), &user.user_name, &user.auth_source);
        match (self, link.is_empty()) {
            (AccountMail::PasswordReset, false) => format!(
                "Dear {name},\n\nA password reset was requested for your account '{login}'.\n\
                 To choose a new password, open this link within one hour:\n{link}\n\n\
                 If you did not ask for this, ignore this message.\n"
            ),
            (AccountMail::PasswordReset, true) => format!(
                "Dear {name},\n\nYour account '{login}' signs in through {authority}. Its password cannot be \
                 reset here; please contact your administrator.\n"
            ),
            (AccountMail::Welcome, false) => format!(
                "Dear {name},\n\nWelcome to infoRouter. Your user name is '{login}'.\n\
                 To choose your password, open this link within 48 hours:\n{link}\n"
            ),
            (AccountMail::Welcome, true) => format!(
                "Dear {name},\n\nWelcome to infoRouter. Your user name is '{login}'.\n\
                 Sign in with your {authority} credentials.\n"
            ),
        }
    }
}

/// Records `kind` for `user`, with a fresh reset secret for a native user.
pub fn send(ctx: &Ctx, user: &User, kind: AccountMail) -> Result<(), OpError> {
    if user.email.is_empty() {
        return Err(OpError::NoEmailOnFile);
    }
    let (link, secret) = if user.is_native() {
        let secret = new_guid();
        ctx.tx
            .insert_reset_code(&secret, user.id, ctx.now + kind.link_lifetime())?;
        let link = format!(
            "{}/resetpassword.aspx?username={}&secretText={}",
            ctx.request.site_url,
            form_urlencoded(&user.user_name),
            secret
        );
        (link, secret)
    } else {
        (String::new(), String::new())
    };
    let mail = Mail {
        to_address: user.email.clone(),
        user_name: user.user_name.clone(),
        template: kind.template(user.is_native()).into(),
        subject: kind.subject().into(),
        body: kind.body(user, &link),
        link,
        secret,
    };
    ctx.tx.record_mail(&mail, ctx.now)?;
    Ok(())
}

fn form_urlencoded(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
