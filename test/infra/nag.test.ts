// cdk-nag AwsSolutionsChecks: no unacknowledged finding, every acknowledgement used and reasoned.
import type { App } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN_REASON_LENGTH } from "#cdk/nag.ts";
import {
  coversPath,
  recordedAcknowledgements,
  removeSynthOutputs,
  type Synthesized,
  synthJobdeck,
} from "./synth.ts";

/** The same pack, blind to acknowledgements: it reports every finding, acknowledged or not. */
function everyFinding(app: App): AwsSolutionsChecks {
  const pack = new AwsSolutionsChecks(app);
  // replaces the pack's private lookup of Validations acknowledgements
  (pack as any).isAcknowledged = () => false;
  return pack;
}

type Finding = { rule: string; path: string; severity: string };
type Ack = { id: string; path: string; reason: string };

/** cdk-nag stores its ids as `Annotation::<rule>`. */
const acknowledgements = (root: IConstruct): Ack[] =>
  recordedAcknowledgements(root).map((a) => ({ ...a, id: a.id.replace(/^Annotation::/, "") }));

const covers = (ack: Ack, f: Finding) => ack.id === f.rule && coversPath(ack.path, f.path);

let s: Synthesized;
let findings: Finding[];
let acks: Ack[];
let synthError: unknown;

beforeAll(async () => {
  try {
    s = await synthJobdeck({ plugins: (app: App) => [new AwsSolutionsChecks(app)] });
  } catch (e) {
    synthError = e; // reported by the first test with cdk-nag's own message
    return;
  }
  const report = everyFinding(s.app).validateScope(s.app);
  findings = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: r.constructPath ?? "?",
      severity: v.severity ?? "?",
    })),
  );
  acks = acknowledgements(s.app);
});
afterAll(removeSynthOutputs);

/** The later tests need the synthesized app. */
const synthesized = () => {
  if (synthError) throw new Error("synthesis with cdk-nag failed (see the first test)");
};

describe("cdk-nag AwsSolutionsChecks", () => {
  it("synthesizes with the pack registered (an unacknowledged error would throw)", () => {
    expect(synthError === undefined ? "" : String(synthError)).toBe("");
    expect(findings.length).toBeGreaterThan(0); // the blind pack does see the acknowledged findings
  });

  it("leaves no finding, error or warning, unacknowledged", () => {
    synthesized();
    const open = findings.filter((f) => !acks.some((a) => covers(a, f)));
    expect(open.map((f) => `${f.severity} ${f.rule} at ${f.path}`)).toEqual([]);
  });

  it("has no acknowledgement that matches no finding (each one is needed)", () => {
    synthesized();
    const nagAcks = acks.filter((a) => a.id.startsWith("AwsSolutions-"));
    const unused = nagAcks.filter((a) => !findings.some((f) => covers(a, f)));
    expect(unused.map((a) => `${a.id} at ${a.path}`)).toEqual([]);
  });

  it(`gives every acknowledgement a reason of at least ${MIN_REASON_LENGTH} characters`, () => {
    synthesized();
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.trim().length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(20);
  });

  it("acknowledges nothing wholesale (no IAM5 without a finding id, nothing at stack level)", () => {
    synthesized();
    for (const a of acks) {
      expect(a.id, a.path).not.toBe("AwsSolutions-IAM5");
      expect(a.path.split("/").length, `${a.id} at ${a.path}`).toBeGreaterThan(1);
    }
  });

  it("never acknowledges a wildcard on a DynamoDB table", () => {
    synthesized();
    const tableIds = Object.entries(s.json.Resources)
      .filter(([, r]) => r.Type === "AWS::DynamoDB::GlobalTable")
      .map(([id]) => id);
    for (const a of acks) for (const t of tableIds) expect(a.id, a.path).not.toContain(t);
  });
});
