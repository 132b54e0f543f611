// Node request and response plumbing shared by the API, token and static paths: a bounded body
// read and an ApiResult written out as API Gateway would.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResult } from "#api/http.ts";

/** Reads at most this much of a body; the handlers enforce the API's own 64 KiB limit. */
const HARD_BODY_LIMIT = 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > HARD_BODY_LIMIT) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, result: ApiResult) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? "";
  res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}
