// Checks JSON-LD against the schema.org vocabulary: every `@type` must be a schema.org type and
// every property one that schema.org defines for that type (or one of its parents).
// The vocabulary comes from the `schema-dts` package (generated from schema.org's releases):
// its declarations hold, per type, `interface XBase extends ParentBase { "property"?: ... }`
// and `interface XLeaf extends XBase { "@type": "X"; }`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Parses schema-dts's declarations into Map(type -> Set(property)). */
export function loadVocabulary() {
  const file = join(dirname(require.resolve("schema-dts/package.json")), "dist/schema.d.ts");
  const src = readFileSync(file, "utf8");
  const bases = new Map(); // "ArticleBase" -> { parents: [...], props: Set }
  const baseRe = /^interface (\w+Base) extends ([^{]+)\{([\s\S]*?)^\}/gm;
  for (const m of src.matchAll(baseRe)) {
    const parents = m[2].split(",").map((s) => s.trim()).filter((s) => /^\w+Base$/.test(s));
    const props = new Set([...m[3].matchAll(/^\s+"([\w@]+)"\??:/gm)].map((p) => p[1]));
    bases.set(m[1], { parents, props });
  }
  const types = new Map();
  const leafRe = /^export interface (\w+)Leaf extends (\w+Base) \{\s*"@type": "(\w+)";/gm;
  for (const m of src.matchAll(leafRe)) {
    const props = new Set();
    const visit = (name) => {
      const b = bases.get(name);
      if (!b) return;
      b.props.forEach((p) => props.add(p));
      b.parents.forEach(visit);
    };
    visit(m[2]);
    types.set(m[3], props);
  }
  if (!types.has("Thing") || !types.get("TechArticle")?.has("headline")) {
    throw new Error(`could not read the schema.org vocabulary from ${file}`);
  }
  return types;
}

/** Problems of one JSON-LD document, as strings; [] when it only uses schema.org terms. */
export function checkJsonLd(doc, types) {
  const problems = [];
  if (doc["@context"] !== "https://schema.org") problems.push(`@context is ${JSON.stringify(doc["@context"])}`);
  const walk = (node, path) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
    if (node === null || typeof node !== "object") return;
    const type = node["@type"];
    let props = null;
    if (type !== undefined) {
      props = types.get(type);
      if (!props) problems.push(`${path}: @type ${type} is not a schema.org type`);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("@")) {
        if (!["@context", "@type", "@id", "@graph"].includes(key)) problems.push(`${path}: unexpected ${key}`);
      } else if (props && !props.has(key)) {
        problems.push(`${path}: ${type} has no property ${key}`);
      } else if (!props && type === undefined && path !== "$") {
        problems.push(`${path}: object without @type`);
      }
      if (value === null || value === "") problems.push(`${path}.${key} is empty`);
      walk(value, `${path}.${key}`);
    }
  };
  walk(doc, "$");
  return problems;
}
