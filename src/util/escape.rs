//! Escaping for the three places kbgen writes text into markup.
//!
//! - [`text_into`]: HTML text content (`<`, `>`, `&`), for HTML that kbgen assembles itself
//!   (highlighted code, heading links).
//! - [`html_to`]: Tera's escape function for templates, HTML text and attribute values.
//! - [`xml`]: XML (and HTML) content and attribute values, for feeds and the sitemap; drops
//!   the characters XML 1.0 does not allow.
//!
//! JSON has its own module ([`super::json`]).

/// Escapes `<`, `>` and `&` (text content; attribute quotes need no escaping here).
pub fn text_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
}

/// Escapes text for XML (and HTML) content and attribute values.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Tera's HTML escaping, to the byte (`&amp; &lt; &gt; &quot; &#39;`), writing the text
/// between escapes in one piece: Tera's own writes every byte on its own through
/// `dyn Write`, 7% of the instructions of a 1,000-entry build (callgrind).
pub fn html_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_writes_what_teras_own_writes() {
        for input in [
            "",
            "plain",
            "&",
            "<script>alert('x')</script>",
            "a & b < c > d \" e ' f",
            "&&<<>>\"\"''",
            "ends with <",
            "> starts",
            "é — 日本 & ü",
        ] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            html_to(input, &mut ours).unwrap();
            tera::escape_html(input, &mut theirs).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{input:?}"
            );
        }
    }

    #[test]
    fn xml_covers_markup_and_control_characters() {
        assert_eq!(xml("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }
}
