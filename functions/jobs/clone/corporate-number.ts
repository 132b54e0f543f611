// 法人番号 (corporate number): 13 digits, the first a check digit over the other 12 (国税庁
// "法人番号の指定等に関する省令" 第2条). Checked before a request so a typo is a 400, not an empty answer.

/** The check digit of a 12-digit base number: 9 − (Σ Pn × Qn mod 9), n counted from the right, Qn = 1 odd / 2 even. */
export function corporateNumberCheckDigit(base12: string): number {
  if (!/^\d{12}$/.test(base12)) throw new Error("a corporate number base is 12 digits");
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const p = Number(base12[12 - n]);
    sum += p * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** Whether `s` is a 13-digit corporate number with a valid check digit. */
export function isCorporateNumber(s: string): boolean {
  return /^\d{13}$/.test(s) && corporateNumberCheckDigit(s.slice(1)) === Number(s[0]);
}
