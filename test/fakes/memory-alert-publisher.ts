import type { AlertPublisher, FailureAlert } from "#ports/alert-publisher.ts";

/** AlertPublisher in memory: keeps every alert published. */
export class MemoryAlertPublisher implements AlertPublisher {
  readonly published: FailureAlert[] = [];

  async publish(alert: FailureAlert): Promise<void> {
    this.published.push(structuredClone(alert));
  }
}
