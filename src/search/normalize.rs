//! Text -> tokens, the one tokenizer that both the index and every query go through.
//!
//! Pasted errors come wrapped in JSON, log prefixes, ANSI colours and the user's own values
//! (ports, paths, ids). The pipeline decodes escapes, folds case and typography (NFKC), strips
//! per-line log prefixes, then splits each line into chunks: whole chunks that are URLs, paths,
//! IPs, dates, e-mail addresses and quoted names become placeholders (`<url>`, `<path>`, ...),
//! the rest splits into words, where long numbers, hex ids and versions become placeholders too.
//! CJK runs become character bigrams. Placeholders keep word order visible but never score.
//!
//! `static/assets/search.js` implements the same steps line for line; the shared vectors in
//! `tests/search/normalize.json` hold both to it.

use unicode_normalization::UnicodeNormalization;

/// Words that carry little signal: English glue and the keys of JSON error bodies.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "code", "detail", "details", "error",
    "errors", "for", "from", "in", "is", "it", "its", "message", "of", "on", "or", "status",
    "that", "the", "this", "to", "type", "was", "were", "with",
];

/// Log levels and tool prefixes stripped at the start of a line when followed by `:` or `!`.
const LEVELS: &[&str] = &[
    "alert",
    "crit",
    "critical",
    "dbg",
    "debug",
    "emerg",
    "err",
    "error",
    "fatal",
    "hint",
    "info",
    "information",
    "notice",
    "note",
    "panic",
    "remote",
    "severe",
    "trace",
    "verbose",
    "warn",
    "warning",
];

/// Log levels also stripped when followed by a space (`ERROR something`).
const BARE_LEVELS: &[&str] = &[
    "debug", "error", "fatal", "info", "trace", "warn", "warning",
];

const LINE_PREFIXES: &[&str] = &[
    "npm err!",
    "npm error",
    "npm warn",
    "npm notice",
    "npm verb",
    "npm info",
    "npm http",
];

/// True for a word the scorer weighs down.
pub fn is_stopword(token: &str) -> bool {
    STOPWORDS.binary_search(&token).is_ok()
}

/// True for a placeholder such as `<num>` (never scored, breaks bigrams).
pub fn is_placeholder(token: &str) -> bool {
    token.starts_with('<')
}

/// Normalises `text` into its token list (placeholders included).
pub fn tokens(text: &str) -> Vec<String> {
    let decoded = strip_ansi(&decode_escapes(text));
    let folded = fold(&decoded);
    let mut out = Vec::new();
    for line in folded.split(['\n', '\r', '\u{b}', '\u{c}']) {
        let chars: Vec<char> = line.chars().collect();
        let start = strip_prefixes(&chars);
        tokenize_line(&chars, start, &mut out);
    }
    out
}

fn hex_value(chars: &[char]) -> Option<u32> {
    let mut v = 0u32;
    for c in chars {
        v = v * 16 + c.to_digit(16)?;
    }
    Some(v)
}

/// A raw Windows path (`C:\Users`): its backslashes are not JSON escapes.
fn has_raw_windows_path(s: &[char]) -> bool {
    s.windows(4)
        .any(|w| w[0].is_ascii_alphabetic() && w[1] == ':' && w[2] == '\\' && is_word(w[3]))
}

/// JSON string escapes and HTML entities.
fn decode_escapes(text: &str) -> String {
    let s: Vec<char> = text.chars().collect();
    let controls = !has_raw_windows_path(&s);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == '\\' && i + 1 < s.len() {
            let e = s[i + 1];
            let simple = match e {
                'n' if controls => Some('\n'),
                'r' if controls => Some('\r'),
                't' if controls => Some('\t'),
                'b' | 'f' if controls => Some(' '),
                '"' | '\\' | '/' | '\'' => Some(e),
                _ => None,
            };
            if let Some(d) = simple {
                out.push(d);
                i += 2;
                continue;
            }
            if e == 'u'
                && i + 6 <= s.len()
                && let Some(hi) = hex_value(&s[i + 2..i + 6])
            {
                i += 6;
                if (0xD800..0xDC00).contains(&hi)
                    && i + 6 <= s.len()
                    && s[i] == '\\'
                    && s[i + 1] == 'u'
                    && let Some(lo) = hex_value(&s[i + 2..i + 6])
                    && (0xDC00..0xE000).contains(&lo)
                {
                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(' '));
                    i += 6;
                    continue;
                }
                out.push(char::from_u32(hi).unwrap_or(' '));
                continue;
            }
        }
        if c == '&'
            && let Some((d, len)) = entity(&s[i..])
        {
            out.push(d);
            i += len;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// An HTML entity at the start of `s`: (decoded char, length).
fn entity(s: &[char]) -> Option<(char, usize)> {
    let end = s.iter().take(12).position(|&c| c == ';')?;
    let name: String = s[1..end].iter().collect();
    let d = match name.as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let cp = match num.strip_prefix(['x', 'X']) {
                Some(h)
                    if !h.is_empty()
                        && h.len() <= 6
                        && h.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    u32::from_str_radix(h, 16).ok()?
                }
                Some(_) => return None,
                None if !num.is_empty()
                    && num.len() <= 7
                    && num.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    num.parse().ok()?
                }
                None => return None,
            };
            char::from_u32(cp).unwrap_or(' ')
        }
    };
    Some((d, end + 1))
}

/// ANSI escape sequences, and bare SGR codes (`[31m`) whose ESC got lost in a copy.
fn strip_ansi(text: &str) -> String {
    let s: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == '\u{1b}' {
            i += 1;
            if i < s.len() && s[i] == '[' {
                i += 1;
                while i < s.len() && matches!(s[i], '0'..='9' | ';' | '?') {
                    i += 1;
                }
                if i < s.len() && ('\u{40}'..='\u{7e}').contains(&s[i]) {
                    i += 1;
                }
            } else if i < s.len() {
                i += 1;
            }
            continue;
        }
        if c == '[' {
            let mut j = i + 1;
            while j < s.len() && j - i <= 12 && matches!(s[j], '0'..='9' | ';') {
                j += 1;
            }
            if j > i + 1 && j < s.len() && s[j] == 'm' {
                i = j + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// NFKC, typographic quotes and dashes, invisible characters, lower case.
fn fold(text: &str) -> String {
    // NFKC leaves ASCII as it is and no folding below applies to it: skip the Unicode tables.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    fold_unicode(text)
}

fn fold_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}' => {
                out.push('\'')
            }
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{2036}'
            | '\u{ab}' | '\u{bb}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    out.to_lowercase()
}

fn is_space(c: char) -> bool {
    c <= ' '
        || ('\u{7f}'..='\u{a0}').contains(&c)
        || c == '\u{1680}'
        || ('\u{2000}'..='\u{200a}').contains(&c)
        || matches!(c, '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Letters, digits (any script) and `_`.
pub(crate) fn is_word(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric() || (c > '\u{7f}' && (c.is_alphabetic() || c.is_numeric()))
}

/// Scripts written without spaces (and Hangul): indexed as character bigrams.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}' | '\u{3040}'..='\u{30ff}' | '\u{3130}'..='\u{318f}'
        | '\u{31f0}'..='\u{31ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

fn starts_with(s: &[char], at: usize, prefix: &str) -> bool {
    let mut rest = s.get(at..).unwrap_or_default().iter();
    prefix.chars().all(|p| rest.next() == Some(&p))
}

/// Index of the first character after the line's log prefixes.
fn strip_prefixes(s: &[char]) -> usize {
    let n = s.len();
    let mut p = 0;
    loop {
        while p < n && is_space(s[p]) {
            p += 1;
        }
        if p >= n {
            return p;
        }
        if let Some(pre) = LINE_PREFIXES.iter().find(|pre| starts_with(s, p, pre)) {
            p += pre.chars().count();
            continue;
        }
        let mut w = p;
        while w < n && s[w].is_ascii_lowercase() {
            w += 1;
        }
        if w > p && w < n && (s[w] == ':' || s[w] == '!') {
            let word: String = s[p..w].iter().collect();
            if LEVELS.contains(&word.as_str()) {
                p = w + 1;
                continue;
            }
        }
        if w > p && w < n && is_space(s[w]) {
            let word: String = s[p..w].iter().collect();
            if BARE_LEVELS.contains(&word.as_str()) {
                p = w;
                continue;
            }
        }
        if s[p] == '['
            && let Some(q) = (p + 1..n.min(p + 50)).find(|&q| s[q] == ']')
        {
            let inner: String = s[p + 1..q].iter().collect();
            if !inner.is_empty()
                && (inner.chars().any(|c| c.is_ascii_digit())
                    || inner.contains(':')
                    || LEVELS.contains(&inner.as_str()))
            {
                p = q + 1;
                if p < n && s[p] == ':' {
                    p += 1;
                }
                continue;
            }
        }
        if s[p].is_ascii_digit() {
            let mut e = p;
            while e < n && !is_space(s[e]) {
                e += 1;
            }
            let chunk = &s[p..e];
            let stampish = chunk.iter().all(|c| {
                c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | ',' | '/' | '+' | 't' | 'z')
            });
            let digits = chunk.iter().filter(|c| c.is_ascii_digit()).count();
            let seps = chunk.iter().any(|c| matches!(c, '-' | ':' | '/'));
            if stampish && (seps || digits >= 5) {
                p = e;
                continue;
            }
        }
        return p;
    }
}

const HARD_DELIMS: &str = "()[]{}<>,;|\"`";

fn tokenize_line(s: &[char], start: usize, out: &mut Vec<String>) {
    let n = s.len();
    let mut i = start;
    while i < n {
        let c = s[i];
        if is_space(c) || "()[]{}<>,;|".contains(c) {
            i += 1;
            continue;
        }
        if c == '"' || c == '`' || c == '\'' {
            let apostrophe = c == '\'' && i > 0 && is_word(s[i - 1]);
            if !apostrophe {
                if let Some(j) = masked_quote(s, i) {
                    out.push("<str>".to_string());
                    i = j + 1;
                } else {
                    i += 1;
                }
                continue;
            }
        }
        let mut j = i + 1;
        while j < n {
            let d = s[j];
            if is_space(d) || HARD_DELIMS.contains(d) {
                break;
            }
            if d == '\'' && !(is_word(s[j - 1]) && j + 1 < n && is_word(s[j + 1])) {
                break;
            }
            j += 1;
        }
        chunk(&s[i..j], out);
        i = j;
    }
}

/// A quoted single name (no spaces) that is not a JSON key or value: index of the closing quote.
fn masked_quote(s: &[char], i: usize) -> Option<usize> {
    let q = s[i];
    let n = s.len();
    let mut j = i + 1;
    while j < n && j - i <= 65 && s[j] != q && !is_space(s[j]) {
        j += 1;
    }
    if j >= n || s[j] != q || j == i + 1 || j - i > 65 {
        return None;
    }
    if j + 1 < n && is_word(s[j + 1]) {
        return None;
    }
    if !s[i + 1..j].iter().any(|&c| is_word(c)) {
        return None;
    }
    if q != '`' {
        let prev = s[..i].iter().rev().find(|&&c| !is_space(c));
        if matches!(prev, Some(':' | ',' | '[' | '{' | '=')) {
            return None;
        }
        let next = s[j + 1..].iter().find(|&&c| !is_space(c));
        if next == Some(&':') {
            return None;
        }
    }
    Some(j)
}

fn chunk(raw: &[char], out: &mut Vec<String>) {
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1], '.' | ':' | '!' | '?' | '\'') {
        end -= 1;
    }
    let t = &raw[..end];
    if t.is_empty() {
        return;
    }
    if let Some(k) =
        (0..t.len().saturating_sub(2)).find(|&k| t[k] == ':' && t[k + 1] == '/' && t[k + 2] == '/')
    {
        let mut s = k;
        while s > 0 && (t[s - 1].is_ascii_alphanumeric() || matches!(t[s - 1], '+' | '.' | '-')) {
            s -= 1;
        }
        words(&t[..s], out);
        out.push("<url>".to_string());
        return;
    }
    let kind = if is_email(t) {
        "<email>"
    } else if is_date(t) {
        "<date>"
    } else if is_time(t) {
        "<time>"
    } else if is_ip(t) {
        "<ip>"
    } else if is_path(t) {
        "<path>"
    } else {
        words(t, out);
        return;
    };
    out.push(kind.to_string());
}

fn digits_at(t: &[char], at: usize, count: usize) -> bool {
    at + count <= t.len() && t[at..at + count].iter().all(|c| c.is_ascii_digit())
}

fn is_email(t: &[char]) -> bool {
    let Some(a) = t.iter().position(|&c| c == '@') else {
        return false;
    };
    let domain = &t[a + 1..];
    if a == 0 || !t[..a].iter().any(|&c| is_word(c)) {
        return false;
    }
    if !domain
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return false;
    }
    let Some(dot) = domain.iter().rposition(|&c| c == '.') else {
        return false;
    };
    let tld = &domain[dot + 1..];
    dot > 0 && tld.len() >= 2 && tld.iter().all(|c| c.is_ascii_alphabetic())
}

fn is_date(t: &[char]) -> bool {
    digits_at(t, 0, 4)
        && t.len() >= 10
        && t[4] == '-'
        && digits_at(t, 5, 2)
        && t[7] == '-'
        && digits_at(t, 8, 2)
}

fn is_time(t: &[char]) -> bool {
    let mut i = 0;
    while i < t.len() && i < 2 && t[i].is_ascii_digit() {
        i += 1;
    }
    if i == 0 || i >= t.len() || t[i] != ':' || !digits_at(t, i + 1, 2) {
        return false;
    }
    i += 3;
    if i < t.len() && t[i] == ':' && digits_at(t, i + 1, 2) {
        i += 3;
    }
    if i + 1 < t.len() && matches!(t[i], '.' | ',') && t[i + 1].is_ascii_digit() {
        i += 1;
        while i < t.len() && t[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < t.len() && t[i] == 'z' {
        i += 1;
    }
    i == t.len()
}

fn is_ip(t: &[char]) -> bool {
    // IPv4, optionally with a port.
    let mut parts = 0;
    let mut i = 0;
    loop {
        let s = i;
        while i < t.len() && i - s < 3 && t[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            break;
        }
        parts += 1;
        if parts == 4 || i >= t.len() || t[i] != '.' {
            break;
        }
        i += 1;
    }
    if parts == 4 {
        if i == t.len() {
            return true;
        }
        if t[i] == ':' && i + 1 < t.len() && t[i + 1..].iter().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    // IPv6.
    let colons = t.iter().filter(|&&c| c == ':').count();
    colons >= 2
        && t.iter()
            .all(|&c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        && t.iter().any(|c| c.is_ascii_hexdigit())
}

/// `name.ext`: an extension of 1-8 ASCII letters/digits with at least one letter.
fn has_extension(segment: &[char]) -> bool {
    let Some(dot) = segment.iter().rposition(|&c| c == '.') else {
        return false;
    };
    let ext = &segment[dot + 1..];
    dot > 0
        && !ext.is_empty()
        && ext.len() <= 8
        && ext.iter().all(|c| c.is_ascii_alphanumeric())
        && ext.iter().any(|c| c.is_ascii_alphabetic())
}

fn is_path(t: &[char]) -> bool {
    if !t.iter().any(|&c| is_word(c)) {
        return false;
    }
    let starts = |p: &str| starts_with(t, 0, p);
    if t[0] == '/'
        || starts("~/")
        || starts("./")
        || starts("../")
        || starts(".\\")
        || starts("..\\")
        || starts("\\\\")
        || (t.len() > 2 && t[0].is_ascii_alphabetic() && t[1] == ':' && matches!(t[2], '\\' | '/'))
    {
        return true;
    }
    let slashes = t.iter().filter(|&&c| c == '/' || c == '\\').count();
    if slashes >= 2 {
        return true;
    }
    // file.ext:line[:col]
    let mut end = t.len();
    let mut stripped = false;
    loop {
        let mut k = end;
        while k > 0 && t[k - 1].is_ascii_digit() {
            k -= 1;
        }
        if k < end && k > 0 && t[k - 1] == ':' {
            end = k - 1;
            stripped = true;
        } else {
            break;
        }
    }
    let base = &t[..end];
    let last = match base.iter().rposition(|&c| c == '/' || c == '\\') {
        Some(k) => &base[k + 1..],
        None => base,
    };
    (stripped || slashes == 1) && has_extension(last)
}

fn is_uuid(s: &[char]) -> bool {
    s.len() >= 36
        && s[..36].iter().enumerate().all(|(k, &c)| {
            if matches!(k, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn words(s: &[char], out: &mut Vec<String>) {
    let n = s.len();
    let mut i = 0;
    while i < n {
        let c = s[i];
        if is_cjk(c) {
            let mut j = i;
            while j < n && is_cjk(s[j]) {
                j += 1;
            }
            if j - i == 1 {
                out.push(c.to_string());
            } else {
                for k in i..j - 1 {
                    out.push(s[k..k + 2].iter().collect());
                }
            }
            i = j;
            continue;
        }
        if !is_word(c) {
            i += 1;
            continue;
        }
        if is_uuid(&s[i..]) && (i + 36 == n || !is_word(s[i + 36])) {
            out.push("<uuid>".to_string());
            i += 36;
            continue;
        }
        let mut j = i;
        loop {
            while j < n && is_word(s[j]) && !is_cjk(s[j]) {
                j += 1;
            }
            if j + 1 < n && s[j] == '.' && s[j - 1].is_ascii_digit() && s[j + 1].is_ascii_digit() {
                j += 1;
                continue;
            }
            break;
        }
        if let Some(t) = classify(&s[i..j]) {
            out.push(t);
        }
        i = j;
    }
}

/// A word as a token, a placeholder, or nothing.
fn classify(w: &[char]) -> Option<String> {
    let a = w.iter().position(|&c| c != '_')?;
    let b = w.iter().rposition(|&c| c != '_')? + 1;
    let w = &w[a..b];
    let len = w.len();
    let digits = w.iter().filter(|c| c.is_ascii_digit()).count();
    let lead_digits = w.iter().take_while(|c| c.is_ascii_digit()).count();
    let all_hex = w.iter().all(|c| c.is_ascii_hexdigit());
    let t = if w.contains(&'.') {
        "<ver>"
    } else if digits == len {
        if len <= 3 {
            return Some(w.iter().collect());
        }
        "<num>"
    } else if (len > 2
        && w[0] == '0'
        && w[1] == 'x'
        && w[2..].iter().all(|c| c.is_ascii_hexdigit()))
        || (len >= 7 && all_hex && digits > 0)
    {
        "<hex>"
    } else if lead_digits >= 4 {
        "<num>"
    } else if len >= 8 && digits >= 3 {
        "<id>"
    } else if len == 1 && w[0].is_ascii_alphabetic() {
        return None;
    } else {
        return Some(w.iter().collect());
    };
    Some(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        tokens(s)
    }

    #[test]
    fn ascii_fast_path_folds_like_nfkc() {
        let ascii: String = (0u8..=127).map(char::from).collect();
        assert_eq!(fold(&ascii), fold_unicode(&ascii));
        assert_eq!(fold("ABC\u{2019}x"), fold_unicode("ABC\u{2019}x"));
        assert_eq!(fold("Fi\u{fb01}"), "fifi");
    }

    #[test]
    fn fnv1a_reference_values() {
        use crate::search::index::fnv1a;
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn stopwords_sorted() {
        let mut v = STOPWORDS.to_vec();
        v.sort();
        assert_eq!(v, STOPWORDS);
    }

    #[test]
    fn glued_json() {
        assert_eq!(
            toks(r#"{"error":{"message":"User not found.","code":401}}"#),
            ["error", "message", "user", "not", "found", "code", "401"]
        );
    }

    #[test]
    fn variables_masked() {
        assert_eq!(
            toks("connect ECONNREFUSED 127.0.0.1:5432 at /app/src/db.js:10:5 id 4f9a2c1e0b"),
            [
                "connect",
                "econnrefused",
                "<ip>",
                "at",
                "<path>",
                "id",
                "<hex>"
            ]
        );
        assert_eq!(
            toks("role \"alice\" does not exist"),
            ["role", "<str>", "does", "not", "exist"]
        );
        assert_eq!(toks("it's v1.2.3"), ["it", "<ver>"]);
    }

    #[test]
    fn prefixes() {
        assert_eq!(toks("npm ERR! code ERESOLVE"), ["code", "eresolve"]);
        assert_eq!(
            toks("2026-11-29T10:11:12.123Z [ERROR] fatal: not a git repository"),
            ["not", "git", "repository"]
        );
        assert_eq!(
            toks("error[E0308]: mismatched types"),
            ["error", "e0308", "mismatched", "types"]
        );
    }

    #[test]
    fn cjk_bigrams() {
        assert_eq!(
            toks("致命错误：不是 git 仓库"),
            ["致命", "命错", "错误", "不是", "git", "仓库"]
        );
    }
}
