//! The JSON Schemas editors use: committed in `schema/`, generated from the
//! same types the loader parses with, and in agreement with the loader.

use kbgen::cli::schema;
use serde_json::Value;

fn committed(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schemas_are_up_to_date() {
    assert_eq!(
        committed("entry.schema.json"),
        schema::entry_schema(),
        "schema/entry.schema.json is stale: run `kbgen schema --write`"
    );
    assert_eq!(
        committed("platform.schema.json"),
        schema::platform_schema(),
        "schema/platform.schema.json is stale: run `kbgen schema --write`"
    );
}

const FULL: &str = "title: T\nsummary: S\nsignatures: [e]\nupdated: 2026-01-02\n";

fn parse_yaml(text: &str) -> Result<kbgen::Entry, Vec<kbgen::Diagnostic>> {
    let today = jiff::civil::Date::new(2026, 11, 29).unwrap();
    kbgen::load::record::parse(text.as_bytes(), "content/p/s.yaml", "p", "s", today)
}

#[test]
fn the_entry_schema_matches_what_the_loader_accepts() {
    let schema: Value = serde_json::from_str(&schema::entry_schema()).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    let props = schema["properties"].as_object().unwrap();
    // Every property the schema offers is a field the loader knows.
    for name in props.keys() {
        let value = match props[name]["type"]
            .as_array()
            .and_then(|t| t.first())
            .or(props[name].get("type"))
        {
            Some(t) if t == "array" => "[]",
            Some(t) if t == "boolean" => "false",
            _ => "x",
        };
        let text = if FULL.contains(&format!("{name}:")) {
            FULL.to_owned()
        } else {
            format!("{FULL}{name}: {value}\n")
        };
        if let Err(diags) = parse_yaml(&text) {
            assert!(
                diags.iter().all(|d| d.rule != "unknown-field"),
                "{name}: {diags:?}"
            );
        }
    }
    // Every required property is required by the loader, and nothing else is.
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["title", "summary", "signatures", "updated"]);
    assert!(parse_yaml(FULL).is_ok());
    for name in required {
        let without: String = FULL
            .lines()
            .filter(|l| !l.starts_with(&format!("{name}:")))
            .map(|l| format!("{l}\n"))
            .collect();
        let diags = parse_yaml(&without).unwrap_err();
        assert_eq!(diags[0].rule, "required", "{name}: {diags:?}");
        assert_eq!(diags[0].field.as_deref(), Some(name));
    }
    // A misspelt field is refused by both.
    assert!(!props.contains_key("cuases"));
    let diags = parse_yaml(&format!("{FULL}cuases: [x]\n")).unwrap_err();
    assert_eq!(diags[0].rule, "unknown-field");
}

#[test]
fn spanned_values_appear_as_their_plain_types() {
    let schema: Value = serde_json::from_str(&schema::entry_schema()).unwrap();
    assert_eq!(schema["properties"]["title"]["type"], "string");
    assert_eq!(
        schema["properties"]["signatures"]["items"]["type"],
        "string"
    );
    assert_eq!(
        schema["$defs"]["RawSource"]["properties"]["url"]["type"],
        "string"
    );
    assert_eq!(schema["$defs"]["RawSource"]["additionalProperties"], false);
    let text = schema::entry_schema();
    assert!(
        !text.contains("Spanned") && !text.contains("\"column\""),
        "{text}"
    );
    let platform: Value = serde_json::from_str(&schema::platform_schema()).unwrap();
    assert_eq!(
        platform["required"],
        serde_json::json!(["name", "category"])
    );
    assert_eq!(platform["additionalProperties"], false);
}

#[test]
fn the_schema_command_prints_and_writes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["schema", "platform"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        schema::platform_schema()
    );
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["schema", "--write", "--root", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let written = std::fs::read_to_string(dir.path().join("schema/entry.schema.json")).unwrap();
    assert_eq!(written, schema::entry_schema());
    let none = std::process::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(
        none.status.code(),
        Some(2),
        "which schema, or --write, is required"
    );
}
