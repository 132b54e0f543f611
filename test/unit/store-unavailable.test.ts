// Issue 11 item 2 in one place: the API's error middleware tells a store outage (503 with
// Retry-After, the client may retry) from a defect (500) and from a refusal of the request.
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { type ApiEvent, type ApiResult, apiHandler } from "#api/http.ts";
import { UnavailableError } from "#domain/errors.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";

const meta = { $metadata: {} };
const node = (code: string, message: string) => Object.assign(new Error(message), { code });
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

const OUTAGES: [string, unknown][] = [
  ["connection refused", node("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:8000")],
  ["connection reset", node("ECONNRESET", "read ECONNRESET")],
  ["socket hang up", new Error("socket hang up")],
  ["SDK timeout", named("TimeoutError", "Connection timed out after 1000 ms")],
  ["aborted probe", named("AbortError", "The operation was aborted")],
  ["InternalServerError", new InternalServerError({ message: "boom", ...meta })],
  ["ServiceUnavailable", named("ServiceUnavailable")],
  [
    "ProvisionedThroughputExceeded",
    new ProvisionedThroughputExceededException({ message: "slow down", ...meta }),
  ],
  ["ThrottlingException", named("ThrottlingException")],
  ["any 5xx", Object.assign(new Error("x"), { name: "Weird", $metadata: { httpStatusCode: 502 } })],
  ["wrapped as cause", new Error("write failed", { cause: node("ECONNREFUSED", "refused") })],
];

const NOT_OUTAGES: [string, unknown][] = [
  ["a condition failure", new ConditionalCheckFailedException({ message: "no", ...meta })],
  ["a validation error", Object.assign(named("ValidationException"), { $metadata: { httpStatusCode: 400 } })],
  ["a plain defect", new TypeError("cannot read properties of undefined")],
  ["not an error", "a string"],
  ["nothing", null],
];

describe("isStoreUnavailable", () => {
  for (const [what, e] of OUTAGES) it(`says yes to ${what}`, () => expect(isStoreUnavailable(e)).toBe(true));
  for (const [what, e] of NOT_OUTAGES)
    it(`says no to ${what}`, () => expect(isStoreUnavailable(e)).toBe(false));
});

function call(error: unknown): Promise<ApiResult> {
  const handler = apiHandler(
    {
      "GET /healthz": async () => {
        throw error;
      },
    },
    { logger: { debug() {}, info() {}, warn() {}, error() {} } },
  );
  const event = {
    routeKey: "GET /healthz",
    rawPath: "/healthz",
    headers: {},
    requestContext: { http: { method: "GET" } },
  } as unknown as ApiEvent;
  return handler(event, {} as Context) as Promise<ApiResult>;
}

describe("a store outage answers 503 with Retry-After, never 500", () => {
  for (const [what, e] of OUTAGES) {
    it(`${what} → 503 unavailable with Retry-After`, async () => {
      const res = await call(e);
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(String(res.body)).error.code).toBe("unavailable");
      expect(Number(res.headers?.["retry-after"])).toBeGreaterThanOrEqual(1);
      // nothing of the driver's message reaches the client
      expect(String(res.body)).not.toMatch(/ECONN|127\.0\.0\.1|hang up/);
    });
  }

  it("the domain's own UnavailableError carries Retry-After too", async () => {
    const res = await call(new UnavailableError("the workflow service did not answer"));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.["retry-after"]).toBeDefined();
  });

  it("a defect is still a 500", async () => {
    const res = await call(new TypeError("cannot read properties of undefined"));
    expect(res.statusCode).toBe(500);
    expect(res.headers?.["retry-after"]).toBeUndefined();
  });
});
