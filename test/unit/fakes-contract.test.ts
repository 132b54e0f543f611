// The in-memory fakes (test/fakes/) pass the same store contracts as the DynamoDB adapters
// (test/integration/store-contract.test.ts).
import { describeControlStoreContract } from "#test/fakes/control-store-contract.ts";
import { MemoryAuditLog } from "#test/fakes/memory-audit-log.ts";
import { MemoryControlStore } from "#test/fakes/memory-control-store.ts";
import { MemoryRunStore } from "#test/fakes/memory-run-store.ts";
import { describeRunStoreContract } from "#test/fakes/run-store-contract.ts";

describeRunStoreContract("in memory", async () => ({ store: new MemoryRunStore() }));

describeControlStoreContract("in memory", async () => {
  const runs = new MemoryRunStore();
  const audit = new MemoryAuditLog();
  return { control: new MemoryControlStore({ runs, audit }), runs, audit };
});
