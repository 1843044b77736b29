//! Text-level cleanup before tokenizing: escapes decoded, ANSI codes removed, case and
//! typography folded, and each line's log prefixes (levels, timestamps, `npm ERR!`) skipped.
//!
//! Every step has a fast path for text that does not need it (no `\`, no `&`, no ANSI code,
//! already NFKC); the fast path returns the input unchanged, which is what the full step would
//! return. `theme/static/assets/search-tokens.js` implements the full steps (`decodeEscapes`, `stripAnsi`,
//! `fold`, `stripPrefixes`); `tests/search/normalize.json` holds both to the same output.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::normalize::Ch;

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

/// Escapes decoded, ANSI codes removed, NFKC, typography and case folded.
pub(crate) fn clean(text: &str) -> String {
    // One scan decides whether any step has work to do: plain ASCII only needs lower case.
    let b = text.as_bytes();
    let plain = text.is_ascii()
        && !b.contains(&b'\\')
        && !b.contains(&b'&')
        && !b.contains(&0x1b)
        && !text.match_indices('[').any(|(i, _)| sgr_at(b, i));
    if plain {
        return text.to_ascii_lowercase();
    }
    let decoded = decode_escapes(text);
    let plain = strip_ansi(&decoded);
    fold(&plain)
}

pub(crate) fn is_space(c: char) -> bool {
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
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}' | '\u{3040}'..='\u{30ff}' | '\u{3130}'..='\u{318f}'
        | '\u{31f0}'..='\u{31ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

pub(crate) fn starts_with<T: Ch>(s: &[T], at: usize, prefix: &str) -> bool {
    let mut rest = s.get(at..).unwrap_or_default().iter();
    prefix
        .chars()
        .all(|p| rest.next().map(|c| c.ch()) == Some(p))
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
fn decode_escapes(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b == b'\\' || b == b'&') {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(out)
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

/// True when `strip_ansi` would change `text`: an ESC, or a bare SGR code such as `[31m`.
fn has_ansi(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == 0x1b || (c == b'[' && sgr_at(b, i)))
}

/// A bare SGR code (`[31m`) starts at byte `i` (a `[`).
fn sgr_at(b: &[u8], i: usize) -> bool {
    // Digits and `;` are ASCII, so byte and char offsets agree inside the code.
    let mut j = i + 1;
    while j < b.len() && j - i <= 12 && (b[j].is_ascii_digit() || b[j] == b';') {
        j += 1;
    }
    j > i + 1 && j < b.len() && b[j] == b'm'
}

/// ANSI escape sequences, and bare SGR codes (`[31m`) whose ESC got lost in a copy.
fn strip_ansi(text: &str) -> Cow<'_, str> {
    if !has_ansi(text) {
        return Cow::Borrowed(text);
    }
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
    Cow::Owned(out)
}

/// NFKC, typographic quotes and dashes, invisible characters, lower case.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut push = |c: char| match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}' => {
            out.push('\'')
        }
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{2036}' | '\u{ab}'
        | '\u{bb}' => out.push('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
        '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
        _ => out.push(c),
    };
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(&mut push);
    } else {
        text.nfkc().for_each(&mut push);
    }
    out.to_lowercase()
}

/// Index of the first character after the line's log prefixes.
pub(crate) fn strip_prefixes<T: Ch>(s: &[T]) -> usize {
    let n = s.len();
    let at = |k: usize| s[k].ch();
    let mut p = 0;
    loop {
        while p < n && is_space(at(p)) {
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
        while w < n && at(w).is_ascii_lowercase() {
            w += 1;
        }
        if w > p && w < n && (at(w) == ':' || at(w) == '!') && is_level(&s[p..w], LEVELS) {
            p = w + 1;
            continue;
        }
        if w > p && w < n && is_space(at(w)) && is_level(&s[p..w], BARE_LEVELS) {
            p = w;
            continue;
        }
        if at(p) == '['
            && let Some(q) = (p + 1..n.min(p + 50)).find(|&q| at(q) == ']')
        {
            let inner = &s[p + 1..q];
            if !inner.is_empty()
                && (inner.iter().any(|c| c.ch().is_ascii_digit())
                    || inner.iter().any(|c| c.ch() == ':')
                    || is_level(inner, LEVELS))
            {
                p = q + 1;
                if p < n && at(p) == ':' {
                    p += 1;
                }
                continue;
            }
        }
        if at(p).is_ascii_digit() {
            let mut e = p;
            while e < n && !is_space(at(e)) {
                e += 1;
            }
            let chunk = &s[p..e];
            let stampish = chunk.iter().all(|c| {
                let c = c.ch();
                c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | ',' | '/' | '+' | 't' | 'z')
            });
            let digits = chunk.iter().filter(|c| c.ch().is_ascii_digit()).count();
            let seps = chunk.iter().any(|c| matches!(c.ch(), '-' | ':' | '/'));
            if stampish && (seps || digits >= 5) {
                p = e;
                continue;
            }
        }
        return p;
    }
}

fn is_level<T: Ch>(word: &[T], list: &[&str]) -> bool {
    list.iter()
        .any(|l| l.len() == word.len() && l.chars().zip(word).all(|(a, b)| a == b.ch()))
}
