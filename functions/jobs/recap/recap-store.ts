// A recap digest as recap.pipeline stores it, and the store port the job writes through.

export type RecapDigest = {
  digest_date: string;
  genre: string;
  article_ids: string[];
  headline: string;
  evidence: string[];
  execution_uuid: string;
};

export interface RecapStore {
  putDigests(digests: RecapDigest[]): Promise<void>;
}
