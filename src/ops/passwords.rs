//! ChangeUserPassword, ForgotPassword, ForgotPasswordByUserName and
//! ChangePasswordUsingSecretText. The reset mail itself is composed in `mails.rs`.

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::mails::{self, AccountMail};
use super::reply::Reply;
use super::secrets::parse_guid;
use crate::model::User;

/// The password policy (docs/compatibility.md A20): not empty, and not the current password.
fn set_password(ctx: &Ctx, user: &User, new_password: Option<&str>) -> Result<(), OpError> {
    let new_password = new_password.unwrap_or("");
    if new_password.is_empty() {
        return Err(OpError::EmptyPassword);
    }
    if ctx.verify_password(new_password, user.password_hash.as_deref()) {
        return Err(OpError::SamePassword);
    }
    ctx.tx
        .set_password(user.id, &ctx.hash_password(new_password), ctx.now)?;
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
        mails::send(ctx, user, AccountMail::PasswordReset)?;
    }
    Ok(Reply::ok())
}

pub fn forgot_password_by_user_name(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let name = args.str("userName").unwrap_or("").trim();
    if name.is_empty() {
        return Err(OpError::UserNameRequired);
    }
    let user = ctx.find_user(name)?.ok_or(OpError::UserNotFound)?;
    mails::send(ctx, &user, AccountMail::PasswordReset)?;
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
