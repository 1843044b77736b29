//! Watching a site's sources for `kbgen serve`.
//!
//! Only what a build reads is watched: `kbgen.yaml` (through a watch on the
//! root folder itself, not recursive, so `public/` or `target/` never cost a
//! watch) and the `content/`, `templates/` and `static/` trees. A folder that
//! appears later, or is replaced, is watched again. Bursts of events (an
//! editor's save-by-rename, a `git checkout`) are debounced into one call by
//! notify-debouncer-mini. Before that, [`ChangesOnly`] drops the events that
//! merely reading a file causes (inotify reports every open): the build itself
//! reads every source, and would otherwise trigger the next build forever.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify_debouncer_mini::notify::{self, EventHandler, EventKind, RecursiveMode, Watcher};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};

use crate::load::config::CONFIG_FILE;

/// The folders under the root that a build reads.
pub const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// How long a burst of events may last before the rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(120);

/// Watches the site under `root` (an absolute path) on a thread of its own and
/// calls `on_change` with the changed paths, relative to `root`, after each burst.
pub fn spawn(
    root: PathBuf,
    mut on_change: impl FnMut(Vec<String>) + Send + 'static,
) -> Result<(), String> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let config = Config::default().with_timeout(DEBOUNCE);
    let mut debouncer = new_debouncer_opt::<_, ChangesOnly>(config, tx)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    debouncer
        .watcher()
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let mut watched = BTreeSet::new();
    rewatch(&mut debouncer, &root, &mut watched, &[])?;
    std::thread::Builder::new()
        .name("kbgen-watch".into())
        .spawn(move || {
            for result in rx {
                let paths: Vec<PathBuf> = match result {
                    Ok(events) => events.into_iter().map(|e| e.path).collect(),
                    Err(e) => {
                        eprintln!("warning: file watching: {e}");
                        continue;
                    }
                };
                if let Err(e) = rewatch(&mut debouncer, &root, &mut watched, &paths) {
                    eprintln!("warning: {e}");
                }
                let mut changed: Vec<String> =
                    paths.iter().filter_map(|p| relevant(&root, p)).collect();
                changed.sort();
                changed.dedup();
                if !changed.is_empty() {
                    on_change(changed);
                }
            }
        })
        .map_err(|e| format!("cannot start the watcher thread: {e}"))?;
    Ok(())
}

/// Watches each of [`WATCHED_DIRS`] that exists and is not watched yet, or that
/// one of `events` touched directly (created, removed or renamed).
fn rewatch(
    debouncer: &mut Debouncer<ChangesOnly>,
    root: &Path,
    watched: &mut BTreeSet<&'static str>,
    events: &[PathBuf],
) -> Result<(), String> {
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        let touched = events.iter().any(|p| p == &path);
        if watched.contains(dir) && !touched {
            continue;
        }
        if watched.remove(dir) {
            let _ = debouncer.watcher().unwatch(&path);
        }
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
            watched.insert(dir);
        }
    }
    Ok(())
}

/// The platform's watcher, passing on only the events that can mean a change.
pub struct ChangesOnly(notify::RecommendedWatcher);

impl Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let inner = notify::RecommendedWatcher::new(
            move |event: notify::Result<notify::Event>| {
                if event.as_ref().is_ok_and(|e| !is_change(&e.kind)) {
                    return;
                }
                handler.handle_event(event);
            },
            config,
        )?;
        Ok(ChangesOnly(inner))
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> notify::WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

/// False for the events that reading causes: opening, closing without
/// writing, a new access time.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// `content/git/x.md` when `path` is something a build reads, else `None`.
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    if !path.starts_with(root) {
        return None;
    }
    let rel = crate::load::files::rel_path(root, path);
    let first = rel.split('/').next().unwrap_or("");
    (rel == CONFIG_FILE || WATCHED_DIRS.contains(&first)).then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_not_a_change() {
        use notify::event::{CreateKind, DataChange};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(
            notify::event::RemoveKind::Any
        )));
    }

    #[test]
    fn only_build_inputs_are_relevant() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, Path::new(p));
        assert_eq!(rel("/site/kbgen.yaml").as_deref(), Some("kbgen.yaml"));
        assert_eq!(
            rel("/site/content/git/a.md").as_deref(),
            Some("content/git/a.md")
        );
        assert_eq!(rel("/site/templates").as_deref(), Some("templates"));
        assert_eq!(rel("/site/static/x.css").as_deref(), Some("static/x.css"));
        assert_eq!(rel("/site/public/index.html"), None);
        assert_eq!(rel("/site/kbgen.yaml.swp"), None);
        assert_eq!(rel("/site/README.md"), None);
        assert_eq!(rel("/elsewhere/kbgen.yaml"), None);
    }
}
