// The in-memory fakes (test/fakes/) pass the same store contracts as the DynamoDB adapters
// (test/integration/store-contract.test.ts).
import { describeAuditLogContract } from "#test/fakes/audit-log-contract.ts";
import { describeControlStoreContract } from "#test/fakes/control-store-contract.ts";
import { MemoryAuditLog } from "#test/fakes/memory-audit-log.ts";
import { MemoryControlStore } from "#test/fakes/memory-control-store.ts";
import { MemoryRunStore } from "#test/fakes/memory-run-store.ts";
import { MemorySchedulerStateStore, MemoryScheduleStore } from "#test/fakes/memory-schedule-store.ts";
import { describeRunStoreContract } from "#test/fakes/run-store-contract.ts";
import {
  describeSchedulerStateContract,
  describeScheduleStoreContract,
} from "#test/fakes/schedule-store-contract.ts";

describeRunStoreContract("in memory", async () => ({ store: new MemoryRunStore() }));

describeControlStoreContract("in memory", async () => {
  const runs = new MemoryRunStore();
  const audit = new MemoryAuditLog();
  return { control: new MemoryControlStore({ runs, audit }), runs, audit };
});

describeScheduleStoreContract("in memory", async () => ({ store: new MemoryScheduleStore() }));
describeSchedulerStateContract("in memory", async () => ({ state: new MemorySchedulerStateStore() }));
describeAuditLogContract("in memory", async () => ({ audit: new MemoryAuditLog() }));
