//! UpdateUserEmail and UpdateUserContactInfo: a null value keeps the stored field,
//! `""` clears it (docs/compatibility.md A4). System administrators may change anyone, users themselves.

use super::args::Args;
use super::error::OpError;
use super::reply::Reply;
use super::vendor_users;
use super::Ctx;
use crate::model::{ContactPatch, VendorPatch};

fn update_contact(
    ctx: &Ctx,
    ticket: Option<&str>,
    user_name: Option<&str>,
    patch: ContactPatch,
) -> Result<Reply, OpError> {
    let caller = ctx.caller(ticket)?;
    let target = ctx.user(user_name)?;
    if !caller.may_manage(&target) {
        return Err(OpError::AccessDenied);
    }
    // Through the rules every API shares, so the vendor APIs see the change in step.
    let change = VendorPatch {
        email: patch.email,
        mobile: patch.mobile,
        ..VendorPatch::default()
    };
    vendor_users::apply_to(ctx.tx, target, &change, ctx.now)?;
    Ok(Reply::ok())
}

pub fn update_user_email(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let patch = ContactPatch {
        email: args.str("NewEmailAddress").map(str::to_string),
        mobile: None,
    };
    update_contact(
        ctx,
        args.str("AuthenticationTicket"),
        args.str("UserName"),
        patch,
    )
}

pub fn update_user_contact_info(ctx: &Ctx, args: &Args) -> Result<Reply, OpError> {
    let patch = ContactPatch {
        email: args.str("emailAddress").map(str::to_string),
        mobile: args.str("mobileNumber").map(str::to_string),
    };
    update_contact(
        ctx,
        args.str("authenticationTicket"),
        args.str("userName"),
        patch,
    )
}
