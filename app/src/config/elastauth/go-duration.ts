/**
 * Go's duration syntax (`time.ParseDuration`), which elastauth's `cache.expiration` uses:
 * `1h`, `90m`, `2h30m`, `1.5s`, `300ms`. Arithmetic is exact (BigInt nanoseconds) so `1.1s` is
 * 1100 ms, not 1100.0000000000002.
 */

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const WHOLE = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g;
const NS_PER_MS = 1_000_000n;

/** Gatehouse's single-unit forms, largest first; the first that divides the duration exactly is used. */
const GATEHOUSE_UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['d', 86_400_000n],
  ['h', 3_600_000n],
  ['m', 60_000n],
  ['s', 1_000n],
  ['ms', 1n],
];

/** Nanoseconds of a Go duration string, or undefined when it is not one. `0` alone needs no unit, as in Go. */
export function parseGoDuration(text: string): bigint | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0n;
  if (text.length > 64 || !WHOLE.test(text)) return undefined;
  let total = 0n;
  for (const [, whole = '', fraction = '', unit = ''] of text.matchAll(PART)) {
    const scale = UNIT_NS[unit] ?? 0n;
    total += BigInt(whole === '' ? '0' : whole) * scale;
    // Go truncates a fraction below one nanosecond; so does integer division.
    if (fraction !== '') total += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
  }
  return text.startsWith('-') ? -total : total;
}

/**
 * Converts a Go duration to a form gatehouse's duration setting accepts (`<n><unit>` with one
 * unit): `2h30m` becomes `150m`. A bare number is refused: elastauth's configuration library
 * reads it as nanoseconds, which gatehouse would read as seconds.
 * @returns the gatehouse duration, or a message saying why the text is not acceptable
 */
export function goDurationToGatehouse(text: string): { value: string } | { problem: string } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed) && trimmed !== '0') {
    return { problem: `"${trimmed}" has no unit (elastauth would read it as nanoseconds); write e.g. 1h, 90m or 2h30m` };
  }
  // Already a form both Go and gatehouse read the same way: keep it as written.
  if (/^\d+(ms|s|m|h)$/.test(trimmed) && !/^0+\D/.test(trimmed)) return { value: trimmed };
  const ns = parseGoDuration(trimmed);
  if (ns === undefined) return { problem: `"${trimmed}" is not a duration; write e.g. 1h, 90m or 2h30m` };
  if (ns <= 0n) return { problem: `"${trimmed}" must be a positive duration` };
  if (ns % NS_PER_MS !== 0n) return { problem: `"${trimmed}" must be a whole number of milliseconds` };
  const ms = ns / NS_PER_MS;
  if (ms > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: `"${trimmed}" is too long` };
  for (const [unit, size] of GATEHOUSE_UNITS) {
    if (ms % size === 0n) return { value: `${ms / size}${unit}` };
  }
  return { value: `${ms}ms` };
}
