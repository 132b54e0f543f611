// Secrets a job declares (defineJob `secrets`): where each one lives in each host. The job reads
// `await ctx.secret(key)`; the host's reader fetches it (the local environment, Secrets Manager in
// AWS). The core never holds a secret's value beyond handing it to the job and to the masking.

/** One secret of a job: the local environment variable and the Secrets Manager secret's name. */
export type JobSecretDeclaration = {
  /** The variable the local stack reads (e.g. JQUANTS_API_KEY). */
  readonly env: string;
  /** The Secrets Manager secret's name in AWS (e.g. jobdeck/jquants-api-key), not its ARN. */
  readonly name: string;
};

/** A job's secrets, by the key it reads them under (`ctx.secret(<key>)`). */
export type JobSecretDeclarations = Readonly<Record<string, JobSecretDeclaration>>;

export interface SecretReader {
  /** The value, or null when it is not configured (unset variable, no such secret). */
  read(key: string, secret: JobSecretDeclaration): Promise<string | null>;
}

/** A host without secrets: every secret reads as not configured. */
export const NO_SECRETS: SecretReader = { read: async () => null };
