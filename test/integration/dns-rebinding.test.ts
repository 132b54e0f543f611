// Issue 11 item 4: a page on another site that rebinds its DNS name to 127.0.0.1 reaches the local
// stack with its own name in `Host` (and its own `Origin`); the stack answers only to loopback names.
// Every request here goes to 127.0.0.1: only the headers name other hosts.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  port = Number(new URL(h.url).port);
});
afterAll(async () => {
  await h?.stop();
});

/** One HTTP/1.1 request to 127.0.0.1 with exactly the Host (and other headers) given. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers, setHost: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(body);
  });
}

const tokenBody = JSON.stringify({ sub: "mallory", groups: ["admin"] });
const json = { "content-type": "application/json" };

describe("Host and Origin checks (DNS rebinding)", () => {
  it("a foreign Host is refused (DNS rebinding)", async () => {
    const token = await h.token(["admin"]);
    for (const host of [
      "attacker.example",
      `attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
    ]) {
      const minted = await raw("POST", "/local/token", { ...json, host }, tokenBody);
      expect(minted.status, host).toBe(421);
      expect(minted.body.error.code).toBe("misdirected_request");
      expect(minted.body.token).toBeUndefined();

      const api = await raw("GET", "/v1/jobs", { host, authorization: `Bearer ${token}` });
      expect(api.status, host).toBe(421);
      expect(api.body.error.code).toBe("misdirected_request");

      expect((await raw("GET", "/healthz", { host })).status).toBe(421);
      expect((await raw("GET", "/config.json", { host })).status).toBe(421);
      expect((await raw("GET", "/", { host })).status).toBe(421);
    }
    // A loopback name on another port is another origin too.
    expect((await raw("GET", "/healthz", { host: `localhost:${port + 1}` })).status).toBe(421);
  });

  it("loopback names with the listening port are served", async () => {
    const token = await h.token(["admin"]);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await raw("GET", "/healthz", { host })).status, host).toBe(200);
      expect((await raw("GET", "/v1/jobs", { host, authorization: `Bearer ${token}` })).status, host).toBe(
        200,
      );
      expect((await raw("POST", "/local/token", { ...json, host }, tokenBody)).status, host).toBe(200);
    }
  });

  it("POST /local/token refuses a foreign Origin", async () => {
    const host = `127.0.0.1:${port}`;
    for (const origin of ["http://attacker.example", `http://attacker.example:${port}`, "null"]) {
      const r = await raw("POST", "/local/token", { ...json, host, origin }, tokenBody);
      expect(r.status, origin).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
      expect(r.body.token).toBeUndefined();
    }
    // The admin page's own origin (and a client sending no Origin, such as curl) may mint tokens.
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect((await raw("POST", "/local/token", { ...json, host, origin }, tokenBody)).status, origin).toBe(
        200,
      );
    }
    expect((await raw("POST", "/local/token", { ...json, host }, tokenBody)).status).toBe(200);
  });
});
