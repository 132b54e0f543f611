// Least privilege by observation, for the deploy suite: what each role actually did (the calls the
// recording endpoints saw, plus the Lambda invocations of the state machines) against what its
// statements grant. A grant is "unused" when no call of that role matched its action and resource.
import type { DeployedStack } from "./deploy-stack.ts";
import { ACCOUNT, wildcardMatch } from "./deploy-template.ts";

/** A resource ARN in a stable short form: no region/account, table names back to logical ids. */
export function shortResource(stack: DeployedStack, arn: string): string {
  return arn
    .replaceAll(stack.template.tablePrefix, "")
    .replace(new RegExp(`^arn:aws:([a-z0-9-]+):${stack.template.region}?:${ACCOUNT}?:`), "$1:");
}

/** The roles the suite observes: every project function's, every state machine's, the Scheduler's. */
export function observedRoles(stack: DeployedStack): string[] {
  const t = stack.template;
  const roles = new Set(t.functions().map((f) => f.roleId));
  for (const m of stack.machines.values()) roles.add(m.roleId);
  for (const f of t.functions())
    if (f.env.SCHEDULER_ROLE_ARN) roles.add(f.env.SCHEDULER_ROLE_ARN.split("/").pop()!);
  return [...roles].sort();
}

/** Per caller (function or role): each action on each resource it performed, with a count. */
export function observedSummary(stack: DeployedStack): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of stack.aws.calls) {
    const k = `${c.action} ${shortResource(stack, c.resource)}`;
    out[c.caller] ??= {};
    out[c.caller]![k] = (out[c.caller]![k] ?? 0) + 1;
  }
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))]),
  );
}

/** "<role> <action pattern> <resource>" for every granted (action, resource) no call of the role used. */
export function unusedGrants(stack: DeployedStack): string[] {
  const calls = stack.aws.calls.map((c) => {
    let role: string | undefined;
    try {
      role = stack.roleOf(c.caller);
    } catch {
      role = undefined;
    }
    return { ...c, role };
  });
  const out = new Set<string>();
  for (const role of observedRoles(stack)) {
    const mine = calls.filter((c) => c.role === role);
    for (const s of stack.statements(role)) {
      if (s.Effect !== "Allow") continue;
      for (const action of s.Action)
        for (const resource of s.Resource) {
          const used = mine.some(
            (c) => wildcardMatch(action, c.action, true) && wildcardMatch(resource, c.resource),
          );
          if (!used) out.add(`${role} ${action} ${shortResource(stack, resource)}`);
        }
    }
  }
  return [...out].sort();
}

export type AllowedUnused = { key: string; reason: string; matches: (unused: string) => boolean };

/** An allow-list entry: a wildcard over "<role> <action> <resource>", with its one-line reason. */
export function allowUnused(key: string, reason: string): AllowedUnused {
  return { key, reason, matches: (u) => wildcardMatch(key, u) };
}
