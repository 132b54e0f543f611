// cronstrue with only its Japanese locale, loaded on demand by schedule-description.ts: common
// schedules have hand-written wording and never need it (it costs ≈4 ms of a Lambda cold start).
import cronstrueModule from "cronstrue";
// Registers only the Japanese wording: cronstrue/i18n would bundle every locale (≈230 KB).
import "cronstrue/locales/ja.js";

// Node's CommonJS interop gives module.exports ({ default, toString }); a bundler may give `default`.
export const cronstrue: typeof cronstrueModule =
  (cronstrueModule as unknown as { default?: typeof cronstrueModule }).default ?? cronstrueModule;
