//! Replacing the previous output: kbgen renders into a staging folder beside it and puts
//! that in place only when the whole build succeeded, so a failed or killed build leaves
//! the previous output exactly as it was. kbgen refuses to replace a folder it did not
//! write (it has no [`MARKER`]), and two builds into one output never mix.

use std::io;
use std::path::{Path, PathBuf};

use super::MARKER;
use crate::diagnostic::Diagnostic;

/// Refuses output folders that would destroy something kbgen did not write.
pub fn check_output_folder(root: &Path, output: &Path, force: bool) -> Result<(), Diagnostic> {
    let name = output.display().to_string();
    let abs_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    let abs_out = absolute(output);
    if abs_root.starts_with(&abs_out) {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            "the output folder contains the site itself; choose another --output",
        ));
    }
    for kept in ["content", "templates", "static"] {
        if abs_out.starts_with(abs_root.join(kept)) {
            return Err(Diagnostic::error(
                &name,
                "output-folder",
                format!("the output folder is inside the site's {kept}/ folder"),
            ));
        }
    }
    if output.exists() && !output.is_dir() {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            "the output path exists and is not a folder",
        ));
    }
    let non_empty = output
        .read_dir()
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !output.join(MARKER).is_file() && !force {
        return Err(Diagnostic::error(
            &name,
            "output-folder",
            format!(
                "{name} is not empty and was not written by kbgen (it has no {MARKER} file); refusing to replace it. Choose another --output, or pass --force to replace it"
            ),
        ));
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let parent = p
        .parent()
        .filter(|x| !x.as_os_str().is_empty())
        .map(absolute);
    match (parent, p.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_owned()),
    }
}

/// `.public.kbgen-tmp` beside `public`.
pub fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.kbgen-{what}"))
}

pub fn remove_if_exists(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Takes the lock file beside `output` (`.public.kbgen-lock`), made if missing, for as long
/// as the returned file is open. The operating system lets go of it when the process ends,
/// however it ends, so a killed build never leaves a stale lock.
pub fn lock_output(output: &Path) -> Result<std::fs::File, Diagnostic> {
    let path = sibling(output, "lock");
    let diag = |e: io::Error| io_diag(&path, e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(diag)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(diag)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
            output.display().to_string(),
            "output-locked",
            format!(
                "another kbgen build is writing this folder now (it holds {}); wait for it to finish, or build into another --output",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(diag(e)),
    }
}

/// Puts `staging` where `output` is; the old output is removed only after the swap.
///
/// Where the operating system can exchange two paths in one step (Linux's `renameat2` with
/// `RENAME_EXCHANGE`, macOS's `renameatx_np` with `RENAME_SWAP`), the output path holds the
/// old site or the new one at every instant, whenever the process is stopped. Elsewhere,
/// or on a file system that refuses the exchange, the old output is renamed aside first: a
/// stop between the two renames leaves it at `.public.kbgen-old`.
pub fn swap_in(staging: &Path, output: &Path) -> io::Result<()> {
    if output.exists() {
        match exchange(staging, output) {
            // `staging` now holds the old output.
            Ok(true) => return remove_if_exists(staging),
            Ok(false) => {}
            Err(e) => return Err(e),
        }
        let old = sibling(output, "old");
        remove_if_exists(&old)?;
        std::fs::rename(output, &old)?;
        if let Err(e) = std::fs::rename(staging, output) {
            std::fs::rename(&old, output)?;
            return Err(e);
        }
        remove_if_exists(&old)
    } else {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(staging, output)
    }
}

/// Exchanges two paths atomically; `false` where this system or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if [
                rustix::io::Errno::INVAL,
                rustix::io::Errno::NOSYS,
                rustix::io::Errno::OPNOTSUPP,
            ]
            .contains(&e) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

pub fn io_diag(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(path.display().to_string(), "io", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// While builds replace the output again and again, a reader of the output path always
    /// finds a whole site there: the old one or the new one, never none.
    #[test]
    fn the_output_path_is_never_empty_during_a_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join("index.html"), "0").unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        let (missing, looks) = std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                let (mut missing, mut looks) = (0u32, 0u32);
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    looks += 1;
                    if std::fs::symlink_metadata(&output).is_err()
                        || !output.join("index.html").exists()
                    {
                        missing += 1;
                    }
                }
                (missing, looks)
            });
            for i in 1..=3000 {
                let staging = sibling(&output, "tmp");
                std::fs::create_dir(&staging).unwrap();
                std::fs::write(staging.join("index.html"), i.to_string()).unwrap();
                swap_in(&staging, &output).unwrap();
                assert!(!staging.exists(), "the old output is removed");
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            watcher.join().unwrap()
        });
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "3000"
        );
        assert!(looks > 1000, "the watcher looked only {looks} times");
        assert_eq!(
            missing, 0,
            "the output was missing {missing} of {looks} times"
        );
    }
}
