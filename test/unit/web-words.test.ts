// Issue 14, problem 7 (the page's side): codes from the API said in the page's language, and a
// job's message templates filled with numbers grouped per language.
import { describe, expect, it } from "vitest";
import { renderTemplate } from "#schemas/message-template.ts";
import { translator } from "#web/i18n.ts";
import { sayIssue } from "#web/params-validation.ts";

const ja = translator("ja");
const en = translator("en");

describe("problem 7: the page says the API's issues in its language", () => {
  it("a coded issue uses the page's words, its values and a suggested expression", () => {
    const issue = {
      message: "exactly one of day-of-month and day-of-week must be '?'",
      code: "cron_day_fields",
      params: { suggestion: "cron(0 9 * * ? *)" },
    };
    expect(sayIssue(issue, ja)).toBe(
      "日と曜日のどちらか一方を ? にしてください（EventBridge は両方の指定を組み合わせられません）（例: cron(0 9 * * ? *)）",
    );
    expect(sayIssue(issue, en)).toContain("(e.g. cron(0 9 * * ? *))");
    expect(sayIssue({ message: "too big", code: "maximum", params: { n: 20 } }, ja)).toBe(
      "20 以下にしてください",
    );
    expect(sayIssue({ message: "x", code: "cron_field", params: { field: "day-of-week" } }, ja)).toBe(
      "cron の「曜日」の指定が正しくありません",
    );
  });

  it("a code the page does not know shows the API's own text", () => {
    expect(sayIssue({ message: "something new", code: "brand_new_code" }, ja)).toBe("something new");
    expect(sayIssue({ message: "no code" }, ja)).toBe("no code");
  });

  it("job message templates group numbers per language", () => {
    expect(renderTemplate("{written} / {total} 件を書き込み済み", { written: 575, total: 4411 }, "ja")).toBe(
      "575 / 4,411 件を書き込み済み",
    );
    expect(renderTemplate("Written {written} / {total}", { written: 575, total: 4411 }, "en")).toBe(
      "Written 575 / 4,411",
    );
  });
});
