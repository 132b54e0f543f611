// Builds the admin page to web/dist (static files for S3 + CloudFront, and for the local stack).
// `npm run dev:web` serves it with hot reload and forwards the API to a running `npm start`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const localStack = process.env.JOBDECK_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root,
  base: "/",
  // Preact's automatic JSX runtime (no React compat layer: ~4 KB instead of ~40 KB).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: { "/v1": localStack, "/local": localStack, "/config.json": localStack, "/healthz": localStack },
  },
});
