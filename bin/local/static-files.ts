// The admin page as CloudFront would serve it: built files from web/dist (client-side routes fall
// back to index.html) with the page's security headers, or a placeholder page when not built.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { errorResult } from "#api/http.ts";
import type { WebConfig } from "#schemas/web-config.ts";
import { send } from "./http-io.ts";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The page's headers; connect-src also allows the login's token endpoint when one is configured. */
function pageSecurityHeaders(config: WebConfig): Record<string, string> {
  const login = config.cognitoDomain ? ` ${new URL(config.cognitoDomain).origin}` : "";
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "content-security-policy":
      `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; ` +
      `connect-src 'self'${login}; frame-ancestors 'none'`,
  };
}

/** Serves `pathname` from `staticDir` (GET and HEAD only). */
export function serveStatic(
  pathname: string,
  method: string,
  res: ServerResponse,
  staticDir: string | null,
  webConfig: WebConfig,
) {
  if (method !== "GET" && method !== "HEAD")
    return send(res, errorResult(405, "method_not_allowed", "static files are GET only"));
  const dir = staticDir;
  if (dir && existsSync(join(dir, "index.html"))) {
    const root = resolve(dir);
    const target = resolve(root, `.${normalize(decodeURIComponent(pathname))}`);
    const inside = target === root || target.startsWith(`${root}/`);
    let file = inside && existsSync(target) && statSync(target).isFile() ? target : join(root, "index.html");
    if (!extname(file)) file = join(root, "index.html"); // client-side routes (/history, /jobs …)
    res.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      ...pageSecurityHeaders(webConfig),
    });
    return res.end(method === "HEAD" ? undefined : readFileSync(file));
  }
  res.writeHead(pathname === "/" ? 200 : 404, {
    "content-type": "text/html; charset=utf-8",
    ...pageSecurityHeaders(webConfig),
  });
  res.end(PLACEHOLDER_PAGE);
}

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>jobdeck</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; line-height: 1.6">
<h1>jobdeck (local stack)</h1>
<p>The admin page is not built yet. The API is served at <code>/v1</code>:</p>
<ol>
<li><code>curl -s -XPOST localhost:3000/local/token -H 'content-type: application/json' -d '{"sub":"dev","groups":["admin"]}'</code></li>
<li><code>curl -s localhost:3000/v1/jobs -H "authorization: Bearer $TOKEN"</code></li>
</ol>
<p>OpenAPI document: <code>/v1/openapi.json</code> · health: <a href="/healthz">/healthz</a></p>
</body></html>`;
