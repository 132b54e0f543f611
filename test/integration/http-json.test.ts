// functions/jobs/http/http-json.ts against a real HTTP server on 127.0.0.1 (the source stand-in):
// 429 and 5xx retried honouring Retry-After (seconds and HTTP date), other 4xx thrown at once
// without retry, requests spaced by the rate limit, and no header (a key) in any error.
import { afterEach, describe, expect, it } from "vitest";
import {
  createHttpJson,
  HttpNetworkError,
  HttpStatusError,
  retryAfterMs,
  safeUrl,
} from "#jobs/http/http-json.ts";
import { type StandIn, startStandIn } from "#test/helpers/source-stand-in.ts";

const KEY = "key-ABCDEF-123456";
let standIn: StandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function serve() {
  standIn = await startStandIn(
    {
      "/items": (req) => ({ json: { data: [req.query.get("page") ?? "1"] } }),
      "/text": () => ({ text: "plain,csv\n1,2" }),
      "/broken": () => ({ text: "<html>oops</html>" }),
    },
    { basePath: "/v9" },
  );
  return standIn;
}

/** A sleep that records its waits and returns at once (no test waits on a wall clock). */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("createHttpJson", () => {
  it("GETs JSON under the base URL with the query and the fixed headers", async () => {
    const s = await serve();
    const http = createHttpJson({ baseUrl: s.url, headers: { "x-api-key": KEY } });
    expect(await http.getJson("/items", { page: 2, skip: undefined })).toEqual({ data: ["2"] });
    expect(await http.getText("text")).toBe("plain,csv\n1,2");
    expect(s.requests[0]).toMatchObject({ path: "/items", query: { page: "2" } });
    expect(s.requests[0]!.headers["x-api-key"]).toBe(KEY);
  });

  it("retries a 429 after its Retry-After seconds and two 503s with growing backoff", async () => {
    const s = await serve();
    s.setMode({ mode: "rate_limit", count: 1, retry_after: 3 });
    s.setMode({ mode: "flaky", count: 2 });
    const { waits, sleep } = recordingSleep();
    const retried: (number | null)[] = [];
    const http = createHttpJson({
      baseUrl: s.url,
      sleep,
      backoffMs: 100,
      onRetry: (r) => retried.push(r.status),
    });
    expect(await http.getJson("/items")).toEqual({ data: ["1"] });
    expect(s.requests.map((r) => r.status)).toEqual([429, 503, 503, 200]);
    expect(retried).toEqual([429, 503, 503]);
    expect(waits[0]).toBe(3000);
    // exponential with jitter: retry n waits within [base·2^(n-1)/2, base·2^(n-1)]
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(waits[2]).toBeGreaterThanOrEqual(200);
    expect(waits[2]).toBeLessThanOrEqual(400);
  });

  it("caps a long Retry-After, and reads an HTTP-date one", async () => {
    expect(retryAfterMs("120")).toBe(120_000);
    expect(retryAfterMs(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5_000);
    expect(retryAfterMs("soon")).toBeNull();
    const s = await serve();
    s.setMode({ mode: "rate_limit", retry_after: 3600 });
    const { waits, sleep } = recordingSleep();
    await createHttpJson({ baseUrl: s.url, sleep, maxRetryAfterMs: 10_000 }).getJson("/items");
    expect(waits).toEqual([10_000]);
  });

  it("gives up after `retries` and says the status and how often it tried", async () => {
    const s = await serve();
    s.setMode({ mode: "flaky", count: 10, status: 502 });
    const { sleep } = recordingSleep();
    const err = await createHttpJson({ baseUrl: s.url, sleep, retries: 2 })
      .getJson("/items")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(502);
    expect((err as Error).message).toMatch(/answered 502 after 2 retries/);
    expect(s.requests).toHaveLength(3);
  });

  it("throws another 4xx at once, with the status, the URL without secrets and no header", async () => {
    const s = await serve();
    s.setMode({ mode: "require_header", header: "x-api-key", value: "the-right-key" });
    const { sleep, waits } = recordingSleep();
    const err = (await createHttpJson({ baseUrl: s.url, headers: { "x-api-key": KEY }, sleep })
      .getJson("/items", { code: "7203", token: "tok-999999" })
      .catch((e: unknown) => e)) as HttpStatusError;
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(403);
    expect(err.url).toBe(`${s.url}/items?code=7203&token=***`);
    expect(err.bodySnippet).toContain("invalid");
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toMatch(
      /key-ABCDEF|tok-999999/,
    );
  });

  it("spaces requests by the rate limit (retries count as requests)", async () => {
    const s = await serve();
    const { waits, sleep } = recordingSleep();
    const http = createHttpJson({ baseUrl: s.url, requestsPerMinute: 60, sleep });
    await Promise.all([http.getJson("/items"), http.getJson("/items"), http.getJson("/items")]);
    // the first goes at once; each later one waits for its slot ~1 s after the one before
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThan(900);
    expect(s.requests).toHaveLength(3);
  });

  it("retries a refused connection, then says what failed", async () => {
    const s = await serve();
    const url = s.url;
    await s.close();
    standIn = null;
    const { sleep, waits } = recordingSleep();
    const err = await createHttpJson({ baseUrl: url, sleep, retries: 1 })
      .getJson("/items")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpNetworkError);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(waits).toHaveLength(1);
  });

  it("stops waiting and throws the cancel when the signal fires", async () => {
    const s = await serve();
    s.setMode({ mode: "rate_limit", retry_after: 30 });
    const abort = new AbortController();
    const http = createHttpJson({
      baseUrl: s.url,
      signal: abort.signal,
      sleep: async () => abort.abort(new Error("run cancelled")),
    });
    await expect(http.getJson("/items")).rejects.toThrow("run cancelled");
    expect(s.requests).toHaveLength(1);
  });

  it("says so when a 200 is not JSON", async () => {
    const s = await serve();
    await expect(createHttpJson({ baseUrl: s.url }).getJson("/broken")).rejects.toThrow(
      /not JSON: <html>oops/,
    );
  });

  it("strips secret-looking query values and credentials from URLs it shows", () => {
    expect(safeUrl(new URL("https://u:p@x.test/a?apikey=1&date=2026-01-05&access_token=zz"))).toBe(
      "https://x.test/a?apikey=***&date=2026-01-05&access_token=***",
    );
  });
});
