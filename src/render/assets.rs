//! The default theme's static files, compiled into the binary.
//!
//! They live in this repository's `static/` folder and are written into every
//! site's output before the site's own `static/` is copied over them, so a site
//! can replace any of them by path.

use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::load::files::{Fence, open_regular, rel_path};
use crate::output::{MARKER, Sink, put_file};

/// (output path, bytes) of every built-in asset.
pub const BUILTIN: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../theme/static/assets/style.css"),
    ),
    (
        "assets/kbgen.js",
        include_bytes!("../../theme/static/assets/kbgen.js"),
    ),
    (
        "assets/search.js",
        include_bytes!("../../theme/static/assets/search.js"),
    ),
    (
        "assets/search-tokens.js",
        include_bytes!("../../theme/static/assets/search-tokens.js"),
    ),
    (
        "assets/search-ui.js",
        include_bytes!("../../theme/static/assets/search-ui.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../theme/static/favicon.svg"),
    ),
];

/// Theme assets, then the site's own static/ over them, then the output marker.
pub fn write_assets(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    let put = |path: &str, bytes: &[u8]| put_file(sink, path, bytes);
    let mut errors: Vec<Diagnostic> = BUILTIN
        .iter()
        .filter_map(|(path, bytes)| put(path, bytes).err())
        .collect();
    errors.extend(copy_static(&site.root, &put));
    errors.extend(
        put(
            MARKER,
            b"This folder is written by kbgen build, which replaces it on every build.\n",
        )
        .err(),
    );
    errors
}

/// Stores one output file.
type Put<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

fn copy_static(root: &Path, put: &Put<'_>) -> Vec<Diagnostic> {
    let dir = root.join("static");
    let (files, mut errors) = Fence::new(root).files_under(&dir, "static");
    errors.par_extend(files.par_iter().filter_map(|path| {
        let rel = rel_path(&dir, path);
        let read = || -> io::Result<Vec<u8>> {
            let mut bytes = Vec::new();
            io::Read::read_to_end(
                &mut open_regular(path, &rel).map_err(|d| io::Error::other(d.message))?,
                &mut bytes,
            )?;
            Ok(bytes)
        };
        match read() {
            Ok(bytes) => put(&rel, &bytes).err(),
            Err(e) => Some(Diagnostic::error(
                format!("static/{rel}"),
                "io",
                format!("cannot read: {e}"),
            )),
        }
    }));
    errors
}
