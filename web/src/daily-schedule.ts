// "Daily at HH:MM" schedules: the ones the job card's change-time dialog can edit.
const DAILY = /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/;

/** "cron(5 9 * * ? *)" → "09:05"; null when the expression is not a plain daily time. */
export function dailyTime(expr: string): string | null {
  const m = DAILY.exec(expr);
  if (!m) return null;
  const [h, min] = [Number(m[2]), Number(m[1])];
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

/** "09:05" → "cron(5 9 * * ? *)"; null unless a valid 24-hour HH:MM. */
export function dailyExpression(hhmm: string): string | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? `cron(${Number(m[2])} ${Number(m[1])} * * ? *)` : null;
}
