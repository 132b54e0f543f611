// The project root, as the local host finds it from its own folder (bin/local/ → ../..).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
