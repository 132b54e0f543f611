// Review candidates (seed 000: "レビュー候補テーブルへ追加"): what every Clone batch turns its source's
// records into, and the one comparison with what the store already holds that decides, per record,
// insert / update / skip (duplicate, not_modified, expired). Pure: no I/O, no clock.
import { createHash } from "node:crypto";

/** A record as a Clone source describes it, before it is compared with the store. */
export type IncomingCandidate = {
  /** The data source it came from (`houjin_bangou_api`, `opendata_tokyo`, …). */
  source: string;
  /** The record's id at the source (a 法人番号, a 事業所番号, a 許可番号, a page id). */
  external_id: string;
  /** 商号又は名称 / 営業者 / page name. */
  name: string;
  name_kana?: string;
  /** 13 digits when the source publishes it: the strongest company identity across sources. */
  corporate_number?: string;
  address?: string;
  /** YYYY-MM-DD after which the record no longer holds (閉鎖日, 有効期間満了日). */
  valid_until?: string;
  /** Source-specific fields kept for the reviewer (service type, permit type, follower count, …). */
  attributes: Record<string, string | number>;
};

/** A candidate as stored (table `clone-candidates`, key `pk` = source#external_id). */
export type CandidateRecord = IncomingCandidate & {
  pk: string;
  /** Who the candidate is, across sources: `corp:<法人番号>`, else `name:<normalized name>`. */
  company_key: string;
  /** sha256 of the content: equal → the source says nothing new. */
  content_hash: string;
  review_status: "pending";
  /** Written from the bundled sample (no application id), not from the live API. */
  sample: boolean;
  first_seen_run: string;
  last_seen_run: string;
  created_at: string;
  updated_at: string;
};

export type SkipReason = "duplicate" | "not_modified" | "expired";

/** Whether another source's candidate for the same company makes a new one a duplicate. */
export type DuplicateScope = "all_sources" | "own_source";

export type CandidatePlan = {
  toWrite: CandidateRecord[];
  inserted: number;
  updated: number;
  skipped: Record<SkipReason, number>;
  /** Per incoming record, in order: what happened to it (for items and tests). */
  outcomes: ("inserted" | "updated" | SkipReason)[];
};

export function candidateKey(source: string, externalId: string): string {
  return `${source}#${externalId}`;
}

const LEGAL_FORMS =
  /株式会社|有限会社|合同会社|合名会社|合資会社|一般社団法人|一般財団法人|社会福祉法人|医療法人|特定非営利活動法人|\(株\)|\(有\)|（株）|（有）|㈱|㈲/g;

/** A company name reduced to what two sources agree on: NFKC, no legal form, no spaces, lower case. */
export function normalizeCompanyName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(LEGAL_FORMS, "")
    .replace(/[\s・]/g, "")
    .toLowerCase();
}

export function companyKey(c: Pick<IncomingCandidate, "corporate_number" | "name">): string {
  return c.corporate_number ? `corp:${c.corporate_number}` : `name:${normalizeCompanyName(c.name)}`;
}

/** The content a reviewer sees; ids and bookkeeping left out. Keys sorted so the hash is stable. */
export function contentHash(c: IncomingCandidate): string {
  const content = {
    name: c.name,
    name_kana: c.name_kana ?? "",
    corporate_number: c.corporate_number ?? "",
    address: c.address ?? "",
    valid_until: c.valid_until ?? "",
    attributes: Object.fromEntries(Object.entries(c.attributes).sort(([a], [b]) => a.localeCompare(b))),
  };
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/**
 * Compares the incoming records with the stored candidates. In this order, per record:
 * 1. `expired`: its `valid_until` is before `today` (a closed corporation, a lapsed permit);
 * 2. `duplicate`: the same source id comes again later in this batch (the last one is kept), or it is
 *    new but its company is already a candidate under another key (another source's, when `scope` is
 *    all_sources; or an earlier record of this batch);
 * 3. `not_modified`: stored under the same key with the same content hash;
 * 4. updated (stored, content changed) or inserted.
 * `inserted + updated + Σ skipped` = incoming.length.
 */
export function planCandidates(
  incoming: readonly IncomingCandidate[],
  stored: readonly CandidateRecord[],
  o: { runId: string; now: string; today: string; scope?: DuplicateScope; sample?: boolean },
): CandidatePlan {
  const scope = o.scope ?? "all_sources";
  const byKey = new Map(stored.map((r) => [r.pk, r]));
  const companyHolders = new Map<string, Set<string>>();
  for (const r of stored)
    addHolder(companyHolders, r.company_key, r.pk, scope === "own_source" ? r.source : undefined);
  const lastIndex = new Map<string, number>();
  for (const [i, c] of incoming.entries()) lastIndex.set(candidateKey(c.source, c.external_id), i);

  const plan: CandidatePlan = {
    toWrite: [],
    inserted: 0,
    updated: 0,
    skipped: { duplicate: 0, not_modified: 0, expired: 0 },
    outcomes: [],
  };
  const skip = (reason: SkipReason): void => {
    plan.skipped[reason]++;
    plan.outcomes.push(reason);
  };
  for (const [i, c] of incoming.entries()) {
    const pk = candidateKey(c.source, c.external_id);
    const key = companyKey(c);
    if (c.valid_until && c.valid_until < o.today) {
      skip("expired");
      continue;
    }
    if (lastIndex.get(pk) !== i) {
      skip("duplicate");
      continue;
    }
    const old = byKey.get(pk);
    const hash = contentHash(c);
    if (!old) {
      const holders = companyHolders.get(scoped(key, scope, c.source));
      if (holders && [...holders].some((h) => h !== pk)) {
        skip("duplicate");
        continue;
      }
    } else if (old.content_hash === hash) {
      skip("not_modified");
      continue;
    }
    addHolder(companyHolders, key, pk, scope === "own_source" ? c.source : undefined);
    plan.toWrite.push({
      ...c,
      pk,
      company_key: key,
      content_hash: hash,
      review_status: "pending",
      sample: o.sample ?? false,
      first_seen_run: old?.first_seen_run ?? o.runId,
      last_seen_run: o.runId,
      created_at: old?.created_at ?? o.now,
      updated_at: o.now,
    });
    if (old) plan.updated++;
    else plan.inserted++;
    plan.outcomes.push(old ? "updated" : "inserted");
  }
  return plan;
}

function scoped(key: string, scope: DuplicateScope, source: string): string {
  return scope === "own_source" ? `${source}|${key}` : key;
}

function addHolder(m: Map<string, Set<string>>, key: string, pk: string, source?: string): void {
  const k = source === undefined ? key : `${source}|${key}`;
  const set = m.get(k) ?? new Set<string>();
  set.add(pk);
  m.set(k, set);
}
