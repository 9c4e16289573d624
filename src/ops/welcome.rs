//! SendWelcomeEmailForUser: system administrators only, with its own wording of the
//! errors (docs/compatibility.md B2.23).

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::mails::{self, AccountMail};
use super::reply::Reply;

pub fn send_welcome_email_for_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    ctx.sysadmin_caller(
        args.str("authenticationTicket"),
        OpError::OnlySystemAdministrator,
    )?;
    let user = ctx.user(args.str("userName")).map_err(|e| match e {
        OpError::UserNotFound => OpError::UserDoesNotExist,
        e => e,
    })?;
    mails::send(ctx, &user, AccountMail::Welcome)?;
    Ok(Reply::ok())
}
