// jquants.daily_bars as registered: the job over J-Quants (the definition is in daily-bars.ts).
import { makeDailyBarsJob } from "./daily-bars.ts";
import { openJQuantsBarsSource } from "./jquants-bars-source.ts";

export const jquantsDailyBars = makeDailyBarsJob(openJQuantsBarsSource);
