// What the browser checks share: their command line, and Debian's headless Chromium started
// with a fresh profile and the flags this closed network needs (no background connections).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

/** `--name value` pairs of the command line; exits with `usage` when `--site` is missing. */
export function siteArgs(usage) {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
  );
  if (!args.site) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return args;
}

/** Runs `job(browser)` in headless Chromium (CHROME_PATH overrides the path), then closes it. */
export async function withChromium(job) {
  const profile = await mkdtemp(join(tmpdir(), "kbgen-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`,
    ],
  });
  try {
    return await job(browser);
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}
