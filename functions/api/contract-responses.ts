// The answers every route shares by the conventions of spec/api.md (auth, validation, caching,
// outages), added to each route's own in the contract. Kept apart so contract.ts lists only what
// each route means; the OpenAPI document and the conformance checks read both through responsesOf.
import * as z from "zod/mini";
import { ErrorBodySchema } from "#schemas/common.ts";
import type { OperationContract, ResponseSpec } from "./contract.ts";
import type { RouteDef } from "./routes.ts";

const ERROR = ErrorBodySchema;
/** API Gateway's own 401 body in AWS, or jobdeck's error shape locally. */
const UNAUTHORIZED = z.union([ERROR, z.object({ message: z.string() })]);

/** Every answer a route can give: its own plus those the conventions of spec/api.md add. */
export function responsesOf(route: RouteDef, op: OperationContract): Record<number, ResponseSpec> {
  const error = (description: string, extra: Partial<ResponseSpec> = {}): ResponseSpec => ({
    description,
    schema: ERROR,
    ...extra,
  });
  const out: Record<number, ResponseSpec> = {};
  const own = op.responses;
  for (const [status, spec] of Object.entries(own)) {
    const s = Number(status);
    out[s] = s >= 400 ? { ...spec, schema: spec.schema ?? ERROR } : spec;
  }
  if (route.method === "GET") {
    out[200] = { ...out[200]!, headers: [...new Set([...(out[200]?.headers ?? []), "ETag" as const])] };
    out[304] = { description: "Not modified: If-None-Match matched the current ETag", headers: ["ETag"] };
  }
  // Every /v1 route reads its query (an unknown parameter is refused), its path or its body.
  if (route.role !== null) out[400] ??= error("Invalid input; details name each bad field");
  // Any body sent with a write is read under the same rules, whether the route uses it or not.
  if (route.method !== "GET") {
    out[400] ??= error("Invalid input; details name each bad field");
    out[413] ??= error("Body over 64 KiB");
    out[415] ??= error("Body is not JSON (Content-Type: application/json)");
  }
  if (route.role) {
    out[401] ??= error(
      "No token or a bad one. (In AWS, API Gateway's JWT authorizer answers this itself with {message}.)",
      { schema: UNAUTHORIZED, headers: ["WWW-Authenticate"] },
    );
    out[403] ??= error(`The token lacks the ${route.role} group`);
  }
  out[500] ??= error("A defect in jobdeck; the request was logged (never a client mistake)");
  out[503] ??= error("A dependency (store, workflow service) is unavailable; retry later", {
    optionalHeaders: ["Retry-After"],
  });
  return out;
}
