// The behaviours every AuditLog must have. Run against the in-memory fake
// (test/unit/fakes-contract.test.ts) and against DynamoDB Local (test/integration/store-contract.test.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AuditLog } from "#ports/audit-log.ts";
import type { AuditEntry } from "#schemas/audit.ts";

export function describeAuditLogContract(name: string, make: () => Promise<{ audit: AuditLog }>) {
  describe(`AuditLog contract: ${name}`, () => {
    const entry = (at: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
      id: randomUUID(),
      at,
      actor: "alice",
      action: "run.trigger",
      target: "t",
      target_name: null,
      before: null,
      after: { n: 1 },
      ...over,
    });
    const window = { since: new Date("2025-05-01T00:00:00Z"), until: new Date("2025-08-31T23:59:59Z") };

    it("keeps an entry once, and lists newest first across months, with the filters", async () => {
      const { audit } = await make();
      const target = randomUUID();
      const may = entry("2025-05-20T10:00:00.000Z", { target });
      const june = entry("2025-06-02T10:00:00.000Z", { target, action: "run.cancel", actor: "bob" });
      const july = entry("2025-07-15T10:00:00.000Z", { target });
      for (const e of [june, may, july]) await audit.record(e);
      await audit.record({ ...june, actor: "mallory" });
      const all = await audit.list({ ...window, target }, 10, null);
      expect(all).toEqual({ entries: [july, june, may], more: false });
      expect((await audit.list({ ...window, target, actor: "bob" }, 10, null)).entries).toEqual([june]);
      expect((await audit.list({ ...window, target, action: "run.trigger" }, 10, null)).entries).toEqual([
        july,
        may,
      ]);
      expect(
        (await audit.list({ target, since: new Date(june.at), until: new Date(july.at) }, 10, null)).entries,
      ).toEqual([july, june]);
    });

    it("pages strictly after a position, and says when more remain", async () => {
      const { audit } = await make();
      const target = randomUUID();
      const es = [1, 2, 3, 4, 5].map((d) => entry(`2025-06-0${d}T00:00:00.000Z`, { target }));
      for (const e of es) await audit.record(e);
      const first = await audit.list({ ...window, target }, 2, null);
      expect(first).toEqual({ entries: [es[4], es[3]], more: true });
      const last = first.entries[1] as AuditEntry;
      const second = await audit.list({ ...window, target }, 2, { at: last.at, id: last.id });
      expect(second).toEqual({ entries: [es[2], es[1]], more: true });
      const tail = second.entries[1] as AuditEntry;
      expect(await audit.list({ ...window, target }, 2, { at: tail.at, id: tail.id })).toEqual({
        entries: [es[0]],
        more: false,
      });
    });
  });
}
