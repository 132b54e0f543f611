// Stands in for API Gateway (HTTP API + JWT authorizer) and CloudFront: verifies the bearer token,
// builds the same API Gateway v2 event and calls the same Lambda handler in process.

import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { hostname } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import type { Context } from "aws-lambda";
import { type ApiEvent, type ApiResult, errorResult, unauthorized } from "#api/http.ts";
import { type ApiLambda, matchRoute } from "#api/routes.ts";
import { LocalTokenRequestSchema } from "#schemas/api.ts";
import type { WebConfig } from "#schemas/web-config.ts";
import type { LocalTokens } from "./tokens.ts";

export type LocalHandler = (event: ApiEvent, context: Context) => Promise<ApiResult | undefined>;

/** Reads at most this much of a body; the handlers enforce the API's own 64 KiB limit. */
const HARD_BODY_LIMIT = 1024 * 1024;

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

export type LocalHttpOptions = {
  host: string;
  port: number;
  handlers: Record<ApiLambda, LocalHandler>;
  tokens: LocalTokens;
  /** Built admin page folder (web/dist); a placeholder page is served when it does not exist. */
  staticDir: string | null;
  /** config.json for the admin page (same document CDK writes next to it in S3). */
  webConfig: WebConfig;
  /** Sees every answer of an API route (tests check each against the OpenAPI document). */
  onAnswer?: (answer: ApiAnswer) => void;
};

/** One answer of an API route as the client received it. */
export type ApiAnswer = {
  method: string;
  /** the route's template, e.g. /v1/runs/{execution_uuid} */
  route: string;
  status: number;
  headers: Record<string, string>;
  body: string;
};

const isLoopback = (addr: string | undefined) =>
  !!addr && (addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127."));

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);
const WILDCARD_HOSTS = new Set(["", "0.0.0.0", "::", "[::]"]);

/** `name:port` of a Host header (or an Origin's host), lower-cased, IPv6 in brackets; null if malformed. */
function splitHost(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m?.[1]) return null;
  return { name: m[1].toLowerCase().replace(/\.$/, ""), port: m[2] ? Number(m[2]) : null };
}

/**
 * Which `Host` values the server answers to (DNS rebinding): a page of another site that points its
 * own DNS name at 127.0.0.1 sends that name as Host, so only loopback names are accepted, plus the
 * name in HOST when it is set to something else. HOST=0.0.0.0 / :: (every interface) also accepts
 * this machine's name and any IP literal (a literal involves no DNS, so it cannot be rebound).
 */
export function hostChecker(configuredHost: string, port: number): (host: string | undefined) => boolean {
  const configured = configuredHost.trim().toLowerCase();
  const wildcard = WILDCARD_HOSTS.has(configured);
  const allowed = new Set(LOOPBACK_NAMES);
  if (wildcard) allowed.add(hostname().toLowerCase());
  else allowed.add(isIP(configured) === 6 ? `[${configured}]` : configured.replace(/\.$/, ""));
  return (host) => {
    const h = host ? splitHost(host) : null;
    if (!h || (h.port ?? 80) !== port) return false;
    if (allowed.has(h.name)) return true;
    const literal = h.name.startsWith("[") ? h.name.slice(1, -1) : h.name;
    return wildcard && isIP(literal) !== 0;
  };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > HARD_BODY_LIMIT) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, result: ApiResult) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? "";
  res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}

function lambdaContext(name: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `jobdeck-local-${name}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:jobdeck-local-${name}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/jobdeck-local-${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** API Gateway passes every claim as a string; arrays look like "[admin viewer]". */
function claimsAsApiGateway(
  claims: Record<string, unknown>,
): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (Array.isArray(v)) out[k] = `[${v.join(" ")}]`;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else if (typeof v === "string") out[k] = v;
    else out[k] = JSON.stringify(v);
  }
  return out;
}

export function buildEvent(input: {
  req: IncomingMessage;
  url: URL;
  routeKey: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  claims: Record<string, unknown> | null;
}): ApiEvent {
  const { req, url } = input;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = (headers["content-type"] ?? "").toLowerCase();
  // Text that is not valid UTF-8 goes as bytes (base64), so the handler sees what was sent.
  const textual =
    (contentType === "" || /json|text|xml|x-www-form-urlencoded/.test(contentType)) && isUtf8(input.body);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: input.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(input.pathParameters).length ? input.pathParameters : undefined,
    body: input.body.length
      ? textual
        ? input.body.toString("utf8")
        : input.body.toString("base64")
      : undefined,
    isBase64Encoded: input.body.length > 0 && !textual,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: { claims: input.claims ? claimsAsApiGateway(input.claims) : {}, scopes: [] },
      },
    },
  } as ApiEvent;
}

export class LocalHttpServer {
  private server: Server | null = null;
  /** Set by listen(), once the port is known. */
  private hostAllowed: (host: string | undefined) => boolean = () => false;
  /** Set while the stack shuts down: requests that would start a run answer 503 (Retry-After). */
  private refusing: { retryAfterSeconds: number; message: string } | null = null;

  constructor(private readonly opts: LocalHttpOptions) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        console.error("[jobdeck] request failed", e);
        if (!res.headersSent)
          send(res, errorResult(500, "internal_error", "internal error; the request was logged"));
        else res.end();
      });
    });
    this.server.keepAliveTimeout = 5000;
    // Node answers a malformed or oversized request line itself, as a bare status; answer in the
    // API's error shape instead (API Gateway's own limits apply in AWS).
    this.server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
      const r = tooLarge
        ? errorResult(431, "headers_too_large", "the request line or headers are too large")
        : errorResult(400, "invalid_request", "malformed HTTP request");
      const body = String(r.body);
      const head = Object.entries(r.headers ?? {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      socket.end(
        `HTTP/1.1 ${r.statusCode} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n${head}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    await new Promise<void>((r, j) => {
      this.server!.once("error", j);
      this.server!.listen(this.opts.port, this.opts.host, () => r());
    });
    const addr = this.server.address() as AddressInfo;
    this.hostAllowed = hostChecker(this.opts.host, addr.port);
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  /**
   * Graceful shutdown: from now on a request that would start a run (trigger, rerun) answers
   * 503 unavailable with Retry-After; everything else (reads, cancel) is still served.
   */
  refuseNewRuns(retryAfterSeconds: number, message: string): void {
    this.refusing = { retryAfterSeconds, message };
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://local");
    const method = (req.method ?? "GET").toUpperCase();

    // Before anything else, on every path: a foreign Host is a request meant for another server
    // (DNS rebinding). Not an answer of an API operation (API Gateway itself refuses unknown
    // hosts), so it is sent, not observed.
    if (!this.hostAllowed(req.headers.host)) {
      req.resume();
      res.setHeader("connection", "close");
      return send(
        res,
        errorResult(
          421,
          "misdirected_request",
          "this server answers only to localhost, 127.0.0.1 or [::1] with its port (set HOST to serve another name)",
        ),
      );
    }
    if (url.pathname === "/local/token") return this.issueToken(req, res, method);
    if (url.pathname === "/config.json" && method === "GET") {
      return send(res, {
        statusCode: 200,
        headers: { "content-type": "application/json", "cache-control": "no-cache" },
        body: JSON.stringify(this.opts.webConfig),
      });
    }
    const match = matchRoute(method, url.pathname);
    if (!match) {
      if (url.pathname.startsWith("/v1/") || url.pathname === "/v1") {
        return send(res, errorResult(404, "not_found", `no route ${method} ${url.pathname}`));
      }
      return this.serveStatic(url.pathname, method, res);
    }
    // Every answer of a matched route goes through here, so an observer sees exactly what was sent.
    const reply = (result: ApiResult) => {
      send(res, result);
      this.opts.onAnswer?.({
        method,
        route: "route" in match ? match.route.path : url.pathname,
        status: result.statusCode ?? 200,
        headers: Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
        ),
        body: result.isBase64Encoded ? "" : (result.body ?? ""),
      });
    };
    if ("allowed" in match) {
      const r = errorResult(405, "method_not_allowed", `${method} is not allowed on ${url.pathname}`, {
        allowed: match.allowed,
      });
      // Not an operation of the document (OpenAPI cannot describe a method a path lacks): not observed.
      return send(res, { ...r, headers: { ...r.headers, allow: match.allowed.join(", ") } });
    }
    let claims: Record<string, unknown> | null = null;
    if (match.route.role !== null) {
      // The JWT authorizer's job, first as in API Gateway: no valid token, nothing else is looked at.
      const auth = req.headers.authorization ?? "";
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      claims = m?.[1] ? await this.opts.tokens.verify(m[1]) : null;
      if (!claims) {
        req.resume();
        return reply(unauthorized(Boolean(m?.[1])));
      }
    }
    if ("badEncoding" in match) {
      req.resume();
      return reply(
        errorResult(400, "invalid_request", "the path is not valid percent-encoding", [
          { field: match.badEncoding, message: "is not valid percent-encoding" },
        ]),
      );
    }
    if (
      this.refusing &&
      method === "POST" &&
      (match.route.path === "/v1/trigger" || match.route.path.endsWith("/rerun"))
    ) {
      req.resume();
      const r = errorResult(503, "unavailable", this.refusing.message);
      return reply({
        ...r,
        headers: { ...r.headers, "retry-after": String(this.refusing.retryAfterSeconds) },
      });
    }
    let body: Buffer;
    if (method === "GET") {
      // A GET's body has no meaning: drained, never read into memory or refused.
      req.resume();
      body = Buffer.alloc(0);
    } else {
      try {
        body = await readBody(req);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          res.setHeader("connection", "close");
          return reply(errorResult(413, "payload_too_large", "request body is over the 64 KiB limit"));
        }
        throw e;
      }
    }
    const routeKey = `${match.route.method} ${match.route.path}`;
    const event = buildEvent({ req, url, routeKey, pathParameters: match.pathParameters, body, claims });
    const handler = this.opts.handlers[match.route.lambda];
    // A handler that throws is what Lambda reports as an invocation error: API Gateway answers 500.
    const result = (await handler(event, lambdaContext(match.route.lambda)).catch((e) => {
      console.error("[jobdeck] handler failed", e);
      return errorResult(500, "internal_error", "internal error; the request was logged");
    })) ?? { statusCode: 204 };
    reply(result);
  }

  private async issueToken(req: IncomingMessage, res: ServerResponse, method: string) {
    if (!isLoopback(req.socket.remoteAddress)) {
      return send(res, errorResult(404, "not_found", "no route"));
    }
    if (method !== "POST") return send(res, errorResult(405, "method_not_allowed", "use POST"));
    // A browser names the page that sent the request: only the admin page's own origin (or a
    // client that sends none, such as curl) may mint a token; "null" (sandboxed frames, file://)
    // is foreign too.
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      req.resume();
      return send(
        res,
        errorResult(403, "forbidden", "tokens are issued only to the admin page's own origin"),
      );
    }
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return send(res, errorResult(413, "payload_too_large", "request body too large"));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8") || "{}");
    } catch {
      return send(res, errorResult(400, "invalid_request", "body is not valid JSON"));
    }
    const r = LocalTokenRequestSchema.safeParse(parsed);
    if (!r.success) {
      return send(
        res,
        errorResult(
          400,
          "invalid_request",
          "expected {sub, groups: [admin|viewer], email?}",
          r.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })),
        ),
      );
    }
    const out = await this.opts.tokens.issue({
      sub: r.data.sub,
      email: r.data.email,
      groups: r.data.groups,
      expiresInSeconds: r.data.expires_in_seconds,
    });
    send(res, {
      statusCode: 200,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: JSON.stringify(out),
    });
  }

  private originAllowed(origin: string): boolean {
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") return false;
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    return this.hostAllowed(`${u.hostname}:${port}`);
  }

  private serveStatic(pathname: string, method: string, res: ServerResponse) {
    if (method !== "GET" && method !== "HEAD")
      return send(res, errorResult(405, "method_not_allowed", "static files are GET only"));
    const dir = this.opts.staticDir;
    if (dir && existsSync(join(dir, "index.html"))) {
      const root = resolve(dir);
      const target = resolve(root, `.${normalize(decodeURIComponent(pathname))}`);
      const inside = target === root || target.startsWith(`${root}/`);
      let file =
        inside && existsSync(target) && statSync(target).isFile() ? target : join(root, "index.html");
      if (!extname(file)) file = join(root, "index.html"); // client-side routes (/history, /jobs …)
      res.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        ...pageSecurityHeaders(this.opts.webConfig),
      });
      return res.end(method === "HEAD" ? undefined : readFileSync(file));
    }
    res.writeHead(pathname === "/" ? 200 : 404, {
      "content-type": "text/html; charset=utf-8",
      ...pageSecurityHeaders(this.opts.webConfig),
    });
    res.end(PLACEHOLDER_PAGE);
  }
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
