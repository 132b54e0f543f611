// Checks live API answers against the OpenAPI document the API publishes: the status must be
// documented for the operation, the body must match its schema (Ajv, JSON Schema 2020-12), the
// headers the document calls required must be there. Every local stack the tests start through
// the harness feeds its answers here, so the whole integration and e2e suites test the document.
import { appendFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openApiDocument } from "#api/openapi.ts";
import type { ApiAnswer } from "#local/http-server.ts";

// ajv-formats is CommonJS; under ESM its function arrives as `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

type Json = Record<string, any>;

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export type ConformanceOptions = {
  /** 5xx answers are defects; a test that injects outages on purpose allows them. */
  allowServerErrors?: boolean;
};

export class Conformance {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly checked = { answers: 0 };

  constructor(private readonly doc: Json = openApiDocument() as Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, "openapi");
  }

  /** What is wrong with this answer according to the document; [] when it conforms. */
  check(a: ApiAnswer, opts: ConformanceOptions = {}): string[] {
    this.checked.answers++;
    const where = `${a.method} ${a.route} → ${a.status}`;
    const op = this.doc.paths?.[a.route]?.[a.method.toLowerCase()] as Json | undefined;
    if (!op) return [`${where}: the operation is not in the document`];
    if (a.status >= 500 && !opts.allowServerErrors)
      return [`${where}: a server error in a test that injects no fault: ${a.body.slice(0, 300)}`];
    const res = op.responses?.[String(a.status)] as Json | undefined;
    if (!res) return [`${where}: status ${a.status} is not documented for this operation`];
    const problems: string[] = [];
    const answerPath = ["paths", a.route, a.method.toLowerCase(), "responses", String(a.status)];
    for (const [name, h] of Object.entries((res.headers ?? {}) as Record<string, Json>)) {
      const value = a.headers[name.toLowerCase()];
      if (value === undefined) {
        if (h.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      const v = h.schema?.type === "integer" ? Number(value) : value;
      const validate = this.validator(pointer(...answerPath, "headers", name, "schema"));
      if (!validate(v))
        problems.push(`${where}: header ${name}=${value}: ${this.ajv.errorsText(validate.errors)}`);
    }
    const json = res.content?.["application/json"];
    if (!json) {
      if (a.body !== "") problems.push(`${where}: documented without a body, but one was sent`);
      return problems;
    }
    if (!/^application\/json\b/.test(a.headers["content-type"] ?? ""))
      problems.push(`${where}: content-type ${a.headers["content-type"]} is not application/json`);
    let body: unknown;
    try {
      body = JSON.parse(a.body);
    } catch {
      return [...problems, `${where}: the body is not JSON`];
    }
    const validate = this.validator(pointer(...answerPath, "content", "application/json", "schema"));
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`);
      problems.push(`${where}: the body does not match the schema: ${errors.join("; ")}`);
    }
    return problems;
  }

  private validator(ptr: string): ValidateFunction {
    let v = this.validators.get(ptr);
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi#/${ptr}` });
      this.validators.set(ptr, v);
    }
    return v;
  }
}

let shared: Conformance | undefined;
/** One compiled document per test worker: Ajv compiles each response schema once. */
export const sharedConformance = () => {
  shared ??= new Conformance();
  return shared;
};

/**
 * Collects the mismatches of one local stack's answers. With JOBDECK_CONFORMANCE_LOG set, each
 * answer checked is counted in that file, so a run can say how many answers were checked.
 */
export function conformanceRecorder(opts: ConformanceOptions = {}) {
  const conformance = sharedConformance();
  const mismatches: string[] = [];
  let answers = 0;
  return {
    mismatches,
    get answers() {
      return answers;
    },
    onAnswer(a: ApiAnswer) {
      answers++;
      mismatches.push(...conformance.check(a, opts));
      const log = process.env.JOBDECK_CONFORMANCE_LOG;
      if (log) appendFileSync(log, ".");
    },
  };
}
