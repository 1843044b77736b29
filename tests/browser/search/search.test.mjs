// The site's search in real headless Chromium, over the fixture site served under /kb/ (so the
// base path is exercised): a multi-line error pasted into the search page's textarea and into
// the header box, `search/?q=` loaded directly, the result list's contents and keyboard use,
// hostile entry text, the page without JavaScript, and a sample of the KB query set over this
// repository's own KB (served under /atlas/).
//
// Run: `npm ci` in tests/browser, then `node --test tests/browser/search/` (see harness.mjs for the
// environment).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { paste, repo, results, start } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.stop();
});

const TRACEBACK = `Traceback (most recent call last):
  File "/app/bot.py", line 42, in <module>
    resp = client.chat.completions.create(model="openai/gpt-4o", messages=msgs)
openai.AuthenticationError: Error code: 401 - {'error': {'message': 'User not found.', 'code': 401}}`;

const GIT_SESSION = `$ cd /tmp/build && git status
fatal: not a git repository (or any of the parent directories): .git
$`;

async function newPage() {
  const page = await env.browser.newPage();
  page.on("dialog", (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

test("a multi-line error pasted into the search page finds its entry first", async () => {
  const page = await newPage();
  await page.goto(`${env.base}search/`);
  await paste(page, "#search-input", TRACEBACK);
  assert.equal(await page.$eval("#search-input", (e) => e.value), TRACEBACK, "line breaks kept");
  const hits = await results(page);
  assert.equal(hits[0].href, `${env.base}openrouter/expired-key-user-not-found/`);
  // Title, platform, the matched signature with the matching words marked, the quick fix.
  assert.equal(hits[0].title, 'Expired API key returns 401 "User not found."');
  assert.equal(hits[0].platform, "OpenRouter");
  assert.match(hits[0].signature, /User not found/);
  for (const w of ["User", "not", "found", "401"]) assert.ok(hits[0].marks.includes(w), `${w} marked`);
  assert.ok(!hits[0].marks.includes("HTTP"), "words the paste lacks are not marked");
  assert.match(hits[0].fix, /^Quick fix: Create a new key/);
  const status = await page.$eval("#search-status", (e) => [e.getAttribute("role"), e.textContent]);
  assert.deepEqual(status, ["status", `${hits.length} results, best first.`]);
  assert.match(page.url(), /\/kb\/search\/\?q=Traceback/);
  await page.close();
});

test("a multi-line error pasted into the header box goes to the search page, line breaks kept", async () => {
  const page = await newPage();
  await page.goto(env.base);
  await Promise.all([page.waitForNavigation(), paste(page, "#site-search", GIT_SESSION)]);
  assert.ok(page.url().startsWith(`${env.base}search/?q=`), page.url());
  assert.equal(await page.$eval("#search-input", (e) => e.value), GIT_SESSION);
  const hits = await results(page);
  assert.equal(hits[0].href, `${env.base}git/not-a-repository/`);
  await page.close();
});

test("search/?q= loaded directly shows the results", async () => {
  const page = await newPage();
  const q = encodeURIComponent('{"error":{"message":"No auth credentials found","code":401}}');
  await page.goto(`${env.base}search/?q=${q}`);
  const hits = await results(page);
  assert.equal(hits[0].href, `${env.base}openrouter/no-auth-credentials/`);
  assert.equal(hits[0].platform, "OpenRouter");
  await page.close();
});

test("results are keyboard navigable", async () => {
  const page = await newPage();
  await page.goto(`${env.base}search/?q=${encodeURIComponent("401 not found")}`);
  const hits = await results(page);
  assert.ok(hits.length >= 2);
  const focused = () => page.evaluate(() => document.activeElement?.href ?? document.activeElement?.id);
  await page.focus("#search-input");
  await page.$eval("#search-input", (e) => e.setSelectionRange(e.value.length, e.value.length));
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(), hits[0].href);
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(), hits[1].href);
  await page.keyboard.press("ArrowUp");
  assert.equal(await focused(), hits[0].href);
  await page.keyboard.press("Escape");
  assert.equal(await focused(), "search-input");
  // Tab order: the textarea, its button, then the results.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), hits[0].href);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.equal(page.url(), hits[0].href);
  await page.close();
});

test("entry text in results stays text", async () => {
  const page = await newPage();
  await page.goto(`${env.base}search/?q=${encodeURIComponent("Error response from daemon: foo is not a valid name")}`);
  const hits = await results(page);
  assert.equal(hits[0].href, `${env.base}docker/template-looking/`);
  assert.match(hits[0].signature, /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.$$eval("#search-results img, #search-results script", (e) => e.length), 0);
  await page.close();
});

test("nothing matches: the status says so", async () => {
  const page = await newPage();
  await page.goto(`${env.base}search/?q=zzqxv+wqpzk`);
  await page.waitForFunction(() => document.querySelector("#search-status")?.textContent !== "");
  assert.equal(await page.$eval("#search-status", (e) => e.textContent), "No entry matches this text.");
  assert.equal(await page.$$eval("#search-results li", (e) => e.length), 0);
  await page.close();
});

test("without JavaScript the search page says so and links to the categories", async () => {
  const page = await newPage();
  await page.setJavaScriptEnabled(false);
  await page.goto(`${env.base}search/?q=anything`);
  const text = await page.$eval("main", (e) => e.innerText);
  assert.match(text, /Search needs JavaScript/);
  const links = await page.$$eval("main a", (as) => as.map((a) => a.href));
  assert.ok(links.includes(`${env.base}categories/cloud-platforms/`), links.join(" "));
  assert.ok(links.includes(`${env.base}categories/developer-tools/`));
  await page.close();
});

test("a sample of the KB query set, in Chromium over this repository's KB", async () => {
  const all = JSON.parse(readFileSync(join(repo, "tests", "search", "kb-queries.json"), "utf8"));
  // The first two queries of each kind, through `?q=`; the embedded ones also pasted.
  const seen = {};
  const sample = all.filter((q) => (seen[q.kind] = (seen[q.kind] ?? 0) + 1) <= 2);
  const page = await newPage();
  const wrong = [];
  for (const q of sample) {
    await page.goto(`${env.atlas}search/?q=${encodeURIComponent(q.query)}`);
    const hits = await results(page);
    if (hits[0].href !== `${env.atlas}${q.expect}/`) wrong.push(`?q= [${q.kind}] ${q.expect}: ${hits[0].href}`);
  }
  for (const q of sample.filter((x) => x.kind === "embedded")) {
    await page.goto(`${env.atlas}search/`);
    await paste(page, "#search-input", q.query);
    await page.waitForFunction((want) => document.querySelector("#search-results li a")?.href === want,
      { timeout: 10000 }, `${env.atlas}${q.expect}/`).catch(() => wrong.push(`paste [${q.kind}] ${q.expect}`));
  }
  const pasted = sample.filter((x) => x.kind === "embedded").length;
  console.log(`Chromium over the KB: ${sample.length + pasted - wrong.length}/${sample.length + pasted} first`
    + ` (${sample.length} through ?q=, ${pasted} pasted)`);
  assert.deepEqual(wrong, []);
  await page.close();
});
