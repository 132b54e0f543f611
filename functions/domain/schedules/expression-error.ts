// The error every schedule-expression parser throws, and the one helper that throws it.
// parseScheduleExpression turns it into a message; anything else is a bug and propagates.

export class ExpressionError extends Error {}

export const fail = (message: string): never => {
  throw new ExpressionError(message);
};
