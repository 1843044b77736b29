//! schema.org JSON-LD for entry pages, safe to inline in a `<script>` element.
//!
//! Search engines read an entry as a `TechArticle` (headline, description,
//! dateModified, about the platform), its place in the site as a
//! `BreadcrumbList`, and its questions as a `FAQPage`. Only types and
//! properties that exist on schema.org are used; the browser tests check every
//! page's JSON-LD against the vocabulary in the `schema-dts` package.

use serde_json::{Map, Value, json};

use crate::entry::Entry;
use crate::load::Site;
use crate::markdown;
use crate::render::PlatformVars;

/// The JSON-LD graph of an entry page, escaped for a `<script>` element.
pub fn entry(
    site: &Site,
    e: &Entry,
    platform: Option<&PlatformVars<'_>>,
    permalink: &str,
) -> String {
    let cfg = &site.config;
    let mut crumbs = vec![(cfg.title.as_str(), cfg.base_url.clone())];
    if let Some(p) = platform {
        crumbs.push((
            p.category_name,
            cfg.absolute(&format!("categories/{}/", p.category)),
        ));
        crumbs.push((p.name, cfg.absolute(&format!("{}/", p.slug))));
    }
    crumbs.push((e.title.as_str(), permalink.to_owned()));

    let mut article = Map::new();
    article.insert("@type".into(), "TechArticle".into());
    article.insert("@id".into(), format!("{permalink}#article").into());
    article.insert("headline".into(), e.title.as_str().into());
    article.insert("description".into(), e.summary.as_str().into());
    article.insert("dateModified".into(), e.updated.to_string().into());
    article.insert("url".into(), permalink.into());
    article.insert("mainEntityOfPage".into(), permalink.into());
    article.insert("inLanguage".into(), cfg.language.as_str().into());
    if let Some(p) = platform {
        let mut about = Map::new();
        about.insert("@type".into(), "Thing".into());
        about.insert("name".into(), p.name.into());
        if let Some(home) = p.homepage {
            about.insert("url".into(), home.into());
        }
        article.insert("about".into(), Value::Object(about));
    }
    if !e.tags.is_empty() {
        article.insert("keywords".into(), e.tags.join(", ").into());
    }
    article.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": cfg.title, "url": cfg.base_url}),
    );

    let mut graph = vec![
        Value::Object(article),
        json!({
            "@type": "BreadcrumbList",
            "@id": format!("{permalink}#breadcrumb"),
            "itemListElement": crumbs.iter().enumerate().map(|(i, (name, item))| json!({
                "@type": "ListItem", "position": i + 1, "name": name, "item": item,
            })).collect::<Vec<_>>(),
        }),
    ];
    if !e.faq.is_empty() {
        graph.push(json!({
            "@type": "FAQPage",
            "@id": format!("{permalink}#faq"),
            "mainEntity": e.faq.iter().map(|f| json!({
                "@type": "Question",
                "name": f.q,
                "acceptedAnswer": {"@type": "Answer", "text": markdown::plain_text(&f.a)},
            })).collect::<Vec<_>>(),
        }));
    }
    script_json(&json!({"@context": "https://schema.org", "@graph": graph}))
}

/// JSON that cannot close or confuse the `<script>` element it sits in.
pub fn script_json(value: &Value) -> String {
    let s = serde_json::to_string(value).expect("JSON values always serialize");
    // 0xE2 starts U+2028 and U+2029 in UTF-8; text without it and `<>&` is kept as it is.
    if !s.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = json!({"a": "</script><script>alert(1)</script>&\u{2028}"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&') && !s.contains('\u{2028}')
        );
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
