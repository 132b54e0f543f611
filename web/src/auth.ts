// Login. In AWS: Cognito hosted UI, authorization code + PKCE (public client, no secret), the ID
// token kept in sessionStorage (gone when the tab closes) and refreshed before it expires. Locally:
// the loopback-only dev login (POST /local/token) with a chosen role. The API checks every token;
// the page only reads the claims to label the user and grey out what a viewer may not do.
import type { WebConfig } from "./config.ts";

export type Role = "admin" | "viewer";
export type Session = {
  token: string;
  /** epoch ms */
  expiresAt: number;
  refreshToken: string | null;
  user: string;
  role: Role;
};

const KEY = "jobdeck.session";
const PKCE_KEY = "jobdeck.pkce";

function b64urlDecode(s: string): string {
  const b = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b + "===".slice((b.length + 3) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function b64urlEncode(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Reads (does not verify) a JWT's claims: the API verifies; the page only labels. */
export function sessionFromToken(token: string, refreshToken: string | null): Session | null {
  try {
    const claims = JSON.parse(b64urlDecode(token.split(".")[1] ?? "")) as Record<string, unknown>;
    const groups = Array.isArray(claims["cognito:groups"]) ? (claims["cognito:groups"] as unknown[]) : [];
    const exp = typeof claims.exp === "number" ? claims.exp * 1000 : Date.now() + 3600_000;
    const user = [claims.email, claims["cognito:username"], claims.sub].find((v) => typeof v === "string");
    return {
      token,
      expiresAt: exp,
      refreshToken,
      user: (user as string | undefined) ?? "?",
      role: groups.includes("admin") ? "admin" : "viewer",
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return s.expiresAt > Date.now() + 5_000 || s.refreshToken ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

export async function localLogin(config: WebConfig, user: string, role: Role): Promise<Session> {
  const res = await fetch(config.localTokenUrl ?? "/local/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: user, groups: [role] }),
  });
  if (!res.ok) throw new Error(`dev login failed: HTTP ${res.status}`);
  const body = (await res.json()) as { token: string };
  const s = sessionFromToken(body.token, null);
  if (!s) throw new Error("dev login returned an unreadable token");
  saveSession(s);
  return s;
}

const redirectUri = () => `${location.origin}/`;

/** Sends the browser to the Cognito hosted UI (PKCE S256). Comes back to `/` with ?code&state. */
export async function startCognitoLogin(config: WebConfig, returnTo: string): Promise<void> {
  const verifier = b64urlEncode(crypto.getRandomValues(new Uint8Array(48)));
  const state = b64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = b64urlEncode(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId ?? "",
    redirect_uri: redirectUri(),
    scope: "openid email profile",
    code_challenge_method: "S256",
    code_challenge: challenge,
    state,
  });
  location.assign(`${config.cognitoDomain}/oauth2/authorize?${q}`);
}

async function tokenRequest(config: WebConfig, form: Record<string, string>) {
  const res = await fetch(`${config.cognitoDomain}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.clientId ?? "", ...form }),
  });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  return (await res.json()) as { id_token: string; refresh_token?: string };
}

/** Completes the code flow when the page loads with ?code&state; returns where to go next. */
export async function finishCognitoLogin(
  config: WebConfig,
): Promise<{ session: Session; returnTo: string } | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const raw = sessionStorage.getItem(PKCE_KEY);
  if (!code || !raw) return null;
  sessionStorage.removeItem(PKCE_KEY);
  const pkce = JSON.parse(raw) as { verifier: string; state: string; returnTo: string };
  if (params.get("state") !== pkce.state) throw new Error("login state mismatch; please sign in again");
  const t = await tokenRequest(config, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: pkce.verifier,
  });
  const session = sessionFromToken(t.id_token, t.refresh_token ?? null);
  if (!session) throw new Error("unreadable ID token");
  saveSession(session);
  return { session, returnTo: pkce.returnTo || "/" };
}

/** Silent refresh with the refresh token (Cognito keeps the same refresh token). */
export async function refreshSession(config: WebConfig, s: Session): Promise<Session | null> {
  if (config.auth !== "cognito" || !s.refreshToken) return null;
  try {
    const t = await tokenRequest(config, { grant_type: "refresh_token", refresh_token: s.refreshToken });
    const next = sessionFromToken(t.id_token, t.refresh_token ?? s.refreshToken);
    saveSession(next);
    return next;
  } catch {
    return null;
  }
}

export function logoutUrl(config: WebConfig): string | null {
  if (config.auth !== "cognito") return null;
  const q = new URLSearchParams({ client_id: config.clientId ?? "", logout_uri: redirectUri() });
  return `${config.cognitoDomain}/logout?${q}`;
}
