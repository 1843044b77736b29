//! Reading a site's files without leaving the site.
//!
//! Git stores symbolic links, so a pull request can ship one: an entry linked to
//! `/proc/self/environ` would put the CI job's secrets into a diagnostic, a `static/`
//! linked to a home folder would publish it, and one linked to `/dev/stdin` would make
//! `check` wait forever. So a path is followed only while it stays inside the site root
//! (a link from one of the site's own files or folders to another works), and only
//! regular files are read: a device, FIFO or socket is refused before it is opened.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::yaml::MAX_FILE_BYTES;

/// The site root, resolved once, that every followed path must stay inside.
#[derive(Debug, Clone)]
pub struct Fence {
    root: PathBuf,
}

impl Fence {
    pub fn new(root: &Path) -> Fence {
        Fence {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned()),
        }
    }

    /// Why `path` (written `rel` in messages) may not be used, if it may not: a symbolic
    /// link that leads out of the site or nowhere, or something that is neither a regular
    /// file nor a folder. A path that does not exist passes; its readers report that.
    pub fn refusal(&self, path: &Path, rel: &str) -> Option<Diagnostic> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if meta.file_type().is_symlink() {
            match std::fs::canonicalize(path) {
                Ok(target) if target.starts_with(&self.root) => {}
                Ok(target) => {
                    return Some(Diagnostic::error(
                        rel,
                        "outside-site",
                        format!(
                            "this is a symbolic link to {}, outside the site; kbgen follows links only to files and folders inside the site",
                            target.display()
                        ),
                    ));
                }
                Err(e) => {
                    return Some(Diagnostic::error(
                        rel,
                        "io",
                        format!("cannot read the file: the symbolic link leads nowhere ({e})"),
                    ));
                }
            }
        }
        let meta = std::fs::metadata(path).ok()?;
        let kind = meta.file_type();
        if kind.is_file() || kind.is_dir() {
            return None;
        }
        Some(not_a_file(rel, &kind))
    }
}

impl Fence {
    /// The regular files under `dir` (a folder of the site, named `rel` in messages), in
    /// name order, with a diagnostic for each link or special file that was left out. A
    /// missing folder has no files.
    pub fn files_under(&self, dir: &Path, rel: &str) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let mut refused = Vec::new();
        if let Some(d) = self.refusal(dir, rel) {
            return (Vec::new(), vec![d]);
        }
        if !dir.is_dir() {
            return (Vec::new(), refused);
        }
        let mut files = Vec::new();
        let walker = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let plain = e.file_type().is_file() || e.file_type().is_dir();
                if e.depth() > 0 && (e.path_is_symlink() || !plain) {
                    let name = format!("{rel}/{}", crate::load::files::rel_path(dir, e.path()));
                    if let Some(d) = self.refusal(e.path(), &name) {
                        refused.push(d);
                        return false;
                    }
                }
                true
            });
        let mut errors = Vec::new();
        for item in walker {
            match item {
                Ok(item) if item.file_type().is_file() => files.push(item.into_path()),
                Ok(_) => {}
                Err(e) => errors.push(Diagnostic::error(
                    rel,
                    "io",
                    format!("cannot read the folder: {e}"),
                )),
            }
        }
        refused.extend(errors);
        (files, refused)
    }
}

fn not_a_file(rel: &str, kind: &std::fs::FileType) -> Diagnostic {
    Diagnostic::error(
        rel,
        "not-a-file",
        format!(
            "this is {}, not a regular file; kbgen reads only regular files",
            describe(kind)
        ),
    )
}

#[cfg(unix)]
fn describe(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn describe(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Opens `path` for reading only when it is a regular file, without blocking on one that
/// is not (a FIFO whose writer never comes): the type is looked at before the open, and
/// again on the open file, in case the path changed in between.
pub fn open_regular(path: &Path, rel: &str) -> Result<std::fs::File, Box<Diagnostic>> {
    let io = |e: io::Error| {
        Box::new(Diagnostic::error(
            rel,
            "io",
            format!("cannot read the file: {e}"),
        ))
    };
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(Box::new(not_a_file(rel, &kind)));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(io)?;
    let kind = file.metadata().map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(Box::new(not_a_file(rel, &kind)));
    }
    Ok(file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_pass_and_links_outside_or_to_special_files_do_not() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "a").unwrap();
        symlink("a.md", root.join("content/inside.md")).unwrap();
        symlink(outside.path().join("secret"), root.join("content/out.md")).unwrap();
        symlink(outside.path(), root.join("static")).unwrap();
        symlink("/dev/null", root.join("content/dev.md")).unwrap();
        symlink("missing", root.join("content/dangling.md")).unwrap();
        let fence = Fence::new(root);
        assert!(fence.refusal(&root.join("content/a.md"), "a").is_none());
        assert!(
            fence
                .refusal(&root.join("content/inside.md"), "i")
                .is_none()
        );
        assert!(fence.refusal(&root.join("content"), "c").is_none());
        for (name, rule) in [
            ("content/out.md", "outside-site"),
            ("static", "outside-site"),
            ("content/dev.md", "outside-site"),
            ("content/dangling.md", "io"),
        ] {
            let d = fence.refusal(&root.join(name), name).expect(name);
            assert_eq!(d.rule, rule, "{name}: {}", d.message);
        }
        let d = open_regular(Path::new("/dev/null"), "dev").unwrap_err();
        assert_eq!(d.rule, "not-a-file", "{}", d.message);
        assert!(open_regular(&root.join("content/a.md"), "a").is_ok());
    }
}

/// Reads a file as text for a record; refuses huge files before reading them.
pub fn read_limited(path: &Path, rel: &str) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read;
    let io = |e: std::io::Error| {
        Box::new(Diagnostic::error(
            rel,
            "io",
            format!("cannot read the file: {e}"),
        ))
    };
    let too_large = |len: u64| {
        Box::new(Diagnostic::error(
            rel,
            "file-too-large",
            format!(
                "the file is {len} bytes; kbgen reads records of at most {MAX_FILE_BYTES} bytes"
            ),
        ))
    };
    // The length from the open file, not from a second look-up of its path.
    let mut file = crate::load::files::open_regular(path, rel)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    // Room for the whole file and one byte more: a file of that length takes one read and
    // the read that finds its end. One that grew since is read up to a byte past the limit.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Box::new(Diagnostic::error(
            rel,
            "file-too-large",
            format!("the file grew past {MAX_FILE_BYTES} bytes while kbgen read it"),
        )));
    }
    Ok(bytes)
}

/// `root/content/x/y.md` -> `content/x/y.md`.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn read_limited_reads_whole_files_and_refuses_large_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for len in [1usize, 4095, 8192, 8193, 100_000, MAX_FILE_BYTES as usize] {
            let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let path = dir.join(format!("{len}.md"));
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_limited(&path, "x.md").unwrap(), bytes, "{len} bytes");
        }
        let path = dir.join("large.md");
        std::fs::write(&path, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        let err = read_limited(&path, "x.md").unwrap_err();
        assert_eq!(err.rule, "file-too-large");
        let err = read_limited(&dir.join("missing.md"), "x.md").unwrap_err();
        assert_eq!(err.rule, "io");
    }
}
