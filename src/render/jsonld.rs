//! schema.org JSON-LD for entry pages, safe to inline in a `<script>` element.
//!
//! Search engines read an entry as a `TechArticle` (headline, description,
//! dateModified, about the platform), its place in the site as a
//! `BreadcrumbList`, and its questions as a `FAQPage`. Only types and
//! properties that exist on schema.org are used; the browser tests check every
//! page's JSON-LD against the vocabulary in the `schema-dts` package.

use serde::Serialize;
use serde_json::Value;

use crate::load::Site;
use crate::model::Entry;
use crate::render::PlatformVars;
use crate::render::markdown;

// The graph is serialized straight from these structs rather than built as `Value` trees
// (a tree per page was 5% of a 10,000-entry build's CPU). Their fields are declared in
// the byte order of their names, the order a `Value` object writes them in, so the text is
// what it was; `same_text_as_a_value_tree` holds it there.

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Article(Article<'a>),
    Breadcrumbs(Breadcrumbs<'a>),
    Faq(FaqPage<'a>),
}

#[derive(Serialize)]
struct Article<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<Thing<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    description: &'a str,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: Thing<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Breadcrumbs<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<Crumb<'a>>,
}

#[derive(Serialize)]
struct Crumb<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

#[derive(Serialize)]
struct FaqPage<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "mainEntity")]
    main_entity: Vec<Question<'a>>,
}

#[derive(Serialize)]
struct Question<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "acceptedAnswer")]
    accepted_answer: Answer,
    name: &'a str,
}

#[derive(Serialize)]
struct Answer {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: String,
}

/// The JSON-LD graph of an entry page, escaped for a `<script>` element.
pub fn entry(
    site: &Site,
    e: &Entry,
    platform: Option<&PlatformVars<'_>>,
    permalink: &str,
) -> String {
    let cfg = &site.config;
    let crumbs = crumbs(site, e, platform, permalink);
    let article = Article {
        id: format!("{permalink}#article"),
        kind: "TechArticle",
        about: platform.map(|p| Thing {
            kind: "Thing",
            name: p.name,
            url: p.homepage,
        }),
        date_modified: e.updated.to_string(),
        description: &e.summary,
        headline: &e.title,
        in_language: &cfg.language,
        is_part_of: Thing {
            kind: "WebSite",
            name: &cfg.title,
            url: Some(&cfg.base_url),
        },
        keywords: (!e.tags.is_empty()).then(|| e.tags.join(", ")),
        main_entity_of_page: permalink,
        url: permalink,
    };
    let breadcrumbs = Breadcrumbs {
        id: format!("{permalink}#breadcrumb"),
        kind: "BreadcrumbList",
        item_list_element: crumbs
            .into_iter()
            .enumerate()
            .map(|(i, (name, item))| Crumb {
                kind: "ListItem",
                item,
                name,
                position: i + 1,
            })
            .collect(),
    };
    let mut graph = vec![Node::Article(article), Node::Breadcrumbs(breadcrumbs)];
    if !e.faq.is_empty() {
        graph.push(Node::Faq(FaqPage {
            id: format!("{permalink}#faq"),
            kind: "FAQPage",
            main_entity: e
                .faq
                .iter()
                .map(|f| Question {
                    kind: "Question",
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: markdown::plain_text(&f.a),
                    },
                    name: &f.q,
                })
                .collect(),
        }));
    }
    let doc = Document {
        context: "https://schema.org",
        graph,
    };
    crate::util::json::to_string(&doc)
}

/// The breadcrumb trail of an entry page: (name, absolute URL), home first.
fn crumbs<'a>(
    site: &'a Site,
    e: &'a Entry,
    platform: Option<&PlatformVars<'a>>,
    permalink: &str,
) -> Vec<(&'a str, String)> {
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
    crumbs
}

/// JSON that cannot close or confuse the `<script>` element it sits in.
pub fn script_json(value: &Value) -> String {
    crate::util::json::to_string(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    /// The graph as `Value` trees, the way it was built before the structs above.
    fn as_value_tree(
        site: &Site,
        e: &Entry,
        platform: Option<&PlatformVars<'_>>,
        permalink: &str,
    ) -> String {
        let cfg = &site.config;
        let crumbs = crumbs(site, e, platform, permalink);
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

    #[test]
    fn same_text_as_a_value_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut compared, mut with_faq) = (0, 0);
        for kb in [root.join("tests/fixtures/site"), root.to_path_buf()] {
            let (site, _) = crate::load::load(&kb, crate::load::LoadOptions::default());
            let mut site = site.expect("the site loads");
            site.config
                .title
                .push_str(" </script> & \u{2028} \"quoted\"");
            for (n, e) in site.entries.iter().enumerate() {
                let platform = |homepage| PlatformVars {
                    slug: &e.platform,
                    name: "Plat <form> & co",
                    url: String::new(),
                    category: "cat",
                    category_name: "Category",
                    category_url: String::new(),
                    homepage,
                    description_html: String::new(),
                    entry_count: 1,
                };
                let with_home = platform(Some("https://example.com/?a=1&b=<2>"));
                let without = platform(None);
                let choice = [None, Some(&with_home), Some(&without)][n % 3];
                let permalink = format!("https://kb.example/{}/", e.id);
                assert_eq!(
                    entry(&site, e, choice, &permalink),
                    as_value_tree(&site, e, choice, &permalink),
                    "{}",
                    e.id
                );
                compared += 1;
            }
            with_faq += site.entries.iter().filter(|e| !e.faq.is_empty()).count();
        }
        assert!(compared > 50, "{compared}");
        assert!(
            with_faq > 0 && with_faq < compared,
            "{with_faq} of {compared} with an FAQ"
        );
    }

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
