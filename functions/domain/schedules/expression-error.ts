// The error every schedule-expression parser throws, and the one helper that throws it.
// parseScheduleExpression turns it into a message; anything else is a bug and propagates.
// `code` and `params` (issue 14 part C) name the problem for pages that say it in their language;
// a `suggestion` param is always an expression the same parser accepts (a test parses each).
import type { IssueParams } from "#schemas/issue-codes.ts";

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly code = "invalid_expression",
    readonly params: IssueParams = {},
  ) {
    super(message);
  }
}

export const fail = (message: string, code?: string, params?: IssueParams): never => {
  throw new ExpressionError(message, code, params);
};
