//! The text log line without colours, written directly. The emulator logs a line per
//! request, and tracing-subscriber's `Full` formatter spent about 10,000 instructions
//! on it, a fifth of a help-page answer (issue 8's callgrind profile): most of it in
//! `core::fmt` and in styling that writes nothing when colours are off. These write the
//! same bytes for the common values (plain strings, integers, floats, `%`/`?` values)
//! and hand anything else to the stock visitor; a test holds the two together.

use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The event line of `tracing_subscriber::fmt::format::Full` with colours off.
pub struct PlainLine;

impl<S, N> FormatEvent<S, N> for PlainLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // Records of the `log` crate (actix logs that way) carry their own target.
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        write_time(&mut writer, SystemTime::now())?;
        writer.write_char(' ')?;
        writer.write_str(level(meta.level()))?;
        writer.write_char(' ')?;
        if let Some(scope) = ctx.event_scope() {
            let mut seen = false;
            for span in scope.from_root() {
                writer.write_str(span.metadata().name())?;
                seen = true;
                if let Some(fields) = span.extensions().get::<FormattedFields<N>>() {
                    if !fields.is_empty() {
                        write!(writer, "{{{fields}}}")?;
                    }
                }
                writer.write_char(':')?;
            }
            if seen {
                writer.write_char(' ')?;
            }
        }
        writer.write_str(meta.target())?;
        writer.write_str(": ")?;
        ctx.format_fields(writer.by_ref(), event)?;
        writer.write_char('\n')
    }
}

fn level(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "TRACE",
        Level::DEBUG => "DEBUG",
        Level::INFO => " INFO",
        Level::WARN => " WARN",
        Level::ERROR => "ERROR",
    }
}

/// `2026-11-23T16:24:55.123456Z`, as the stock `SystemTime` timer writes `now`.
fn write_time(writer: &mut Writer<'_>, now: SystemTime) -> fmt::Result {
    // Years past 9999 and times before 1970 are the stock timer's to spell.
    const YEAR_10000: u64 = 253_402_300_800;
    let since = match now.duration_since(UNIX_EPOCH) {
        Ok(since) if since.as_secs() < YEAR_10000 => since,
        _ => return tracing_subscriber::fmt::time::SystemTime.format_time(writer),
    };
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let of_day = secs % 86_400;
    let mut text = *b"0000-00-00T00:00:00.000000Z";
    let mut put = |at: usize, width: usize, mut n: u64| {
        for i in (at..at + width).rev() {
            text[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, of_day / 3600);
    put(14, 2, of_day / 60 % 60);
    put(17, 2, of_day % 60);
    put(20, 6, u64::from(since.subsec_micros()));
    // Only ASCII digits and punctuation were written.
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
}

/// Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The fields of `DefaultFields`, with shortcuts for the values a request line has.
pub struct PlainFields;

impl<'w> FormatFields<'w> for PlainFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut visitor = Visitor {
            writer,
            is_empty: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct Visitor<'w> {
    writer: Writer<'w>,
    is_empty: bool,
    result: fmt::Result,
}

/// What `str`'s `Debug` writes unchanged between its quotes.
fn is_plain(value: &str) -> bool {
    value
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// tracing-subscriber's escaping of a message: the C0 characters that start terminal
/// sequences, DEL and the C1 controls are written as escapes.
struct Escaping<'a, 'w>(&'a mut Writer<'w>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return self.0.write_str(text);
        }
        for ch in text.chars() {
            match ch {
                '\x1b' => self.0.write_str("\\x1b")?,
                '\x07' => self.0.write_str("\\x07")?,
                '\x08' => self.0.write_str("\\x08")?,
                '\x0c' => self.0.write_str("\\x0c")?,
                '\x7f' => self.0.write_str("\\x7f")?,
                '\u{80}'..='\u{9f}' => write!(self.0, "\\u{{{:x}}}", ch as u32)?,
                _ => self.0.write_char(ch)?,
            }
        }
        Ok(())
    }
}

impl Visitor<'_> {
    /// Whether a field is written here: the stock visitor skips `log.*` metadata
    /// without a separator and strips `r#` from names; those go to it.
    fn ours(&self, field: &Field) -> bool {
        let name = field.name();
        self.result.is_ok() && !name.starts_with("log.") && !name.starts_with("r#")
    }

    fn separate(&mut self) -> fmt::Result {
        if std::mem::take(&mut self.is_empty) {
            Ok(())
        } else {
            self.writer.write_char(' ')
        }
    }

    /// `name=`, then the value as `value` writes it: pieces, not one `write!`, whose
    /// formatting machinery cost more than the text it wrote.
    fn field(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        self.result = self.separate().and_then(|()| {
            self.writer.write_str(field.name())?;
            self.writer.write_char('=')?;
            value(&mut self.writer)
        });
    }

    fn write(&mut self, field: &Field, value: impl fmt::Debug) {
        self.field(field, |w| write!(w, "{value:?}"));
    }

    /// The message, first and without a name, escaped against terminal injection
    /// unless the writer was told not to.
    fn message(&mut self, text: impl fmt::Display) {
        if self.result.is_err() {
            return;
        }
        let sanitize = self.writer.sanitizes_ansi_escapes();
        self.result = self.separate().and_then(|()| {
            if sanitize {
                write!(Escaping(&mut self.writer), "{text}")
            } else {
                write!(self.writer, "{text}")
            }
        });
    }

    /// A number or a bool: `Debug` spells it as the stock visitor does.
    fn scalar<T: fmt::Debug>(
        &mut self,
        field: &Field,
        value: T,
        stock: fn(&mut DefaultVisitor<'_>, &Field, T),
    ) {
        if self.ours(field) {
            self.write(field, value);
        } else {
            self.stock(field, |v| stock(v, field, value));
        }
    }

    /// Lets the stock visitor write one field, exactly as it would have.
    fn stock(&mut self, field: &Field, record: impl FnOnce(&mut DefaultVisitor<'_>)) {
        if self.result.is_err() {
            return;
        }
        let mut stock = DefaultVisitor::new(self.writer.by_ref(), self.is_empty);
        record(&mut stock);
        self.result = stock.finish();
        if !field.name().starts_with("log.") {
            self.is_empty = false;
        }
    }
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            return self.message(value);
        }
        if !(is_plain(value) && self.ours(field)) {
            return self.stock(field, |v| v.record_str(field, value));
        }
        self.field(field, |w| {
            w.write_char('"')?;
            w.write_str(value)?;
            w.write_char('"')
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.scalar(field, value, |v, f, x| v.record_u64(f, x));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.scalar(field, value, |v, f, x| v.record_i64(f, x));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.scalar(field, value, |v, f, x| v.record_f64(f, x));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.scalar(field, value, |v, f, x| v.record_bool(f, x));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.stock(field, |v| v.record_error(field, value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            return self.message(format_args!("{value:?}"));
        }
        if !self.ours(field) {
            return self.stock(field, |v| v.record_debug(field, value));
        }
        self.write(field, value);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::{DateTime, SecondsFormat, Utc};
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Sink {
        type Writer = Sink;

        fn make_writer(&'a self) -> Sink {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Failure(&'static str, Option<Box<Failure>>);

    impl fmt::Display for Failure {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Failure {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    /// Every kind of field and line the emulator logs, and the awkward ones.
    fn events() {
        let failure = Failure("outer", Some(Box::new(Failure("inner", None))));
        tracing::info!(
            method = %"GET",
            path = "/srv.asmx",
            operation = Some("GetUser"),
            binding = None::<&str>,
            user = "o'neil \"quoted\" \\ back",
            status = Some(200u16),
            duration_ms = 0.123_456_f64,
            "emulated request"
        );
        tracing::warn!(
            count = -3i64,
            flag = true,
            big = u64::MAX,
            "{} and {:?}",
            1,
            "two"
        );
        tracing::error!(error = &failure as &dyn std::error::Error, "store failed");
        tracing::error!(error = %failure, r#type = "raw", "plain {}", "message");
        tracing::info!(
            user = "é unicode \u{7f} \u{1b}[31m",
            "escape \u{1b}[31m red \u{85}"
        );
        tracing::debug!(bytes = ?b"ab", tuple = ?(1, "x"), "");
        tracing::info!("only a message");
        tracing::info!(message = "a message as a field", after = 1);
        let outer = tracing::info_span!("request", id = 7, path = "/x");
        let _outer = outer.enter();
        let inner = tracing::info_span!("inner");
        let _inner = inner.enter();
        tracing::info!(depth = 2, "in spans");
        tracing_log::format_trace(
            &log::Record::builder()
                .args(format_args!("from the log crate: {}", 42))
                .level(log::Level::Warn)
                .target("actix_server::worker")
                .module_path_static(Some("actix_server::worker"))
                .file_static(Some("src/worker.rs"))
                .line(Some(12))
                .build(),
        )
        .unwrap();
    }

    fn lines(stock: bool) -> Vec<String> {
        let sink = Sink::default();
        let builder = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(sink.clone());
        if stock {
            tracing::subscriber::with_default(builder.finish(), events);
        } else {
            let plain = builder.event_format(PlainLine).fmt_fields(PlainFields);
            tracing::subscriber::with_default(plain.finish(), events);
        }
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn lines_are_the_stock_full_format_without_colours() {
        let (stock, plain) = (lines(true), lines(false));
        assert_eq!(stock.len(), 10, "{stock:#?}");
        assert_eq!(plain.len(), stock.len(), "{plain:#?}");
        for (stock, plain) in stock.iter().zip(&plain) {
            // The two ran moments apart: the times differ, their shape does not.
            let (stock_time, stock_rest) = stock.split_at(27);
            let (plain_time, plain_rest) = plain.split_at(27);
            assert_eq!(plain_rest, stock_rest);
            assert!(DateTime::parse_from_rfc3339(stock_time).is_ok(), "{stock}");
            assert!(DateTime::parse_from_rfc3339(plain_time).is_ok(), "{plain}");
            assert_eq!(plain_time.len(), stock_time.len());
        }
    }

    #[test]
    fn times_are_rfc3339_with_microseconds_in_utc() {
        let days = 86_400;
        for secs in [
            0,
            59 * days,       // 1970-03-01
            951_782_400,     // 2000-02-29
            951_868_800,     // 2000-03-01
            1_795_000_000,   // 2026
            4_107_542_400,   // 2100-03-01, not a leap year before it
            253_402_300_799, // 9999-12-31T23:59:59
        ] {
            for micros in [0, 1, 999_999] {
                let at = UNIX_EPOCH + std::time::Duration::new(secs, micros * 1000);
                let mut text = String::new();
                write_time(&mut Writer::new(&mut text), at).unwrap();
                let expected =
                    DateTime::<Utc>::from(at).to_rfc3339_opts(SecondsFormat::Micros, true);
                assert_eq!(text, expected);
            }
        }
    }
}
