// A listed company as listed_companies.sync stores it, and the store port the job writes through.

/** A listed company as stored (J-Quants /listed/info fields plus sync bookkeeping). */
export type CompanyRecord = {
  code: string;
  company_name: string;
  company_name_english: string;
  sector17_code: string;
  sector17_code_name: string;
  sector33_code: string;
  sector33_code_name: string;
  scale_category: string;
  market_code: string;
  market_code_name: string;
  listed_date: string;
  active: boolean;
  last_seen_run: string;
  updated_at: string;
};

export interface CompanyStore {
  /** Every stored company, active or not. */
  scanAll(): Promise<CompanyRecord[]>;
  /** Writes (insert or replace) all records, in parallel batches. */
  putMany(records: CompanyRecord[], onProgress?: (written: number) => void): Promise<void>;
}
