// A stand-in for a remote data source (J-Quants, the Clone batches' APIs): a small node:http server
// on 127.0.0.1 that answers committed data through routes, and misbehaves on demand as the real
// ones do — 429 with Retry-After, flaky 5xx, 401/403 for a missing or wrong key. Integration tests
// start it (test/helpers/source-stand-in.ts re-exports it), and `npm run stand-ins` starts it for
// offline demos (bin/local/stand-ins.ts). It lives in bin/ because the demo command may not import
// test code; nothing under functions/ imports it.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type StandInRequest = {
  method: string;
  /** The path without the base path and query ("/equities/master"). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
};

export type StandInAnswer = {
  status?: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as is (text/plain unless headers say otherwise). */
  text?: string;
  /** Sent as these bytes (a Shift_JIS CSV): wins over `text`. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
};

export type StandInRoute = (req: StandInRequest) => StandInAnswer | Promise<StandInAnswer>;
/** Routes by path ("/equities/master"); GET only unless a route looks at req.method. */
export type StandInRoutes = Record<string, StandInRoute>;

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  status: number;
  /** Which mode answered instead of the route, if one did. */
  fault: "rate_limit" | "flaky" | "auth" | null;
};

export type StandInMode =
  /** Answers every request from its route again, dropping queued faults. */
  | { mode: "normal" }
  /** The next `count` requests (after `after` more normal ones) answer 429 with Retry-After. */
  | { mode: "rate_limit"; count?: number; after?: number; retry_after?: number | string }
  /** The next `count` requests (after `after` normal ones) answer `status` (503). */
  | { mode: "flaky"; count?: number; after?: number; status?: number }
  /**
   * Requests without header `header` answer 401, with another value 403 (J-Quants' and most APIs'
   * split); `value: null` lifts the requirement.
   */
  | {
      mode: "require_header";
      header: string;
      value: string | null;
      missing_status?: number;
      wrong_status?: number;
    };

export type StandInOptions = {
  /** 0 (default) picks a free port; `npm run stand-ins` uses fixed ones. */
  port?: number;
  host?: string;
  /** A prefix every route sits under ("/v2" for J-Quants). */
  basePath?: string;
  /** Modes set from the start (e.g. require_header). */
  modes?: StandInMode[];
};

export type StandIn = {
  /** http://127.0.0.1:<port><basePath> */
  url: string;
  port: number;
  requests: RecordedRequest[];
  setMode(mode: StandInMode): void;
  close(): Promise<void>;
};

type Fault = {
  kind: "rate_limit" | "flaky";
  after: number;
  count: number;
  status: number;
  retryAfter: string;
};

export async function startStandIn(routes: StandInRoutes, opts: StandInOptions = {}): Promise<StandIn> {
  const basePath = (opts.basePath ?? "").replace(/\/$/, "");
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  let auth: Extract<StandInMode, { mode: "require_header" }> | null = null;

  const setMode = (m: StandInMode) => {
    if (m.mode === "normal") faults = [];
    else if (m.mode === "require_header") auth = m.value === null ? null : m;
    else
      faults.push({
        kind: m.mode,
        after: m.after ?? 0,
        count: m.count ?? 1,
        status: m.mode === "flaky" ? (m.status ?? 503) : 429,
        retryAfter: m.mode === "rate_limit" ? String(m.retry_after ?? 1) : "",
      });
  };
  for (const m of opts.modes ?? []) setMode(m);

  /** The queued fault this request meets, if any (faults are met in the order they were set). */
  const nextFault = (): Fault | null => {
    const f = faults[0];
    if (!f) return null;
    if (f.after > 0) {
      f.after--;
      return null;
    }
    f.count--;
    if (f.count <= 0) faults.shift();
    return f;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")]),
    );
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      status: 0,
      fault: null,
    };
    requests.push(record);
    const send = (a: StandInAnswer) => {
      const status = a.status ?? 200;
      record.status = status;
      const body = a.bytes ?? (a.json !== undefined ? JSON.stringify(a.json) : (a.text ?? ""));
      res.writeHead(status, {
        "content-type": a.json !== undefined ? "application/json" : "text/plain; charset=utf-8",
        ...a.headers,
      });
      res.end(body);
    };
    // the body of a request is not read by any route: drain it so keep-alive connections stay usable
    req.resume();
    const path = basePath && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : null;
    const route = path === null ? undefined : routes[path];
    if (!route) return send({ status: 404, json: { message: `no route for ${url.pathname}` } });
    record.path = path as string;
    if (auth) {
      const given = req.headers[auth.header.toLowerCase()];
      if (given !== auth.value) {
        record.fault = "auth";
        return send({
          status: given === undefined ? (auth.missing_status ?? 401) : (auth.wrong_status ?? 403),
          json: {
            message: given === undefined ? "Missing API key." : "The incoming token is invalid or expired.",
          },
        });
      }
    }
    const fault = nextFault();
    if (fault) {
      record.fault = fault.kind;
      return send(
        fault.kind === "rate_limit"
          ? {
              status: 429,
              json: { message: "Too Many Requests" },
              headers: { "retry-after": fault.retryAfter },
            }
          : { status: fault.status, json: { message: "Service Unavailable" } },
      );
    }
    Promise.resolve()
      .then(() =>
        route({ method: record.method, path: record.path, query: url.searchParams, headers: req.headers }),
      )
      .then(send, (e: unknown) => send({ status: 500, json: { message: String(e) } }));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}${basePath}`,
    port,
    requests,
    setMode,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
