//! From a record as written ([`RawEntry`]) to an [`Entry`] the renderer can trust, one
//! group of fields at a time. Every problem of the record is reported, each at the line
//! and column of its field, and where each field was written is kept for later rules.

use jiff::civil::Date;

use super::record::{RawEntry, RawFaq, RawSource};
use super::yaml::Spanned;
use crate::diagnostic::Diagnostic;
use crate::model::positions::PositionsBuilder;
use crate::model::{BodySpan, Entry, Faq, Source};
use crate::util::text::{control_message, forbidden_control, is_slug};
use crate::util::time::parse_date;
use crate::util::url::check_url;

/// What a record is, besides its fields: where it is and what its body is.
pub struct Resolve<'a> {
    pub file: &'a str,
    pub platform: &'a str,
    pub slug: &'a str,
    pub body: &'a str,
    pub body_line: u32,
    pub body_span: Option<BodySpan>,
    pub is_md: bool,
    pub today: Date,
}

/// The problems found so far, and where each field was written.
struct Fields<'a> {
    file: &'a str,
    diags: Vec<Diagnostic>,
    positions: PositionsBuilder,
}

impl Fields<'_> {
    fn err(&mut self, rule: &'static str, field: String, pos: (u32, u32), msg: String) {
        self.diags.push(
            Diagnostic::error(self.file, rule, msg)
                .field(field)
                .at(pos.0, pos.1),
        );
    }
}

pub fn resolve(raw: RawEntry, r: Resolve<'_>) -> Result<Entry, Vec<Diagnostic>> {
    let mut f = Fields {
        file: r.file,
        diags: Vec::new(),
        positions: PositionsBuilder::default(),
    };
    f.control_characters(&raw, &r);
    let (title, summary) = f.title_and_summary(&raw);
    let signatures = f.signatures(&raw.signatures);
    let updated = f.updated(&raw.updated, r.today);
    let tags = f.tags(raw.tags.as_deref().unwrap_or_default());
    let causes = f.list("causes", raw.causes);
    let fixes = f.list("fixes", raw.fixes);
    let checks = f.list("checks", raw.checks);
    let steps = f.list("steps", raw.steps);
    let prevention = f.list("prevention", raw.prevention);
    let quick_fix = f.optional("quick_fix", raw.quick_fix);
    let evidence = f.optional("evidence", raw.evidence);
    let body_field = raw.body.as_ref().map(Spanned::pos);
    let yaml_body = f.optional("body", raw.body);
    let sources = f.sources(raw.sources.as_deref().unwrap_or_default());
    let faq = f.faq(raw.faq.as_deref().unwrap_or_default());
    let related = f.related(raw.related.as_deref().unwrap_or_default());
    let aliases = f.aliases(raw.aliases.as_deref().unwrap_or_default());
    let (body, body_line) = f.body(&r, body_field, yaml_body);
    if !f.diags.is_empty() {
        return Err(f.diags);
    }
    Ok(Entry {
        id: format!("{}/{}", r.platform, r.slug),
        platform: r.platform.to_owned(),
        slug: r.slug.to_owned(),
        file: r.file.to_owned(),
        title,
        summary,
        signatures,
        updated,
        tags,
        quick_fix,
        causes,
        fixes,
        checks,
        steps,
        prevention,
        sources,
        evidence,
        faq,
        related,
        aliases,
        draft: raw.draft.unwrap_or(false),
        body,
        body_line,
        body_span: r.body_span,
        positions: f.positions.finish(),
    })
}

impl Fields<'_> {
    /// Control characters, in every text field and in a `.md` body.
    fn control_characters(&mut self, raw: &RawEntry, r: &Resolve<'_>) {
        for (field, value, pos) in text_fields(raw) {
            if let Some((_, c)) = forbidden_control(value) {
                self.err("control-character", field, pos, control_message(c));
            }
        }
        if r.is_md
            && let Some((at, c)) = forbidden_control(r.body)
        {
            let before = &r.body[..at];
            let line = r.body_line + before.matches('\n').count() as u32;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            self.err(
                "control-character",
                "body".into(),
                (line, column),
                control_message(c),
            );
        }
    }

    /// `title` and `summary`: one line of plain text each.
    fn title_and_summary(&mut self, raw: &RawEntry) -> (String, String) {
        let mut one_line = |name: &str, v: &Spanned<String>| {
            self.positions.insert(name, v.pos());
            let value = v.value.trim().to_owned();
            if value.is_empty() {
                let msg = format!("`{name}` must not be empty");
                self.err("required", name.into(), v.pos(), msg);
            } else if value.contains('\n') {
                let msg = format!("`{name}` must be one line of plain text");
                self.err("wrong-type", name.into(), v.pos(), msg);
            }
            value
        };
        let title = one_line("title", &raw.title);
        let summary = one_line("summary", &raw.summary);
        (title, summary)
    }

    /// Signatures are verbatim: only a trailing newline from a `|` block scalar is dropped.
    fn signatures(&mut self, raw: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        self.positions.insert("signatures", raw.pos());
        let mut signatures = Vec::new();
        for (i, s) in raw.value.iter().enumerate() {
            self.positions.insert_item("signatures", i, None, s.pos());
            let sig = s.value.trim_end_matches('\n');
            if sig.trim().is_empty() {
                let msg = "a signature must not be empty".into();
                self.err("required", format!("signatures[{i}]"), s.pos(), msg);
            } else {
                signatures.push(sig.to_owned());
            }
        }
        if raw.value.is_empty() {
            self.err(
                "required",
                "signatures".into(),
                raw.pos(),
                "`signatures` needs at least one error text, exactly as the tool prints it".into(),
            );
        }
        signatures
    }

    /// `updated`: a real date, not after `today`.
    fn updated(&mut self, raw: &Spanned<super::record::DateText>, today: Date) -> Date {
        self.positions.insert("updated", raw.pos());
        match parse_date(&raw.value.0) {
            Ok(d) if d > today => {
                let msg = format!("`updated` is {d}, which is in the future (today is {today})");
                self.err("future-date", "updated".into(), raw.pos(), msg);
                d
            }
            Ok(d) => d,
            Err(why) => {
                self.err("bad-date", "updated".into(), raw.pos(), why);
                today
            }
        }
    }

    fn tags(&mut self, raw: &[Spanned<String>]) -> Vec<String> {
        let mut tags = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            self.positions.insert_item("tags", i, None, t.pos());
            if is_slug(&t.value) {
                tags.push(t.value.clone());
            } else {
                let msg = format!("tag `{}` must be lower-case words joined by `-`", t.value);
                self.err("bad-tag", format!("tags[{i}]"), t.pos(), msg);
            }
        }
        tags
    }

    /// A list of Markdown items; empty items are dropped.
    fn list(&mut self, name: &str, items: Option<Vec<Spanned<String>>>) -> Vec<String> {
        let items = items.unwrap_or_default();
        if let Some(first) = items.first() {
            self.positions.or_insert(name, first.pos());
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if !item.value.trim().is_empty() {
                self.positions
                    .insert_item(name, out.len(), None, item.pos());
                out.push(trimmed(item.value));
            }
        }
        out
    }

    /// An optional Markdown field; an empty one is absent.
    fn optional(&mut self, name: &str, v: Option<Spanned<String>>) -> Option<String> {
        let v = v?;
        self.positions.insert(name, v.pos());
        Some(trimmed(v.value)).filter(|s| !s.is_empty())
    }

    fn sources(&mut self, raw: &[Spanned<RawSource>]) -> Vec<Source> {
        let mut sources = Vec::new();
        for (i, s) in raw.iter().enumerate() {
            self.positions.insert_item("sources", i, None, s.pos());
            self.positions
                .insert_item("sources", i, Some("url"), s.value.url.pos());
            let title = s.value.title.value.trim().to_owned();
            let url = s.value.url.value.trim().to_owned();
            if title.is_empty() {
                let msg = "a source needs a title".into();
                self.err(
                    "required",
                    format!("sources[{i}].title"),
                    s.value.title.pos(),
                    msg,
                );
            }
            if let Err(why) = check_url(&url) {
                self.err(
                    "bad-url",
                    format!("sources[{i}].url"),
                    s.value.url.pos(),
                    why,
                );
            }
            sources.push(Source { title, url });
        }
        sources
    }

    fn faq(&mut self, raw: &[Spanned<RawFaq>]) -> Vec<Faq> {
        let mut faq = Vec::new();
        for (i, f) in raw.iter().enumerate() {
            self.positions.insert_item("faq", i, None, f.pos());
            self.positions
                .insert_item("faq", i, Some("q"), f.value.q.pos());
            self.positions
                .insert_item("faq", i, Some("a"), f.value.a.pos());
            let q = f.value.q.value.trim().to_owned();
            let a = f.value.a.value.trim().to_owned();
            if q.is_empty() || a.is_empty() {
                let msg = "an FAQ item needs both `q` and `a`".into();
                self.err("required", format!("faq[{i}]"), f.pos(), msg);
                continue;
            }
            faq.push(Faq { q, a });
        }
        faq
    }

    fn related(&mut self, raw: &[Spanned<String>]) -> Vec<String> {
        let mut related = Vec::new();
        for (i, rel) in raw.iter().enumerate() {
            self.positions.insert_item("related", i, None, rel.pos());
            let id = rel.value.trim();
            match id.split_once('/') {
                Some((p, s)) if is_slug(p) && is_slug(s) => related.push(id.to_owned()),
                _ => {
                    let msg = format!("`{id}` is not an entry id; ids look like `platform/slug`");
                    self.err("bad-related", format!("related[{i}]"), rel.pos(), msg);
                }
            }
        }
        related
    }

    /// Earlier ids or site paths, as paths without slashes at either end.
    fn aliases(&mut self, raw: &[Spanned<String>]) -> Vec<String> {
        let mut aliases = Vec::new();
        for (i, a) in raw.iter().enumerate() {
            self.positions.insert_item("aliases", i, None, a.pos());
            let path = a.value.trim().trim_matches('/');
            if !path.is_empty() && path.split('/').all(is_slug) {
                aliases.push(path.to_owned());
            } else {
                let msg = format!(
                    "alias `{}` is not an id or a site path; write an earlier id like `platform/old-slug`",
                    a.value.trim()
                );
                self.err("bad-alias", format!("aliases[{i}]"), a.pos(), msg);
            }
        }
        aliases
    }

    /// The body and the line it starts on: after the front matter of a `.md` record
    /// (where a `body` field is an error), or the `body` field of a `.yaml` one.
    fn body(
        &mut self,
        r: &Resolve<'_>,
        body_field: Option<(u32, u32)>,
        yaml_body: Option<String>,
    ) -> (String, u32) {
        if !r.is_md {
            let line = self.positions.get("body").map_or(0, |p| p.0);
            return (yaml_body.unwrap_or_default(), line);
        }
        if let Some(pos) = body_field {
            self.err(
                "unknown-field",
                "body".into(),
                pos,
                "`body` is only for pure-YAML entries; in a .md entry the body is the Markdown after the front matter".into(),
            );
        }
        let body = match r.body_span {
            Some(span) if span.released => String::new(),
            _ => r.body.trim().to_owned(),
        };
        // The body is trimmed: its first line is the first non-blank one.
        let blank = r.body.len() - r.body.trim_start().len();
        (
            body,
            r.body_line + r.body[..blank].matches('\n').count() as u32,
        )
    }
}

/// Every text field of `raw` with its name and position, for the checks that apply to all.
fn text_fields(raw: &RawEntry) -> Vec<(String, &str, (u32, u32))> {
    let mut out: Vec<(String, &str, (u32, u32))> = Vec::new();
    fn one(name: String, v: &Spanned<String>) -> (String, &str, (u32, u32)) {
        (name, v.value.as_str(), v.pos())
    }
    out.push(one("title".into(), &raw.title));
    out.push(one("summary".into(), &raw.summary));
    for (i, s) in raw.signatures.value.iter().enumerate() {
        out.push(one(format!("signatures[{i}]"), s));
    }
    for (name, single) in [
        ("quick_fix", &raw.quick_fix),
        ("evidence", &raw.evidence),
        ("body", &raw.body),
    ] {
        if let Some(v) = single {
            out.push(one(name.into(), v));
        }
    }
    for (name, list) in [
        ("tags", &raw.tags),
        ("causes", &raw.causes),
        ("fixes", &raw.fixes),
        ("checks", &raw.checks),
        ("steps", &raw.steps),
        ("prevention", &raw.prevention),
        ("related", &raw.related),
        ("aliases", &raw.aliases),
    ] {
        for (i, v) in list.iter().flatten().enumerate() {
            out.push(one(format!("{name}[{i}]"), v));
        }
    }
    for (i, s) in raw.sources.iter().flatten().enumerate() {
        out.push(one(format!("sources[{i}].title"), &s.value.title));
        out.push(one(format!("sources[{i}].url"), &s.value.url));
    }
    for (i, f) in raw.faq.iter().flatten().enumerate() {
        out.push(one(format!("faq[{i}].q"), &f.value.q));
        out.push(one(format!("faq[{i}].a"), &f.value.a));
    }
    out
}

/// `s` without leading and trailing white space, reusing its buffer when there is none.
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_owned()
    }
}
