// Acceptance of issue 10: a client generated from the published document with openapi-typescript
// + openapi-fetch compiles under `tsc --strict` and does the everyday things against a live stack.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "#test/helpers/harness.ts";

const DIR = fileURLToPath(new URL("../fixtures/generated-client/", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("a client generated from /v1/openapi.json", () => {
  it("compiles under tsc --strict and walks list → trigger → run → page → schedule → status → delete", async () => {
    // The document as a client gets it: over HTTP from the running API.
    const doc = await h.admin("GET", "/v1/openapi.json");
    expect(doc.status).toBe(200);
    const ast = await openapiTS(doc.body);
    writeFileSync(`${DIR}schema.d.ts`, astToString(ast));
    const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
    const args = ["--strict", "--noEmit", "--skipLibCheck", "--target", "es2022", "--module", "nodenext"];
    args.push("--moduleResolution", "nodenext", "--allowImportingTsExtensions", `${DIR}walkthrough.ts`);
    try {
      execFileSync(process.execPath, [tsc, ...args], { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      throw new Error(`the generated client does not compile:\n${out.stdout ?? ""}${out.stderr ?? ""}`);
    }
    // Not a static import: the main type check runs before schema.d.ts exists.
    const { walkthrough } = await import(pathToFileURL(`${DIR}walkthrough.ts`).href);
    const r = await walkthrough(h.url, await h.token(["admin"]), "test.flaky");
    expect(r.names).toContain("test.flaky");
    expect(r.status).toBe("RUNNING");
    expect(r.startedAt).toMatch(/\+09:00$/);
    expect(r.pageSize).toBeGreaterThanOrEqual(1);
    expect(r.fireTimes).toHaveLength(5);
    expect(r.scheduleNames.length).toBeGreaterThanOrEqual(1);
    expect(typeof r.paused).toBe("boolean");
    expect(r.deletedStatus).toBe(204);
  });
});
