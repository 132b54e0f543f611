// asl-validator ships no type declarations; this is the part of its API the unit tests use.
declare module "asl-validator" {
  type AslValidationError = { "Error code": string; Message: string; [k: string]: unknown };
  export default function aslValidator(
    definition: unknown,
    opts?: { checkArn?: boolean; checkPaths?: boolean },
  ): { isValid: boolean; errors: AslValidationError[] };
}
