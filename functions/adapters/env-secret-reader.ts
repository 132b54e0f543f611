// The local host's secrets: each declared secret's environment variable (JQUANTS_API_KEY=… npm start).
import type { HostEnv } from "#config/env-contract.ts";
import type { JobSecretDeclaration, SecretReader } from "#ports/secret-reader.ts";

export class EnvSecretReader implements SecretReader {
  constructor(private readonly env: HostEnv) {}

  async read(_key: string, secret: JobSecretDeclaration): Promise<string | null> {
    const value = this.env[secret.env]?.trim();
    return value ? value : null;
  }
}
