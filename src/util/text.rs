//! Small text rules that every stage shares: slugs, line breaks, control characters,
//! and numbers for people.

/// True for lower-case `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Folds CRLF and lone CR line breaks to LF. YAML and CommonMark both count a
/// lone CR as a line break, so every line number kbgen reports counts them too.
pub fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The first character of `s` that no text field may hold, with its byte offset: every
/// control character but tab and newline. Escape sequences would reach readers' terminals
/// through `kbgen lookup` and `check`, and the rest have no place in a page.
pub fn forbidden_control(s: &str) -> Option<(usize, char)> {
    s.char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t' && c != '\n')
}

/// `s` with each character [`forbidden_control`] finds replaced by U+FFFD: for text that
/// Markdown decodes from character references (`&#x1b;`), which no field check sees.
pub fn without_controls(s: String) -> String {
    if forbidden_control(&s).is_none() {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// The message for a forbidden control character `c` in a text field.
pub fn control_message(c: char) -> String {
    let name = match c {
        '\u{1b}' => " (ESC, which starts terminal escape sequences)",
        '\u{7}' => " (BEL)",
        '\r' => " (carriage return)",
        '\u{9b}' => " (CSI, which starts terminal escape sequences)",
        _ => "",
    };
    format!(
        "the text holds the control character U+{:04X}{name}; text fields may hold no control characters but tab and newline",
        u32::from(c)
    )
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 entry`, `2 entries`, `1,234 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// False when `md` has no link for sure: every Markdown link (inline, reference,
/// autolink, footnote) needs a `[` or a `<`.
pub fn may_link(md: &str) -> bool {
    md.contains(['[', '<'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("a-b1"));
        assert!(!is_slug("a--b") && !is_slug("A") && !is_slug("-a") && !is_slug(""));
    }
}
