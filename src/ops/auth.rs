//! The login and ticket family: AuthenticateUser, AuthenticateUser1,
//! AuthenticateUserViaWindows, RenewTicket, CreateTicketforUser, isValidTicket, LogOut.

use std::sync::Arc;

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::Reply;
use super::secrets::{parse_guid, secrets_equal};
use super::session::Caller;
use super::user_view::login_attrs;
use crate::model::{Session, User};

/// Checks a login; `blocked` is this method's wording of `[902]` for the built-in
/// administrator account (docs/compatibility.md A6).
fn check_credentials(
    ctx: &Ctx,
    uid: Option<&str>,
    pwd: Option<&str>,
    blocked: OpError,
) -> Result<Arc<User>, OpError> {
    let user = match uid.filter(|u| !u.is_empty()) {
        Some(uid) => ctx.tx.user_by_name(uid)?,
        None => None,
    };
    let hash = user
        .as_ref()
        .filter(|u| u.is_native())
        .and_then(|u| u.password_hash.as_deref());
    if !ctx.verify_password(pwd.unwrap_or(""), hash) {
        return Err(OpError::AuthenticationFailed);
    }
    let user = user.ok_or(OpError::AuthenticationFailed)?;
    if !user.enabled {
        return Err(OpError::AuthenticationFailed);
    }
    if ctx.is_sysadmin_account(&user) {
        return Err(blocked);
    }
    Ok(user)
}

fn logged_in(ctx: &Ctx, user: &User, session: &Session) -> Result<Reply, OpError> {
    ctx.act_as(user);
    ctx.tx.set_last_logon(user, ctx.now)?;
    Ok(login_attrs(
        Reply::ok().attr("ticket", &session.ticket),
        user,
        session,
    ))
}

fn language(args: &Args, name: &str) -> String {
    args.str(name).unwrap_or("").trim().to_ascii_lowercase()
}

/// AuthenticateUser and AuthenticateUser1: the same login, the latter with a language.
fn authenticate(ctx: &Ctx, args: &Args, language: &str) -> Result<Reply, OpError> {
    let user = check_credentials(
        ctx,
        args.str("UID"),
        args.str("PWD"),
        OpError::TicketGenerationNotAllowed,
    )?;
    let session = ctx.issue_ticket(&user, language)?;
    logged_in(ctx, &user, &session)
}

pub fn authenticate_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    authenticate(ctx, args, "")
}

pub fn authenticate_user1(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    authenticate(ctx, args, &language(args, "Lang"))
}

/// The old ticket of RenewTicket / AuthenticateUserViaWindows: parameter or cookie,
/// rejected as `invalid ticket format` before anything else when it is not a GUID.
fn old_ticket(ctx: &Ctx, param: Option<&str>) -> Result<Option<String>, OpError> {
    match ctx.ticket_or_cookie(param) {
        None => Ok(None),
        Some(t) => parse_guid(t).map(Some).ok_or(OpError::InvalidTicketFormat),
    }
}

/// This server has no Windows identity on any request, so the call can only fail.
pub fn authenticate_user_via_windows(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    old_ticket(ctx, args.str("oldTicket"))?;
    Err(OpError::UnauthenticatedUser)
}

pub fn renew_ticket(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let old = old_ticket(ctx, args.str("OldTicket"))?;
    let user = check_credentials(
        ctx,
        args.str("UID"),
        args.str("PWD"),
        OpError::TicketGenerationNotAllowedForUser,
    )?;
    let lang = language(args, "Lang");
    let live = match old {
        Some(ticket) => ctx.session(&ticket)?.filter(|c| c.user.id == user.id),
        None => None,
    };
    let session = match live {
        Some(Caller { mut session, .. }) => {
            session.expires_at = ctx.now + ctx.settings.ticket_lifetime;
            let lang = Some(lang.as_str()).filter(|l| !l.is_empty());
            ctx.tx
                .extend_ticket(&session.ticket, session.expires_at, lang)?;
            session
        }
        None => ctx.issue_ticket(&user, &lang)?,
    };
    logged_in(ctx, &user, &session)
}

pub fn create_ticket_for_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let secret = args.str("TrustedUserPwd").unwrap_or("");
    if !secrets_equal(secret, &ctx.settings.trusted_user_password) {
        return Err(OpError::AuthenticationFailed);
    }
    let user = match args.str("UserName").filter(|n| !n.is_empty()) {
        Some(name) => ctx.find_user(name)?,
        None => None,
    }
    .ok_or(OpError::AuthenticationFailed)?;
    if ctx.is_sysadmin_account(&user) {
        return Err(OpError::TicketGenerationNotAllowedForUser);
    }
    if !user.enabled {
        return Err(OpError::AuthenticationFailed);
    }
    let session = ctx.issue_ticket(&user, "")?;
    ctx.act_as(&user);
    ctx.tx.set_last_logon(&user, ctx.now)?;
    Ok(Reply::ok().attr("ticket", session.ticket))
}

/// Passive: reports the session without extending it.
pub fn is_valid_ticket(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = match ctx.ticket_or_cookie(args.str("AuthenticationTicket")) {
        Some(ticket) => ctx.session(ticket)?,
        None => None,
    }
    .ok_or(OpError::SessionExpired)?;
    Ok(login_attrs(Reply::ok(), &caller.user, &caller.session))
}

pub fn log_out(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = match ctx.ticket_or_cookie(args.str("AuthenticationTicket")) {
        Some(ticket) => ctx.session(ticket)?,
        None => None,
    }
    .ok_or(OpError::SessionExpired)?;
    ctx.tx.delete_ticket(&caller.session.ticket)?;
    Ok(Reply::ok())
}
