//! kbgen: a static-site generator for troubleshooting knowledge bases.
//!
//! The pipeline runs one way, and so do the imports: each folder uses only those above
//! it in this list (ARCHITECTURE.md draws it).
//!
//! - [`util`]: the ground floor (escaping, JSON, text rules, dates, URLs).
//! - [`diagnostic`]: problems, collected into a [`Report`], and how they are printed.
//! - [`model`]: a validated [`Entry`] and where its fields were written.
//! - [`load`]: `kbgen.yaml`, platforms and records from disk into a [`Site`].
//! - [`output`]: where files go (disk, memory, nowhere) and the atomic swap.
//! - [`render`]: Markdown to safe HTML, the templates and every page.
//! - [`check`]: the site-wide rules and the content-quality warnings.
//! - [`search`]: the search index, for the site and for `kbgen lookup`.
//! - [`site`]: orchestration of `build` and `check`.
//! - [`serve`]: the preview server.
//! - [`cli`]: the command line.

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod util;

pub use diagnostic::{Diagnostic, Format, Report, Severity};
pub use load::config::Config;
pub use load::{LoadOptions, Site, load};
pub use model::Entry;
pub use site::{BuildOptions, BuildSummary, build};
