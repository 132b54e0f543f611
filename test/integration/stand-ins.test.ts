// `npm run stand-ins` (bin/local/stand-ins.ts): every stand-in starts, and the variables it prints
// are enough for a job's client to read it (here on free ports; the command uses fixed ones).
import { afterAll, describe, expect, it } from "vitest";
import { createJQuantsClient, jquantsSettings } from "#jobs/jquants/jquants-client.ts";
import { STAND_INS } from "#local/stand-ins.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";

const started: StandIn[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

describe("npm run stand-ins", () => {
  it("names each stand-in once, on its own fixed port", () => {
    expect(new Set(STAND_INS.map((s) => s.name)).size).toBe(STAND_INS.length);
    expect(new Set(STAND_INS.map((s) => s.port)).size).toBe(STAND_INS.length);
  });

  it("J-Quants: the printed variables take the client to the stand-in with a key it accepts", async () => {
    const entry = STAND_INS.find((s) => s.name.startsWith("J-Quants"))!;
    const s = await entry.start(0);
    started.push(s);
    const env = entry.env(s);
    const settings = jquantsSettings(env);
    expect(settings).toMatchObject({ baseUrl: s.url, plan: "premium", requestsPerMinute: 500 });
    const client = createJQuantsClient({ apiKey: env.JQUANTS_API_KEY!, baseUrl: settings.baseUrl });
    expect(await client.masterAll({ code: "7203" })).toHaveLength(1);
  });
});
