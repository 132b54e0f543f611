// A switch that makes the in-memory stores fail the way a DynamoDB outage does: every call throws
// an error that `isStoreUnavailable` (functions/domain/store-failures.ts) recognises, so the
// domain's 503 / retry rules can be exercised without a real store going down.

/** The error a store call throws while the store is "down" (shaped like the SDK's 503). */
export function storeUnavailableError(op: string): Error {
  return Object.assign(new Error(`ServiceUnavailable: the store is down (${op})`), {
    name: "ServiceUnavailable",
    $fault: "server",
    $metadata: { httpStatusCode: 503 },
  });
}

export class StoreOutage {
  private down = false;
  private failures = 0;
  private only: ((op: string) => boolean) | null = null;
  /** Every operation that was refused because of the outage, in order. */
  readonly refused: string[] = [];

  /** Every call fails until `end()`; with `only`, just the operations it picks (e.g. "runs.finish"). */
  begin(only?: (op: string) => boolean): void {
    this.down = true;
    this.only = only ?? null;
  }

  end(): void {
    this.down = false;
    this.only = null;
    this.failures = 0;
  }

  /** The next `n` calls (of the operations `only` picks, when given) fail, then the store answers again. */
  failNext(n: number, only?: (op: string) => boolean): void {
    this.failures = n;
    this.only = only ?? null;
  }

  get isDown(): boolean {
    return this.down;
  }

  /** Called by each fake at the start of every operation. */
  check(op: string): void {
    if (this.only && !this.only(op)) return;
    if (this.down) {
      this.refused.push(op);
      throw storeUnavailableError(op);
    }
    if (this.failures > 0) {
      this.failures--;
      this.refused.push(op);
      throw storeUnavailableError(op);
    }
  }
}

/** A condition of a transaction failed the way DynamoDB reports it (TransactionCanceledException). */
export function transactionCanceled(codes: string[]): Error {
  return Object.assign(
    new Error(`Transaction cancelled, please refer cancellation reasons [${codes.join(", ")}]`),
    {
      name: "TransactionCanceledException",
      CancellationReasons: codes.map((Code) => ({ Code })),
    },
  );
}
