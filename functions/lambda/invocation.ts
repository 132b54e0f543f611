// One invocation of a non-API function: Lambda context and per-invocation keys (execution_uuid,
// job_name…) on every log line, and an unhandled error logged with them before Lambda reports it.
import type { Context } from "aws-lambda";
import type { PowertoolsJobLogger } from "#adapters/powertools-logger.ts";

export async function withInvocation<T>(
  logger: PowertoolsJobLogger,
  context: Context | undefined,
  what: string,
  keys: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  const pt = logger.powertools;
  if (context) pt.addContext(context);
  const defined = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined && v !== null));
  pt.appendKeys(defined as Parameters<typeof pt.appendKeys>[0]);
  try {
    return await fn();
  } catch (e) {
    logger.error(`${what} handler failed`, {
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
    throw e;
  } finally {
    pt.resetKeys();
  }
}
