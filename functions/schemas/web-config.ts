// What the admin page reads from /config.json: where the API is and how to log in. The CDK
// admin-site construct writes it for AWS (Cognito hosted UI), the local stack serves it for the
// dev login. One schema so the page, the stack and the local server cannot drift apart.
import * as z from "zod/mini";

export const WebConfigSchema = z.object({
  /** "cognito": hosted UI, authorization code + PKCE. "local": POST localTokenUrl (loopback dev login). */
  auth: z.enum(["cognito", "local"]),
  /** Base URL of the API without a trailing slash; "" = same origin as the page. */
  apiUrl: z.string(),
  displayTimeZone: z.string(),
  region: z.optional(z.string()),
  cognitoDomain: z.optional(z.string()),
  clientId: z.optional(z.string()),
  userPoolId: z.optional(z.string()),
  localTokenUrl: z.optional(z.string()),
});
export type WebConfig = z.infer<typeof WebConfigSchema>;
