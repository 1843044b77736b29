//! kbgen: a static-site generator for troubleshooting knowledge bases.
//!
//! The pipeline runs one way: [`load`] reads `kbgen.yaml`, the platforms and the
//! entries into a [`Site`], collecting every problem into a [`Report`];
//! [`check`] adds the site-wide rules (links between entries in [`links`]);
//! [`quality`] holds the content warnings only `kbgen check` reports; [`render`]
//! turns the site into pages with Tera; [`site`] orchestrates it all and swaps
//! the output in atomically.
//! `kbgen serve` and `kbgen lookup` reuse the same stages.

pub mod aids;
pub mod assets;
pub mod budget;
pub mod check;
pub mod config;
pub mod confine;
pub mod diagnostic;
pub mod entry;
pub mod feeds;
pub mod highlight;
pub mod json;
pub mod jsonld;
pub mod links;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod positions;
pub mod prose;
pub mod quality;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod url;
pub mod yaml;

pub use config::Config;
pub use diagnostic::{Diagnostic, Format, Report, Severity};
pub use entry::Entry;
pub use load::{LoadOptions, Site, load};
pub use site::{BuildOptions, BuildSummary, build};
