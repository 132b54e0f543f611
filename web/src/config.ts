// /config.json tells the page where the API is and how to log in (functions/schemas/web-config.ts).
import { type WebConfig, WebConfigSchema } from "#schemas/web-config.ts";

export type { WebConfig };

export async function loadConfig(): Promise<WebConfig> {
  const res = await fetch("/config.json", { cache: "no-cache" });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const parsed = WebConfigSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error("config.json does not match the expected shape");
  return { ...parsed.data, apiUrl: parsed.data.apiUrl.replace(/\/+$/, "") };
}
