// Recognising DynamoDB's condition failures, shared by every DynamoDB adapter. Checked by name as
// well as by class: a bundle may carry another copy of the SDK's exception classes.
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";

const named = (e: unknown, name: string) => (e as { name?: string } | null)?.name === name;

export const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || named(e, "ConditionalCheckFailedException");

/** Why each item of a cancelled transaction failed (in item order); empty for any other error. */
export function cancellationReasons(
  e: unknown,
): NonNullable<TransactionCanceledException["CancellationReasons"]> {
  if (!(e instanceof TransactionCanceledException) && !named(e, "TransactionCanceledException")) return [];
  return (e as TransactionCanceledException).CancellationReasons ?? [];
}

/** A transaction cancelled because the condition of its first item failed. */
export function firstConditionFailed(e: unknown): boolean {
  return cancellationReasons(e)[0]?.Code === "ConditionalCheckFailed";
}
