//! The data every stage shares: a validated entry and where its fields were written.

pub mod entry;
pub mod positions;
pub mod sections;

pub use entry::{BodySpan, Entry, Faq, Source};
