// Ends the run with one plain line, "N passed, N failed[, N skipped]", that CI logs can read
// without knowing Vitest's own format.
import { rmSync, statSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but must still count as a failure.
      if (mod.state() === "failed" && !mod.children.size) failed++;
    }
    // Mismatches fail their file (Harness.stop); this says how much of the suite was checked.
    const log = process.env.JOBDECK_CONFORMANCE_LOG;
    if (log) {
      let answers = 0;
      try {
        answers = statSync(log).size;
        rmSync(log, { force: true });
      } catch {
        // no stack was started in this run
      }
      if (answers)
        process.stdout.write(`\nopenapi conformance: ${answers} live answers checked against openapi.json\n`);
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
