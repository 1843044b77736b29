use super::*;

fn toks(s: &str) -> Vec<String> {
    tokens(s)
}

/// Tokens of one line through the byte path or the char path.
fn line_tokens<T: Ch>(line: &[T], text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut f = |t: &str| out.push(t.to_string());
    let mut sink = Sink {
        buf: String::new(),
        line: text,
        f: &mut f,
    };
    tokenize_line(line, strip_prefixes(line), &mut sink);
    out
}

#[test]
fn ascii_lines_tokenize_the_same_as_bytes_and_as_chars() {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "7",
        "_",
        " ",
        "-",
        ".",
        ":",
        "/",
        "\\",
        "'",
        "\"",
        "`",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<",
        ">",
        ",",
        ";",
        "|",
        "!",
        "?",
        "@",
        "&",
        "#",
        "=",
        "npm ERR! ",
        "error: ",
        "WARN ",
        "[INFO] ",
        "2026-11-29T10:11:12Z ",
        "C:\\Users\\x",
        "/var/run/x.sock",
        "http://a.b/c",
        "127.0.0.1:80",
        "v1.2.3",
        "0xdeadbeef",
        "a@b.cc",
        "file.rs:1:2",
        "'express'",
        "`u32`",
        "E0308",
        "it's",
        "fe80::1",
        "123e4567-e89b-12d3-a456-426614174000",
        "abcdefgh123",
        "[31m",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..5000 {
        let n = 1 + next() % 24;
        let line: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect::<String>()
            .to_ascii_lowercase();
        let chars: Vec<char> = line.chars().collect();
        assert_eq!(
            line_tokens(line.as_bytes(), &line),
            line_tokens(&chars, &line),
            "{line:?}"
        );
    }
}

/// What a classification comes to, for comparing.
fn outcome<T: Ch>(c: Class<'_, T>) -> Option<String> {
    match c {
        Class::Word(w) => Some(T::chars(w).iter().collect()),
        Class::Placeholder(p) => Some(p.to_string()),
        Class::Dropped => None,
    }
}

#[test]
fn letters_only_is_what_classify_makes_of_letters() {
    let letters: Vec<u8> = (b'a'..=b'z').chain(b'A'..=b'Z').collect();
    // Every word of one and two letters, and longer ones built from them.
    let mut words: Vec<Vec<u8>> = letters.iter().map(|&a| vec![a]).collect();
    for &a in &letters {
        for &b in &letters {
            words.push(vec![a, b]);
            words.push(vec![a, b, a, b, b, a, a]);
        }
    }
    for w in &words {
        assert_eq!(
            outcome(letters_only(w)),
            outcome(classify(w)),
            "{}",
            String::from_utf8_lossy(w)
        );
    }
    // The tokenizer takes the shortcut only for words of letters.
    assert_eq!(
        toks("a bc x1 ab_ 0xbeef user12345"),
        ["bc", "x1", "ab", "<hex>", "<id>"]
    );
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
fn apostrophes_inside_words_and_out() {
    // Between two word characters an apostrophe does not end the chunk (whose words are
    // then split at it: `don't` gives `don` and a dropped `t`); elsewhere it ends the
    // chunk, or opens a quoted name.
    // Pinned from the tokenizer before 'QUOTE' joined the class table.
    assert_eq!(
        toks("don't rock'n'roll 'tis o' x'1 ab'' 'name' `u8`"),
        ["don", "rock", "roll", "tis", "1", "ab", "<str>", "<str>"]
    );
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
