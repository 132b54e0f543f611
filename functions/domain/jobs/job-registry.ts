import { NotFoundError } from "#domain/errors.ts";
import type { JobDefinition } from "./job-definition.ts";

/** The set of jobs this deployment knows; built from functions/jobs/all-jobs.ts (tests may add their own). */
export class JobRegistry {
  private readonly byName = new Map<string, JobDefinition>();

  constructor(jobs: readonly JobDefinition[]) {
    for (const job of jobs) {
      if (this.byName.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
      this.byName.set(job.name, job);
    }
  }

  list(): JobDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  find(name: string): JobDefinition | undefined {
    return this.byName.get(name);
  }

  get(name: string): JobDefinition {
    const job = this.byName.get(name);
    if (!job) throw new NotFoundError("job", name);
    return job;
  }
}
