// A job that brings its own table: registering its module is the whole change. The synthesized app
// creates the table it declares, tells its worker the table's name and grants that worker alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "#jobs/all-jobs.ts";
import { notesJob, notesStore } from "#test/helpers/own-store-job.ts";
import { asList, removeSynthOutputs, resourcesOf, type Synthesized, synthJobdeck } from "./synth.ts";

let base: Synthesized;
let withNotes: Synthesized;
beforeAll(async () => {
  [base, withNotes] = [await synthJobdeck(), await synthJobdeck({ jobs: [...JOBS, notesJob] })];
});
afterAll(removeSynthOutputs);

const tables = (s: Synthesized) => resourcesOf(s.json, "AWS::DynamoDB::GlobalTable");
const workerOf = (s: Synthesized, job: string) => {
  const found = resourcesOf(s.json, "AWS::Lambda::Function").filter(
    ([, r]) => r.Properties.Environment?.Variables?.JOBDECK_JOB_NAME === job,
  );
  expect(found, job).toHaveLength(1);
  return found[0]![1];
};
const WRITES = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];
/** Logical ids of the tables whose ARN the role of `fn` may write to. */
const writableTables = (s: Synthesized, fn: any): string[] => {
  const role = asList(fn.Properties.Role["Fn::GetAtt"])[0];
  const out = new Set<string>();
  for (const [, p] of resourcesOf(s.json, "AWS::IAM::Policy")) {
    if (!asList(p.Properties.Roles).some((r: any) => r.Ref === role)) continue;
    for (const st of p.Properties.PolicyDocument.Statement) {
      if (!asList(st.Action).some((a) => WRITES.includes(a as string))) continue;
      for (const res of asList(st.Resource) as any[]) {
        const att = res?.["Fn::GetAtt"];
        if (att) out.add(asList(att)[0] as string);
      }
    }
  }
  return [...out].sort();
};
const tableId = (s: Synthesized, prefix: string) => {
  const ids = tables(s)
    .map(([id]) => id)
    .filter((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  expect(ids, prefix).toHaveLength(1);
  return ids[0]!;
};

describe("a job that brings its own table", () => {
  it("gets the table it declares, keyed and indexed as declared", () => {
    expect(tables(withNotes)).toHaveLength(tables(base).length + 1);
    const [, table] = tables(withNotes).find(([id]) => id === tableId(withNotes, "DataTestNotesTable"))!;
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: "by_run",
        KeySchema: [{ AttributeName: "execution_uuid", KeyType: "HASH" }],
      }),
    ]);
    expect(table.DeletionPolicy).toBe("Retain");
    expect(notesStore.name).toBe("test-notes");
  });

  it("tells its worker the table's name under the key the job reads it by", () => {
    const env = workerOf(withNotes, "test.notes").Properties.Environment.Variables;
    const json = JSON.stringify(env.JOBDECK_JOB_TABLES);
    expect(json).toContain('\\"notes\\":\\"');
    expect(json).toContain(`"Ref":"${tableId(withNotes, "DataTestNotesTable")}"`);
  });

  it("grants that table to its own worker only", () => {
    const notes = tableId(withNotes, "DataTestNotesTable");
    const runs = tableId(withNotes, "DataRunsTable");
    expect(writableTables(withNotes, workerOf(withNotes, "test.notes"))).toEqual([notes, runs].sort());
    for (const [id, fn] of resourcesOf(withNotes.json, "AWS::Lambda::Function")) {
      if (fn.Properties.Environment?.Variables?.JOBDECK_JOB_NAME === "test.notes") continue;
      expect(writableTables(withNotes, fn), id).not.toContain(notes);
    }
  });

  it("keeps the example jobs' tables where they were, each granted to its own job's worker only", () => {
    const companies = tableId(base, "DataCompaniesTable");
    const recaps = tableId(base, "DataRecapsTable");
    const runs = tableId(base, "DataRunsTable");
    expect(writableTables(base, workerOf(base, "listed_companies.sync"))).toEqual([companies, runs].sort());
    expect(writableTables(base, workerOf(base, "recap.pipeline"))).toEqual([recaps, runs].sort());
  });
});
