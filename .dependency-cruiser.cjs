// The boundaries between jobdeck's folders, checked by `npm run lint:deps` (dependency-cruiser) instead of
// hoped for. Paths are relative to the repository root; `#domain/*`, `#schemas/*`, … (package.json
// `imports`) resolve to the files they name. test/unit/dependency-rules.test.ts proves each rule bites.
//
// CommonJS (.cjs) because package.json says "type": "module" and dependency-cruiser loads its config
// with require().

/** Modules that only make sense on a host: AWS SDK clients, Powertools, the Lambda middleware. */
const HOST_PACKAGES =
  "(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|@middy)/|^(@aws-sdk|@smithy|@aws-lambda-powertools|@middy)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "An import cycle, type-only ones included: harmless at run time for types, but it ties two modules " +
        "into one that can only be understood (and moved) together. Give the shared thing one owner.",
      from: { path: "^(functions|lib|bin|web/src|test)/" },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "An import that resolves to no file: a typo, a moved file, or an alias missing from package.json `imports`.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment:
        "A module nothing imports and that imports nothing is dead (or an entry point this rule should name). " +
        "Type declarations and tool configs are entry points of their own.",
      from: {
        orphan: true,
        pathNot: ["\\.d\\.ts$", "(^|/)\\.[^/]+\\.(c|m)?js$", "(^|/)[^/]+\\.config\\.(c|m)?(js|ts)$"],
      },
      to: {},
    },
    {
      name: "functions-not-to-cdk",
      severity: "error",
      comment:
        "functions/ is the code that runs (in Lambda or the local host); lib/ is the CDK app that deploys it. " +
        "Runtime code importing CDK would pull the deploy tool into the bundles and make the two folders " +
        "depend on each other: what a function needs is stated by functions/ and read by lib/, not the reverse.",
      from: { path: "^functions/" },
      to: { path: "^lib/" },
    },
    {
      name: "functions-not-to-local-host",
      severity: "error",
      comment:
        "bin/ holds the hosts (the local offline stack, the CDK entry, CLIs). functions/ runs on either host and " +
        "must not know which one: each host passes its adapters in, never the other way round.",
      from: { path: "^functions/" },
      to: { path: "^bin/" },
    },
    {
      name: "source-not-to-test",
      severity: "error",
      comment:
        "Tests depend on the code, never the code on the tests (helpers, fakes and fixtures stay in test/).",
      from: { path: "^(functions|lib|bin|web/src)/" },
      to: { path: "^test/" },
    },
    {
      name: "cdk-not-to-local-host",
      severity: "error",
      comment:
        "lib/ is CDK only; the local host (bin/local/) is a different way to run functions/, not part of the " +
        "deployed stack. A synth must not load the offline server, DynamoDB Local or the local scheduler.",
      from: { path: "^lib/" },
      to: { path: "^bin/" },
    },
    {
      name: "domain-host-free",
      severity: "error",
      comment:
        "functions/domain/ is the rules of jobdeck, free of hosts and transports: it talks to the world through " +
        "functions/ports/ (whose adapters the hosts pass in) and to callers through plain values. No AWS SDK, " +
        "Powertools or middy, and none of the layers built on it (adapters, Lambda entries, HTTP API, " +
        "workflow handlers, job modules, the environment contract). The shared DEFAULTS are plain values " +
        "(config-defaults-plain keeps them so) and may be read.",
      from: { path: "^functions/domain/" },
      to: {
        path: [HOST_PACKAGES, "^functions/(adapters|lambda|api|workflow|jobs|config)/"],
        pathNot: "^functions/config/defaults\\.ts$",
      },
    },
    {
      name: "config-defaults-plain",
      severity: "error",
      comment:
        "functions/config/defaults.ts is read by every host and by the domain, so it stays plain values: " +
        "an import there would reach the domain through the one door domain-host-free leaves open.",
      from: { path: "^functions/config/defaults\\.ts$" },
      to: {},
    },
    {
      name: "ports-only-contracts",
      severity: "error",
      comment:
        "A port is a contract (interfaces and the value types they carry): it may name schemas, domain types and " +
        "other ports, never an adapter, a host or an SDK — otherwise the domain would reach them through it.",
      from: { path: "^functions/ports/" },
      to: {
        pathNot: ["^functions/(schemas|domain|ports)/", "(^|/)node_modules/zod/"],
      },
    },
    {
      name: "web-only-shared-contract",
      severity: "error",
      comment:
        "The admin page runs in the browser. From functions/ it shares only the API contract — schemas/, " +
        "api/contract.ts (with the types derived from it, api/contract-types.ts) and api/routes.ts — and " +
        "the pure time helpers (domain/time.ts); anything else would either fail in the browser or couple " +
        "the page to server internals.",
      from: { path: "^web/src/" },
      to: {
        path: "^functions/",
        pathNot: "^functions/(schemas/|api/contract(-types)?\\.ts$|api/routes\\.ts$|domain/time\\.ts$)",
      },
    },
    {
      name: "web-not-reach-host",
      severity: "error",
      comment:
        "Nothing the page imports may lead (through any chain) to AWS SDK clients, Powertools or middy: they " +
        "would land in the browser bundle or break it.",
      from: { path: "^web/src/" },
      to: { path: HOST_PACKAGES, reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // node_modules stays in (unfollowed) so the rules can see which packages a module imports.
    // test/fixtures/generated-client: the generated-client test writes schema.d.ts there at run time
    // (gitignored), so on a clean checkout walkthrough.ts's import of it cannot resolve yet.
    exclude: { path: "(^|/)(cdk\\.out|\\.jobdeck|web/dist|coverage|test/fixtures/generated-client)/" },
    // Type-only imports count: a cycle through `import type` is still a cycle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // ESM first, as Node, tsx, esbuild and Vite resolve it for this "type": "module" package.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "node", "default", "types", "require"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
