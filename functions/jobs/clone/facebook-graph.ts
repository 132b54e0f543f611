// The Graph API read clone.facebook_sync makes: public page fields for up to 50 pages per request,
//   GET {base}/?ids=<id1,id2,…>&fields=id,name,category,fan_count,followers_count,link
// with the access token in the Authorization header (never in the URL, so it cannot reach a log
// line through a request URL). The answer is an object keyed by page id.
import * as z from "zod/mini";
import type { IncomingCandidate } from "./candidates.ts";

export const FACEBOOK_SOURCE = "facebook_graph";
export const FACEBOOK_DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0";
export const FACEBOOK_FIELDS = "id,name,category,fan_count,followers_count,link";
/** Graph API's limit of ids per multi-id read. */
export const FACEBOOK_IDS_PER_REQUEST = 50;

export const GraphPageSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.optional(z.string()),
  fan_count: z.optional(z.number()),
  followers_count: z.optional(z.number()),
  link: z.optional(z.string()),
});
export type GraphPage = z.infer<typeof GraphPageSchema>;
export const GraphPagesAnswerSchema = z.record(z.string(), GraphPageSchema);

/** A page the job follows, and the company it belongs to (the page list of facebook-pages.json). */
export const FollowedPageSchema = z.object({
  id: z.string().check(z.regex(/^\d+$/)),
  corporate_number: z.optional(z.string()),
  name: z.string(),
});
export type FollowedPage = z.infer<typeof FollowedPageSchema>;

export function facebookCandidate(followed: FollowedPage, page: GraphPage): IncomingCandidate {
  return {
    source: FACEBOOK_SOURCE,
    external_id: page.id,
    name: page.name,
    ...(followed.corporate_number ? { corporate_number: followed.corporate_number } : {}),
    attributes: {
      category: page.category ?? "",
      fan_count: page.fan_count ?? 0,
      followers_count: page.followers_count ?? 0,
      link: page.link ?? "",
    },
  };
}
