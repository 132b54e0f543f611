// `npm run stand-ins`: the remote sources' stand-ins on fixed local ports, for offline demos. Start
// it in one terminal, paste the printed exports into the one that runs `npm start`, and the jobs
// that read a web API (listed_companies.sync with source "jquants", jquants.daily_bars, the Clone
// batches) run against committed data with no network. Each stand-in adds one entry to STAND_INS.
import {
  facebookStandInEnv,
  houjinStandInEnv,
  opendataStandInEnv,
  startFacebookStandIn,
  startHoujinStandIn,
  startOpendataStandIn,
} from "./clone-stand-ins.ts";
import { startJQuantsStandIn } from "./jquants-stand-in.ts";
import type { StandIn } from "./source-stand-in.ts";

/** The key the J-Quants stand-in accepts (a demo value: it opens nothing real). */
export const DEMO_JQUANTS_API_KEY = "demo-jquants-key-0000";

export type StandInEntry = {
  name: string;
  port: number;
  start(port: number): Promise<StandIn>;
  /** What to export in the shell of `npm start` for the jobs to use this stand-in. */
  env(standIn: StandIn): Record<string, string>;
};

export const STAND_INS: StandInEntry[] = [
  {
    name: "J-Quants API v2",
    port: 4610,
    start: (port) => startJQuantsStandIn({ apiKey: DEMO_JQUANTS_API_KEY, port }),
    env: (s) => ({
      JOBDECK_JQUANTS_BASE_URL: s.url,
      JQUANTS_API_KEY: DEMO_JQUANTS_API_KEY,
      // the stand-in has no limit of its own: Premium's 500/min keeps a demo sync quick
      JOBDECK_JQUANTS_PLAN: "premium",
    }),
  },
  // issue 17 CLONE: seed 000's sources, serving functions/jobs/data/clone/
  {
    name: "法人番号 Web-API (clone.corporate_number)",
    port: 4620,
    start: (port) => startHoujinStandIn({ port }),
    env: houjinStandInEnv,
  },
  {
    name: "Municipal open data (clone.opendata)",
    port: 4621,
    start: (port) => startOpendataStandIn({ port }),
    env: opendataStandInEnv,
  },
  {
    name: "Facebook Graph API (clone.facebook_sync)",
    port: 4622,
    start: (port) => startFacebookStandIn({ port }),
    env: facebookStandInEnv,
  },
];

async function main(): Promise<void> {
  const started: StandIn[] = [];
  const exports: string[] = [];
  for (const entry of STAND_INS) {
    const s = await entry.start(entry.port);
    started.push(s);
    console.log(`${entry.name}: ${s.url}`);
    for (const [k, v] of Object.entries(entry.env(s))) exports.push(`export ${k}=${v}`);
  }
  console.log("\nIn the terminal of `npm start`:\n");
  console.log(exports.join("\n"));
  console.log("\nCtrl-C stops the stand-ins.");
  const stop = async () => {
    await Promise.all(started.map((s) => s.close()));
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
