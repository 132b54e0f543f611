// Issue 17 part 4 through the local stack: the four Clone batches, started by POST /v1/trigger,
// fetch from the Clone stand-ins over real HTTP (the 法人番号 Web-API, municipal CSVs, the Graph
// API), write review candidates into the shared clone-candidates table in DynamoDB Local, and end
// with the counts and skip reasons their sources and the table give; a second run finds them
// not_modified; a bad option is a 400 naming the field; the application id is in no log line.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloneCandidatesStore } from "#jobs/clone/candidate-store.ts";
import { CorporateNumberParams, runCorporateNumber } from "#jobs/clone/corporate-number-job.ts";
import { FacebookSyncParams, runFacebookSync } from "#jobs/clone/facebook-sync-job.ts";
import { OpendataParams, runOpendata } from "#jobs/clone/opendata-job.ts";
import { type CloneStandIns, startCloneStandIns } from "#local/clone-stand-ins.ts";
import { STAND_INS } from "#local/stand-ins.ts";
import type { Run } from "#schemas/run.ts";
import { FakeJobContext, InMemoryCandidateStore } from "#test/helpers/fake-job-context.ts";
import { type Harness, isFinished, startHarness } from "#test/helpers/harness.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";

let s: CloneStandIns;
let h: Harness;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  s = await startCloneStandIns();
  // The jobs read their sources' base URLs from the host environment, as `npm run stand-ins` sets them.
  for (const [k, v] of Object.entries(s.env)) {
    if (!k.startsWith("JOBDECK_")) continue;
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  h = await startHarness({
    secretEnv: {
      HOUJIN_BANGOU_APP_ID: s.env.HOUJIN_BANGOU_APP_ID,
      FACEBOOK_GRAPH_ACCESS_TOKEN: s.env.FACEBOOK_GRAPH_ACCESS_TOKEN,
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await s?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function run(job_name: string, options: Record<string, unknown> = {}): Promise<Run> {
  const started = await h.admin("POST", "/v1/trigger", { job_name, options });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const r = await h.waitForRun(started.body.execution_uuid, isFinished, 60_000);
  expect(r.status, r.error_summary ?? "").toBe("SUCCESS");
  return r;
}

const counts = (r: Run) => ({
  input: r.input_count,
  inserted: r.inserted_count,
  updated: r.updated_count,
  skipped: r.skipped_count,
  errors: r.error_count,
  breakdown: r.skip_breakdown,
});

describe("the Clone batches on the local stack", () => {
  it("each batch ends SUCCESS with the inserted and skipped counts its source and the table give", async () => {
    const corp = await run("clone.corporate_number");
    expect(counts(corp)).toEqual({
      input: 146,
      inserted: 133,
      updated: 0,
      skipped: 13,
      errors: 0,
      breakdown: { duplicate: 6, expired: 7 },
    });
    expect(corp.data_source).toEqual(["houjin_bangou_api"]);

    // Offices of operators that are already candidates from the 法人番号 API are duplicates.
    const open = await run("clone.opendata");
    expect(counts(open)).toEqual({
      input: 139,
      inserted: 108,
      updated: 0,
      skipped: 31,
      errors: 0,
      breakdown: { duplicate: 23, expired: 8 },
    });

    const fb = await run("clone.facebook_sync");
    expect(counts(fb)).toEqual({
      input: 22,
      inserted: 21,
      updated: 0,
      skipped: 1,
      errors: 0,
      breakdown: { duplicate: 1 },
    });

    const ai = await run("clone.ai_stub");
    expect(counts(ai)).toMatchObject({ input: 12, inserted: 12, skipped: 0 });

    const table = h.stack.storeTables[cloneCandidatesStore.name] as string;
    const { Items = [] } = await h.stack.doc.send(new ScanCommand({ TableName: table }));
    expect(Items).toHaveLength(133 + 108 + 21 + 12);
    expect(new Set(Items.map((i) => i.source))).toEqual(
      new Set([
        "houjin_bangou_api",
        "opendata_tokyo",
        "opendata_osaka",
        "opendata_yokohama",
        "facebook_graph",
        "ai_stub",
      ]),
    );
  });

  it("a second run of a batch finds its records not_modified", async () => {
    const again = await run("clone.corporate_number");
    expect(counts(again)).toEqual({
      input: 146,
      inserted: 0,
      updated: 0,
      skipped: 146,
      errors: 0,
      breakdown: { duplicate: 6, expired: 7, not_modified: 133 },
    });
    const open = await run("clone.opendata", { source_keys: ["yokohama"] });
    expect(open.skip_breakdown).toEqual({
      not_modified: expect.any(Number),
      expired: 8,
      duplicate: expect.any(Number),
    });
    expect(open.inserted_count).toBe(0);
  });

  it("company_ids as a string is a 400 naming the field; nothing starts", async () => {
    const before = s.houjin.requests.length;
    const r = await h.admin("POST", "/v1/trigger", {
      job_name: "clone.corporate_number",
      options: { company_ids: "123" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toEqual(["options.company_ids"]);
    const bad = await h.admin("POST", "/v1/trigger", {
      job_name: "clone.corporate_number",
      options: { company_ids: ["1234567890123"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: "options.company_ids.0" });
    expect(s.houjin.requests.length).toBe(before);
  });

  it("company_ids asks the API for those corporations only, and the application id is in no log line", async () => {
    const r = await run("clone.corporate_number", { company_ids: ["5131689900299", 7408241844316] });
    expect(r.input_count).toBe(2);
    const asked = s.houjin.requests.at(-1);
    expect(asked?.path).toBe("/num");
    expect(asked?.query.number).toBe("5131689900299,7408241844316");
    const logs = await h.admin("GET", `/v1/runs/${r.execution_uuid}/logs`);
    expect(logs.status).toBe(200);
    expect(JSON.stringify(logs.body)).not.toContain(s.env.HOUJIN_BANGOU_APP_ID);
    expect(JSON.stringify(r)).not.toContain(s.env.HOUJIN_BANGOU_APP_ID);
  });

  it("lists the four jobs with their words and options for the run form", async () => {
    const jobs = await h.admin("GET", "/v1/jobs");
    const byName = new Map<string, Record<string, any>>(
      jobs.body.results.map((j: Record<string, unknown>) => [j.name as string, j]),
    );
    for (const name of ["clone.corporate_number", "clone.opendata", "clone.facebook_sync", "clone.ai_stub"]) {
      expect(byName.get(name), name).toMatchObject({ category: "clone", concurrency: "job" });
    }
    const corp = byName.get("clone.corporate_number");
    expect(Object.keys(corp?.parameter_schema.properties)).toEqual(["company_ids", "allow_missing_token"]);
    expect(corp?.skip_reasons_i18n ?? corp?.skip_reasons).toBeDefined();
    expect(byName.get("clone.opendata")?.parameter_schema.properties.source_keys.items.enum).toEqual([
      "tokyo",
      "osaka",
      "yokohama",
    ]);
    expect(byName.get("clone.ai_stub")?.description_i18n.ja).toContain("スタブ");
  });
});

describe("clone.corporate_number without an application id", () => {
  let bare: Harness;
  beforeAll(async () => {
    bare = await startHarness({ secretEnv: {} });
  });
  afterAll(() => bare?.stop());

  const start = async (options: Record<string, unknown>): Promise<Run> => {
    const started = await bare.admin("POST", "/v1/trigger", { job_name: "clone.corporate_number", options });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return bare.waitForRun(started.body.execution_uuid, isFinished, 60_000);
  };

  it("ends FAILURE saying where to set the id, having asked nothing", async () => {
    const before = s.houjin.requests.length;
    const r = await start({});
    expect(r.status).toBe("FAILURE");
    expect(r.error_summary).toMatch(
      /HOUJIN_BANGOU_APP_ID.*jobdeck\/houjin-bangou-app-id.*allow_missing_token/,
    );
    expect(s.houjin.requests.length).toBe(before);
  });

  it("with allow_missing_token loads the bundled sample and writes it marked as sample", async () => {
    const r = await start({ allow_missing_token: true });
    expect(r.status, r.error_summary ?? "").toBe("SUCCESS");
    expect(r).toMatchObject({ input_count: 146, inserted_count: 133 });
    const table = bare.stack.storeTables[cloneCandidatesStore.name] as string;
    const { Items = [] } = await bare.stack.doc.send(new ScanCommand({ TableName: table }));
    expect(Items.length).toBe(133);
    expect(Items.every((i) => i.sample === true)).toBe(true);
  });
});

describe("npm run stand-ins: the Clone entries", () => {
  it("each starts, and the variables it prints take its Clone batch to it with credentials it accepts", async () => {
    const entry = (job: string) => {
      const e = STAND_INS.find((x) => x.name.includes(`(${job})`));
      expect(e, job).toBeDefined();
      return e as NonNullable<typeof e>;
    };
    const store = new InMemoryCandidateStore();
    const started: StandIn[] = [];
    try {
      const houjin = entry("clone.corporate_number");
      const hs = await houjin.start(0);
      started.push(hs);
      const henv = houjin.env(hs);
      const c1 = new FakeJobContext(CorporateNumberParams.parse({ company_ids: ["5131689900299"] }), {
        stores: { candidates: store },
      });
      await runCorporateNumber(c1, {
        appId: henv.HOUJIN_BANGOU_APP_ID ?? null,
        env: henv,
        requestsPerMinute: 0,
      });
      expect(c1.counts.inserted).toBe(1);

      const open = entry("clone.opendata");
      const os = await open.start(0);
      started.push(os);
      const c2 = new FakeJobContext(OpendataParams.parse({ source_keys: ["osaka"] }), {
        stores: { candidates: store },
      });
      await runOpendata(c2, { env: open.env(os), requestsPerMinute: 0 });
      expect(c2.counts.input).toBe(28);

      const fb = entry("clone.facebook_sync");
      const fs = await fb.start(0);
      started.push(fs);
      const fenv = fb.env(fs);
      const c3 = new FakeJobContext(FacebookSyncParams.parse({}), { stores: { candidates: store } });
      await runFacebookSync(c3, {
        token: fenv.FACEBOOK_GRAPH_ACCESS_TOKEN ?? null,
        env: fenv,
        requestsPerMinute: 0,
      });
      expect(c3.counts.input).toBe(22);
    } finally {
      await Promise.all(started.map((x) => x.close()));
    }
  });
});
