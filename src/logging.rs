//! Log output: `tracing` lines, text or JSON, on standard output. The server logs one
//! line per request, so lines are gathered in memory and written out by a background
//! thread every few milliseconds: a request pays for a copy into a buffer, not for a
//! write(2) and a thread wake-up of its own (issue 8's profile: a third of a GetUser).

use std::io::{self, IsTerminal, Write};
use std::mem;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

mod plain;

const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Beyond this many bytes waiting, a line is written at once by its own thread, so a
/// stalled reader of the output costs speed, never unbounded memory.
const MAX_PENDING: usize = 4 << 20;

struct Shared<W> {
    pending: Mutex<Vec<u8>>,
    out: Mutex<W>,
    stopped: AtomicBool,
}

impl<W: Write> Shared<W> {
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        // A panic mid-copy leaves at worst a partial line: still a buffer to write.
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes out what is pending; the output lock keeps lines in order.
    fn flush(&self) {
        let mut out = Self::lock(&self.out);
        let lines = mem::take(&mut *Self::lock(&self.pending));
        if !lines.is_empty() {
            let _ = out.write_all(&lines).and_then(|()| out.flush());
        }
    }

    fn append(&self, line: &[u8]) -> io::Result<()> {
        let mut pending = Self::lock(&self.pending);
        if pending.len() + line.len() <= MAX_PENDING {
            pending.extend_from_slice(line);
            return Ok(());
        }
        drop(pending);
        self.flush();
        Self::lock(&self.out).write_all(line)
    }
}

/// The `MakeWriter` of the subscriber: every line goes into the shared buffer.
pub struct Batched<W>(Arc<Shared<W>>);

pub struct Line<'a, W>(&'a Shared<W>);

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.append(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a, W: Write + 'a> MakeWriter<'a> for Batched<W> {
    type Writer = Line<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(&self.0)
    }
}

/// Keeps the writer thread; dropping it writes out the last lines.
pub struct LogGuard<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
    thread: Option<JoinHandle<()>>,
}

impl<W: Write + Send + 'static> Drop for LogGuard<W> {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // Woken rather than waited for: a stop takes no part of a flush interval.
            thread.thread().unpark();
            let _ = thread.join();
        }
        self.shared.flush();
    }
}

/// A batched writer over `out` and the guard of its writer thread.
pub fn batched<W: Write + Send + 'static>(out: W) -> (Batched<W>, LogGuard<W>) {
    let shared = Arc::new(Shared {
        pending: Mutex::default(),
        out: Mutex::new(out),
        stopped: AtomicBool::new(false),
    });
    let worker = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || {
            while !worker.stopped.load(Ordering::Relaxed) {
                std::thread::park_timeout(FLUSH_EVERY);
                worker.flush();
            }
        })
        // Without the thread lines wait for the guard (or MAX_PENDING): still written.
        .ok();
    (Batched(Arc::clone(&shared)), LogGuard { shared, thread })
}

/// Installs the global subscriber (`RUST_LOG`, default `info`) writing to stdout:
/// coloured on a terminal, and otherwise the same line without colours, written by
/// [`plain`].
pub fn init(format: LogFormat) -> LogGuard<io::Stdout> {
    let (writer, guard) = batched(io::stdout());
    let terminal = io::stdout().is_terminal();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_ansi(terminal)
        .with_writer(writer);
    match format {
        LogFormat::Text if terminal => logs.init(),
        LogFormat::Text => logs
            .event_format(plain::PlainLine)
            .fmt_fields(plain::PlainFields)
            .init(),
        LogFormat::Json => logs.json().init(),
    }
    guard
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read after the writer is done with it.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_come_out_whole_and_in_order_and_the_guard_writes_the_rest() {
        let sink = Sink::default();
        let (writer, guard) = batched(sink.clone());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let shared = Arc::clone(&writer.0);
                std::thread::spawn(move || {
                    for n in 0..200 {
                        Line(&shared)
                            .write_all(format!("t{t} line {n}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        drop(guard);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 800);
        for t in 0..4 {
            let own: Vec<_> = text
                .lines()
                .filter(|l| l.starts_with(&format!("t{t} ")))
                .collect();
            let expected: Vec<_> = (0..200).map(|n| format!("t{t} line {n}")).collect();
            assert_eq!(own, expected);
        }
    }
}
