//! Build-time syntax highlighting of fenced code blocks, with no JavaScript.
//!
//! A small lexer per language family marks comments, strings, numbers,
//! keywords, literals, variables and keys with `<span class="hl-…">`; every
//! other character is escaped and passed through, so the text a reader copies
//! is exactly the code. A grammar-based crate (syntect, tree-sitter) would add
//! compile time and megabytes of grammars for the handful of languages
//! troubleshooting pages show; this runs at about 70 MB/s, so even a large
//! knowledge base spends milliseconds here. Every scan is bounded or consumes
//! what it reads, so hostile input stays linear. Unknown languages are escaped only.

/// The token classes the stylesheet colours.
pub const CLASSES: &[&str] = &["hl-c", "hl-s", "hl-n", "hl-k", "hl-l", "hl-v", "hl-a"];

/// How one language family is lexed.
struct Lang {
    /// Line comment openers; `#` only counts at the start of a word.
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    /// Quote characters that open strings.
    quotes: &'static [char],
    /// Python's `"""` and `'''`.
    triple_quotes: bool,
    /// Single-quoted strings take no backslash escapes (shells).
    raw_single_quotes: bool,
    /// `'a` is a Rust lifetime, not a string.
    lifetimes: bool,
    /// `$VAR`, `${VAR}`, `$1` are variables.
    dollar_vars: bool,
    /// A word or string followed by `:` (JSON, YAML) or `=` at line start (TOML) is a key.
    keys: Keys,
    keywords: &'static [&'static str],
    literals: &'static [&'static str],
}

#[derive(PartialEq, Eq)]
enum Keys {
    None,
    Colon,
    LineStartEquals,
}

const SHELL: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    triple_quotes: false,
    raw_single_quotes: true,
    lifetimes: false,
    dollar_vars: true,
    keys: Keys::None,
    keywords: &[
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
        "in", "function", "return", "export", "local", "sudo", "echo", "cd", "set", "unset",
        "source", "exit",
    ],
    literals: &["true", "false"],
};

const JSON: Lang = Lang {
    line_comments: &[],
    block_comment: None,
    quotes: &['"'],
    triple_quotes: false,
    raw_single_quotes: false,
    lifetimes: false,
    dollar_vars: false,
    keys: Keys::Colon,
    keywords: &[],
    literals: &["true", "false", "null"],
};

const YAML: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    triple_quotes: false,
    raw_single_quotes: true,
    lifetimes: false,
    dollar_vars: false,
    keys: Keys::Colon,
    keywords: &[],
    literals: &["true", "false", "null", "yes", "no", "on", "off", "~"],
};

const TOML: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    triple_quotes: true,
    raw_single_quotes: true,
    lifetimes: false,
    dollar_vars: false,
    keys: Keys::LineStartEquals,
    keywords: &[],
    literals: &["true", "false"],
};

const PYTHON: Lang = Lang {
    line_comments: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    triple_quotes: true,
    raw_single_quotes: false,
    lifetimes: false,
    dollar_vars: false,
    keys: Keys::None,
    keywords: &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
        "yield",
    ],
    literals: &["True", "False", "None"],
};

const RUST: Lang = Lang {
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"', '\''],
    triple_quotes: false,
    raw_single_quotes: false,
    lifetimes: true,
    dollar_vars: false,
    keys: Keys::None,
    keywords: &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "type",
        "unsafe", "use", "where", "while",
    ],
    literals: &["true", "false", "None", "Some", "Ok", "Err"],
};

const JS: Lang = Lang {
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"', '\'', '`'],
    triple_quotes: false,
    raw_single_quotes: false,
    lifetimes: false,
    dollar_vars: false,
    keys: Keys::None,
    keywords: &[
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "finally",
        "for",
        "from",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "of",
        "return",
        "switch",
        "throw",
        "try",
        "type",
        "typeof",
        "var",
        "void",
        "while",
        "yield",
    ],
    literals: &["true", "false", "null", "undefined", "this"],
};

fn lang(name: &str) -> Option<&'static Lang> {
    Some(match name.to_ascii_lowercase().as_str() {
        "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "dockerfile" => &SHELL,
        "json" | "jsonc" | "json5" => &JSON,
        "yaml" | "yml" => &YAML,
        "toml" | "ini" => &TOML,
        "python" | "py" | "python3" => &PYTHON,
        "rust" | "rs" => &RUST,
        "javascript" | "js" | "mjs" | "cjs" | "typescript" | "ts" | "jsx" | "tsx" => &JS,
        _ => return None,
    })
}

/// Whether `name` (a fence's info string) is a language this module highlights.
pub fn supports(name: &str) -> bool {
    lang(name).is_some()
}

/// `code` as escaped HTML with highlight spans, or escaped only when the
/// language is unknown. The text content is always exactly `code`.
pub fn highlight(name: &str, code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 2);
    match lang(name) {
        Some(l) => Lexer {
            l,
            s: code,
            out: &mut out,
        }
        .run(),
        None => crate::util::escape::text_into(&mut out, code),
    }
    out
}

struct Lexer<'a> {
    l: &'static Lang,
    s: &'a str,
    out: &'a mut String,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn span(&mut self, class: &str, text: &str) {
        self.out.push_str("<span class=\"");
        self.out.push_str(class);
        self.out.push_str("\">");
        crate::util::escape::text_into(self.out, text);
        self.out.push_str("</span>");
    }

    fn run(&mut self) {
        let s = self.s;
        let mut i = 0;
        // Whether only indentation (and YAML's `- `) precedes `i` on its line.
        let mut line_start = true;
        while i < s.len() {
            let rest = &s[i..];
            let c = rest.chars().next().unwrap_or(' ');
            let prev = s[..i].chars().next_back();
            let word_start = prev.is_none_or(|p| !is_word(p) && p != '$' && p != '\\');
            let len = self.token(rest, c, word_start, line_start);
            match len {
                Some(n) => i += n,
                None => {
                    crate::util::escape::text_into(self.out, &rest[..c.len_utf8()]);
                    i += c.len_utf8();
                }
            }
            let last = s[..i].chars().next_back().unwrap_or('\n');
            line_start = match last {
                '\n' => true,
                ' ' | '\t' => line_start,
                '-' => line_start && self.l.keys == Keys::Colon,
                _ => false,
            };
        }
    }

    /// Emits the token at the start of `rest`, returning its byte length, or None for a plain char.
    fn token(&mut self, rest: &str, c: char, word_start: bool, line_start: bool) -> Option<usize> {
        let l = self.l;
        if let Some(n) = self.comment(rest, word_start, line_start) {
            return Some(n);
        }
        if l.quotes.contains(&c) {
            return self.string(rest, c, line_start);
        }
        if l.dollar_vars && c == '$' {
            return self.variable(rest);
        }
        if !word_start {
            return None;
        }
        self.number(rest, c, line_start)
            .or_else(|| self.word(rest, c, line_start))
    }

    /// A line comment (`#` only at the start of a word or line) or a block comment.
    fn comment(&mut self, rest: &str, word_start: bool, line_start: bool) -> Option<usize> {
        let l = self.l;
        for open in l.line_comments {
            if rest.starts_with(open) && (*open != "#" || word_start || line_start) {
                let n = rest.find('\n').unwrap_or(rest.len());
                self.span("hl-c", &rest[..n]);
                return Some(n);
            }
        }
        let (open, close) = l.block_comment?;
        if !rest.starts_with(open) {
            return None;
        }
        let n = rest[open.len()..]
            .find(close)
            .map_or(rest.len(), |e| open.len() + e + close.len());
        self.span("hl-c", &rest[..n]);
        Some(n)
    }

    /// A string opened by the quote `c`, or a key when a `:` or `=` makes it one; a Rust
    /// lifetime is left as plain text.
    fn string(&mut self, rest: &str, c: char, line_start: bool) -> Option<usize> {
        let l = self.l;
        if l.lifetimes && c == '\'' && !is_char_literal(rest) {
            return None;
        }
        let n = string_len(rest, c, l);
        let class = if l.keys != Keys::None && is_key(&rest[n..], l, line_start) {
            "hl-a"
        } else {
            "hl-s"
        };
        self.span(class, &rest[..n]);
        Some(n)
    }

    /// A shell variable (`$VAR`, `${VAR}`, `$1`); a lone `$` is plain text.
    fn variable(&mut self, rest: &str) -> Option<usize> {
        let n = dollar_len(rest);
        if n > 1 {
            self.span("hl-v", &rest[..n]);
            return Some(n);
        }
        None
    }

    /// A number (negative in data languages), unless it is a key; None lets the word take it.
    fn number(&mut self, rest: &str, c: char, line_start: bool) -> Option<usize> {
        let l = self.l;
        let starts_number = c.is_ascii_digit()
            || (c == '-'
                && rest[1..].starts_with(|d: char| d.is_ascii_digit())
                && l.keys != Keys::None);
        if !starts_number {
            return None;
        }
        let n = 1 + rest[1..]
            .find(|d: char| !(d.is_ascii_alphanumeric() || d == '_' || d == '.'))
            .unwrap_or(rest.len() - 1);
        let word = &rest[..n];
        let numeric = word[usize::from(c == '-')..]
            .trim_end_matches(|d: char| d.is_ascii_alphabetic())
            .chars()
            .all(|d| d.is_ascii_hexdigit() || d == '_' || d == '.' || d == 'x' || d == 'o');
        if numeric && !(l.keys == Keys::Colon && is_key(&rest[n..], l, line_start)) {
            self.span("hl-n", word);
            return Some(n);
        }
        None
    }

    /// A word: a key, a keyword, a literal, or plain text written as it is.
    fn word(&mut self, rest: &str, c: char, line_start: bool) -> Option<usize> {
        let l = self.l;
        if !(is_word(c) || (c == '~' && l.literals.contains(&"~"))) {
            return None;
        }
        let n = rest
            .find(|d: char| !(is_word(d) || (l.keys != Keys::None && d == '-')))
            .unwrap_or(rest.len())
            .max(c.len_utf8());
        let word = &rest[..n];
        if l.keys != Keys::None && is_key(&rest[n..], l, line_start) {
            self.span("hl-a", word);
            return Some(n);
        }
        let next = rest[n..].chars().next();
        let class = if l.keywords.contains(&word) && next != Some(':') && next != Some('=') {
            "hl-k"
        } else if l.literals.contains(&word) && !next.is_some_and(is_word) {
            "hl-l"
        } else {
            crate::util::escape::text_into(self.out, word);
            return Some(n);
        };
        self.span(class, word);
        Some(n)
    }
}

/// `'x'`, `'\n'`, `'\u{1F600}'`: a Rust char literal rather than a lifetime.
fn is_char_literal(rest: &str) -> bool {
    let mut chars = rest.chars().skip(1);
    match chars.next() {
        Some('\\') => rest[2..].chars().take(10).any(|c| c == '\''),
        Some(_) => chars.next() == Some('\''),
        None => false,
    }
}

/// The byte length of the string starting at `rest` (quotes included); an
/// unterminated string ends at the end of its line (or of the block, for triple quotes).
fn string_len(rest: &str, q: char, l: &Lang) -> usize {
    let triple: String = [q; 3].iter().collect();
    if l.triple_quotes && rest.starts_with(&triple) {
        return rest[3..].find(&triple).map_or(rest.len(), |e| 3 + e + 3);
    }
    let escapes = !(l.raw_single_quotes && q == '\'');
    let multiline = q == '`' || (l.dollar_vars && q == '"');
    let mut it = rest.char_indices().skip(1);
    while let Some((i, c)) = it.next() {
        if c == q {
            return i + c.len_utf8();
        }
        if c == '\\' && escapes {
            it.next();
        } else if c == '\n' && !multiline {
            return i;
        }
    }
    rest.len()
}

/// `$HOME`, `${HOME}`, `$1`, `$?`.
fn dollar_len(rest: &str) -> usize {
    let body = &rest[1..];
    if body.starts_with('{') {
        // Bounded, so that a line of `${${${` stays linear.
        return body
            .char_indices()
            .take(64)
            .find(|&(_, c)| c == '}' || c == '\n')
            .filter(|&(_, c)| c == '}')
            .map_or(1, |(e, _)| e + 2);
    }
    if body.starts_with(|c: char| c.is_ascii_digit() || "?#@*!$-".contains(c)) {
        return 2;
    }
    1 + body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len())
}

/// Whether the text after a word or string makes it a key.
fn is_key(after: &str, l: &Lang, line_start: bool) -> bool {
    match l.keys {
        Keys::None => false,
        Keys::Colon => {
            let t = after.trim_start_matches([' ', '\t']);
            t.starts_with(':') && t[1..].chars().next().is_none_or(|c| c.is_whitespace())
        }
        Keys::LineStartEquals => {
            line_start && after.trim_start_matches([' ', '\t']).starts_with('=')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text content of highlighted HTML, tags dropped and entities decoded.
    fn text(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn text_is_kept_exactly() {
        for (lang, code) in [
            (
                "bash",
                "echo \"$HOME\" '${x}' # done\ncurl -s https://a/b?c=1&d=<e> | jq .x\n",
            ),
            (
                "json",
                "{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\\"y\"}",
            ),
            (
                "yaml",
                "- name: app # c\n  image: \"x:1\"\n  ports: [80, 443]\n  on: yes\n",
            ),
            (
                "python",
                "def f(x):\n    \"\"\"doc\"\"\"\n    return x or None  # why\n",
            ),
            ("rust", "fn f<'a>(s: &'a str) -> char { /* c */ 'x' }\n"),
            (
                "js",
                "const a = `t ${b}`; // c\nif (a < 2) { throw new Error('x'); }",
            ),
            ("toml", "[package]\nname = \"kbgen\"\nedition = 2024\n"),
            ("unknown", "<script>alert(1)</script>"),
            ("bash", "unterminated \"string\nnext"),
            ("python", "'''never closed"),
        ] {
            let html = highlight(lang, code);
            assert_eq!(text(&html), code, "{lang}: {html}");
            assert!(!html.contains("<script"), "{html}");
        }
        // Unclosed openers by the thousand (each scan is bounded or consumes what it reads).
        for (lang, unit) in [
            ("bash", "${"),
            ("rust", "'\\"),
            ("js", "/*"),
            ("python", "\"\"\""),
        ] {
            let code = unit.repeat(5000);
            assert_eq!(text(&highlight(lang, &code)), code, "{lang}");
        }
    }

    #[test]
    fn tokens_get_their_classes() {
        let h = highlight("bash", "export KEY=1 # set it\necho \"$KEY\" ${HOME}");
        assert!(h.contains(r#"<span class="hl-k">export</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-c"># set it</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-s">"$KEY"</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-v">${HOME}</span>"#), "{h}");

        let h = highlight("json", r#"{"code": 401, "ok": false}"#);
        assert!(h.contains(r#"<span class="hl-a">"code"</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-n">401</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-l">false</span>"#), "{h}");

        let h = highlight("yaml", "services:\n  - image: x # c");
        assert!(h.contains(r#"<span class="hl-a">services</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-a">image</span>"#), "{h}");

        let h = highlight("rust", "fn f<'a>() -> char { 'x' }");
        assert!(h.contains(r#"<span class="hl-k">fn</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-s">'x'</span>"#), "{h}");
        assert!(
            !h.contains(r#"<span class="hl-s">'a"#),
            "a lifetime is not a string: {h}"
        );

        let h = highlight("python", "import os\nprint(os.environ[\"KEY\"][:8])");
        assert!(h.contains(r#"<span class="hl-k">import</span>"#), "{h}");
        assert!(h.contains(r#"<span class="hl-n">8</span>"#), "{h}");
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        let h = highlight("bash", "git log a#b $# x");
        assert!(!h.contains("hl-c"), "{h}");
    }

    #[test]
    fn unknown_languages_are_only_escaped() {
        assert_eq!(highlight("cobol", "a < b && c"), "a &lt; b &amp;&amp; c");
        assert!(!supports("cobol") && supports("Bash") && supports("yml"));
    }
}
