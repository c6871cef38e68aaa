/**
 * Values written into generated code. Every string that comes from a profile (its name, its file
 * name, a URL) reaches the k6 script only through here: as a JSON literal, which JavaScript parses
 * as the same value whatever it holds (quotes, backslashes, newlines, `*\/`). On top of JSON,
 * U+2028 and U+2029 are escaped (line terminators to older JavaScript parsers), and so are `</`,
 * `<!--` and `-->` (a `</script>` in a value cannot end a script element the code is pasted into).
 * These occur only inside JSON strings, where the escapes mean the same characters. Profile
 * strings never go into comments, where no escaping would help.
 */
export function jsLiteral(value: unknown, pretty = false): string {
  const json = pretty ? prettyJson(value, '') : JSON.stringify(value);
  if (json === undefined) throw new Error(`not a JSON value: ${String(value)}`);
  return json
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/<\//g, '<\\/')
    .replace(/<!--/g, '\\u003c!--')
    .replace(/-->/g, '--\\u003e');
}

/** JSON indented by two spaces; lists of plain values and small flat objects (stages) on one line. */
function prettyJson(value: unknown, indent: string): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const flat = (v: unknown): boolean => v === null || typeof v !== 'object';
    const oneLine = (v: unknown): string => (Array.isArray(v) ? `[${v.map(oneLine).join(', ')}]` : (JSON.stringify(v) ?? 'null'));
    if (value.every((v) => flat(v) || (Array.isArray(v) && v.every(flat)))) return oneLine(value);
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner) ?? 'null'}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.length <= 3 && entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  }
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
