// Machine codes of validation issues (issue 14 part C): each field issue of a 400 invalid_request
// carries a code and its values beside the English message, so a page can say it in its own
// language. Shared by the API (functions/domain/errors.ts) and the page (the same zod schemas
// checked before sending), so both name an issue the same way.

export type IssueParams = Record<string, string | number>;
export type CodedIssue = { code: string; params?: IssueParams };

/** The parts of a zod issue the codes read (zod/mini's issue shapes). */
type ZodIssueLike = {
  code?: string;
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  expected?: string;
  values?: readonly unknown[];
  format?: string;
  input?: unknown;
};

const num = (n: number | bigint | undefined) => Number(n ?? 0);

/** A zod issue as a code: minimum / maximum / min_length / … / required / invalid. */
export function codeOfZodIssue(issue: ZodIssueLike): CodedIssue {
  const sized = issue.origin === "string" ? "length" : issue.origin === "array" ? "items" : null;
  switch (issue.code) {
    case "too_small":
      if (sized) return { code: `min_${sized}`, params: { n: num(issue.minimum) } };
      return { code: issue.inclusive === false ? "greater" : "minimum", params: { n: num(issue.minimum) } };
    case "too_big":
      if (sized) return { code: `max_${sized}`, params: { n: num(issue.maximum) } };
      return { code: issue.inclusive === false ? "less" : "maximum", params: { n: num(issue.maximum) } };
    case "invalid_type":
      if (/received undefined/.test(issue.message)) return { code: "required" };
      if (issue.expected === "number") return { code: "number" };
      if (issue.expected === "int") return { code: "integer" };
      return { code: "type", params: { expected: String(issue.expected ?? "") } };
    case "invalid_value":
      return { code: "enum", params: { values: (issue.values ?? []).map(String).join(", ") } };
    case "invalid_format":
      return { code: "format", params: { format: String(issue.format ?? "") } };
    case "unrecognized_keys":
      return { code: "unknown_field" };
    default:
      return { code: "invalid" };
  }
}
