//! Where a build's files go: a folder on disk, memory (for `serve` and tests), or nowhere
//! (for `kbgen check`); and, in [`swap`], how a finished folder replaces the previous
//! output without ever losing it.

pub mod swap;

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;

/// The file that marks a folder as kbgen's output.
pub const MARKER: &str = ".kbgen-output";

/// Where rendered files go: a folder on disk, or memory for `serve`.
pub trait Sink: Sync {
    /// Stores `bytes` at the site path `path` (`git/foo/index.html`).
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Stores at `path` what `write` writes; a sink that can does so without holding it all.
    fn put_with(&self, path: &str, write: &WriteFn<'_>) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, &bytes)
    }
}

/// A folder on disk.
pub struct DiskSink<'a> {
    dir: &'a Path,
    /// Folders known to exist, so that each is made once rather than once per file.
    made: Mutex<HashSet<PathBuf>>,
}

impl<'a> DiskSink<'a> {
    /// A sink that writes under `dir`, which exists.
    pub fn new(dir: &'a Path) -> DiskSink<'a> {
        DiskSink {
            dir,
            made: Mutex::default(),
        }
    }
}

impl DiskSink<'_> {
    /// The full path of `path`, its folder made.
    fn path(&self, path: &str) -> io::Result<PathBuf> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            let made = || self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made().contains(parent) {
                std::fs::create_dir_all(parent)?;
                made().insert(parent.to_owned());
            }
        }
        Ok(full)
    }
}

impl Sink for DiskSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.path(path)?, bytes)
    }

    fn put_with(&self, path: &str, write: &WriteFn<'_>) -> io::Result<()> {
        let file = std::fs::File::create(self.path(path)?)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        io::Write::flush(&mut w)
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// Writes a file's content, for [`Sink::put_with`].
pub type WriteFn<'a> = dyn Fn(&mut dyn io::Write) -> io::Result<()> + Sync + 'a;

/// Files kept in memory, for `serve` and tests.
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

/// A sink that keeps nothing: `kbgen check` renders only to find errors.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Stores one file, as a diagnostic when it fails.
pub fn put_file(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    sink.put(path, bytes).map_err(|e| io_error(path, e))
}

/// A failure to write output file `path`.
pub fn io_error(path: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(path, "io", format!("cannot write output file: {e}"))
}
