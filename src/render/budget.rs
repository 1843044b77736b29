//! Bounds on rendering one page, so that a template cannot hang a build or exhaust memory.
//!
//! A site's templates come with its pull requests too, and Tera will run any loop it is
//! given: two nested `range(end=100000)` loops never end in practice, and a
//! `set_global s = s ~ s` in a loop doubles a string until memory runs out. Each page gets
//! [`PAGE_SECONDS`] and [`PAGE_BYTES`] of output:
//!
//! - cooperatively, where kbgen sees the render: every write of the page ([`PageWriter`])
//!   and every call of `range` ([`range`], which replaces Tera's own) checks the budget,
//!   and the render stops with an error naming the template, like any template error;
//! - and, for what never writes or calls a function (a loop that only grows a string), a
//!   watchdog thread that looks at the pages being rendered every 100 ms: a page still
//!   rendering twice past its time, or the process growing [`MEMORY_HEADROOM`] past its
//!   size when the first page started (Linux, where `/proc` tells), ends the process with
//!   the same error and exit code 1, after removing the unfinished output registered with
//!   [`cleanup_on_runaway`]. A render cannot be stopped from outside its thread; the
//!   previous output is untouched either way, as for every failed build.

use std::cell::Cell;
use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long one page may take to render.
pub const PAGE_SECONDS: u64 = 10;
/// How many bytes one page may be.
pub const PAGE_BYTES: usize = 64 << 20;
/// How much the process may grow while pages render, past its size when the first began.
pub const MEMORY_HEADROOM: u64 = 2 << 30;

thread_local! {
    /// The deadline of the page this thread is rendering, for [`range`].
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Renders under way: the template's file as diagnostics name it, and when each began.
static ACTIVE: Mutex<Vec<Option<(String, Instant)>>> = Mutex::new(Vec::new());
/// Folders to remove when the watchdog ends the process: unfinished output.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A page being rendered; dropping it ends the page's budget.
pub struct Page {
    slot: usize,
    pub deadline: Instant,
}

impl Page {
    /// Starts the budget of a page rendered with `file` (the template as diagnostics name it).
    pub fn start(file: &str) -> Page {
        watchdog();
        let now = Instant::now();
        let deadline = now + Duration::from_secs(PAGE_SECONDS);
        let mut active = lock(&ACTIVE);
        let entry = Some((file.to_owned(), now));
        let slot = match active.iter().position(Option::is_none) {
            Some(free) => {
                active[free] = entry;
                free
            }
            None => {
                active.push(entry);
                active.len() - 1
            }
        };
        DEADLINE.with(|d| d.set(Some(deadline)));
        Page { slot, deadline }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(None));
        if let Some(entry) = lock(&ACTIVE).get_mut(self.slot) {
            *entry = None;
        }
    }
}

/// Which budget a page ran out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Time,
    Size,
}

impl Exceeded {
    /// The message of the diagnostic that names the template.
    pub fn message(self) -> String {
        match self {
            Exceeded::Time => format!(
                "rendering one page took more than {PAGE_SECONDS} s and was stopped; a loop in this template (or one it extends or includes) may never end"
            ),
            Exceeded::Size => format!(
                "rendering one page wrote more than {} MiB and was stopped; a loop in this template (or one it extends or includes) may never end",
                PAGE_BYTES >> 20
            ),
        }
    }
}

/// The output of one page, refusing to grow past [`PAGE_BYTES`] or its deadline.
pub struct PageWriter {
    pub bytes: Vec<u8>,
    deadline: Instant,
    pub exceeded: Option<Exceeded>,
}

impl PageWriter {
    pub fn new(page: &Page) -> PageWriter {
        PageWriter {
            bytes: Vec::with_capacity(16 << 10),
            deadline: page.deadline,
            exceeded: None,
        }
    }
}

impl io::Write for PageWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + buf.len() > PAGE_BYTES {
            self.exceeded = Some(Exceeded::Size);
        } else if Instant::now() > self.deadline {
            self.exceeded = Some(Exceeded::Time);
        }
        if self.exceeded.is_some() {
            return Err(io::Error::other("the page's budget ran out"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether this thread's page is past its deadline.
pub fn past_deadline() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() > t))
}

/// Most numbers `range` gives, as Tera's own `range` allows.
const RANGE_MAX: i128 = 100_000;

/// Tera's `range(end, start=0, step_by=1)`, which also stops a page past its deadline:
/// nested loops call it once per turn of the outer loop.
pub fn range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    if past_deadline() {
        return Err(tera::Error::message(Exceeded::Time.message()));
    }
    let start = kwargs.get::<i128>("start")?.unwrap_or(0);
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "`range` needs a `step_by` other than 0",
        ));
    }
    if step > 0 && start > end {
        return Err(tera::Error::message(
            "`range` was called with a `start` greater than its `end`",
        ));
    }
    let span = if step > 0 {
        end.saturating_sub(start)
    } else {
        start.saturating_sub(end)
    };
    let stride = step.saturating_abs();
    let len = (span / stride + i128::from(span % stride != 0)).max(0);
    if len > RANGE_MAX {
        return Err(tera::Error::message(format!(
            "`range` would give {len} numbers; it gives at most {RANGE_MAX}"
        )));
    }
    Ok((0..len).map(|i| start + i * step).collect())
}

/// Removes `dir` if the watchdog ends the process (the staging folder of a build).
pub fn cleanup_on_runaway(dir: PathBuf) {
    lock(&CLEANUP).push(dir);
}

/// No longer removes `dir` at a runaway (the build finished with it).
pub fn forget_cleanup(dir: &std::path::Path) {
    lock(&CLEANUP).retain(|d| d != dir);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the watchdog thread, once per process.
fn watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let ceiling = resident_bytes().map(|rss| rss + MEMORY_HEADROOM);
        let spawned = std::thread::Builder::new()
            .name("kbgen-render-watchdog".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if let Some((file, why)) = runaway(ceiling) {
                        end_process(&file, &why);
                    }
                }
            });
        // Without the thread, the cooperative checks still hold every page that writes.
        drop(spawned);
    });
}

/// The oldest page still rendering, when it is past twice its time or memory is past the
/// ceiling; with the reason.
fn runaway(ceiling: Option<u64>) -> Option<(String, String)> {
    let (file, began) = {
        let active = lock(&ACTIVE);
        active.iter().flatten().min_by_key(|(_, t)| *t).cloned()?
    };
    let took = began.elapsed();
    if took > Duration::from_secs(2 * PAGE_SECONDS) {
        return Some((
            file,
            format!(
                "rendering one page took more than {} s and could not be stopped; a loop in this template (or one it extends or includes) may never end",
                2 * PAGE_SECONDS
            ),
        ));
    }
    let rss = resident_bytes()?;
    if rss > ceiling? {
        return Some((
            file,
            format!(
                "rendering pages made kbgen grow to {} MiB in {:.1} s, {} MiB more than it held before; a loop in this template (or one it extends or includes) may grow a value without end",
                rss >> 20,
                took.as_secs_f64(),
                MEMORY_HEADROOM >> 20
            ),
        ));
    }
    None
}

/// The process's resident memory, where `/proc` tells it.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn end_process(file: &str, why: &str) -> ! {
    for dir in lock(&CLEANUP).iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!("error[template-budget]: {why}\n  --> {file}\n\nerror: could not render the site");
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera_with_range() -> tera::Tera {
        let mut t = tera::Tera::new();
        t.register_function("range", range);
        t
    }

    #[test]
    fn range_counts_as_tera_does() {
        let mut t = tera_with_range();
        t.add_raw_template(
            "t",
            "{% for i in range(end=5) %}{{ i }}{% endfor %}|{% for i in range(start=2, end=9, step_by=3) %}{{ i }}{% endfor %}|{% for i in range(start=5, end=0, step_by=-2) %}{{ i }}{% endfor %}|{% for i in range(end=0) %}x{% endfor %}",
        )
        .unwrap();
        let out = t.render("t", &tera::Context::new()).unwrap();
        assert_eq!(out, "01234|258|531|");
        t.add_raw_template("big", "{% for i in range(end=100001) %}{% endfor %}")
            .unwrap();
        assert!(t.render("big", &tera::Context::new()).is_err());
    }

    #[test]
    fn a_page_past_its_size_stops_with_the_size_reason() {
        let page = Page::start("templates/t.html");
        let mut w = PageWriter::new(&page);
        let chunk = vec![b'x'; 1 << 20];
        let mut wrote = 0;
        while io::Write::write_all(&mut w, &chunk).is_ok() {
            wrote += 1;
            assert!(wrote <= PAGE_BYTES >> 20, "wrote past the budget");
        }
        assert_eq!(w.exceeded, Some(Exceeded::Size));
        assert_eq!(wrote, PAGE_BYTES >> 20);
    }
}
