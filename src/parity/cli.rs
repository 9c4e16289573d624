//! The `record` and `compare` subcommands (docs/parity.md): their flags, each with its
//! `ASMX_*` variable, and the one place their errors become a message and exit status 2.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::parity::error::ParityError;
use crate::parity::html;
use crate::parity::proxy::{record, RecordSettings};
use crate::parity::replay::{self, CompareSettings};
use crate::parity::report;

/// The parity kit: without a subcommand the binary is the server.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Tool {
    /// Run an HTTP proxy to a real server and write every exchange to a capture directory.
    Record(RecordArgs),
    /// Replay a capture directory against a server and report every difference
    /// (exit 0: no protocol or schema difference, 1: some, 2: could not run).
    Compare(CompareArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct RecordArgs {
    /// The server to record, e.g. http://staging.example.com/inforouter (plain HTTP).
    #[arg(long, env = "ASMX_RECORD_UPSTREAM")]
    pub upstream: String,

    /// The capture directory to write; created, or empty.
    #[arg(long, env = "ASMX_RECORD_OUT")]
    pub out: PathBuf,

    /// Address the proxy listens on; point the client under test at it.
    #[arg(long, env = "ASMX_RECORD_BIND", default_value = "127.0.0.1:8081")]
    pub bind: SocketAddr,

    /// Write password fields (PWD, *password*, Basic credentials) as `{redacted}`.
    #[arg(long, env = "ASMX_RECORD_REDACT")]
    pub redact: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct CompareArgs {
    /// The capture directory `record` wrote.
    pub dir: PathBuf,

    /// The server to replay against, e.g. http://127.0.0.1:8080/worlds/parity.
    #[arg(long, env = "ASMX_COMPARE_AGAINST")]
    pub against: String,

    /// A users.json document loaded into the target through its admin API first; its
    /// passwords also replace redacted ones.
    #[arg(long, env = "ASMX_COMPARE_FIXTURES")]
    pub fixtures: Option<PathBuf>,

    /// Write the Markdown report here (default: print it).
    #[arg(long, env = "ASMX_COMPARE_REPORT")]
    pub report: Option<PathBuf>,

    /// Also write the report as one HTML page here.
    #[arg(long, env = "ASMX_COMPARE_HTML")]
    pub html: Option<PathBuf>,
}

fn write(path: &PathBuf, text: &str) -> Result<(), ParityError> {
    std::fs::write(path, text).map_err(|source| ParityError::File {
        path: path.clone(),
        source,
    })
}

fn compare(args: &CompareArgs) -> Result<i32, ParityError> {
    let outcome = replay::run(&CompareSettings {
        dir: args.dir.clone(),
        against: args.against.clone(),
        fixtures: args.fixtures.clone(),
    })?;
    let markdown = report::markdown(&outcome);
    match &args.report {
        Some(path) => write(path, &markdown)?,
        None => print!("{markdown}"),
    }
    if let Some(path) = &args.html {
        write(path, &html::page(&outcome))?;
    }
    eprintln!("asmx-emulator compare: {}", report::verdict(&outcome));
    Ok(outcome.exit_code())
}

/// Runs a tool; its exit status.
pub fn run(tool: &Tool) -> i32 {
    let (name, result) = match tool {
        Tool::Record(args) => (
            "record",
            record(&RecordSettings {
                upstream: args.upstream.clone(),
                out: args.out.clone(),
                bind: args.bind,
                redact: args.redact,
            })
            .map(|()| 0),
        ),
        Tool::Compare(args) => ("compare", compare(args)),
    };
    result.unwrap_or_else(|e| {
        eprintln!("asmx-emulator {name}: {e}");
        2
    })
}
