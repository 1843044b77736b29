//! JSON Schemas of the record formats, generated from the same Rust types the
//! loader uses, so editors flag a misspelt field as the contributor types it.
//!
//! A site keeps them in `schema/`; entries point at them with a first front-matter
//! line `# yaml-language-server: $schema=../../schema/entry.schema.json`.

use std::path::Path;

use crate::load::RawPlatform;
use crate::load::record::RawEntry;

/// Where a site keeps its schemas, relative to the root.
pub const SCHEMA_DIR: &str = "schema";
/// The line that points YAML editors at the entry schema, from `content/<platform>/`.
pub const ENTRY_SCHEMA_LINE: &str =
    "# yaml-language-server: $schema=../../schema/entry.schema.json";
/// The same for `_platform.yaml`.
pub const PLATFORM_SCHEMA_LINE: &str =
    "# yaml-language-server: $schema=../../schema/platform.schema.json";

/// The JSON Schema of an entry, pretty-printed.
pub fn entry_schema() -> String {
    pretty(schemars::schema_for!(RawEntry))
}

/// The JSON Schema of `_platform.yaml`, pretty-printed.
pub fn platform_schema() -> String {
    pretty(schemars::schema_for!(RawPlatform))
}

fn pretty(schema: schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas always serialize");
    s.push('\n');
    s
}

/// Writes `schema/entry.schema.json` and `schema/platform.schema.json` under `root`.
pub fn write_schemas(root: &Path) -> std::io::Result<()> {
    let dir = root.join(SCHEMA_DIR);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("entry.schema.json"), entry_schema())?;
    std::fs::write(dir.join("platform.schema.json"), platform_schema())
}
