// Stand-ins for the Clone batches' sources (seed 000), serving the committed sample answers of
// functions/jobs/data/clone/ over real HTTP: the 法人番号 Web-API (/4/num, /4/diff with `divide`
// parts, the application id checked), three municipalities' open-data CSVs (one in Shift_JIS), and
// the Graph API's multi-id page read (the bearer token checked). Integration tests and
// `npm run stand-ins` start them; `env` is what to export so the jobs call them.
import { readFileSync } from "node:fs";
import { type StandIn, type StandInAnswer, startStandIn } from "./source-stand-in.ts";

const DATA = new URL("../../functions/jobs/data/clone/", import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, DATA));

/** The credentials the stand-ins accept (not secrets: they open nothing but these servers). */
export const CLONE_STAND_IN_APP_ID = "stand-in-houjin-app-id";
export const CLONE_STAND_IN_GRAPH_TOKEN = "stand-in-graph-token";

export type CloneStandIns = {
  houjin: StandIn;
  opendata: StandIn;
  facebook: StandIn;
  /** The variables that point the Clone jobs at these servers, with the credentials they accept. */
  env: Record<string, string>;
  close(): Promise<void>;
};

/** What to export for the jobs to call each stand-in (`npm run stand-ins` prints these). */
export const houjinStandInEnv = (s: StandIn): Record<string, string> => ({
  JOBDECK_HOUJIN_BANGOU_BASE_URL: s.url,
  HOUJIN_BANGOU_APP_ID: CLONE_STAND_IN_APP_ID,
});
export const opendataStandInEnv = (s: StandIn): Record<string, string> => ({
  JOBDECK_OPENDATA_BASE_URL: s.url,
});
export const facebookStandInEnv = (s: StandIn): Record<string, string> => ({
  JOBDECK_FACEBOOK_GRAPH_BASE_URL: s.url,
  FACEBOOK_GRAPH_ACCESS_TOKEN: CLONE_STAND_IN_GRAPH_TOKEN,
});

export type CloneStandInOptions = {
  host?: string;
  ports?: { houjin?: number; opendata?: number; facebook?: number };
  /** Rows per /diff `divide` part (the real API's are 2,000; small here so a run reads several). */
  diffRowsPerPart?: number;
};

const csvLine = (xs: readonly (string | number)[]): string =>
  xs.map((x) => `"${String(x).replace(/"/g, '""')}"`).join(",");

/** The sample's data lines (no first line), each with its corporate number. */
function houjinSample(): { lastUpdate: string; lines: { number: string; line: string }[] } {
  const [head = "", ...rest] = read("houjin-diff.csv").toString("utf8").trimEnd().split("\n");
  const lastUpdate = head.split(",")[0]?.replace(/"/g, "") ?? "";
  return {
    lastUpdate,
    lines: rest.map((line) => ({ number: line.split(",")[1]?.replace(/"/g, "") ?? "", line })),
  };
}

/** The 法人番号 Web-API v4 (`{url}` = …/4): /num and /diff, type=02 CSV, the application id checked. */
export async function startHoujinStandIn(
  opts: { host?: string; port?: number; diffRowsPerPart?: number } = {},
): Promise<StandIn> {
  const host = opts.host ?? "127.0.0.1";
  const perPart = opts.diffRowsPerPart ?? 60;
  const sample = houjinSample();
  const csv = (text: string): StandInAnswer => ({
    text,
    headers: { "content-type": "text/csv; charset=utf-8" },
  });
  // The real API answers a bad or missing application id with 403 and an error line.
  const checkId = (q: URLSearchParams): StandInAnswer | null =>
    q.get("id") === CLONE_STAND_IN_APP_ID
      ? null
      : { status: 403, text: "アプリケーションIDが正しくありません。" };
  const badRequest = (what: string): StandInAnswer => ({ status: 400, text: `${what}が正しくありません。` });

  return startStandIn(
    {
      "/num": ({ query }) => {
        const denied = checkId(query);
        if (denied) return denied;
        if (query.get("type") !== "02") return badRequest("応答形式");
        const wanted = (query.get("number") ?? "").split(",").filter(Boolean);
        if (wanted.length === 0 || wanted.length > 10) return badRequest("法人番号");
        const found = sample.lines.filter((l) => wanted.includes(l.number));
        // /num answers each number once (its latest row).
        const latest = [...new Map(found.map((l) => [l.number, l])).values()];
        return csv(
          `${csvLine([sample.lastUpdate, latest.length, 1, 1])}\n${latest.map((l) => l.line).join("\n")}\n`,
        );
      },
      "/diff": ({ query }) => {
        const denied = checkId(query);
        if (denied) return denied;
        if (query.get("type") !== "02") return badRequest("応答形式");
        if (
          !/^\d{4}-\d{2}-\d{2}$/.test(query.get("from") ?? "") ||
          !/^\d{4}-\d{2}-\d{2}$/.test(query.get("to") ?? "")
        ) {
          return badRequest("取得期間");
        }
        // Any day answers the same sample: the stand-in has one day of changes.
        const parts = Math.max(1, Math.ceil(sample.lines.length / perPart));
        const divide = Number(query.get("divide") ?? "1");
        if (!Number.isInteger(divide) || divide < 1 || divide > parts) return badRequest("分割番号");
        const lines = sample.lines.slice((divide - 1) * perPart, divide * perPart);
        return csv(
          `${csvLine([sample.lastUpdate, sample.lines.length, divide, parts])}\n${lines.map((l) => l.line).join("\n")}\n`,
        );
      },
    },
    { host, port: opts.port ?? 0, basePath: "/4" },
  );
}

/** Municipal open-data CSVs at `{url}/{source_key}/{file}` (Yokohama's in Shift_JIS bytes). */
export async function startOpendataStandIn(opts: { host?: string; port?: number } = {}): Promise<StandIn> {
  const host = opts.host ?? "127.0.0.1";

  const file = (name: string, charset: string): (() => StandInAnswer) => {
    const bytes = new Uint8Array(read(name));
    return () => ({ bytes, headers: { "content-type": `text/csv; charset=${charset}` } });
  };
  return startStandIn(
    {
      "/tokyo/care-services.csv": file("opendata-tokyo-care.csv", "utf-8"),
      "/osaka/care-services.csv": file("opendata-osaka-care.csv", "utf-8"),
      "/yokohama/food-permits.csv": file("opendata-yokohama-food.csv", "shift_jis"),
    },
    { host, port: opts.port ?? 0, basePath: "/opendata" },
  );
}

/** The Graph API's multi-id page read at `{url}/?ids=…&fields=…`, the bearer token checked. */
export async function startFacebookStandIn(opts: { host?: string; port?: number } = {}): Promise<StandIn> {
  const host = opts.host ?? "127.0.0.1";

  const pages = new Map(
    (JSON.parse(read("facebook-graph-answer.json").toString("utf8")) as { id: string }[]).map((p) => [
      p.id,
      p,
    ]),
  );
  const graphError = (status: number, message: string, code: number): StandInAnswer => ({
    status,
    json: { error: { message, type: "OAuthException", code } },
  });
  return startStandIn(
    {
      "/": ({ query, headers }) => {
        if (headers.authorization !== `Bearer ${CLONE_STAND_IN_GRAPH_TOKEN}`) {
          return graphError(400, "Invalid OAuth access token - Cannot parse access token", 190);
        }
        const ids = (query.get("ids") ?? "").split(",").filter(Boolean);
        if (ids.length === 0 || ids.length > 50) return graphError(400, "(#100) ids: 1 to 50 ids", 100);
        const missing = ids.filter((id) => !pages.has(id));
        if (missing.length) {
          return graphError(
            404,
            `(#803) Some of the aliases you requested do not exist: ${missing.join(",")}`,
            803,
          );
        }
        const fields = (query.get("fields") ?? "id,name").split(",");
        return {
          json: Object.fromEntries(
            ids.map((id) => {
              const page = pages.get(id) as Record<string, unknown>;
              return [id, Object.fromEntries(fields.filter((f) => f in page).map((f) => [f, page[f]]))];
            }),
          ),
        };
      },
    },
    { host, port: opts.port ?? 0, basePath: "/v21.0" },
  );
}

export async function startCloneStandIns(opts: CloneStandInOptions = {}): Promise<CloneStandIns> {
  const host = opts.host ?? "127.0.0.1";
  const houjin = await startHoujinStandIn({
    host,
    ...(opts.ports?.houjin ? { port: opts.ports.houjin } : {}),
    ...(opts.diffRowsPerPart ? { diffRowsPerPart: opts.diffRowsPerPart } : {}),
  });
  const opendata = await startOpendataStandIn({
    host,
    ...(opts.ports?.opendata ? { port: opts.ports.opendata } : {}),
  });
  const facebook = await startFacebookStandIn({
    host,
    ...(opts.ports?.facebook ? { port: opts.ports.facebook } : {}),
  });
  return {
    houjin,
    opendata,
    facebook,
    env: { ...houjinStandInEnv(houjin), ...opendataStandInEnv(opendata), ...facebookStandInEnv(facebook) },
    close: async () => {
      await Promise.all([houjin.close(), opendata.close(), facebook.close()]);
    },
  };
}
