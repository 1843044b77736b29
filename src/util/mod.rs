//! The ground floor: helpers that every stage may use and that use no other part of kbgen.

pub mod escape;
pub mod json;
pub mod text;
pub mod time;
pub mod url;
