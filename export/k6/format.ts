/** How k6 writes values the export fills in. */

/** A duration k6 parses (Go's syntax): whole seconds as "12s", anything else in milliseconds. */
export function k6Duration(ms: number): string {
  const whole = Math.round(ms);
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}
