// Types derived from the contract: what a handler may answer (Answer) and what a client sends and
// gets (the admin page's typed client). Types only; the contract itself is in contract.ts.
import type * as z from "zod/mini";
import type { Contract } from "./contract.ts";
import type { RouteKey } from "./routes.ts";

type Responses<K extends RouteKey> = Contract[K]["responses"];
/** Statuses a handler answers itself: its successes, and those its entry marks `answered`. */
type Success<K extends RouteKey> =
  | Extract<keyof Responses<K>, 200 | 201 | 202 | 204>
  | {
      [S in keyof Responses<K>]: Responses<K>[S] extends { answered: true } ? S : never;
    }[keyof Responses<K>];

/** What a handler of route K may answer: a documented success status with its documented body. */
export type Answer<K extends RouteKey> = {
  [S in Success<K>]: Responses<K>[S] extends { schema: infer T extends z.ZodMiniType }
    ? {
        status: S;
        body: z.output<T>;
        headers?: Record<string, string>;
        /** The stored version: the answer's ETag becomes "<version>.<digest>" (If-Match compares it). */
        version?: string;
      }
    : { status: S; headers?: Record<string, string> };
}[Success<K>];

// ---- What a client sends and gets (the admin page's typed client) -------------------------------

type Schema<T> = T extends z.ZodMiniType ? T : never;
/** The body of route K's success answer (undefined for 204). */
export type SuccessBody<K extends RouteKey> =
  Answer<K> extends infer A ? (A extends { body: infer B } ? B : undefined) : never;
/** Route K's query parameters as a client may send them. */
export type QueryOf<K extends RouteKey> = Contract[K] extends { query: infer Q } ? z.input<Schema<Q>> : never;
/** Route K's request body. */
export type BodyOf<K extends RouteKey> = Contract[K] extends { body: infer B } ? z.input<Schema<B>> : never;
/** Route K's path parameters. */
export type PathOf<K extends RouteKey> = Contract[K] extends { path: infer P }
  ? { [N in keyof P]: string }
  : never;
