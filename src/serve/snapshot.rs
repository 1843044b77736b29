//! One in-memory build of the site as `kbgen serve` answers it.
//!
//! A [`Snapshot`] is immutable: a rebuild makes a new one and swaps it in, so a
//! request always sees one whole build. HTML files get the live-reload script
//! here, once per build, never on disk. A build that fails keeps the previous
//! good files (so assets still load) and adds an error page that lists every
//! diagnostic, escaped.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use axum::body::Bytes;

use crate::diagnostic::Report;
use crate::output::MemorySink;
use crate::render::Templates;
use crate::site;

/// Where the live-reload script is served.
pub const RELOAD_JS_PATH: &str = "/__kbgen/livereload.js";
/// The server-sent-events stream that says "reload".
pub const RELOAD_EVENTS_PATH: &str = "/__kbgen/livereload";

/// The live-reload client: listens to the event stream and reloads the page
/// when a build newer than the page's own is ready.
pub const RELOAD_JS: &str = r#"(function () {
  var me = document.currentScript;
  var since = me ? me.getAttribute("data-kbgen-version") : "";
  var events = new EventSource("/__kbgen/livereload?since=" + encodeURIComponent(since || ""));
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
})();
"#;

/// One build, ready to serve.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Changes on every rebuild, good or bad; pages carry it to the reload stream.
    pub version: u64,
    /// Site path -> bytes; HTML already carries the reload script.
    pub files: HashMap<String, Bytes>,
    /// The error page, when the last build failed.
    pub broken: Option<Bytes>,
}

/// What one (re)build produced, for the terminal.
pub struct Outcome {
    pub snapshot: Snapshot,
    /// The compiled templates, for the next build to reuse while they do not change.
    pub templates: Option<Templates>,
    /// One line on success, the full human report on failure.
    pub message: String,
    pub ok: bool,
}

/// Builds the site under `root` into memory with `base_url`, as version `version`.
/// On failure, `previous` files are kept beside the error page.
pub fn build(
    root: &Path,
    drafts: bool,
    base_url: &str,
    version: u64,
    previous: Option<&Snapshot>,
    templates: Option<Templates>,
) -> Outcome {
    let start = Instant::now();
    let opts = crate::load::LoadOptions {
        drafts,
        ..Default::default()
    };
    let mut kept = None;
    let rendered = site::prepare_reusing(root, opts, Some(base_url), templates).and_then(
        |(site, mut templates)| {
            let sink = MemorySink::default();
            let result = site::render_site(&site, &mut templates, &sink);
            kept = Some(templates);
            match result {
                Ok(pages) => Ok((site.entries.len(), pages, sink)),
                Err(diags) => {
                    let mut r = Report::for_root(root);
                    r.extend(diags);
                    Err(r)
                }
            }
        },
    );
    match rendered {
        Ok((entries, pages, sink)) => {
            let files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
            let files = files
                .into_iter()
                .map(|(path, bytes)| {
                    let bytes = if path.ends_with(".html") {
                        inject(&bytes, version)
                    } else {
                        Bytes::from(bytes)
                    };
                    (path, bytes)
                })
                .collect();
            let summary = site::BuildSummary {
                entries,
                pages,
                output: root.to_owned(),
                seconds: start.elapsed().as_secs_f64(),
            };
            Outcome {
                snapshot: Snapshot {
                    version,
                    files,
                    broken: None,
                },
                templates: kept,
                message: summary.line(),
                ok: true,
            }
        }
        Err(report) => {
            let text = report.render_human();
            Outcome {
                snapshot: Snapshot {
                    version,
                    files: previous.map(|p| p.files.clone()).unwrap_or_default(),
                    broken: Some(error_page(&report, &text, version)),
                },
                templates: kept,
                message: text,
                ok: false,
            }
        }
    }
}

/// Puts the reload script before the last `</body>`, or at the end.
pub fn inject(html: &[u8], version: u64) -> Bytes {
    let tag =
        format!("<script src=\"{RELOAD_JS_PATH}\" data-kbgen-version=\"{version}\"></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    Bytes::from(out)
}

/// The page shown for every HTML request while the site has errors.
fn error_page(report: &Report, text: &str, version: u64) -> Bytes {
    let title = match report.error_count() {
        1 => "The site has 1 error".to_owned(),
        n => format!("The site has {n} errors"),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\
         body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2328;background:#fff}}\
         h1{{font-size:1.4rem;color:#b42318}}\
         pre{{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:1rem;overflow:auto;font-size:.9rem}}\
         @media (prefers-color-scheme:dark){{body{{color:#e6edf3;background:#0d1117}}pre{{background:#161b22;border-color:#30363d}}h1{{color:#ff7b72}}}}\
         </style>\n</head>\n<body>\n<h1>{title}</h1>\n\
         <p>kbgen serve is still running and watching your files: fix the problems below and save; this page reloads by itself.</p>\n\
         <pre>{}</pre>\n</body>\n</html>\n",
        crate::util::escape::xml(text)
    );
    inject(html.as_bytes(), version)
}

/// The Content-Type of a site path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 7);
        let out = String::from_utf8(out.to_vec()).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__kbgen/livereload.js\" data-kbgen-version=\"7\"></script>\n</BODY></html>"
        );
        let out = inject(b"no body", 1);
        assert!(out.ends_with(b"data-kbgen-version=\"1\"></script>\n"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("x.unknown"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
