// AWS's secrets: GetSecretValue by the secret's name (the CDK app grants the job's worker exactly
// its declared secrets and passes their names in JOBDECK_JOB_SECRETS). A secret that does not
// exist reads as null, so a job can fall back (listed_companies.sync to its fixture) instead of
// failing. Values are cached per container: a warm worker does not pay a Secrets Manager call
// (and USD 0.05 per 10,000) per run, and a value put by hand is picked up within CACHE_MS.
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { JobSecretDeclaration, SecretReader } from "#ports/secret-reader.ts";

/** How long a read (a value, or "no such secret") is kept: a rotated or newly created key lands within it. */
export const SECRET_CACHE_MS = 5 * 60 * 1000;

export class SecretsManagerSecretReader implements SecretReader {
  private readonly cache = new Map<string, { at: number; value: Promise<string | null> }>();

  constructor(
    private readonly client: Pick<SecretsManagerClient, "send">,
    /** Secret names by the job's key (JOBDECK_JOB_SECRETS); a key absent here uses its declared name. */
    private readonly names: Readonly<Record<string, string>> = {},
    private readonly now: () => number = Date.now,
  ) {}

  read(key: string, secret: JobSecretDeclaration): Promise<string | null> {
    const name = this.names[key] ?? secret.name;
    const hit = this.cache.get(name);
    if (hit && this.now() - hit.at < SECRET_CACHE_MS) return hit.value;
    const value = this.fetch(name);
    this.cache.set(name, { at: this.now(), value });
    // A failed read (throttled, network) is not kept: the next run asks again.
    value.catch(() => this.cache.delete(name));
    return value;
  }

  private async fetch(name: string): Promise<string | null> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      const value = out.SecretString?.trim();
      return value ? value : null;
    } catch (e) {
      if (e instanceof ResourceNotFoundException || (e as Error).name === "ResourceNotFoundException") {
        return null;
      }
      // Never the SDK's whole error (it carries the request): its name and message say enough.
      const err = e as Error;
      throw new Error(`could not read secret ${name} from Secrets Manager: ${err.name}: ${err.message}`);
    }
  }
}
