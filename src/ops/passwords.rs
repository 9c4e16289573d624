//! ChangeUserPassword, ForgotPassword, ForgotPasswordByUserName and
//! ChangePasswordUsingSecretText. Mails are recorded, not sent (Part A21).

use chrono::Duration;

use super::args::Args;
use super::error::OpError;
use super::reply::Reply;
use super::secrets::{hash_password, new_guid, parse_guid, verify_password};
use super::Ctx;
use crate::model::{Mail, User};

/// How long a reset link works (ForgotPassword pages: one hour).
const RESET_CODE_LIFETIME: Duration = Duration::hours(1);

/// The password policy (Part A20): not empty, and not the current password.
fn set_password(ctx: &Ctx, user: &User, new_password: Option<&str>) -> Result<(), OpError> {
    let new_password = new_password.unwrap_or("");
    if new_password.is_empty() {
        return Err(OpError::EmptyPassword);
    }
    if verify_password(new_password, user.password_hash.as_deref()) {
        return Err(OpError::SamePassword);
    }
    ctx.tx
        .set_password(user.id, &hash_password(new_password), ctx.now)?;
    Ok(())
}

pub fn change_user_password(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let target = ctx.user(args.str("UserName"))?;
    if !caller.may_manage(&target) {
        return Err(OpError::InsufficientRights);
    }
    if !target.is_native() {
        return Err(OpError::ExternalAuthentication);
    }
    set_password(ctx, &target, args.str("NewPassword"))?;
    Ok(Reply::ok())
}

/// Records a reset mail for `user`: a link with a one-hour secret for native users,
/// a notice that the password lives elsewhere for external ones.
fn mail_reset_link(ctx: &Ctx, user: &User) -> Result<(), OpError> {
    if user.email.is_empty() {
        return Err(OpError::NoEmailOnFile);
    }
    let mail = if user.is_native() {
        let secret = new_guid();
        ctx.tx
            .insert_reset_code(&secret, user.id, ctx.now + RESET_CODE_LIFETIME)?;
        let link = format!(
            "{}/resetpassword.aspx?username={}&secretText={}",
            ctx.request.site_url,
            form_urlencoded(&user.user_name),
            secret
        );
        Mail {
            to_address: user.email.clone(),
            user_name: user.user_name.clone(),
            template: "FORGOTPASSWORD".into(),
            subject: "Password reset request".into(),
            body: format!(
                "Dear {},\n\nA password reset was requested for your account '{}'.\n\
                 To choose a new password, open this link within one hour:\n{}\n\n\
                 If you did not ask for this, ignore this message.\n",
                user.full_name(),
                user.user_name,
                link
            ),
            link,
            secret,
        }
    } else {
        Mail {
            to_address: user.email.clone(),
            user_name: user.user_name.clone(),
            template: "FORGOTPASSWORDEXTERNAL".into(),
            subject: "Password reset request".into(),
            body: format!(
                "Dear {},\n\nYour account '{}' signs in through {}. Its password cannot be \
                 reset here; please contact your administrator.\n",
                user.full_name(),
                user.user_name,
                user.auth_source
            ),
            link: String::new(),
            secret: String::new(),
        }
    };
    ctx.tx.record_mail(&mail, ctx.now)?;
    Ok(())
}

fn form_urlencoded(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

pub fn forgot_password(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let email = args.str("emailAddress").unwrap_or("").trim();
    if email.is_empty() {
        return Err(OpError::EmailRequired);
    }
    let users = ctx.tx.users_by_email(email)?;
    if users.is_empty() {
        return Err(OpError::NoUserWithEmail);
    }
    for user in &users {
        mail_reset_link(ctx, user)?;
    }
    Ok(Reply::ok())
}

pub fn forgot_password_by_user_name(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let name = args.str("userName").unwrap_or("").trim();
    if name.is_empty() {
        return Err(OpError::UserNameRequired);
    }
    let user = ctx.find_user(name)?.ok_or(OpError::UserNotFound)?;
    mail_reset_link(ctx, &user)?;
    Ok(Reply::ok())
}

pub fn change_password_using_secret_text(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let secret = args
        .str("secretText")
        .and_then(parse_guid)
        .ok_or(OpError::InvalidResetCode)?;
    let user = ctx.user(args.str("userName"))?;
    if !user.is_native() {
        return Err(OpError::ExternalAuthentication);
    }
    if !ctx.tx.consume_reset_code(&secret, user.id, ctx.now)? {
        return Err(OpError::InvalidResetCode);
    }
    set_password(ctx, &user, args.str("newPassword"))?;
    Ok(Reply::ok())
}
