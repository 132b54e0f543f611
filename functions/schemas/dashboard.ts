// Answers of the dashboard (spec/api.md "Dashboard") and the run statistics jobs carry too.
import * as z from "zod/mini";

export const STATS_WINDOWS = ["1h", "24h", "7d", "30d"] as const;
export const StatsWindowSchema = z.enum(STATS_WINDOWS);
export type StatsWindow = z.infer<typeof StatsWindowSchema>;

export const StatsQuerySchema = z.strictObject({ window: z.optional(StatsWindowSchema) });
