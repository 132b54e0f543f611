// CSV as the Clone sources publish it: municipal open data in UTF-8 with or without a BOM, or still
// Shift_JIS (CP932) with CRLF; the 法人番号 Web-API in Unicode CSV (type=02). Parsing is csv-parse's
// (quoted fields with commas and line breaks, ragged rows); decoding is the platform's TextDecoder
// (Node's full ICU knows shift_jis), so no encoding table ships with the job.
import { parse } from "csv-parse/sync";

export type TextEncoding = "utf-8" | "shift_jis" | "auto";

/**
 * Bytes → text. `auto`: a UTF-8 BOM or valid UTF-8 is UTF-8, anything else is read as Shift_JIS
 * (a Shift_JIS file is almost never valid UTF-8: its lead bytes 0x81–0x9F are UTF-8 continuations).
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding = "auto"): string {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (encoding === "shift_jis") return new TextDecoder("shift_jis").decode(bytes);
  if (encoding === "utf-8" || hasBom) return new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("shift_jis").decode(bytes);
  }
}

/** Rows of `text` as arrays of fields (no header handling). A BOM left in the text is dropped. */
export function parseCsvRows(text: string): string[][] {
  return parse(text, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  }) as string[][];
}

/** Rows of `text` keyed by its header line's names. */
export function parseCsvObjects(text: string): Record<string, string>[] {
  return parse(text, {
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim()),
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  }) as Record<string, string>[];
}
