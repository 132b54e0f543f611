// Entity tags (RFC 9110): the weak ETag of a GET answer, the versioned tag of a writable resource,
// If-None-Match comparison and the If-Match precondition (412). One digest behind both forms.
import { createHash } from "node:crypto";
import { DomainError } from "#domain/errors.ts";

const digestOf = (body: string) => createHash("sha1").update(body).digest("base64url");

/** An entity tag without its weak marker (`W/`). */
const strongForm = (t: string) => t.trim().replace(/^W\//, "");

/** Weak comparison (RFC 9110 §8.8.3.2), for If-None-Match: `W/` is ignored; `*` matches anything. */
export function tagMatches(header: string, current: string): boolean {
  return header.split(",").some((t) => t.trim() === "*" || strongForm(t) === strongForm(current));
}

/**
 * The ETag of a writable resource: `"<version>.<digest of the answer>"`. The digest makes a
 * conditional GET honest (computed fields such as next_fire_times change the tag, so a poll never
 * keeps a stale copy); the version names the stored state a write may be conditioned on.
 */
export const versionedTag = (version: string, body: string) => `"${version}.${digestOf(body)}"`;

/**
 * If-Match on a write (RFC 9110 §13.1.1): the stored version a client read must still be current,
 * else 412 and nothing is written. Only the version part is compared: a write is not refused
 * because a computed field (a next fire time, a last run) moved on since the read.
 */
export function requireMatch(ifMatch: string, currentVersion: string): void {
  const versionOf = (t: string) =>
    strongForm(t)
      .replace(/^"|"$/g, "")
      .replace(/\.[^.]*$/, "");
  const ok = ifMatch.split(",").some((t) => t.trim() === "*" || versionOf(t) === currentVersion);
  if (!ok) {
    throw new DomainError(
      412,
      "precondition_failed",
      "the resource changed since you read it (If-Match names an older version); read it again",
      { current_version: currentVersion },
    );
  }
}

export function etagOf(body: string): string {
  return `W/"${digestOf(body)}"`;
}
