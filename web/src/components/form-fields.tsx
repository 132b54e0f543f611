// Form controls: a labelled field with hint and error, the on/off switch, the job picker.
// The switch carries its state in text and aria, not colour alone.
import type { JSX } from "preact";
import { useApp } from "../app-context.ts";

export function Field({
  label,
  error,
  hint,
  children,
  id,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  id: string;
  children: JSX.Element;
}) {
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <small class="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <small class="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function Switch({
  checked,
  onChange,
  label,
  disabled,
  id,
  onText,
  offText,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  disabled?: boolean;
  id?: string;
  /** words for the two states (default 有効 / 無効) */
  onText?: string;
  offText?: string;
}) {
  const { t } = useApp();
  return (
    <button
      type="button"
      role="switch"
      id={id}
      class={`switch${checked ? " on" : ""}`}
      aria-checked={checked}
      aria-label={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span class="knob" aria-hidden="true" />
      <span class="switch-text">{checked ? (onText ?? t("on")) : (offText ?? t("off"))}</span>
    </button>
  );
}

/** The job picker of the trigger dialog and the schedule form. */
export function JobSelect({
  id,
  jobs,
  value,
  onChange,
}: {
  id: string;
  jobs: readonly { name: string }[];
  value: string;
  onChange: (name: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {jobs.map((j) => (
        <option key={j.name} value={j.name}>
          {j.name}
        </option>
      ))}
    </select>
  );
}

/** The IANA zones the browser knows, for a time-zone input's suggestions. */
export const ZONES = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["Asia/Tokyo", "UTC"];
  }
})();
