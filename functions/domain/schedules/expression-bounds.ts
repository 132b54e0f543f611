// The limits EventBridge's years (1970-2199) put on schedules, and the instants derived from them.
// Shared by parsing (at() years, rate() step), croner's search window and the fire-time search.

/** EventBridge's years (cron year field, "Cron expressions reference"); at() and rate() keep to them too. */
export const YEAR_MIN = 1970;
export const YEAR_MAX = 2199;

/** Far enough for every year EventBridge accepts (1970-2199) in every time zone. */
export const SEARCH_STOP = new Date(Date.UTC(YEAR_MAX + 1, 0, 2));
/** Before local 1970-01-01 00:00 in every time zone (UTC+14 is the furthest ahead). */
export const SEARCH_START = Date.UTC(YEAR_MIN - 1, 11, 31, 0, 0, 0);
/** No fire of any kind lies after this instant (the end of 2199 in every time zone). */
export const HORIZON_MS = SEARCH_STOP.getTime();
/** A rate() has no wall clock of its own: its fires end with 2199 in UTC. */
export const RATE_HORIZON_MS = Date.UTC(YEAR_MAX + 1, 0, 1) - 1;

/**
 * The longest step a rate() may have, in seconds: EventBridge documents no maximum value, but a
 * step longer than its whole range of years (1970-2199) can never fire twice, and beyond it the
 * fire times stop being representable (`rate(9999999999 days)` is past the end of JavaScript dates).
 */
export const RATE_MAX_SECONDS = (RATE_HORIZON_MS + 1 - Date.UTC(YEAR_MIN, 0, 1)) / 1000;
