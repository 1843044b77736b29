//! Text -> tokens, the one tokenizer that both the index and every query go through.
//!
//! Pasted errors come wrapped in JSON, log prefixes, ANSI colours and the user's own values
//! (ports, paths, ids). [`clean`](super::clean) decodes escapes, folds case and typography
//! (NFKC) and skips per-line log prefixes; then each line splits into chunks: whole chunks that
//! are URLs, paths, IPs, dates, e-mail addresses and quoted names become placeholders (`<url>`,
//! `<path>`, ...; see [`shapes`](super::shapes)), the rest splits into words, where long
//! numbers, hex ids and versions become placeholders too. CJK runs become character bigrams.
//! Placeholders keep word order visible but never score.
//!
//! `theme/static/assets/search-tokens.js` implements the same steps line for line; the shared vectors in
//! `tests/search/normalize.json` hold both to it.

use super::clean::{clean, is_cjk, is_space, is_word, strip_prefixes};
use super::shapes::{is_date, is_email, is_ip, is_path, is_time, is_uuid};

/// Words that carry little signal: English glue and the keys of JSON error bodies.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "code", "detail", "details", "error",
    "errors", "for", "from", "in", "is", "it", "its", "message", "of", "on", "or", "status",
    "that", "the", "this", "to", "type", "was", "were", "with",
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
    let mut out = Vec::new();
    each_token(text, &mut |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each token of `text`, in order: [`tokens`] without an allocation per token.
pub(crate) fn each_token(text: &str, f: &mut dyn FnMut(&str)) {
    let folded = clean(text);
    let mut sink = Sink {
        buf: String::new(),
        line: "",
        f,
    };
    let mut chars = Vec::new();
    let mut start = 0;
    // Line breaks are ASCII, so cutting the bytes there cuts the text at char boundaries.
    let breaks = folded
        .bytes()
        .enumerate()
        .filter(|&(_, b)| matches!(b, b'\n' | b'\r' | 0x0b | 0x0c));
    for (end, _) in breaks.chain([(folded.len(), b'\n')]) {
        let l = folded.get(start..end).unwrap_or_default();
        start = end + 1;
        // An ASCII line is tokenized as bytes: the same steps, and its words are slices of it.
        if l.is_ascii() {
            sink.line = l;
            let b = l.as_bytes();
            tokenize_line(b, strip_prefixes(b), &mut sink);
        } else {
            chars.clear();
            chars.extend(l.chars());
            tokenize_line(&chars, strip_prefixes(&chars), &mut sink);
        }
    }
}

/// A character of a line: a byte of an ASCII line, or a `char`.
pub(crate) trait Ch: Copy {
    fn ch(self) -> char;
    /// Passes the word `w` to the sink.
    fn emit(w: &[Self], sink: &mut Sink<'_, '_>);
    /// `w` as chars, for the rarer steps written for chars only.
    fn chars(w: &[Self]) -> std::borrow::Cow<'_, [char]>;
}

impl Ch for u8 {
    fn ch(self) -> char {
        char::from(self)
    }
    fn emit(w: &[u8], sink: &mut Sink<'_, '_>) {
        // `w` is a slice of `sink.line`: hand out that part of the line.
        let at = (w.as_ptr() as usize).wrapping_sub(sink.line.as_ptr() as usize);
        let word = sink.line.get(at..at + w.len()).unwrap_or_default();
        (sink.f)(word);
    }
    fn chars(w: &[u8]) -> std::borrow::Cow<'_, [char]> {
        std::borrow::Cow::Owned(w.iter().map(|&b| char::from(b)).collect())
    }
}

impl Ch for char {
    fn ch(self) -> char {
        self
    }
    fn emit(w: &[char], sink: &mut Sink<'_, '_>) {
        sink.buf.clear();
        sink.buf.extend(w);
        (sink.f)(&sink.buf);
    }
    fn chars(w: &[char]) -> std::borrow::Cow<'_, [char]> {
        std::borrow::Cow::Borrowed(w)
    }
}

/// Where tokens go: placeholders as they are, words as slices of an ASCII `line` or through
/// one reused buffer.
pub(crate) struct Sink<'a, 'l> {
    buf: String,
    line: &'l str,
    f: &'a mut dyn FnMut(&str),
}

impl Sink<'_, '_> {
    fn placeholder(&mut self, p: &str) {
        (self.f)(p);
    }

    fn class<T: Ch>(&mut self, c: Class<'_, T>) {
        match c {
            Class::Word(w) => T::emit(w, self),
            Class::Placeholder(p) => self.placeholder(p),
            Class::Dropped => {}
        }
    }
}

const SPACE: u8 = 1;
const SOFT: u8 = 2;
const HARD: u8 = 4;
const WORD: u8 = 8;
/// An ASCII letter, digit or `_`.
const PLAIN: u8 = 16;
/// An ASCII letter.
const LETTER: u8 = 32;
/// `'`: ends a word unless it stands between two word characters.
const QUOTE: u8 = 64;

/// What each ASCII character is to the line tokenizer.
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b <= b' ' || b == 0x7f {
            SPACE
        } else if b.is_ascii_alphabetic() {
            WORD | PLAIN | LETTER
        } else if b.is_ascii_digit() || b == b'_' {
            WORD | PLAIN
        } else if matches!(
            b,
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' | b',' | b';' | b'|'
        ) {
            SOFT | HARD
        } else if b == b'"' || b == b'`' {
            HARD
        } else if b == b'\'' {
            QUOTE
        } else {
            0
        };
        c += 1;
    }
    t
};

/// [`SPACE`], [`SOFT`], [`HARD`], [`WORD`], [`PLAIN`], [`LETTER`], [`QUOTE`] bits of `c`.
fn class_of(c: char) -> u8 {
    match ASCII.get(c as usize) {
        Some(&k) => k,
        None => (if is_space(c) { SPACE } else { 0 }) | (if is_word(c) { WORD } else { 0 }),
    }
}

fn tokenize_line<T: Ch>(s: &[T], start: usize, out: &mut Sink<'_, '_>) {
    let n = s.len();
    let mut i = start;
    while i < n {
        let c = s[i].ch();
        let k = class_of(c);
        if k & (SPACE | SOFT) != 0 {
            i += 1;
            continue;
        }
        // `"`, `` ` `` (the hard breaks left once soft ones are skipped) or `'`.
        if k & (HARD | QUOTE) != 0 {
            let apostrophe = c == '\'' && i > 0 && is_word(s[i - 1].ch());
            if !apostrophe {
                if let Some(j) = masked_quote(s, i) {
                    out.placeholder("<str>");
                    i = j + 1;
                } else {
                    i += 1;
                }
                continue;
            }
        }
        let mut j = i + 1;
        // The bits every character of the word has.
        let mut all = k;
        while j < n {
            let k = class_of(s[j].ch());
            if k & (SPACE | HARD | QUOTE) != 0
                && (k & QUOTE == 0
                    || !(is_word(s[j - 1].ch()) && j + 1 < n && is_word(s[j + 1].ch())))
            {
                break;
            }
            all &= k;
            j += 1;
        }
        if all & LETTER != 0 {
            // ASCII letters only: a word as it is (see `classify`).
            out.class(letters_only(&s[i..j]));
        } else if all & PLAIN != 0 {
            // ASCII letters, digits and `_` only: one word, no shape to look for.
            out.class(classify(&s[i..j]));
        } else {
            chunk(&s[i..j], out);
        }
        i = j;
    }
}

/// A quoted single name (no spaces) that is not a JSON key or value: index of the closing quote.
fn masked_quote<T: Ch>(s: &[T], i: usize) -> Option<usize> {
    let q = s[i].ch();
    let n = s.len();
    let mut j = i + 1;
    while j < n && j - i <= 65 && s[j].ch() != q && !is_space(s[j].ch()) {
        j += 1;
    }
    if j >= n || s[j].ch() != q || j == i + 1 || j - i > 65 {
        return None;
    }
    if j + 1 < n && is_word(s[j + 1].ch()) {
        return None;
    }
    if !s[i + 1..j].iter().any(|c| is_word(c.ch())) {
        return None;
    }
    if q != '`' {
        let prev = s[..i].iter().rev().map(|c| c.ch()).find(|&c| !is_space(c));
        if matches!(prev, Some(':' | ',' | '[' | '{' | '=')) {
            return None;
        }
        let next = s[j + 1..].iter().map(|c| c.ch()).find(|&c| !is_space(c));
        if next == Some(':') {
            return None;
        }
    }
    Some(j)
}

fn chunk<T: Ch>(raw: &[T], out: &mut Sink<'_, '_>) {
    let mut end = raw.len();
    while end > 0 && matches!(raw[end - 1].ch(), '.' | ':' | '!' | '?' | '\'') {
        end -= 1;
    }
    let t = &raw[..end];
    // ASCII letters, digits and `_` only: one word (none of the shapes below, each needs a `@`,
    // `-`, `:`, `.` or a slash).
    if t.iter().all(|c| class_of(c.ch()) & PLAIN != 0) {
        if !t.is_empty() {
            out.class(classify(t));
        }
        return;
    }
    chunk_chars(&T::chars(t), out);
}

/// A chunk with more than ASCII letters and digits, trailing punctuation trimmed.
fn chunk_chars(t: &[char], out: &mut Sink<'_, '_>) {
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
        out.placeholder("<url>");
        return;
    }
    if t.iter().all(|&c| is_word(c)) {
        words(t, out);
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
    out.placeholder(kind);
}

fn words(s: &[char], out: &mut Sink<'_, '_>) {
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
                char::emit(&s[i..j], out);
            } else {
                for k in i..j - 1 {
                    char::emit(&s[k..k + 2], out);
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
            out.placeholder("<uuid>");
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
        out.class(classify(&s[i..j]));
        i = j;
    }
}

enum Class<'a, T> {
    Word(&'a [T]),
    Placeholder(&'static str),
    Dropped,
}

/// What [`classify`] makes of a word of ASCII letters only, without looking at them.
fn letters_only<T: Ch>(w: &[T]) -> Class<'_, T> {
    if w.len() == 1 {
        Class::Dropped
    } else {
        Class::Word(w)
    }
}

/// A word as a token, a placeholder, or nothing.
fn classify<T: Ch>(w: &[T]) -> Class<'_, T> {
    let (Some(a), Some(b)) = (
        w.iter().position(|c| c.ch() != '_'),
        w.iter().rposition(|c| c.ch() != '_'),
    ) else {
        return Class::Dropped;
    };
    let w = &w[a..=b];
    let len = w.len();
    // No digit: no number, hex id, version or id shape below.
    if !w.iter().any(|c| c.ch().is_ascii_digit()) {
        return if len == 1 && w[0].ch().is_ascii_alphabetic() {
            Class::Dropped
        } else {
            Class::Word(w)
        };
    }
    let (mut digits, mut lead_digits, mut all_hex, mut dot) = (0, len, true, false);
    for (k, c) in w.iter().map(|c| c.ch()).enumerate() {
        let digit = c.is_ascii_digit();
        digits += usize::from(digit);
        if !digit && lead_digits == len {
            lead_digits = k;
        }
        all_hex &= c.is_ascii_hexdigit();
        dot |= c == '.';
    }
    Class::Placeholder(if dot {
        "<ver>"
    } else if digits == len {
        if len <= 3 {
            return Class::Word(w);
        }
        "<num>"
    } else if (len > 2
        && w[0].ch() == '0'
        && w[1].ch() == 'x'
        && w[2..].iter().all(|c| c.ch().is_ascii_hexdigit()))
        || (len >= 7 && all_hex && digits > 0)
    {
        "<hex>"
    } else if lead_digits >= 4 {
        "<num>"
    } else if len >= 8 && digits >= 3 {
        "<id>"
    } else if len == 1 && w[0].ch().is_ascii_alphabetic() {
        return Class::Dropped;
    } else {
        return Class::Word(w);
    })
}

#[cfg(test)]
mod tests;
