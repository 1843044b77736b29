//! Request paths to site paths, refusing anything that could leave the site.
//!
//! `kbgen serve` keeps the built site in memory, so no request can reach the
//! disk; still, every path is checked as if it could, and refused rather than
//! normalized: a `..` or `.` segment (written plainly or percent-encoded), an
//! encoded slash or backslash, a backslash, a NUL or other control character,
//! an empty segment (`//etc/passwd`), a drive letter (`C:`), bad percent-encoding
//! or a path that is not UTF-8. Percent-encoding is decoded exactly once.

/// The site path a request path names, e.g. `/git/foo/` -> `git/foo/index.html`,
/// or `None` when the path must be answered with 404 whatever the site holds.
///
/// `raw` is the path of the request as sent, still percent-encoded, starting with `/`.
pub fn site_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    if ["%2f", "%5c", "%00"].iter().any(|e| lower.contains(e)) {
        return None;
    }
    let decoded = percent_decode(rest)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        let empty_inside = seg.is_empty() && i != last;
        if empty_inside || *seg == "." || *seg == ".." || (i == 0 && is_drive(seg)) {
            return None;
        }
    }
    let mut path = decoded;
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    Some(path)
}

/// `C:` or `c:`, the start of a Windows absolute path.
fn is_drive(seg: &str) -> bool {
    let b = seg.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Decodes `%XX` escapes once; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_map_to_files() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/git/foo/").as_deref(),
            Some("git/foo/index.html")
        );
        assert_eq!(
            site_path("/assets/style.css").as_deref(),
            Some("assets/style.css")
        );
        assert_eq!(site_path("/git/foo").as_deref(), Some("git/foo"));
        assert_eq!(site_path("/caf%C3%A9/").as_deref(), Some("café/index.html"));
        assert_eq!(site_path("/a%20b.txt").as_deref(), Some("a b.txt"));
        assert_eq!(
            site_path("/.well-known/x").as_deref(),
            Some(".well-known/x")
        );
    }

    #[test]
    fn every_way_out_is_refused() {
        for raw in [
            "/..",
            "/../kbgen.yaml",
            "/git/../../kbgen.yaml",
            "/git/..",
            "/./index.html",
            "/%2e%2e/kbgen.yaml",
            "/%2E%2E/kbgen.yaml",
            "/.%2e/kbgen.yaml",
            "/%2e./kbgen.yaml",
            "/git/%2e%2e/%2e%2e/etc/passwd",
            "/..%2fkbgen.yaml",
            "/..%2Fkbgen.yaml",
            "/git%2f..%2f..%2fkbgen.yaml",
            "/..%5ckbgen.yaml",
            "/..%5Ckbgen.yaml",
            "/..\\kbgen.yaml",
            "/git\\..\\..\\kbgen.yaml",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/git//index.html",
            "/C:/Windows/win.ini",
            "/c:%5cwindows",
            "/index.html%00.css",
            "/a%0ab",
            "/%zz",
            "/%e",
            "/%ff%fe",
            "etc/passwd",
            "",
        ] {
            assert_eq!(site_path(raw), None, "{raw:?} must be refused");
        }
    }

    #[test]
    fn decoding_happens_once() {
        // `%252e` decodes to the three characters `%2e`, a harmless file name.
        assert_eq!(site_path("/%252e%252e/x").as_deref(), Some("%2e%2e/x"));
    }
}
