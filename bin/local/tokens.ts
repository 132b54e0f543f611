// Stands in for Cognito: POST /local/token issues JWTs signed with a key kept in the data folder;
// the server accepts only tokens it signed (right key, issuer, audience, with an `exp`, not expired).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { jwtVerify, SignJWT } from "jose";

export const LOCAL_ISSUER = "jobdeck-local";
export const LOCAL_AUDIENCE = "jobdeck";

export type LocalClaims = { sub: string; email?: string; "cognito:groups": string[]; [k: string]: unknown };

export function loadOrCreateSecret(file: string): Uint8Array {
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString("base64"), { mode: 0o600 });
  return secret;
}

export class LocalTokens {
  constructor(private readonly secret: Uint8Array) {}

  async issue(input: { sub: string; email?: string; groups: string[]; expiresInSeconds?: number }) {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (input.expiresInSeconds ?? 12 * 3600);
    const token = await new SignJWT({
      ...(input.email ? { email: input.email } : {}),
      "cognito:groups": input.groups,
      token_use: "id",
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(input.sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.secret);
    return { token, expires_at: new Date(exp * 1000).toISOString() };
  }

  /**
   * The verified claims, or null for a missing, malformed, foreign or expired token. A token
   * without `exp` is refused too: it would be valid forever (jose accepts it unless told).
   */
  async verify(token: string): Promise<LocalClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ["HS256"],
        requiredClaims: ["exp", "sub"],
      });
      if (typeof payload.sub !== "string") return null;
      return payload as LocalClaims;
    } catch {
      return null;
    }
  }
}
