// Writes docs/api.md, the API reference, from the OpenAPI document that the contract
// (functions/api/contract.ts + routes.ts) generates: `npm run docs:api`. Never edit docs/api.md by
// hand; test/unit/api-docs.test.ts fails when it no longer matches the contract.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "#api/openapi.ts";

type Json = Record<string, unknown>;
type Schema = Json & {
  $ref?: string;
  type?: string | string[];
  anyOf?: Schema[];
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  description?: string;
};
type Operation = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  "x-jobdeck-role": "admin" | "viewer" | null;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { description: string; required: boolean }>;
      content?: { "application/json": { schema: Schema } };
    }
  >;
};

export const API_DOCS_PATH = resolve(fileURLToPath(new URL("..", import.meta.url)), "docs/api.md");

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const anchor = (name: string) => `schema-${name.toLowerCase()}`;
const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
/** Inside a Markdown table: pipes escaped, line breaks flattened. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const code = (text: string) => (text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``);

function isNull(s: Schema): boolean {
  return s.type === "null";
}

/** A short type expression: `string`, `integer`, `"a" | "b"`, `Run[]` (linked), `Progress | null`, `object`. */
function typeOf(s: Schema): string {
  if (s.$ref) return `[${refName(s.$ref)}](#${anchor(refName(s.$ref))})`;
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeOf).join(" | ");
  if (s.enum) return s.enum.map((v) => code(JSON.stringify(v))).join(" | ");
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (Array.isArray(s.type)) return s.type.join(" | ");
  if (s.type === "array") return s.items ? `${wrap(typeOf(s.items))}[]` : "array";
  if (s.type === "object" && !s.properties && typeof s.additionalProperties === "object") {
    const value = Object.keys(s.additionalProperties).length ? typeOf(s.additionalProperties) : "any";
    return `map of ${value}`;
  }
  if (s.type) return s.type;
  return "any";
}
const wrap = (t: string) => (t.includes(" | ") ? `(${t})` : t);

/** Limits worth knowing: lengths, ranges, item counts, patterns. */
function constraints(s: Schema): string {
  const parts: string[] = [];
  const inner = (s.anyOf ?? s.oneOf)?.filter((x) => !isNull(x));
  const t = inner?.length === 1 ? inner[0]! : s;
  const num = (k: string) => (typeof t[k] === "number" ? (t[k] as number) : undefined);
  const [minL, maxL, min, max] = [num("minLength"), num("maxLength"), num("minimum"), num("maximum")];
  if (minL !== undefined || maxL !== undefined)
    parts.push(minL && maxL ? `${minL}–${maxL} chars` : maxL ? `≤ ${maxL} chars` : `≥ ${minL} chars`);
  const hasMax = max !== undefined && max < MAX_SAFE;
  if (min !== undefined && hasMax) parts.push(`${min}–${max}`);
  else if (min !== undefined) parts.push(`≥ ${min}`);
  else if (hasMax) parts.push(`≤ ${max}`);
  if (num("maxItems") !== undefined) parts.push(`≤ ${num("maxItems")} items`);
  if (typeof t.pattern === "string") parts.push(`matches ${code(t.pattern)}`);
  if (t.default !== undefined) parts.push(`default ${code(JSON.stringify(t.default))}`);
  return parts.join(", ");
}

function descriptionOf(s: Schema): string {
  if (s.description) return s.description;
  const inner = (s.anyOf ?? s.oneOf)?.find((x) => x.description);
  return inner?.description ?? "";
}

/** The object a field holds, when it holds one inline (so its fields get rows of their own). */
function inlineObject(s: Schema): Schema | undefined {
  if (s.type === "object" && s.properties) return s;
  if (s.type === "array" && s.items) return inlineObject(s.items);
  const union = (s.anyOf ?? s.oneOf)?.filter((x) => !isNull(x));
  if (union?.length === 1) return inlineObject(union[0]!);
  return undefined;
}

/** One row per field, nested inline objects as `parent.child` (`parent[].child` inside arrays). */
function fieldRows(s: Schema, prefix = ""): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(s.properties ?? {})) {
    const required = s.required?.includes(name) ? "yes" : "no";
    const path = `${prefix}${name}`;
    rows.push(
      `| ${code(path)} | ${cell(typeOf(field))} | ${required} | ${cell(constraints(field))} | ${cell(descriptionOf(field))} |`,
    );
    const nested = inlineObject(field);
    if (nested) {
      const isArray = field.type === "array" || (field.anyOf ?? []).some((x) => x.type === "array");
      rows.push(...fieldRows(nested, `${path}${isArray ? "[]" : ""}.`));
    }
  }
  return rows;
}

/** A body in an answers table: a link to its schema, or a short shape for an inline one. */
function bodyOf(s: Schema | undefined): string {
  if (!s) return "—";
  if (s.$ref || s.type !== "object" || !s.properties) {
    const union = s.anyOf ?? s.oneOf;
    if (union && !s.$ref) return union.map(bodyOf).join(" or ");
    return typeOf(s);
  }
  return code(`{ ${Object.keys(s.properties).join(", ")} }`);
}

const WHO: Record<string, string> = {
  admin: "**admin** (a token in the admin group)",
  viewer: "**viewer** (a token in the viewer or admin group)",
  none: "**anyone** (no token)",
};

function operationSection(method: string, path: string, op: Operation): string[] {
  const out = [`### ${method.toUpperCase()} ${path}`, "", `${op.summary}.`, ""];
  if (op.description && op.description !== op.summary) out.push(op.description, "");
  out.push(
    `Who may call: ${WHO[op["x-jobdeck-role"] ?? "none"]}. Operation id: ${code(op.operationId)}.`,
    "",
  );

  if (op.parameters.length) {
    out.push("| Parameter | In | Required | Type | Limits | Description |", "|---|---|---|---|---|---|");
    for (const p of op.parameters) {
      const req = p.required ? "yes" : "no";
      const desc = p.description ?? descriptionOf(p.schema);
      out.push(
        `| ${code(p.name)} | ${p.in} | ${req} | ${cell(typeOf(p.schema))} | ${cell(constraints(p.schema))} | ${cell(desc)} |`,
      );
    }
    out.push("");
  }
  const body = op.requestBody?.content["application/json"].schema;
  if (body) out.push(`Request body (JSON, required): ${bodyOf(body)}.`, "");

  out.push("| Status | Meaning | Body | Headers |", "|---|---|---|---|");
  for (const [status, r] of Object.entries(op.responses)) {
    const headers = Object.entries(r.headers ?? {})
      .map(([h, d]) => (d.required ? code(h) : `${code(h)} (sometimes)`))
      .join(", ");
    out.push(
      `| ${status} | ${cell(r.description)} | ${cell(bodyOf(r.content?.["application/json"].schema))} | ${headers || "—"} |`,
    );
  }
  out.push("");
  return out;
}

function schemaSection(name: string, s: Schema, isRequest: boolean): string[] {
  const out = [`<a id="${anchor(name)}"></a>`, "", `### ${name}`, ""];
  if (s.description) out.push(s.description, "");
  if (s.type === "object" && s.properties) {
    // Answers may gain fields (see the top); a request with a field not listed is refused.
    if (isRequest && s.additionalProperties === false)
      out.push("A request body: fields not listed are refused.", "");
    out.push("| Field | Type | Required | Limits | Description |", "|---|---|---|---|---|");
    out.push(...fieldRows(s), "");
  } else {
    out.push(`${cell(typeOf(s))}`, "");
  }
  return out;
}

/** The whole reference, as Markdown. */
export function renderApiReference(): string {
  const doc = openApiDocument() as {
    info: { title: string; version: string; description: string };
    tags: { name: string; description: string }[];
    components: { securitySchemes: { bearer: { description: string } }; schemas: Record<string, Schema> };
    paths: Record<string, Record<string, Operation>>;
  };
  const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ path, method, op })),
  );
  const requestHeaders = new Map<string, string>();
  const responseHeaders = new Map<string, string>();
  for (const { op } of ops) {
    for (const p of op.parameters)
      if (p.in === "header" && p.description) requestHeaders.set(p.name, p.description);
    for (const r of Object.values(op.responses))
      for (const [h, d] of Object.entries(r.headers ?? {})) responseHeaders.set(h, d.description);
  }

  const out = [
    `# ${doc.info.title} ${doc.info.version}`,
    "",
    "<!-- Generated by `npm run docs:api` (bin/api-docs.ts) from functions/api/contract.ts and routes.ts. Do not edit. -->",
    "",
    doc.info.description,
    "",
    "The same contract answers `GET /v1/openapi.json` (OpenAPI 3.1), types the handlers and the admin page, and checks every answer the test suites see.",
    "",
    "## Conventions",
    "",
    `- **Authentication**: \`Authorization: Bearer <token>\` — ${doc.components.securitySchemes.bearer.description}.`,
    "- **Roles**: each route names the least group it needs; admin includes viewer.",
    "- **Bodies** are JSON (`Content-Type: application/json`), at most 64 KiB.",
    "",
    "Request headers:",
    "",
    ...[...requestHeaders].map(([h, d]) => `- ${code(h)}: ${d}.`),
    "",
    "Response headers:",
    "",
    ...[...responseHeaders].map(([h, d]) => `- ${code(h)}: ${d}.`),
    "",
    "## Routes",
    "",
    "| Method | Path | Who | Summary |",
    "|---|---|---|---|",
    ...ops.map(
      ({ path, method, op }) =>
        `| ${method.toUpperCase()} | [${code(path)}](#${`${method}-${path}`.replace(/[^a-z0-9 _-]/gi, "").toLowerCase()}) | ${op["x-jobdeck-role"] ?? "anyone"} | ${cell(op.summary)} |`,
    ),
    "",
  ];
  for (const tag of doc.tags) {
    const tagged = ops.filter(({ op }) => op.tags.includes(tag.name));
    if (!tagged.length) continue;
    out.push(`## ${tag.name}`, "", `${tag.description}.`, "");
    for (const { path, method, op } of tagged) out.push(...operationSection(method, path, op));
  }
  out.push("## Schemas", "");
  const requests = new Set(
    ops.flatMap(({ op }) => {
      const ref = op.requestBody?.content["application/json"].schema.$ref;
      return ref ? [refName(ref)] : [];
    }),
  );
  for (const [name, s] of Object.entries(doc.components.schemas))
    out.push(...schemaSection(name, s, requests.has(name)));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(API_DOCS_PATH, renderApiReference());
  console.log(`wrote ${API_DOCS_PATH}`);
}
