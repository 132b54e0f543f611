// Control Tower proactive controls (cfn-guard): no unacknowledged finding, every acknowledgement
// used and reasoned; the same checks test/infra/nag.test.ts makes for cdk-nag.
import { readFileSync } from "node:fs";
import { App, CfnResource, Stack, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acknowledgeControl,
  CONTROL_TOWER_ACKNOWLEDGEMENTS,
  ControlTowerChecks,
  controlTowerChecks,
  controlTowerRules,
  GUARD_PLUGIN_NAME,
} from "#cdk/guard.ts";
import { MIN_REASON_LENGTH } from "#cdk/nag.ts";
import {
  coversPath,
  Recorder,
  recordedAcknowledgements,
  removeSynthOutputs,
  type Synthesized,
  synthJobdeck,
} from "./synth.ts";

type Finding = { control: string; rule: string; path: string };
type Ack = { rule: string; path: string; reason: string };

const PREFIX = `${GUARD_PLUGIN_NAME}::`;
const controlOf = (rule: string) => controlTowerRules().find((r) => r.rule === rule)?.control ?? rule;

/** The Control Tower checks' acknowledgements, by rule (ids are `<plugin>::<rule>`). */
const acknowledgements = (root: IConstruct): Ack[] =>
  recordedAcknowledgements(root)
    .filter((a) => a.id.startsWith(PREFIX))
    .map((a) => ({ rule: a.id.slice(PREFIX.length), path: a.path, reason: a.reason }));

const covers = (ack: Ack, f: Finding) => ack.rule === f.rule && coversPath(ack.path, f.path);

let s: Synthesized;
let findings: Finding[];
let acks: Ack[];
let synthError: unknown;

beforeAll(async () => {
  let recorder: Recorder | undefined;
  try {
    s = await synthJobdeck({
      plugins: (app: App) => {
        recorder = new Recorder(controlTowerChecks(app));
        return [recorder];
      },
    });
  } catch (e) {
    synthError = e; // reported by the first test with the validation report
    return;
  }
  const pathOf = new Map<string, string>();
  for (const c of s.stack.node.findAll()) {
    if (CfnResource.isCfnResource(c)) pathOf.set(s.stack.resolve(c.logicalId) as string, c.node.path);
  }
  findings = (recorder?.raw?.violations ?? []).flatMap((v) =>
    v.violatingResources.map((r) => ({
      control: controlOf(v.ruleName),
      rule: v.ruleName,
      path: pathOf.get(r.resourceLogicalId ?? "") ?? `?${r.resourceLogicalId}`,
    })),
  );
  acks = acknowledgements(s.app);
});
afterAll(removeSynthOutputs);

const synthesized = () => {
  if (synthError) throw new Error("synthesis with the Control Tower validator failed (see the first test)");
};

describe("Control Tower proactive controls (cfn-guard)", () => {
  it("synthesizes with the validator registered (an unacknowledged finding would throw)", () => {
    expect(synthError === undefined ? "" : String(synthError)).toBe("");
    expect(findings.length).toBeGreaterThan(0); // the recorder does see the acknowledged findings
  });

  it("leaves no finding unacknowledged", () => {
    synthesized();
    const open = findings.filter((f) => !acks.some((a) => covers(a, f)));
    expect(open.map((f) => `${f.control} (${f.rule}) at ${f.path}`)).toEqual([]);
  });

  it("has no acknowledgement that matches no finding (each one is needed)", () => {
    synthesized();
    const unused = acks.filter((a) => !findings.some((f) => covers(a, f)));
    expect(unused.map((a) => `${controlOf(a.rule)} at ${a.path}`)).toEqual([]);
    // and no table entry selects nothing
    const ackedControls = new Set(acks.map((a) => controlOf(a.rule)));
    expect(CONTROL_TOWER_ACKNOWLEDGEMENTS.map((a) => a.control).filter((c) => !ackedControls.has(c))).toEqual(
      [],
    );
  });

  it(`gives every acknowledgement a reason of at least ${MIN_REASON_LENGTH} characters, on a resource`, () => {
    synthesized();
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.reason.trim().length, `${a.rule} at ${a.path}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
      expect(a.path.split("/").length, `${a.rule} at ${a.path}`).toBeGreaterThan(1); // nothing stack-wide
    }
  });

  it("keeps fixed the controls that were fixed (no finding, no acknowledgement)", () => {
    synthesized();
    for (const control of ["CT.SQS.PR.1", "CT.S3.PR.6", "CT.KMS.PR.3"]) {
      expect(findings.filter((f) => f.control === control).map((f) => f.path)).toEqual([]);
    }
    // the log bucket is versioned; only the site bucket keeps CT.S3.PR.11
    expect(findings.filter((f) => f.control === "CT.S3.PR.11").map((f) => f.path)).toEqual([
      `${s.stack.node.path}/AdminSite/SiteBucket/Resource`,
    ]);
  });

  it("refuses an acknowledgement without a reason, or of a control that does not exist", () => {
    const stack = new Stack(new App(), "S");
    expect(() => acknowledgeControl(stack, "CT.SQS.PR.1", " too short ")).toThrow(/needs a real reason/);
    expect(() => acknowledgeControl(stack, "CT.NOPE.PR.1", "a reason long enough to pass the bound")).toThrow(
      /not a bundled Control Tower control/,
    );
  });

  it("fails synthesis on an unacknowledged finding, also beside an acknowledged one, and passes once all are", () => {
    // an unencrypted queue without a dead-letter queue: CT.SQS.PR.2 and CT.SQS.PR.1
    const make = (...acknowledged: string[]) => {
      const app = new App();
      const queue = new sqs.Queue(new Stack(app, "Probe"), "Queue", {
        encryption: sqs.QueueEncryption.UNENCRYPTED,
        enforceSSL: true,
      });
      for (const control of acknowledged)
        acknowledgeControl(queue, control, "a probe queue, acknowledged for this test");
      Validations.of(app).addPlugins(new ControlTowerChecks());
      return () => app.synth();
    };
    expect(make()).toThrow(/sqs_dlq_check/);
    // CDK re-judges a report once a finding in it is acknowledged; the open one must still fail it
    expect(make("CT.SQS.PR.2")).toThrow(/sqs_dlq_check/);
    expect(make("CT.SQS.PR.2")).not.toThrow(/sqs_queue_encrypted_check/);
    expect(make("CT.SQS.PR.2", "CT.SQS.PR.1")).not.toThrow();
  });

  it("skips only rule files that cannot fire (each one that names a type selects resources by Type)", () => {
    const rules = controlTowerRules();
    expect(rules.length).toBeGreaterThan(200);
    for (const r of rules) {
      if (r.types.length > 0) expect(readFileSync(r.file, "utf8"), r.file).toMatch(/Type\s*==/);
    }
  });
});
