// The Clone sources' HTTP: the jobs' shared client (retries, Retry-After, rate spacing, secrets
// kept out of errors), plus the one thing open-data CSVs need beyond it: bytes decoded by the
// file's encoding instead of always UTF-8 (fetch's Response.text() ignores the charset).
import { createHttpJson, type HttpJson, type HttpJsonOptions } from "#jobs/http/http-json.ts";
import { decodeText, type TextEncoding } from "./clone-csv.ts";

export type { HttpJson };

/** `inner` with each answer's body re-decoded from `encoding` (status and headers kept). */
export function decodingFetch(encoding: TextEncoding, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return new Response(res.ok ? decodeText(bytes, encoding) : new TextDecoder().decode(bytes), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

export type SourceHttpOptions = Omit<HttpJsonOptions, "fetch"> & {
  encoding?: TextEncoding;
  fetch?: typeof fetch;
};

/** A client for one source; `encoding` set: its text answers are decoded from that encoding. */
export function openSourceHttp(opts: SourceHttpOptions): HttpJson {
  const { encoding, fetch: inner, ...rest } = opts;
  return createHttpJson({
    ...rest,
    ...(encoding ? { fetch: decodingFetch(encoding, inner) } : inner ? { fetch: inner } : {}),
  });
}
