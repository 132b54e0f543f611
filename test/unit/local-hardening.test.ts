// Issue 11 item 9 (the smaller promises): tokens expire, groups are read exactly as API Gateway
// passes them, and text an operator types carries no control, invisible or broken characters.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { parseGroups } from "#api/identity.ts";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalTokens } from "#local/tokens.ts";
import { CreateScheduleRequestSchema, PatchScheduleRequestSchema } from "#schemas/schedule.ts";

const secret = new Uint8Array(32).fill(7);

describe("local tokens", () => {
  it("a token without exp is refused", async () => {
    const tokens = new LocalTokens(secret);
    const noExp = await new SignJWT({ "cognito:groups": ["admin"], token_use: "id" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject("forever")
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .sign(secret);
    expect(await tokens.verify(noExp)).toBeNull();
    // The same token with an exp is accepted: the refusal is about exp, not the rest.
    const withExp = await new SignJWT({ "cognito:groups": ["admin"], token_use: "id" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject("forever")
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(secret);
    expect((await tokens.verify(withExp))?.sub).toBe("forever");
    // And what the server issues itself carries one.
    const issued = await tokens.issue({ sub: "dev", groups: ["viewer"] });
    expect(typeof (await tokens.verify(issued.token))?.exp).toBe("number");
  });
});

describe("groups as API Gateway passes Cognito groups", () => {
  it("groups 'x,admin' grant nothing", () => {
    expect(parseGroups("x,admin")).toEqual([]);
    expect(parseGroups("[x,admin]")).toEqual([]);
    expect(parseGroups("admin,viewer")).toEqual([]);
    expect(parseGroups(["x,admin"])).toEqual([]);
    expect(parseGroups(["x admin"])).toEqual([]);
    expect(parseGroups("[x] [admin]")).toEqual([]);
    expect(parseGroups("[[admin]]")).toEqual([]);
    expect(parseGroups(" [admin]")).toEqual([]);
    expect(parseGroups("xadmin")).toEqual([]);
    expect(parseGroups("admin viewer")).toEqual([]);
  });

  it("the forms API Gateway really sends are read exactly", () => {
    expect(parseGroups("[admin viewer]")).toEqual(["admin", "viewer"]);
    expect(parseGroups("[viewer]")).toEqual(["viewer"]);
    expect(parseGroups("[ops admin]")).toEqual(["admin"]);
    expect(parseGroups("[]")).toEqual([]);
    // a claim that was a plain string in the token arrives unchanged: one group, compared whole
    expect(parseGroups("admin")).toEqual(["admin"]);
    expect(parseGroups(["viewer", "admin"])).toEqual(["viewer", "admin"]);
  });
});

describe("text an operator types", () => {
  const base = { job_name: "example.hello", schedule_expression: "rate(5 minutes)" };
  const bad = {
    NUL: "a\u0000b",
    "a lone high surrogate": "a\ud800b",
    "a lone low surrogate": "a\udc00b",
    "a right-to-left override": "a\u202eb",
    "a zero-width space": "a\u200bb",
    "an escape": "a\u001bb",
  };

  for (const [what, text] of Object.entries(bad)) {
    it(`${what} is refused in schedule names, descriptions, categories and tags`, () => {
      for (const field of [
        { name: text },
        { description: text },
        { category: text },
        { tags: [text] },
        { job_name: `example.${text}` },
      ]) {
        expect(
          CreateScheduleRequestSchema.safeParse({ ...base, ...field }).success,
          JSON.stringify(field),
        ).toBe(false);
        expect(PatchScheduleRequestSchema.safeParse(field).success, JSON.stringify(field)).toBe(false);
      }
    });
  }

  it("ordinary text, emoji (surrogate pairs) and line breaks in descriptions are kept", () => {
    const r = CreateScheduleRequestSchema.safeParse({
      ...base,
      name: "nightly-sync",
      description: "毎晩の同期 🌙\nsecond line",
      category: "データ",
      tags: ["夜間", "🌙"],
    });
    expect(r.success).toBe(true);
  });
});
