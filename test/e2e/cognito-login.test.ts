// The AWS login path of the admin page (Cognito hosted UI, authorization code + PKCE, refresh,
// logout) against a stand-in for Cognito's OAuth endpoints. The stand-in checks what Cognito
// checks (client id, redirect URI, state round trip, S256 code verifier, single-use code) and
// answers with tokens the local API accepts, so the page's whole flow runs in Chromium.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const CLIENT_ID = "admin-page-client";
let oauth: Server;
let oauthUrl: string;

type Seen = {
  authorize: URLSearchParams[];
  token: URLSearchParams[];
  logout: URLSearchParams[];
  refused: string[];
};
const seen: Seen = { authorize: [], token: [], logout: [], refused: [] };
const codes = new Map<string, { challenge: string; redirect: string }>();
const refreshTokens = new Set<string>();

/** An ID token from the local stack's issuer (the API's authorizer accepts only those). */
async function idToken(expiresInSeconds: number): Promise<string> {
  const res = await fetch(`${e2e.h.url}/local/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      sub: "c0ffee",
      email: "ops@example.jp",
      groups: ["admin"],
      expires_in_seconds: expiresInSeconds,
    }),
  });
  return ((await res.json()) as { token: string }).token;
}

function startOAuthStandIn(): Promise<string> {
  oauth = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const refuse = (why: string) => {
      seen.refused.push(why);
      res.writeHead(400, { "access-control-allow-origin": "*", "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_request", error_description: why }));
    };
    if (url.pathname === "/oauth2/authorize") {
      const q = url.searchParams;
      seen.authorize.push(q);
      if (q.get("client_id") !== CLIENT_ID) return refuse("client_id");
      if (q.get("response_type") !== "code") return refuse("response_type");
      if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) return refuse("pkce");
      if (q.get("redirect_uri") !== `${e2e.h.url}/`) return refuse("redirect_uri");
      const code = randomBytes(8).toString("hex");
      codes.set(code, { challenge: q.get("code_challenge") ?? "", redirect: q.get("redirect_uri") ?? "" });
      res.writeHead(302, { location: `${q.get("redirect_uri")}?code=${code}&state=${q.get("state")}` });
      return res.end();
    }
    if (url.pathname === "/oauth2/token" && req.method === "POST") {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      seen.token.push(form);
      if (form.get("client_id") !== CLIENT_ID) return refuse("client_id");
      if (form.get("grant_type") === "authorization_code") {
        const entry = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? ""); // single use
        if (!entry) return refuse("code");
        if (form.get("redirect_uri") !== entry.redirect) return refuse("redirect_uri mismatch");
        const verifier = form.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== entry.challenge)
          return refuse("verifier");
        const refresh = randomBytes(8).toString("hex");
        refreshTokens.add(refresh);
        // Expires in 30 s: under the page's 60 s margin, so its first API call refreshes first.
        const body = {
          id_token: await idToken(30),
          refresh_token: refresh,
          expires_in: 30,
          token_type: "Bearer",
        };
        res.writeHead(200, { "access-control-allow-origin": "*", "content-type": "application/json" });
        return res.end(JSON.stringify(body));
      }
      if (form.get("grant_type") === "refresh_token") {
        if (!refreshTokens.has(form.get("refresh_token") ?? "")) return refuse("refresh_token");
        const body = { id_token: await idToken(3600), expires_in: 3600, token_type: "Bearer" };
        res.writeHead(200, { "access-control-allow-origin": "*", "content-type": "application/json" });
        return res.end(JSON.stringify(body));
      }
      return refuse("grant_type");
    }
    if (url.pathname === "/logout") {
      seen.logout.push(url.searchParams);
      res.writeHead(302, { location: url.searchParams.get("logout_uri") ?? "/" });
      return res.end();
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    oauth.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(oauth.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  // The stand-in's URL goes into config.json, so it must listen first; the harness URL is only
  // known after the stack starts, and the stand-in reads it lazily.
  oauthUrl = await startOAuthStandIn();
});
afterAll(async () => {
  await new Promise((r) => oauth?.close(() => r(null)));
});
// Registered after the stand-in's hooks: its beforeAll runs after the stand-in listens, its afterAll
// before the stand-in closes.
const e2e = useE2eStack(() => ({
  webConfig: { auth: "cognito", cognitoDomain: oauthUrl, clientId: CLIENT_ID, region: "ap-northeast-1" },
}));

it("signs in through the hosted UI with PKCE, refreshes the token before it expires, and logs out", async () => {
  const { page, context, errors } = await e2e.open();
  try {
    await page.goto("/history?job=recap.pipeline");
    await page.getByRole("button", { name: "サインイン" }).click();
    // Back from the authorize endpoint: code exchanged, on the page asked for, ?code gone.
    await page.locator("header.topbar nav").waitFor();
    // (the history page then adds its period to the URL, issue 14)
    await page.waitForURL(`${e2e.h.url}/history?job=recap.pipeline&period=7d`);
    expect(await page.locator(".who").textContent()).toContain("ops@example.jp");
    expect(await page.locator(".role").textContent()).toBe("管理者");
    const authorize = seen.authorize[0];
    expect(authorize?.get("scope")).toBe("openid email profile");
    const exchange = seen.token.find((f) => f.get("grant_type") === "authorization_code");
    expect(exchange?.get("code_verifier")?.length).toBeGreaterThanOrEqual(43);
    // The page works with the token: its API calls succeed (after a refresh, see below).
    await page.locator("select[name=job]").waitFor();
    await expect.poll(() => page.locator("select[name=job]").inputValue()).toBe("recap.pipeline");
    await expect
      .poll(() => seen.token.filter((f) => f.get("grant_type") === "refresh_token").length)
      .toBeGreaterThan(0);
    expect(seen.refused).toEqual([]);
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem("jobdeck.session") ?? "{}"));
    expect(stored.expiresAt - Date.now()).toBeGreaterThan(30 * 60_000); // the refreshed token

    await page.getByRole("button", { name: "ログアウト" }).click();
    await page.getByRole("button", { name: "サインイン" }).waitFor();
    expect(seen.logout[0]?.get("client_id")).toBe(CLIENT_ID);
    expect(seen.logout[0]?.get("logout_uri")).toBe(`${e2e.h.url}/`);
    expect(await page.evaluate(() => sessionStorage.getItem("jobdeck.session"))).toBeNull();
    expect(realErrors(errors)).toEqual([]);
  } finally {
    await context.close();
  }
});

it("a forged state is refused: no token exchange, an error on the page", async () => {
  const { page, context } = await e2e.open();
  try {
    await page.goto("/");
    await page.getByRole("button", { name: "サインイン" }).click();
    await page.locator("header.topbar nav").waitFor();
    // (Refreshes of the first login's token may still come; only code exchanges matter here.)
    const exchanges = () => seen.token.filter((f) => f.get("grant_type") === "authorization_code").length;
    const before = exchanges();
    // Replay a callback with someone else's state.
    await page.evaluate(() =>
      sessionStorage.setItem(
        "jobdeck.pkce",
        JSON.stringify({ verifier: "v".repeat(64), state: "mine", returnTo: "/" }),
      ),
    );
    await page.goto("/?code=stolen&state=theirs");
    await page.getByText("login state mismatch").waitFor();
    expect(exchanges()).toBe(before);
  } finally {
    await context.close();
  }
});
