//! Shapes of user-specific values: a whitespace-delimited chunk that is an e-mail address, a
//! date, a time, an IP address or a path, and a UUID inside a word. The tokenizer turns them into
//! placeholders (`<email>`, `<path>`, ...), so the user's own values never decide a match.
//!
//! Mirrored by `isEmail`, `isDate`, `isTime`, `isIp`, `isPath` and `isUuid` in
//! `theme/static/assets/search-tokens.js`.

use super::clean::{is_word, starts_with};

fn digits_at(t: &[char], at: usize, count: usize) -> bool {
    at + count <= t.len() && t[at..at + count].iter().all(char::is_ascii_digit)
}

pub(crate) fn is_email(t: &[char]) -> bool {
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
    dot > 0 && tld.len() >= 2 && tld.iter().all(char::is_ascii_alphabetic)
}

pub(crate) fn is_date(t: &[char]) -> bool {
    digits_at(t, 0, 4)
        && t.len() >= 10
        && t[4] == '-'
        && digits_at(t, 5, 2)
        && t[7] == '-'
        && digits_at(t, 8, 2)
}

pub(crate) fn is_time(t: &[char]) -> bool {
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

pub(crate) fn is_ip(t: &[char]) -> bool {
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
        if t[i] == ':' && i + 1 < t.len() && t[i + 1..].iter().all(char::is_ascii_digit) {
            return true;
        }
    }
    // IPv6.
    let colons = t.iter().filter(|&&c| c == ':').count();
    colons >= 2
        && t.iter()
            .all(|&c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        && t.iter().any(char::is_ascii_hexdigit)
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
        && ext.iter().all(char::is_ascii_alphanumeric)
        && ext.iter().any(char::is_ascii_alphabetic)
}

pub(crate) fn is_path(t: &[char]) -> bool {
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

pub(crate) fn is_uuid(s: &[char]) -> bool {
    s.len() >= 36
        && s[..36].iter().enumerate().all(|(k, &c)| {
            if matches!(k, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}
