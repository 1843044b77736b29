//! JSON that no HTML parser can misread: `<`, `>` and `&` are written as `\u003c`, `\u003e`
//! and `\u0026`, and U+2028 and U+2029 as escapes too. The value is the same to any JSON
//! parser, but a `</script>`, `<!--` or `<script>` in a contributed title can neither close
//! a `<script>` element that holds the JSON nor be sniffed as markup when the file is
//! opened on its own.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

/// `value` as pretty-printed JSON (two-space indents), made safe as above.
pub fn to_writer_pretty<W: io::Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(w, HtmlSafe(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// `value` as compact JSON, made safe as above.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, HtmlSafe(serde_json::ser::CompactFormatter));
    // Writing to a Vec fails only for values that are not JSON (maps with non-string keys),
    // which kbgen never serializes.
    value
        .serialize(&mut ser)
        .expect("kbgen serializes only JSON-shaped values");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Whether `s` needs no escape at all as a JSON string: then it can be written between
/// quotes as it is.
pub fn is_plain(s: &str) -> bool {
    s.bytes()
        .all(|b| b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2))
}

/// A formatter that writes string contents with the escapes above.
struct HtmlSafe<F>(F);

impl<F: Formatter> Formatter for HtmlSafe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            w.write_all(&fragment.as_bytes()[start..i])?;
            w.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_strings_is_escaped_and_the_value_is_unchanged() {
        let value = serde_json::json!({
            "t": "</script><!--<script>a & b\u{2028}",
            "list": ["<x>", "plain"],
        });
        for json in [to_string(&value), {
            let mut v = Vec::new();
            to_writer_pretty(&mut v, &value).unwrap();
            String::from_utf8(v).unwrap()
        }] {
            assert!(
                !json.contains('<') && !json.contains('>') && !json.contains('&'),
                "{json}"
            );
            assert!(json.contains("\\u003c/script\\u003e"), "{json}");
            let back: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(back, value);
        }
        assert!(is_plain("git push") && !is_plain("a<b") && !is_plain("\u{2028}"));
    }
}
