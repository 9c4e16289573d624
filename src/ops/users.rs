//! Reading users: GetUser, GetCurrentUser, UserExists.

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::{Node, Reply};
use super::user_view::user_node;

/// Any authenticated user may read any user (docs/compatibility.md A13); an empty or blank
/// `UserName` means the caller (docs/compatibility.md A12).
pub fn get_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("AuthenticationTicket"))?;
    let user = match args.str("UserName").filter(|n| !n.trim().is_empty()) {
        None => caller.user,
        Some(name) => ctx.find_user(name)?.ok_or(OpError::UserNotFound)?,
    };
    Ok(Reply::ok().child(user_node(user)))
}

/// GetUser's `<User>` for the ticket's user, plus an empty `<TaskRedirection />`
/// (docs/compatibility.md A11).
pub fn get_current_user(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let caller = ctx.caller(args.str("authenticationTicket"))?;
    Ok(Reply::ok().child(user_node(caller.user).child(Node::new("TaskRedirection"))))
}

pub fn user_exists(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    ctx.caller(args.str("AuthenticationTicket"))?;
    ctx.user(args.str("UserName"))?;
    Ok(Reply::ok())
}
