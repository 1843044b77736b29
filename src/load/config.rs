//! `kbgen.yaml`: the raw file as serde sees it, then the resolved settings.
//!
//! The raw struct mirrors the file and rejects unknown keys; [`Config`] is what
//! the rest of the pipeline trusts: a `base_url` that ends in `/`, its path part
//! split out for building links, and categories in a stable order.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::load::yaml::{self, Spanned};

/// The file name of the site settings.
pub const CONFIG_FILE: &str = "kbgen.yaml";

/// `kbgen.yaml` as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The site's title.
    pub title: String,
    /// The absolute URL the site is served from; may carry a path.
    pub base_url: Spanned<String>,
    /// One sentence about the site.
    #[serde(default)]
    pub description: Option<String>,
    /// The language of the content (an HTML `lang` value); default `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// The repository the content lives in, for "Edit this page" links,
    /// e.g. `https://github.com/owner/repo` (optional).
    #[serde(default)]
    pub repository: Option<Spanned<String>>,
    /// The branch that "Edit this page" links point at; default `main`.
    #[serde(default)]
    pub repository_branch: Option<String>,
    /// The categories platforms belong to, keyed by slug.
    pub categories: BTreeMap<String, RawCategory>,
}

/// One category under `categories:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// Display name.
    pub name: String,
    /// One sentence about the category (optional).
    #[serde(default)]
    pub description: Option<String>,
}

/// Validated site settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/kb/`.
    pub base_path: String,
    /// `https://github.com/owner/repo`, no trailing slash.
    pub repository: Option<String>,
    pub repository_branch: String,
    pub categories: BTreeMap<String, Category>,
}

/// A resolved category.
#[derive(Debug, Clone)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub description: String,
}

impl Config {
    /// Parses and validates `kbgen.yaml` text; problems go to `diags`.
    pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Config> {
        let raw: RawConfig = match yaml::from_str(text, CONFIG_FILE) {
            Ok(raw) => raw,
            Err(d) => {
                diags.push(*d);
                return None;
            }
        };
        Config::resolve(raw, diags)
    }

    fn resolve(raw: RawConfig, diags: &mut Vec<Diagnostic>) -> Option<Config> {
        let before = diags.len();
        let err = |rule, msg: String, field: &str, pos| {
            Diagnostic::error(CONFIG_FILE, rule, msg)
                .field(field)
                .at_opt(pos)
        };
        for (field, value) in text_fields(&raw) {
            if let Some((_, c)) = crate::util::text::forbidden_control(value) {
                let msg = crate::util::text::control_message(c);
                diags.push(err("control-character", msg, &field, None));
            }
        }
        if raw.title.trim().is_empty() {
            diags.push(err(
                "required",
                "`title` must not be empty".into(),
                "title",
                None,
            ));
        }
        let (base_url, base_path) = match split_base_url(&raw.base_url.value) {
            Ok(parts) => parts,
            Err(why) => {
                diags.push(err("bad-url", why, "base_url", Some(raw.base_url.pos())));
                (String::new(), String::new())
            }
        };
        if raw.categories.is_empty() {
            diags.push(err(
                "required",
                "`categories` needs at least one category".into(),
                "categories",
                None,
            ));
        }
        for slug in raw.categories.keys() {
            if !crate::util::text::is_slug(slug) {
                diags.push(err(
                    "bad-slug",
                    format!("category key `{slug}` must be lower-case words joined by `-`"),
                    &format!("categories.{slug}"),
                    None,
                ));
            }
        }
        let repository = raw
            .repository
            .as_ref()
            .and_then(|repo| check_repository(repo).map_err(|d| diags.push(d)).ok());
        if diags.len() > before {
            return None;
        }
        Some(Config {
            title: raw.title.trim().to_owned(),
            description: raw.description.unwrap_or_default().trim().to_owned(),
            language: raw.language.unwrap_or_else(|| "en".into()),
            base_url,
            base_path,
            repository,
            repository_branch: raw.repository_branch.unwrap_or_else(|| "main".into()),
            categories: raw
                .categories
                .into_iter()
                .map(|(slug, c)| {
                    let cat = Category {
                        slug: slug.clone(),
                        name: c.name,
                        description: c.description.unwrap_or_default(),
                    };
                    (slug, cat)
                })
                .collect(),
        })
    }

    /// Replaces `base_url` (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = split_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// The absolute URL of a site path such as `git/foo/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The root-relative URL of a site path, carrying the base path: `/kb/git/foo/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// Splits `https://host/kb` into (`https://host/kb/`, `/kb/`).
pub fn split_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` must start with http:// or https://, found `{url}`"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`base_url` has no host: `{url}`"));
    }
    if url.contains(['?', '#', ' ', '"', '<', '>', '\'', '\\']) {
        return Err(format!(
            "`base_url` must be a plain URL without query, fragment or spaces: `{url}`"
        ));
    }
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => "/",
    };
    let path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    let base = if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    };
    Ok((base, path))
}

/// Every text field of `kbgen.yaml`, named as diagnostics name it.
fn text_fields(raw: &RawConfig) -> Vec<(String, &str)> {
    let mut texts: Vec<(String, &str)> = vec![
        ("title".into(), &raw.title),
        ("base_url".into(), &raw.base_url.value),
    ];
    for (name, v) in [
        ("description", &raw.description),
        ("language", &raw.language),
        ("repository_branch", &raw.repository_branch),
    ] {
        texts.extend(v.as_deref().map(|v| (name.to_owned(), v)));
    }
    if let Some(repo) = &raw.repository {
        texts.push(("repository".into(), &repo.value));
    }
    for (slug, c) in &raw.categories {
        texts.push((format!("categories.{slug}.name"), &c.name));
        if let Some(d) = &c.description {
            texts.push((format!("categories.{slug}.description"), d));
        }
    }
    texts
}

/// `repository` without a trailing `/`, when it is an http(s) URL.
fn check_repository(repo: &Spanned<String>) -> Result<String, Diagnostic> {
    let url = repo.value.trim().trim_end_matches('/').to_owned();
    if (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(' ') {
        return Ok(url);
    }
    Err(Diagnostic::error(
        CONFIG_FILE,
        "bad-url",
        format!(
            "`repository` must be an http(s) URL, found `{}`",
            repo.value
        ),
    )
    .field("repository")
    .at_opt(Some(repo.pos())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_path_is_split_out() {
        assert_eq!(
            split_base_url("https://user.github.io/kb").unwrap(),
            ("https://user.github.io/kb/".into(), "/kb/".into())
        );
        assert_eq!(
            split_base_url("http://localhost:1111/").unwrap(),
            ("http://localhost:1111/".into(), "/".into())
        );
        assert!(split_base_url("ftp://x/").is_err());
        assert!(split_base_url("https:///x").is_err());
        assert!(split_base_url("https://x/?a=\"b\"").is_err());
    }
}
