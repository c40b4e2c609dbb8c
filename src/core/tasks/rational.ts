/** Exact rational arithmetic on BigInt numerator/denominator (denominator > 0, always reduced). */
export interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rat(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const add = (a: Rational, b: Rational): Rational => rat(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rat(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rat(a.num * b.num, a.den * b.den);
/** Returns undefined on division by zero (the verifier treats it as a wrong answer, never a throw). */
export function div(a: Rational, b: Rational): Rational | undefined {
  if (b.num === 0n) return undefined;
  return rat(a.num * b.den, a.den * b.num);
}

export function equalsInt(a: Rational, n: bigint): boolean {
  return a.den === 1n && a.num === n;
}
