//! Command line and environment: every flag can also be set by its variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::store::FixtureSource;
use crate::tls::TlsSource;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "asmx-emulator",
    version,
    about = "A stand-in for infoRouter's srv.asmx (ASP.NET ASMX SOAP service) over one SQLite file"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ASMX_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// SQLite database file; created and migrated when missing.
    #[arg(long, env = "ASMX_DB", default_value = "asmx-emulator.db")]
    pub db: PathBuf,

    /// Fixture directory (users.json, vendors.json) loaded into a database that has no
    /// users yet; the fixtures built into the binary when unset.
    #[arg(long, env = "ASMX_FIXTURES")]
    pub fixtures: Option<PathBuf>,

    /// How long a ticket lives after its last successful use (sliding), e.g. "30days", "12h".
    #[arg(long, env = "ASMX_TICKET_LIFETIME", default_value = "30days", value_parser = humantime::parse_duration)]
    pub ticket_lifetime: std::time::Duration,

    /// Read SOAP `xsi:nil="true"` as "" (classic .NET ASMX) instead of null (keep the value).
    #[arg(long, env = "ASMX_NIL_AS_EMPTY")]
    pub nil_as_empty: bool,

    /// Shared secret of CreateTicketforUser (`TrustedUserPwd`).
    #[arg(
        long,
        env = "ASMX_TRUSTED_USER_PASSWORD",
        default_value = "trusted-demo-secret",
        hide_env_values = true
    )]
    pub trusted_user_password: String,

    /// The built-in administrator account, which never gets a ticket (`SysadminAccountName`).
    #[arg(long, env = "ASMX_SYSADMIN_ACCOUNT", default_value = "sysadmin")]
    pub sysadmin_account: String,

    /// Report anonymous access as on (ServerInfo) and answer ticketless calls with `[2730]`.
    #[arg(long, env = "ASMX_ANONYMOUS_ACCESS")]
    pub anonymous_access: bool,

    /// Company name ServerInfo reports.
    #[arg(long, env = "ASMX_COMPANY", default_value = "Example Corporation")]
    pub company: String,

    /// Server name ServerInfo reports.
    #[arg(long, env = "ASMX_SERVER_NAME", default_value = "IRSERVER01")]
    pub server_name: String,

    /// Largest request body accepted, in bytes (ASP.NET's default maxRequestLength is 4 MiB).
    #[arg(long, env = "ASMX_MAX_BODY", default_value_t = 4 * 1024 * 1024)]
    pub max_body: usize,

    /// How long a request body may take to arrive once its headers are in, e.g. "30s";
    /// a body still incomplete then is answered 400 and its connection closed.
    #[arg(long, env = "ASMX_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: std::time::Duration,

    /// Throttle CommBox per API key, e.g. "10/s" or "600/min" (429 with Retry-After);
    /// off when unset.
    #[arg(long, env = "ASMX_COMMBOX_RATE", value_parser = crate::vendors::rate_limit::Rate::parse)]
    pub commbox_rate: Option<crate::vendors::rate_limit::Rate>,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "ASMX_WORKERS")]
    pub workers: Option<usize>,

    /// Require `Authorization: Bearer <token>` on every `/__emulator/` request (the admin
    /// API); open when unset.
    #[arg(long, env = "ASMX_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// How many worlds (`/worlds/{name}/…`, docs/worlds.md) may exist besides `default`;
    /// a request that would make one more is answered 503.
    #[arg(long, env = "ASMX_MAX_WORLDS", default_value_t = 256)]
    pub max_worlds: usize,

    /// How long a world (other than `default`) may go without a request before it is
    /// dropped with its file, e.g. "24h"; measured on the default world's clock.
    #[arg(long, env = "ASMX_WORLD_IDLE", default_value = "24h", value_parser = humantime::parse_duration)]
    pub world_idle: std::time::Duration,

    /// How many emulated requests the journal (`/__emulator/requests`) keeps; 0 turns it off.
    #[arg(long, env = "ASMX_JOURNAL_SIZE", default_value_t = 1000)]
    pub journal_size: usize,

    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish, e.g. "10s";
    /// connections still open then are closed. Everything kept in memory is written
    /// either way.
    #[arg(long, env = "ASMX_SHUTDOWN_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub shutdown_timeout: std::time::Duration,

    /// Serve HTTPS with this PEM certificate (chain) and the key given with it.
    #[arg(
        long,
        env = "ASMX_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(long, env = "ASMX_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a certificate for localhost and 127.0.0.1 made at start: writes
    /// cert.pem and key.pem into this directory and prints its SHA-256 fingerprint.
    #[arg(long, env = "ASMX_TLS_SELF_SIGNED")]
    pub tls_self_signed: Option<PathBuf>,

    /// For tests only: caps the database at this many pages (SQLite's max_page_count),
    /// so that a test can fill it up as a full disk would.
    #[arg(long, env = "ASMX_TEST_MAX_PAGES")]
    pub test_max_pages: Option<u32>,

    /// Log line format: human-readable text or one JSON object per line.
    #[arg(long, env = "ASMX_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// A parity tool (docs/parity.md) instead of the server; a subcommand, not a flag.
    #[command(subcommand)]
    tool: Option<crate::parity::cli::Tool>,
}

impl Config {
    /// The parity tool to run instead of the server, if one was named.
    pub fn tool(&self) -> Option<&crate::parity::cli::Tool> {
        self.tool.as_ref()
    }
}

impl Config {
    /// Where the seed data comes from: `--fixtures`, or what the binary carries.
    pub fn fixture_source(&self) -> FixtureSource {
        self.fixtures
            .as_ref()
            .map_or(FixtureSource::BuiltIn, FixtureSource::from)
    }

    /// HTTPS, when asked for.
    pub fn tls(&self) -> Option<TlsSource> {
        match (&self.tls_cert, &self.tls_key, &self.tls_self_signed) {
            (Some(cert), Some(key), _) => Some(TlsSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            (_, _, Some(dir)) => Some(TlsSource::SelfSigned(dir.clone())),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
