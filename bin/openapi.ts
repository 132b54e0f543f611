// Writes the API's OpenAPI 3.1 document (the same one GET /v1/openapi.json answers) to a file, for
// linters and client generators: `tsx bin/openapi.ts openapi.json`.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { openApiDocument } from "#api/openapi.ts";

const out = process.argv[2];
if (!out) {
  console.error("usage: tsx bin/openapi.ts <file>");
  process.exit(2);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
