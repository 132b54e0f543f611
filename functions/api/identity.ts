// Who is calling: the identity in the JWT claims API Gateway passes on (sub, email, groups), read
// strictly so that no crafted claim grants a group. Apart from the HTTP plumbing that uses it.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { Role } from "./routes.ts";

export type Identity = { sub: string; email: string | null; groups: Role[] };

/**
 * API Gateway (HTTP API JWT authorizer) passes JWT claims as strings; an array claim such as
 * `cognito:groups` arrives as "[admin viewer]": one pair of brackets, the names separated by single
 * spaces (Cognito group names contain no whitespace). Read exactly that form, a real array, or a
 * claim that was a plain string (one group, compared whole). Nothing is split on commas or matched
 * by substring, so a crafted value such as "x,admin" or "[x,admin]" grants nothing.
 */
export function parseGroups(raw: unknown): Role[] {
  let list: unknown[] = [];
  if (Array.isArray(raw)) list = raw;
  else if (typeof raw === "string") {
    const bracketed = /^\[([^[\]]*)\]$/.exec(raw);
    list = bracketed ? (bracketed[1] ? bracketed[1].split(" ") : []) : [raw];
  }
  return list.filter((g): g is Role => g === "admin" || g === "viewer");
}

export function identityFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer): Identity | null {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== "string" || !claims.sub) return null;
  return {
    sub: claims.sub,
    email: typeof claims.email === "string" ? claims.email : null,
    groups: parseGroups(claims["cognito:groups"] ?? claims.groups),
  };
}

export function actorOf(identity: Identity | null): string {
  return identity?.email ?? identity?.sub ?? "unknown";
}
