// listed_companies.sync's fetch from J-Quants, job module alone (a recording context) against the
// J-Quants stand-in: each page moves the progress and feeds input_count, the plan's variables are
// honoured, retries are logged, and a dry run writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { listedCompaniesSync } from "#jobs/listed-companies/listed-companies-sync.ts";
import { startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import { FakeJobContext, InMemoryCompanyStore } from "#test/helpers/fake-job-context.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";

const KEY = "jq-module-key-a1b2c3d4";
const parse = (p: unknown) => listedCompaniesSync.parameters.parse(p);
let jq: StandIn;
beforeAll(async () => {
  jq = await startJQuantsStandIn({ apiKey: KEY });
});
afterAll(() => jq.close());
afterEach(() => {
  vi.unstubAllEnvs();
  jq.setMode({ mode: "normal" });
  jq.requests.length = 0;
});

describe("listed_companies.sync fetching from J-Quants", () => {
  it("reports each page as progress and counts what was fetched as input", async () => {
    vi.stubEnv("JOBDECK_JQUANTS_BASE_URL", jq.url);
    vi.stubEnv("JOBDECK_JQUANTS_RPM", "6000");
    jq.setMode({ mode: "flaky", after: 2, count: 1 });
    const store = new InMemoryCompanyStore();
    const ctx = new FakeJobContext(parse({}), {
      stores: { companies: store },
      secrets: { jquants_api_key: KEY },
    });
    await listedCompaniesSync.run(ctx);
    expect(ctx.secretReads).toEqual(["jquants_api_key"]);
    const pages = ctx.progressCalls
      .map((c) => c.message)
      .filter(
        (m): m is { key: string; params: Record<string, string | number> } =>
          typeof m === "object" && m?.key === "fetched_page",
      );
    expect(pages.map((m) => m.params)).toEqual([
      { page: 1, count: 1500 },
      { page: 2, count: 3000 },
      { page: 3, count: 4411 },
    ]);
    expect(ctx.counts).toMatchObject({ input: 4411, inserted: 4411 });
    expect(
      ctx.logs.filter((l) => l.message === "J-Quants answer retried").map((l) => l.extra?.status),
    ).toEqual([503]);
    expect(store.records.size).toBe(4411);
  });

  it("a dry run from J-Quants compares and writes nothing", async () => {
    vi.stubEnv("JOBDECK_JQUANTS_BASE_URL", jq.url);
    vi.stubEnv("JOBDECK_JQUANTS_RPM", "6000");
    const store = new InMemoryCompanyStore();
    const ctx = new FakeJobContext(parse({ source: "jquants", dry_run: true }), {
      stores: { companies: store },
      secrets: { jquants_api_key: KEY },
    });
    await listedCompaniesSync.run(ctx);
    expect(ctx.counts).toMatchObject({ input: 4411, inserted: 4411 });
    expect(store.records.size).toBe(0);
  });

  it("source fixture never asks for the key nor calls J-Quants", async () => {
    vi.stubEnv("JOBDECK_JQUANTS_BASE_URL", jq.url);
    const ctx = new FakeJobContext(parse({ source: "fixture" }), { secrets: { jquants_api_key: KEY } });
    await listedCompaniesSync.run(ctx);
    expect(ctx.secretReads).toEqual([]);
    expect(jq.requests).toEqual([]);
    expect(ctx.counts.input).toBe(4411);
  });

  it("a bad plan variable fails the run naming it, before any request", async () => {
    vi.stubEnv("JOBDECK_JQUANTS_BASE_URL", jq.url);
    vi.stubEnv("JOBDECK_JQUANTS_PLAN", "platinum");
    const ctx = new FakeJobContext(parse({}), { secrets: { jquants_api_key: KEY } });
    await expect(listedCompaniesSync.run(ctx)).rejects.toThrow(
      /JOBDECK_JQUANTS_PLAN must be one of free, light, standard, premium/,
    );
    expect(jq.requests).toEqual([]);
  });
});
