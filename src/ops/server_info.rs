//! ServerInfo: anonymous, no ticket.

use super::args::Args;
use super::ctx::Ctx;
use super::error::OpError;
use super::reply::Reply;

const VERSION_NUMBER: &str = "8.7.0.0";
const LICENSE_COUNT: &str = "100";

fn flag(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

pub fn server_info(ctx: &Ctx, _args: &Args) -> Result<Reply, OpError> {
    let s = ctx.settings;
    // The server's local time is UTC (docs/compatibility.md A9), so the offset is 0.
    let subscription_end = ctx.now + chrono::Duration::days(365);
    Ok(Reply::ok()
        .attr("VersionNumber", VERSION_NUMBER)
        .attr(
            "Server_date_time",
            ctx.now.format("%Y-%m-%dT%H:%M:%S").to_string(),
        )
        .attr(
            "Coordinated_Universal_Time",
            ctx.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
        .attr("UTC_Offset", "0")
        .attr("Company", &s.company)
        .attr("ServerName", &s.server_name)
        .attr("LicenseCount", LICENSE_COUNT)
        .attr(
            "SubscriptionEndDate",
            subscription_end.format("%Y-12-31T23:59:59Z").to_string(),
        )
        .attr("WindowsAuthenticationIsOn", flag(false))
        .attr("WorkflowIsOn", flag(false))
        .attr("AnonymousAccessIsOn", flag(s.anonymous_access))
        .attr("ComplianceModuleIsOn", flag(false)))
}
