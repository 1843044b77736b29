//! The default theme's static files, compiled into the binary.
//!
//! They live in this repository's `static/` folder and are written into every
//! site's output before the site's own `static/` is copied over them, so a site
//! can replace any of them by path.

/// (output path, bytes) of every built-in asset.
pub const BUILTIN: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../theme/static/assets/style.css"),
    ),
    (
        "assets/kbgen.js",
        include_bytes!("../theme/static/assets/kbgen.js"),
    ),
    (
        "assets/search.js",
        include_bytes!("../theme/static/assets/search.js"),
    ),
    (
        "assets/search-tokens.js",
        include_bytes!("../theme/static/assets/search-tokens.js"),
    ),
    (
        "assets/search-ui.js",
        include_bytes!("../theme/static/assets/search-ui.js"),
    ),
    ("favicon.svg", include_bytes!("../theme/static/favicon.svg")),
];
