// The params of a job, checked against the JSON Schema the API publishes (GET /v1/jobs →
// parameter_schema, made from the job's own zod schema), before anything is sent. It knows the
// keywords a job's params use: string / number / integer / boolean / object, enum, arrays of enums
// or strings, min/max (exclusive too), lengths, pattern, required. The API checks again.
import { hasMessage, type MessageKey, type Translate } from "./i18n.ts";

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  description?: string;
  format?: string;
};

/** What the inputs hold: text as typed, booleans, or chosen enum values. */
export type RawParams = Record<string, string | boolean | string[]>;

export const typeOf = (s: JsonSchema): string =>
  Array.isArray(s.type) ? (s.type.find((x) => x !== "null") ?? "") : (s.type ?? "");

export function propertiesOf(schema: unknown): Array<[string, JsonSchema]> {
  const props = (schema as JsonSchema | null)?.properties;
  return props ? Object.entries(props) : [];
}

/** Raw inputs from a params object (editing a schedule, rerun). */
export function toRaw(schema: unknown, params: Record<string, unknown>): RawParams {
  const raw: RawParams = {};
  for (const [name, p] of propertiesOf(schema)) {
    const v = params[name];
    if (v === undefined) continue;
    const ty = typeOf(p);
    if (ty === "boolean") raw[name] = v === true;
    else if (ty === "array") raw[name] = Array.isArray(v) ? v.map(String) : [];
    else if (ty === "object") raw[name] = JSON.stringify(v, null, 2);
    else raw[name] = String(v);
  }
  return raw;
}

/** Turns raw inputs into params, or field messages. Empty inputs are left out (the job's default applies). */
export function validateParams(
  schema: unknown,
  raw: RawParams,
  t: Translate,
): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const required = new Set((schema as JsonSchema | null)?.required ?? []);
  for (const [name, p] of propertiesOf(schema)) {
    const v = raw[name];
    const ty = typeOf(p);
    const empty = v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
    if (ty === "boolean") {
      if (typeof v === "boolean") params[name] = v;
      continue;
    }
    if (empty) {
      if (required.has(name) && p.default === undefined) errors[name] = t("v_required");
      else if (Array.isArray(v) && p.minItems) errors[name] = t("v_min_items", { n: p.minItems });
      continue;
    }
    if (ty === "integer" || ty === "number") {
      const s = String(v).trim();
      const n = Number(s);
      if (!/^-?\d+(\.\d+)?$/.test(s) || !Number.isFinite(n)) errors[name] = t("v_number");
      else if (ty === "integer" && !Number.isInteger(n)) errors[name] = t("v_integer");
      else if (p.minimum !== undefined && n < p.minimum) errors[name] = t("v_minimum", { n: p.minimum });
      else if (p.maximum !== undefined && n > p.maximum) errors[name] = t("v_maximum", { n: p.maximum });
      else if (p.exclusiveMinimum !== undefined && n <= p.exclusiveMinimum)
        errors[name] = t("v_greater", { n: p.exclusiveMinimum });
      else if (p.exclusiveMaximum !== undefined && n >= p.exclusiveMaximum)
        errors[name] = t("v_less", { n: p.exclusiveMaximum });
      else params[name] = n;
      continue;
    }
    if (ty === "array") {
      const list = Array.isArray(v)
        ? v
        : String(v)
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean);
      if (p.minItems !== undefined && list.length < p.minItems)
        errors[name] = t("v_min_items", { n: p.minItems });
      else if (p.maxItems !== undefined && list.length > p.maxItems)
        errors[name] = t("v_max_items", { n: p.maxItems });
      else if (p.items?.enum && list.some((x) => !p.items?.enum?.includes(x))) errors[name] = t("v_enum");
      else params[name] = list;
      continue;
    }
    if (ty === "object") {
      try {
        const parsed: unknown = JSON.parse(String(v));
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
          errors[name] = t("v_json_object");
        else params[name] = parsed;
      } catch {
        errors[name] = t("v_json_object");
      }
      continue;
    }
    const s = String(v);
    if (p.enum && !p.enum.includes(s)) errors[name] = t("v_enum");
    else if (p.minLength !== undefined && s.length < p.minLength)
      errors[name] = t("v_min_length", { n: p.minLength });
    else if (p.maxLength !== undefined && s.length > p.maxLength)
      errors[name] = t("v_max_length", { n: p.maxLength });
    else if (p.pattern && !new RegExp(p.pattern, "u").test(s))
      errors[name] = t("v_pattern", { pattern: p.pattern });
    else params[name] = s;
  }
  return { params, errors };
}

// ---- Issue 14 part C: the API's field issues said in the page's language.

/** A field issue as the API (or the page's own zod check) names it: code, values, English text. */
export type CodedMessage = {
  message: string | null;
  code?: string | null | undefined;
  params?: Record<string, string | number> | null | undefined;
};

/** Codes whose wording has another key than `v_<code>`. */
const CODE_KEYS: Record<string, MessageKey> = {
  invalid_expression: "v_expression",
  cron_seven_fields: "v_expr_seconds",
};

/**
 * `issue` in the page's language: the wording of its code with its values (a cron field named in
 * the page's words, a suggested expression appended), or the API's own text for a code the page
 * does not know yet.
 */
export function sayIssue(issue: CodedMessage, t: Translate): string {
  const key = issue.code ? (CODE_KEYS[issue.code] ?? `v_${issue.code}`) : null;
  if (!key || !hasMessage(key)) return issue.message ?? "";
  const params: Record<string, string | number> = { ...(issue.params ?? {}) };
  if (typeof params.field === "string") {
    const fieldKey = `cron_field_${params.field.replace(/-/g, "_")}`;
    if (hasMessage(fieldKey)) params.field = t(fieldKey);
  }
  const text = t(key, params);
  const suggestion = params.suggestion;
  return suggestion !== undefined && !text.includes(String(suggestion))
    ? `${text}${t("v_suggestion", { suggestion })}`
    : text;
}
