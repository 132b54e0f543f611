// docs/api.md is generated from the contract (bin/api-docs.ts); this fails when someone changes a
// route, a schema or an answer without regenerating it with `npm run docs:api`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "#api/contract.ts";
import { API_DOCS_PATH, renderApiReference } from "#bin/api-docs.ts";

describe("docs/api.md", () => {
  const fresh = renderApiReference();

  it("matches the contract (run `npm run docs:api` after changing a route, schema or answer)", () => {
    expect(
      readFileSync(API_DOCS_PATH, "utf8") === fresh,
      "docs/api.md is out of date: npm run docs:api",
    ).toBe(true);
  });

  it("documents every route of the contract, with who may call it", () => {
    for (const { route } of OPERATIONS) {
      expect(fresh).toContain(`### ${route.method} ${route.path}\n`);
    }
    expect(fresh).toContain("Who may call: **anyone** (no token)");
    expect(fresh).toContain("Who may call: **admin**");
  });
});
