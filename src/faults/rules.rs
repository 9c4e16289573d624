//! Fault rules: what makes matching calls slow, fail or vanish. A rule names a target
//! (an ASMX method, a vendor endpoint or `*`), optionally a binding, a trigger (the next
//! N calls, a probability, or every call) and one action. Handlers ask [`Faults::fire`]
//! (through `inject::begin`) once they know the operation; with no rules that is one
//! atomic load. The admin API (`control/faults.rs`) adds, lists and removes rules.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::model::Binding;

/// The longest injected latency: enough to trip any client timeout.
const MAX_LATENCY_MS: u64 = 600_000;

/// What a rule does to a call it fires on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Wait this long, then serve the call normally.
    LatencyMs(u64),
    /// A SOAP fault in the caller's SOAP version; ASMX's 500 text error on GET/POST.
    SoapFault(String),
    /// `success="false" error="…"` in the method's own response shape.
    InBandError(String),
    /// A canned HTTP answer.
    HttpStatus(CannedResponse),
    /// No answer at all: the connection is closed.
    Drop,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: String,
}

/// An action's name, recorded in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    LatencyMs,
    SoapFault,
    InBandError,
    HttpStatus,
    Drop,
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::LatencyMs => "latency_ms",
            FaultKind::SoapFault => "soap_fault",
            FaultKind::InBandError => "in_band_error",
            FaultKind::HttpStatus => "http_status",
            FaultKind::Drop => "drop",
        }
    }
}

impl Action {
    pub fn kind(&self) -> FaultKind {
        match self {
            Action::LatencyMs(_) => FaultKind::LatencyMs,
            Action::SoapFault(_) => FaultKind::SoapFault,
            Action::InBandError(_) => FaultKind::InBandError,
            Action::HttpStatus(_) => FaultKind::HttpStatus,
            Action::Drop => FaultKind::Drop,
        }
    }

    /// SOAP faults and in-band errors exist only on the ASMX bindings.
    fn asmx_only(&self) -> bool {
        matches!(self, Action::SoapFault(_) | Action::InBandError(_))
    }

    fn validate(&self) -> Result<(), RuleError> {
        let bad = |m: String| Err(RuleError(m));
        match self {
            Action::LatencyMs(ms) if *ms > MAX_LATENCY_MS => {
                bad(format!("latency_ms must be at most {MAX_LATENCY_MS}"))
            }
            Action::HttpStatus(canned) => {
                // A 1xx status is interim, never a final answer: a client given one
                // waits for the answer that never comes.
                if !(200..=599).contains(&canned.status) {
                    return bad(format!("status {} is not 200-599", canned.status));
                }
                for (name, value) in &canned.headers {
                    if HeaderName::try_from(name.as_str()).is_err()
                        || HeaderValue::try_from(value.as_str()).is_err()
                    {
                        return bad(format!("header {name:?}: {value:?} is not a valid header"));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The canned or dropped answer; `None` for the actions the binding renders.
    pub fn response(&self) -> Option<HttpResponse> {
        match self {
            Action::HttpStatus(canned) => {
                let status = StatusCode::from_u16(canned.status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut res = HttpResponse::build(status);
                for (name, value) in &canned.headers {
                    res.insert_header((name.as_str(), value.as_str()));
                }
                Some(res.body(canned.body.clone()))
            }
            Action::Drop => Some(HttpResponse::InternalServerError().body(Dropped)),
            _ => None,
        }
    }
}

/// A body that fails before its first byte. actix-http then closes the connection
/// without flushing the response head, so the client sees EOF and no status line: the
/// closest a handler can come to a server that died mid-request.
struct Dropped;

impl MessageBody for Dropped {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "connection dropped by a fault rule",
        ))))
    }
}

/// When a rule fires; listed flat in the rule as `remaining` or `probability`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
enum Trigger {
    Always {},
    /// The next `remaining` matching calls.
    Times {
        remaining: u32,
    },
    Probability {
        probability: f64,
    },
}

/// A rule as posted.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    target: String,
    binding: Option<Binding>,
    times: Option<u32>,
    probability: Option<f64>,
    action: Action,
}

/// A rule as stored and listed.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    id: u64,
    target: String,
    binding: Option<Binding>,
    #[serde(flatten)]
    trigger: Trigger,
    action: Action,
    /// How often it has fired.
    fired: u64,
}

impl Rule {
    fn matches(&self, operation: &str, binding: Binding) -> bool {
        (self.target == "*" || self.target == operation)
            && self.binding.is_none_or(|b| b == binding)
            && (binding.is_asmx() || !self.action.asmx_only())
    }

    /// Whether the rule fires on this matching call, counting it down if so.
    fn take(&mut self) -> bool {
        let fires = match &mut self.trigger {
            Trigger::Always {} => true,
            Trigger::Times { remaining } => match remaining.checked_sub(1) {
                Some(left) => {
                    *remaining = left;
                    true
                }
                None => false,
            },
            Trigger::Probability { probability } => {
                (OsRng.next_u64() as f64 / u64::MAX as f64) < *probability
            }
        };
        self.fired += u64::from(fires);
        fires
    }
}

/// A rule the admin API refused, and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

/// The rules, in the order they were created; the first that fires wins.
pub struct Faults {
    /// Set while there is any rule, so calls skip the lock when there is none.
    armed: AtomicBool,
    rules: Mutex<Rules>,
    /// The vendor endpoints a rule may target, as the vendor adapters name them.
    endpoints: &'static [&'static str],
}

#[derive(Default)]
struct Rules {
    next_id: u64,
    list: Vec<Rule>,
}

impl Faults {
    pub fn new(endpoints: &'static [&'static str]) -> Faults {
        Faults {
            armed: AtomicBool::new(false),
            rules: Mutex::default(),
            endpoints,
        }
    }

    fn rules(&self) -> MutexGuard<'_, Rules> {
        // Each change is a single push, remove or counter update: never half done.
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The action of the first rule that fires for this call, if any.
    pub fn fire(&self, operation: &str, binding: Binding) -> Option<Action> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let mut rules = self.rules();
        rules
            .list
            .iter_mut()
            .find_map(|r| (r.matches(operation, binding) && r.take()).then(|| r.action.clone()))
    }

    pub fn add(&self, new: NewRule) -> Result<Rule, RuleError> {
        let known = new.target == "*"
            || crate::ops::find(&new.target).is_some()
            || self.endpoints.contains(&new.target.as_str());
        if !known {
            return Err(RuleError(format!(
                "unknown target {:?}: use an ASMX method name (GetUser), a vendor endpoint ({}) or *",
                new.target,
                self.endpoints.join(", ")
            )));
        }
        new.action.validate()?;
        let vendor_only = new.target.contains('.') || new.binding.is_some_and(|b| !b.is_asmx());
        if new.action.asmx_only() && vendor_only {
            return Err(RuleError(
                "soap_fault and in_band_error apply to ASMX calls only".into(),
            ));
        }
        let trigger = match (new.times, new.probability) {
            (Some(_), Some(_)) => {
                return Err(RuleError(
                    "give either times or probability, not both".into(),
                ))
            }
            (Some(0), None) => return Err(RuleError("times must be at least 1".into())),
            (Some(n), None) => Trigger::Times { remaining: n },
            (None, Some(p)) if (0.0..=1.0).contains(&p) => Trigger::Probability { probability: p },
            (None, Some(p)) => {
                return Err(RuleError(format!("probability {p} is not between 0 and 1")))
            }
            (None, None) => Trigger::Always {},
        };
        let mut rules = self.rules();
        rules.next_id += 1;
        let rule = Rule {
            id: rules.next_id,
            target: new.target,
            binding: new.binding,
            trigger,
            action: new.action,
            fired: 0,
        };
        rules.list.push(rule.clone());
        self.armed.store(true, Ordering::Release);
        Ok(rule)
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.rules();
        let before = rules.list.len();
        rules.list.retain(|r| r.id != id);
        self.armed.store(!rules.list.is_empty(), Ordering::Release);
        rules.list.len() != before
    }

    pub fn clear(&self) {
        let mut rules = self.rules();
        rules.list.clear();
        self.armed.store(false, Ordering::Release);
    }

    pub fn list(&self) -> Vec<Rule> {
        self.rules().list.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(target: &str, times: Option<u32>, action: Action) -> NewRule {
        NewRule {
            target: target.into(),
            binding: None,
            times,
            probability: None,
            action,
        }
    }

    #[test]
    fn a_times_rule_fires_that_often_and_the_first_rule_wins() {
        let faults = Faults::new(&["commbox.updateUser"]);
        assert_eq!(faults.fire("GetUser", Binding::Get), None);
        faults
            .add(rule("GetUser", Some(2), Action::LatencyMs(1)))
            .unwrap();
        faults.add(rule("*", None, Action::Drop)).unwrap();
        let fired: Vec<_> = (0..3)
            .map(|_| faults.fire("GetUser", Binding::Soap11))
            .collect();
        assert_eq!(
            fired,
            [
                Some(Action::LatencyMs(1)),
                Some(Action::LatencyMs(1)),
                Some(Action::Drop)
            ]
        );
        assert_eq!(faults.list()[0].fired, 2);
    }

    #[test]
    fn asmx_only_actions_skip_vendor_calls() {
        let faults = Faults::new(&["commbox.updateUser"]);
        faults
            .add(rule("*", None, Action::SoapFault("x".into())))
            .unwrap();
        assert_eq!(faults.fire("commbox.updateUser", Binding::CommBox), None);
        assert!(faults.fire("GetUser", Binding::Soap12).is_some());
        assert!(faults.remove(1));
        assert_eq!(faults.fire("GetUser", Binding::Soap12), None);
    }
}
