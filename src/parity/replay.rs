//! `asmx-emulator compare`: the recorded requests replayed in order against a target,
//! carrying tickets and ids as a client would (`carry.rs`), with passwords put back in
//! redacted captures (`redact.rs`), after loading `--fixtures` through the target's
//! admin API; each answer compared with the recorded one (`diff.rs`).

use std::collections::BTreeMap;
use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::parity::capture::{read_dir, Answer};
use crate::parity::carry::Carry;
use crate::parity::diff::{compare, Class, Difference, Sides};
use crate::parity::error::{ParityError, WireError};
use crate::parity::operation;
use crate::parity::redact::restore;
use crate::parity::target::Target;
use crate::parity::wire::{decoded_body, parse_message, read_final, Message, Side};

/// What `compare` needs.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    pub dir: PathBuf,
    pub against: String,
    pub fixtures: Option<PathBuf>,
}

/// One exchange replayed: what was sent, what each side answered, how they differ.
#[derive(Debug)]
pub struct Replayed {
    pub name: String,
    pub operation: String,
    pub sent: Vec<u8>,
    pub recorded: Vec<u8>,
    pub target: Vec<u8>,
    pub differences: Vec<Difference>,
}

#[derive(Debug)]
pub struct Outcome {
    pub upstream: String,
    pub against: String,
    pub exchanges: Vec<Replayed>,
    /// Exchanges the client cut short while recording: name and why; not replayed.
    pub skipped: Vec<(String, String)>,
}

impl Outcome {
    pub fn count(&self, class: Class) -> usize {
        self.exchanges
            .iter()
            .flat_map(|e| &e.differences)
            .filter(|d| d.class == class)
            .count()
    }

    /// 0 when nothing differs in protocol or schema, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.count(Class::Protocol) + self.count(Class::Schema) > 0)
    }
}

/// The admin API's fixtures route for a target: a world's (`…/worlds/NAME`) or the
/// server's.
fn fixtures_path(base: &str) -> String {
    if let Some(at) = base.rfind("/worlds/") {
        let world = &base[at + "/worlds/".len()..];
        if !world.is_empty() && !world.contains('/') {
            return format!("{}/__emulator/worlds/{world}/fixtures", &base[..at]);
        }
    }
    format!("{base}/__emulator/fixtures")
}

/// One request on a connection of its own; `Err(Ok(_))` when the target cannot be
/// reached (the replay stops), `Err(Err(_))` when it answered something that is not HTTP.
fn send(
    target: &Target,
    bytes: &[u8],
    side: Side,
) -> Result<Message, Result<ParityError, WireError>> {
    let mut stream = target.connect().map_err(Ok)?;
    stream.write_all(bytes).map_err(|e| Err(e.into()))?;
    let reading = stream.try_clone().map_err(|e| Err(e.into()))?;
    match read_final(&mut BufReader::new(reading), side) {
        Ok(Some(message)) => Ok(message),
        Ok(None) => Err(Err(WireError::CutShort(Vec::new()))),
        Err(e) => Err(Err(e)),
    }
}

/// Loads the fixture file into the target; returns its users' passwords.
fn load_fixtures(target: &Target, file: &Path) -> Result<BTreeMap<String, String>, ParityError> {
    let body = std::fs::read(file).map_err(|source| ParityError::File {
        path: file.to_path_buf(),
        source,
    })?;
    let document: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ParityError::Fixtures(format!("{}: not JSON: {e}", file.display())))?;
    let passwords = document["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| {
            Some((
                u["user_name"].as_str()?.to_string(),
                u["password"].as_str()?.to_string(),
            ))
        })
        .collect();
    let path = fixtures_path(&target.base);
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.authority,
        body.len()
    );
    if let Ok(token) = std::env::var("ASMX_ADMIN_TOKEN") {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(&body);
    let url = format!("http://{}{path}", target.authority);
    let answer = match send(
        target,
        &bytes,
        Side::Response {
            head_request: false,
        },
    ) {
        Ok(answer) => answer,
        Err(Ok(e)) => return Err(e),
        Err(Err(e)) => {
            return Err(ParityError::NoAdminApi {
                url,
                answer: e.to_string(),
            })
        }
    };
    let text = String::from_utf8_lossy(&decoded_body(&answer).unwrap_or_default()).into_owned();
    match answer.head.status() {
        200..=299 => Ok(passwords),
        400 | 422 => Err(ParityError::Fixtures(format!(
            "the target refused {}: {text}",
            file.display()
        ))),
        _ => Err(ParityError::NoAdminApi {
            url,
            answer: answer.head.first_line.clone(),
        }),
    }
}

/// Replays every exchange of the capture directory against the target.
pub fn run(settings: &CompareSettings) -> Result<Outcome, ParityError> {
    let (manifest, exchanges) = read_dir(&settings.dir)?;
    let target = Target::parse(&settings.against)?;
    let passwords = match &settings.fixtures {
        Some(file) => load_fixtures(&target, file)?,
        None if manifest.redacted => {
            return Err(ParityError::Redacted(
                "their passwords come from the target's fixtures: give --fixtures FILE".into(),
            ))
        }
        None => BTreeMap::new(),
    };
    let progress = std::io::stderr().is_terminal();
    let mut carry = Carry::default();
    let mut outcome = Outcome {
        upstream: manifest.upstream.clone(),
        against: target.url(),
        exchanges: Vec::new(),
        skipped: Vec::new(),
    };
    let total = exchanges.len();
    for (n, exchange) in exchanges.into_iter().enumerate() {
        if progress {
            eprint!("\rexchange {} of {total}", n + 1);
        }
        let recorded = match exchange.answer {
            Answer::Response(bytes) => bytes,
            Answer::Partial(why) => {
                outcome.skipped.push((exchange.name, why));
                continue;
            }
        };
        let bad = |e: WireError| ParityError::BadCapture(exchange.name.clone(), e.to_string());
        let request = if manifest.redacted {
            restore(&exchange.request, &passwords)
        } else {
            exchange.request.clone()
        };
        let request = parse_message(&carry.apply(&request), Side::Request).map_err(bad)?;
        let recorded = parse_message(&recorded, Side::answering(&request)).map_err(bad)?;
        let sent = target.request_for(&request);
        let sides = Sides {
            recorded_base: &manifest.upstream,
            target_base: &outcome.against,
            carry: &carry,
        };
        let (answer, differences) = match send(&target, &sent, Side::answering(&request)) {
            Ok(answer) => {
                let differences = compare(&recorded, &answer, &sides);
                (answer.bytes, differences)
            }
            Err(Ok(e)) => return Err(e),
            Err(Err(e)) => {
                let text = format!("no HTTP answer: {e}");
                let difference = Difference {
                    class: Class::Protocol,
                    place: "answer".into(),
                    recorded: Some(recorded.head.first_line.clone()),
                    target: Some(text.clone()),
                };
                (text.into_bytes(), vec![difference])
            }
        };
        if let (Ok(r), Ok(t)) = (
            decoded_body(&recorded),
            parse_message(&answer, Side::answering(&request)).and_then(|a| decoded_body(&a)),
        ) {
            carry.learn_from(&r, &t);
        }
        outcome.exchanges.push(Replayed {
            operation: operation::of(&request),
            name: exchange.name,
            sent,
            recorded: recorded.bytes,
            target: answer,
            differences,
        });
    }
    if progress {
        eprintln!();
    }
    Ok(outcome)
}
