// Stands in for API Gateway (HTTP API + JWT authorizer) and CloudFront: verifies the bearer token,
// builds the same API Gateway v2 event and calls the same Lambda handler in process.
// The event it builds is in api-gateway-event.ts, the Host checks in host-check.ts, the page in
// static-files.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";
import { type ApiEvent, type ApiResult, errorResult, unauthorized } from "#api/http.ts";
import { type ApiLambda, matchRoute } from "#api/routes.ts";
import { LocalTokenRequestSchema } from "#schemas/api.ts";
import type { WebConfig } from "#schemas/web-config.ts";
import { buildEvent, lambdaContext } from "./api-gateway-event.ts";
import { hostChecker, isLoopback } from "./host-check.ts";
import { BodyTooLarge, readBody, send } from "./http-io.ts";
import { serveStatic } from "./static-files.ts";
import type { LocalTokens } from "./tokens.ts";

export type LocalHandler = (event: ApiEvent, context: Context) => Promise<ApiResult | undefined>;

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
    return serveStatic(pathname, method, res, this.opts.staticDir, this.opts.webConfig);
  }
}
