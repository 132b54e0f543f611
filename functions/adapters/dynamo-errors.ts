// Recognising DynamoDB's condition failures, shared by every DynamoDB adapter. Checked by name as
// well as by class: a bundle may carry another copy of the SDK's exception classes.
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";

const named = (e: unknown, name: string) => (e as { name?: string } | null)?.name === name;

export const isConditionFailure = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException || named(e, "ConditionalCheckFailedException");

/** A transaction cancelled because the condition of its first item failed. */
export function firstConditionFailed(e: unknown): boolean {
  if (!(e instanceof TransactionCanceledException) && !named(e, "TransactionCanceledException")) return false;
  const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
  return reasons[0]?.Code === "ConditionalCheckFailed";
}
