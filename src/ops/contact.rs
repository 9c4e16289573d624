//! UpdateUserEmail and UpdateUserContactInfo: a null value keeps the stored field,
//! `""` clears it (docs/compatibility.md A4). System administrators may change anyone, users themselves.

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::Reply;
use super::user_write::{self, change::UserChange};

fn update_contact(
    ctx: &Ctx,
    ticket: Option<&str>,
    user_name: Option<&str>,
    email: Option<&str>,
    mobile: Option<&str>,
) -> Result<Reply, OpError> {
    let caller = ctx.caller(ticket)?;
    let target = ctx.user(user_name)?;
    if !caller.may_manage(&target) {
        return Err(OpError::AccessDenied);
    }
    // Through the write every API shares, so the vendor APIs see the change in step.
    let change = UserChange {
        email: email.map(str::to_string),
        mobile: mobile.map(str::to_string),
        ..UserChange::default()
    };
    user_write::apply(ctx.tx, target, &change, ctx.now)?;
    Ok(Reply::ok())
}

pub fn update_user_email(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    update_contact(
        ctx,
        args.str("AuthenticationTicket"),
        args.str("UserName"),
        args.str("NewEmailAddress"),
        None,
    )
}

pub fn update_user_contact_info(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    update_contact(
        ctx,
        args.str("authenticationTicket"),
        args.str("userName"),
        args.str("emailAddress"),
        args.str("mobileNumber"),
    )
}
