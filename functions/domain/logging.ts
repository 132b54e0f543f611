import type { JobLogger } from "./jobs/job-definition.ts";

/** A logger whose every line carries `fields` (e.g. execution_uuid, job_name). */
export function bindLogger(base: JobLogger, fields: Record<string, unknown>): JobLogger {
  return {
    debug: (m, e) => base.debug(m, { ...fields, ...e }),
    info: (m, e) => base.info(m, { ...fields, ...e }),
    warn: (m, e) => base.warn(m, { ...fields, ...e }),
    error: (m, e) => base.error(m, { ...fields, ...e }),
  };
}

export const silentLogger: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };
