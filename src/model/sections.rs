//! The sections of an entry page: the one table that rendering, the link and anchor
//! checks, the quality rules, the ids content may not take and the template sample all
//! read, so that none of them can believe in a section the page does not have.

use super::Entry;

/// A structured section of an entry page, in page order.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The element id on the page, which links may point at (`#causes`).
    pub id: &'static str,
    /// The record field it shows.
    pub field: &'static str,
    /// Its heading; `checks` is titled after the platform where there is one.
    pub title: &'static str,
    /// Whether the table of contents lists it (the quick fix sits above the table).
    pub in_toc: bool,
    /// Other headings a body may give the same section (a `duplicate-heading` warning),
    /// in the normalized form of `check::prose::normalize`.
    pub aliases: &'static [&'static str],
}

/// Every structured section, in the order the page shows them.
pub const SECTIONS: [Section; 10] = [
    Section {
        id: "quick-fix",
        field: "quick_fix",
        title: "Quick fix",
        in_toc: false,
        aliases: &["quick fix"],
    },
    Section {
        id: "causes",
        field: "causes",
        title: "Causes",
        in_toc: true,
        aliases: &["cause", "causes", "possible causes", "common causes"],
    },
    Section {
        id: "fixes",
        field: "fixes",
        title: "Quick fixes",
        in_toc: true,
        aliases: &[
            "fix",
            "fixes",
            "quick fixes",
            "solution",
            "solutions",
            "how to fix",
            "how to fix it",
        ],
    },
    Section {
        id: "checks",
        field: "checks",
        title: "Checks",
        in_toc: true,
        aliases: &["checks"],
    },
    Section {
        id: "steps",
        field: "steps",
        title: "Step-by-step troubleshooting",
        in_toc: true,
        aliases: &[
            "steps",
            "step-by-step troubleshooting",
            "troubleshooting steps",
        ],
    },
    Section {
        id: "prevention",
        field: "prevention",
        title: "Prevention",
        in_toc: true,
        aliases: &["prevention", "how to prevent it"],
    },
    Section {
        id: "sources",
        field: "sources",
        title: "Sources",
        in_toc: true,
        aliases: &["sources", "references"],
    },
    Section {
        id: "evidence",
        field: "evidence",
        title: "Evidence",
        in_toc: true,
        aliases: &["evidence"],
    },
    Section {
        id: "faq",
        field: "faq",
        title: "FAQ",
        in_toc: true,
        aliases: &["faq", "faqs", "frequently asked questions"],
    },
    Section {
        id: "related",
        field: "related",
        title: "Related errors",
        in_toc: true,
        aliases: &["related", "related errors", "see also"],
    },
];

/// A page shows its table of contents from this many `h2` sections on (the body's
/// headings and the structured sections it lists).
pub const TOC_MIN_SECTIONS: usize = 6;

/// When the theme's own elements of an entry page are there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// With the section of this id.
    WithSection(&'static str),
    /// With the table of contents.
    WithToc,
    /// When the platform has other entries to list.
    WithOtherEntries,
}

/// The ids of the theme's own elements on an entry page, besides the sections'.
pub const PAGE_IDS: [(&str, When); 8] = [
    ("main", When::Always),
    ("site-search", When::Always),
    ("signatures", When::Always),
    ("updated", When::Always),
    ("quick-fix-heading", When::WithSection("quick-fix")),
    ("toc", When::WithToc),
    ("toc-heading", When::WithToc),
    ("more-errors", When::WithOtherEntries),
];

/// The ids the theme's scripts look up on the search page.
pub const SCRIPT_IDS: [&str; 4] = ["search", "search-results", "search-input", "search-status"];

/// Whether content may not take `id`: the theme's sections, its own elements and the ids
/// its scripts use, which a second element of that id would hijack.
pub fn is_reserved_id(id: &str) -> bool {
    SECTIONS.iter().any(|s| s.id == id)
        || PAGE_IDS.iter().any(|(p, _)| *p == id)
        || SCRIPT_IDS.contains(&id)
}

/// Every id [`is_reserved_id`] refuses.
pub fn reserved_ids() -> impl Iterator<Item = &'static str> {
    SECTIONS
        .iter()
        .map(|s| s.id)
        .chain(PAGE_IDS.iter().map(|(id, _)| *id))
        .chain(SCRIPT_IDS)
}

/// What decides which sections an entry's page shows, beyond the entry's own fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFacts {
    /// Some `related` id names an entry of the site (drafts left out do not count).
    pub has_related: bool,
    /// The platform has other entries, listed under the article.
    pub has_other_entries: bool,
    /// `h2` headings of the body.
    pub body_sections: usize,
}

impl Section {
    /// Whether the page of `e` shows this section.
    pub fn shown(&self, e: &Entry, facts: &PageFacts) -> bool {
        match self.field {
            "quick_fix" => e.quick_fix.is_some(),
            "causes" => !e.causes.is_empty(),
            "fixes" => !e.fixes.is_empty(),
            "checks" => !e.checks.is_empty(),
            "steps" => !e.steps.is_empty(),
            "prevention" => !e.prevention.is_empty(),
            "sources" => !e.sources.is_empty(),
            "evidence" => e.evidence.as_deref().is_some_and(|m| !m.trim().is_empty()),
            "faq" => !e.faq.is_empty(),
            "related" => facts.has_related,
            _ => false,
        }
    }
}

/// Whether the page of `e` shows its table of contents.
pub fn shows_toc(e: &Entry, facts: &PageFacts) -> bool {
    let listed = SECTIONS
        .iter()
        .filter(|s| s.in_toc && s.shown(e, facts))
        .count();
    facts.body_sections + listed >= TOC_MIN_SECTIONS
}

/// The ids of the theme's elements and sections on the page of `e`, in page order.
pub fn theme_ids(e: &Entry, facts: &PageFacts) -> Vec<&'static str> {
    let toc = shows_toc(e, facts);
    let section_shown = |id: &str| SECTIONS.iter().any(|s| s.id == id && s.shown(e, facts));
    let page = PAGE_IDS.iter().filter(|(_, when)| match when {
        When::Always => true,
        When::WithSection(id) => section_shown(id),
        When::WithToc => toc,
        When::WithOtherEntries => facts.has_other_entries,
    });
    page.map(|(id, _)| *id)
        .chain(SECTIONS.iter().filter(|s| s.shown(e, facts)).map(|s| s.id))
        .collect()
}
