// A job's params form, generated from the job's JSON Schema (rules in params-validation.ts).
import type { JSX } from "preact";
import { useApp } from "../app-context.ts";
import type { Translate } from "../i18n.ts";
import { type JsonSchema, propertiesOf, type RawParams, typeOf } from "../params-validation.ts";
import { Field } from "./form-fields.tsx";

function hintFor(p: JsonSchema, t: Translate): string | undefined {
  const bits: string[] = [];
  if (p.description) bits.push(p.description);
  if (p.minimum !== undefined && p.maximum !== undefined)
    bits.push(t("h_range", { min: p.minimum, max: p.maximum }));
  if (p.default !== undefined) bits.push(t("h_default", { v: JSON.stringify(p.default) }));
  return bits.length ? bits.join(" · ") : undefined;
}

export function ParamsForm({
  schema,
  value,
  onChange,
  errors,
  idPrefix,
  disabled,
}: {
  schema: unknown;
  value: RawParams;
  onChange: (v: RawParams) => void;
  errors: Record<string, string>;
  idPrefix: string;
  disabled?: boolean;
}) {
  const { t } = useApp();
  const props = propertiesOf(schema);
  if (props.length === 0) return <p class="muted">{t("params_none")}</p>;
  const set = (name: string, v: string | boolean | string[]) => onChange({ ...value, [name]: v });
  return (
    <fieldset class="params" disabled={disabled}>
      <legend>{t("params")}</legend>
      {props.map(([name, p]) => {
        const id = `${idPrefix}-${name}`;
        const ty = typeOf(p);
        const err = errors[name];
        const described =
          [err ? `${id}-error` : "", hintFor(p, t) ? `${id}-hint` : ""].filter(Boolean).join(" ") ||
          undefined;
        const common = { id, name, "aria-invalid": err ? true : undefined, "aria-describedby": described };
        if (ty === "boolean") {
          const checked = typeof value[name] === "boolean" ? (value[name] as boolean) : p.default === true;
          return (
            <div class="field field-check" key={name}>
              <input
                type="checkbox"
                {...common}
                checked={checked}
                onChange={(e) => set(name, e.currentTarget.checked)}
              />
              <label for={id}>{name}</label>
              {hintFor(p, t) && (
                <small class="hint" id={`${id}-hint`}>
                  {hintFor(p, t)}
                </small>
              )}
            </div>
          );
        }
        if (ty === "array" && p.items?.enum) {
          const chosen = Array.isArray(value[name]) ? (value[name] as string[]) : [];
          return (
            <fieldset
              class={`field choices${err ? " has-error" : ""}`}
              key={name}
              aria-describedby={described}
            >
              <legend>{name}</legend>
              {p.items.enum.map((opt) => {
                const o = String(opt);
                return (
                  <label key={o} class="choice">
                    <input
                      type="checkbox"
                      name={name}
                      value={o}
                      checked={chosen.includes(o)}
                      onChange={(e) =>
                        set(name, e.currentTarget.checked ? [...chosen, o] : chosen.filter((x) => x !== o))
                      }
                    />{" "}
                    {o}
                  </label>
                );
              })}
              <small class="hint" id={`${id}-hint`}>
                {hintFor(p, t) ?? t("h_choose_none")}
              </small>
              {err && (
                <small class="field-error" id={`${id}-error`} role="alert">
                  {err}
                </small>
              )}
            </fieldset>
          );
        }
        const raw = typeof value[name] === "string" ? (value[name] as string) : "";
        let input: JSX.Element;
        if (p.enum) {
          input = (
            <select {...common} value={raw} onChange={(e) => set(name, e.currentTarget.value)}>
              <option value="">
                {p.default !== undefined ? t("default_value", { v: String(p.default) }) : "—"}
              </option>
              {p.enum.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (ty === "object") {
          input = (
            <textarea {...common} rows={4} value={raw} onInput={(e) => set(name, e.currentTarget.value)} />
          );
        } else {
          input = (
            <input
              {...common}
              type="text"
              inputMode={ty === "integer" || ty === "number" ? "numeric" : undefined}
              value={raw}
              placeholder={p.default !== undefined ? String(p.default) : ""}
              onInput={(e) => set(name, e.currentTarget.value)}
            />
          );
        }
        return (
          <Field key={name} id={id} label={name} error={err} hint={hintFor(p, t)}>
            {input}
          </Field>
        );
      })}
    </fieldset>
  );
}
