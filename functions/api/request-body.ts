// A request body as the API accepts it (spec/api.md): at most 64 KiB, UTF-8 JSON only (415), parsed
// strictly (no prototype-pollution keys, bounded nesting), each refusal a 4xx naming the body.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { DomainError, ValidationError } from "#domain/errors.ts";

export const MAX_BODY_BYTES = 64 * 1024;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Deeper documents are refused before parsing: no job parameter nests this far, and deep nesting
 * is how a body exhausts the stack (JSON.parse's reviver and every later walk recurse). */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without parsing (brackets inside strings ignored). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** JSON.parse that refuses prototype-pollution keys anywhere in the document and over-deep nesting. */
export function parseJsonStrict(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ValidationError("body is nested too deeply", [
      { field: "(body)", message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
  return JSON.parse(text, (key, value) => {
    if (FORBIDDEN_KEYS.has(key))
      throw new ValidationError("forbidden key in body", [{ field: key, message: "is not allowed" }]);
    return value;
  });
}

/** The body of `event` (undefined when none), checked and parsed; `headers` are lower-cased. */
export function readBody(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  headers: Record<string, string>,
): unknown {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const buf = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (buf.length > MAX_BODY_BYTES) {
    throw new DomainError(
      413,
      "payload_too_large",
      `request body is ${buf.length} bytes; the limit is ${MAX_BODY_BYTES}`,
    );
  }
  const [type, ...params] = (headers["content-type"] ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new DomainError(
      415,
      "unsupported_media_type",
      "send the body as UTF-8 JSON with Content-Type: application/json",
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new ValidationError("body is not UTF-8", [{ field: "(body)", message: "is not valid UTF-8" }]);
  }
  try {
    return parseJsonStrict(text);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // Only the parser's own syntax message is the client's business; anything else stays inside.
    const message = e instanceof SyntaxError ? e.message : "is not valid JSON";
    throw new ValidationError("body is not valid JSON", [{ field: "(body)", message }]);
  }
}
