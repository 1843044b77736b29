// A real static HTTP server for a built kbgen site, on 127.0.0.1 only.
// The site is served under its base path (the fixture's is /kb/), with the site's 404.html and a
// 404 status for anything that does not exist, as a static host would.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `root` at `basePath` (`/kb/`); resolves to { server, origin, close() }. */
export async function serve(root, basePath = "/") {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const send = async (file, status = 200) => {
      const body = await readFile(file);
      res.writeHead(status, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        "cache-control": "no-cache",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    try {
      let path = decodeURIComponent(url.pathname);
      if (!path.startsWith(basePath)) throw Object.assign(new Error("outside base"), { code: "ENOENT" });
      const rel = normalize(path.slice(basePath.length));
      if (rel.startsWith("..") || rel.includes(`${sep}..${sep}`)) throw Object.assign(new Error("escape"), { code: "ENOENT" });
      let file = join(root, rel);
      const info = await stat(file);
      if (info.isDirectory()) {
        if (!path.endsWith("/")) {
          res.writeHead(301, { location: `${path}/` });
          res.end();
          return;
        }
        file = join(file, "index.html");
      }
      await send(file);
    } catch (err) {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") {
        await send(join(root, "404.html"), 404).catch(() => {
          res.writeHead(404);
          res.end();
        });
      } else {
        res.writeHead(500);
        res.end(String(err));
      }
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, close: () => new Promise((r) => server.close(r)) };
}
