/**
 * Reading a profile file: YAML → the one schema → a Profile, with every problem reported at once,
 * each naming the field, what was expected, what was found, and where in the file it is.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { Document, LineCounter, parseDocument, isMap, isPair, isScalar } from 'yaml';
import { z } from 'zod';
import { ParabenchError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { describeValue, didYouMean, quoteList } from '../text.js';
import { profileSchema, type Profile } from './schema.js';

/** Command-line values that replace what the file says, as the user typed them. */
export interface ProfileOverrides {
  readonly rate?: string;
  readonly duration?: string;
  readonly executor?: string;
  readonly threads?: string;
  readonly seed?: string;
  /** Where the executor runs: only "inproc" for now. */
  readonly target?: string;
}

export interface LoadOptions {
  /** Directory a relative file is read from; messages keep the path as given. */
  readonly cwd?: string;
  readonly overrides?: ProfileOverrides;
  /** Executor names the registry knows; `target.executor` must be one of them. */
  readonly knownExecutors?: readonly string[];
}

/** One thing wrong with a profile. `message` is the stable part tests compare. */
export interface ProfileProblem {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface LoadedProfile {
  readonly profile: Profile & { readonly name: string };
  readonly file: string;
  /** The profile as written (overrides applied, name filled in): what a trace stores, to validate again on replay. */
  readonly input: Record<string, unknown>;
}

export async function loadProfile(file: string, options: LoadOptions = {}): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(options.cwd === undefined ? file : resolve(options.cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ParabenchError('PROFILE_NOT_FOUND', `profile not found: ${file}`, {
        hint: 'Pass the path of a YAML profile, for example profiles/default.yaml.',
      });
    }
    throw new ParabenchError('PROFILE_NOT_FOUND', `cannot read profile ${file}: ${(e as Error).message}`);
  }
  return parseProfile(text, file, options);
}

export function parseProfile(text: string, file: string, options: LoadOptions = {}): LoadedProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      const where = `line ${line}, column ${col}`;
      return `${where}: ${err.message.split('\n')[0] ?? err.message}`;
    });
    throw new ParabenchError('PROFILE_SYNTAX', `${file}: YAML syntax error at ${problems[0]}`, {
      problems: problems.length > 1 ? problems : [],
      hint: 'Fix the YAML at that line; `parabench validate` checks a profile without running it.',
    });
  }
  return resolveProfile(doc.toJS(), file, options, { doc, lineCounter });
}

/**
 * Validates a profile given as data (from YAML, or from a trace's header), with overrides;
 * `source` gives line numbers when the data came from a YAML document.
 */
export function resolveProfile(
  raw: unknown,
  file: string,
  options: LoadOptions = {},
  source?: { doc: Document; lineCounter: LineCounter },
): LoadedProfile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ParabenchError('PROFILE_INVALID', `${file}: expected a mapping of profile settings, found ${describeValue(raw)}`);
  }
  const doc = source?.doc ?? new Document(raw);
  const lineCounter = source?.lineCounter;
  const flagProblems = applyOverrides(raw as Record<string, unknown>, options.overrides ?? {}, options.knownExecutors);
  const parsed = profileSchema.safeParse(raw, { reportInput: true });
  const problems: ProfileProblem[] = [...flagProblems];
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      for (const p of toProblems(issue, raw, doc, lineCounter)) {
        if (!seen.has(p.message)) problems.push(p);
        seen.add(p.message);
      }
    }
    // In file order, so the list reads top to bottom like the profile.
    problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  } else if (options.knownExecutors && !options.knownExecutors.includes(parsed.data.target.executor)) {
    const found = parsed.data.target.executor;
    const suggestion = didYouMean(found, options.knownExecutors);
    problems.push({
      path: 'target.executor',
      message: `target.executor: expected one of ${quoteList(options.knownExecutors)}, found ${JSON.stringify(found)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}`,
      ...position(doc, lineCounter, ['target', 'executor']),
    });
  }
  if (problems.length > 0 || !parsed.success) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new ParabenchError('PROFILE_INVALID', `${file}: ${count}`, {
      problems: problems.map(formatProblem),
      hint: 'Every setting is documented in docs/PROFILES.md; profiles/schema.json gives editors completion.',
    });
  }
  const name = parsed.data.name ?? basename(file, extname(file));
  return { profile: { ...parsed.data, name }, file, input: { ...(raw as Record<string, unknown>), name } };
}

export function formatProblem(p: ProfileProblem): string {
  return p.line === undefined ? p.message : `${p.message} (line ${p.line})`;
}

// ── overrides ───────────────────────────────────────────────────────────────────────────────

function applyOverrides(raw: Record<string, unknown>, o: ProfileOverrides, knownExecutors?: readonly string[]): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const bad = (flag: string, expected: string, found: string): void => {
    problems.push({ path: flag, message: `${flag}: expected ${expected}, found ${JSON.stringify(found)}` });
  };
  const section = (key: string): Record<string, unknown> => {
    const current = raw[key];
    if (current !== null && typeof current === 'object' && !Array.isArray(current)) return current as Record<string, unknown>;
    const created: Record<string, unknown> = {};
    raw[key] = created;
    return created;
  };
  if (o.rate !== undefined) {
    const rate = Number(o.rate);
    const schedule = raw.schedule as Record<string, unknown> | undefined;
    if (o.rate.trim() === '' || !Number.isFinite(rate) || rate <= 0) bad('--rate', 'a positive rate in transactions per second', o.rate);
    else if (schedule?.kind !== undefined && schedule.kind !== 'constant-rate' && schedule.kind !== 'poisson') {
      problems.push({ path: '--rate', message: `--rate: applies to constant-rate and poisson schedules; this profile's schedule is ${JSON.stringify(schedule.kind)}` });
    } else section('schedule').rate = rate;
  }
  if (o.duration !== undefined) {
    const ms = parseDuration(o.duration);
    if (ms === undefined || ms <= 0) bad('--duration', 'a duration above zero such as "10s"', o.duration);
    else raw.duration = o.duration;
  }
  if (o.executor !== undefined) {
    if (knownExecutors && !knownExecutors.includes(o.executor)) {
      const suggestion = didYouMean(o.executor, knownExecutors);
      bad('--executor', `one of ${quoteList(knownExecutors)}`, o.executor);
      if (suggestion) problems[problems.length - 1] = { path: '--executor', message: `${problems[problems.length - 1]?.message} (did you mean "${suggestion}"?)` };
    } else section('target').executor = o.executor;
  }
  if (o.target !== undefined) {
    const scheme = /^(wss?|https?|evm\+(?:https?|wss?)):\/\/[^\s/]+/.exec(o.target)?.[1];
    if (o.target === 'inproc') section('target').kind = 'inproc';
    else if (scheme) {
      section('target').kind = scheme.startsWith('evm') ? 'evm' : scheme.startsWith('ws') ? 'ws' : 'http';
      section('target').url = o.target;
    } else bad('--target', '"inproc" or a target URL such as ws://127.0.0.1:8545/, http://127.0.0.1:8545/ or evm+http://127.0.0.1:8545', o.target);
  }
  if (o.threads !== undefined) {
    const n = Number(o.threads);
    if (!Number.isInteger(n) || n < 1 || n > 256) bad('--threads', 'a whole number from 1 to 256', o.threads);
    else section('target').threads = n;
  }
  if (o.seed !== undefined) {
    const n = Number(o.seed);
    if (o.seed.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) bad('--seed', 'a whole number from 0 to 4294967295', o.seed);
    else raw.seed = n;
  }
  return problems;
}

// ── zod issues → problems ───────────────────────────────────────────────────────────────────

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function toProblems(issue: Issue, raw: unknown, doc: Document, lc: LineCounter | undefined): ProfileProblem[] {
  const path = issue.path;
  const at = dotted(path);
  const found = valueAt(raw, path);
  const present = hasValueAt(raw, path);
  const expected = (phrase: string): string =>
    present ? `${at}: expected ${phrase}, found ${describeValue(found)}` : `${at}: missing; expected ${phrase}`;

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(profileSchema, path, raw);
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, allowed);
        const full = dotted([...path, key]);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
        return {
          path: full,
          message: `${full}: unknown key${hint}; expected one of ${allowed.join(', ')}`,
          ...position(doc, lc, [...path, key], true),
        };
      });
    }
    case 'invalid_union': {
      // A discriminated union with an unknown tag: zod reports it at the tag's path.
      const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
      const tagPresent = hasValueAt(raw, path);
      const tag = valueAt(raw, path);
      const suggestion = typeof tag === 'string' ? didYouMean(tag, options.map(String)) : undefined;
      const phrase = `one of ${quoteList(options)}`;
      const message = tagPresent
        ? `${at}: expected ${phrase}, found ${describeValue(tag)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`
        : `${at}: missing; expected ${phrase}`;
      return [{ path: at, message, ...position(doc, lc, path) }];
    }
    case 'invalid_value': {
      const suggestion = typeof found === 'string' ? didYouMean(found, issue.values.map(String)) : undefined;
      const message = expected(`one of ${quoteList(issue.values)}`) + (suggestion ? ` (did you mean "${suggestion}"?)` : '');
      return [{ path: at, message, ...position(doc, lc, path) }];
    }
    case 'invalid_key': {
      // A record key of the wrong form (a schedule step that is not a second): the key is what was found.
      const key = String(path[path.length - 1] ?? '');
      const phrase = issue.issues[0]?.message ?? 'a valid key';
      return [{ path: at, message: `${at}: expected ${phrase}, found ${JSON.stringify(key)}`, ...position(doc, lc, path, true) }];
    }
    case 'custom': {
      // Cross-field checks say what they found themselves, in words or as the offending value.
      const params = (issue as { params?: { found?: string } }).params;
      const foundText = params?.found ?? (path.length > 0 && present ? describeValue(found) : undefined);
      const message = foundText === undefined ? `${at}: expected ${issue.message}` : `${at}: expected ${issue.message}, found ${foundText}`;
      return [{ path: at, message, ...position(doc, lc, path) }];
    }
    default:
      return [{ path: at, message: expected(issue.message), ...position(doc, lc, path) }];
  }
}

function dotted(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function hasValueAt(root: unknown, path: Path): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  return parent !== null && typeof parent === 'object' && last !== undefined && Object.hasOwn(parent, last);
}

/** Where a path is in the file: the key's own position for `key`, else its value's (or the nearest parent's). */
function position(doc: Document, lc: LineCounter | undefined, path: Path, key = false): { line?: number; column?: number } {
  if (!lc) return {};
  for (let depth = path.length; depth >= 0; depth--) {
    const parentPath = path.slice(0, Math.max(0, depth - 1));
    const parent = depth === 0 ? doc.contents : doc.getIn(parentPath, true);
    const last = path[depth - 1];
    let offset: number | undefined;
    if (depth === 0) {
      offset = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
    } else if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
      const node = pair && (key && depth === path.length ? pair.key : pair.value);
      offset = (node as { range?: [number, number, number] } | null | undefined)?.range?.[0];
    } else {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      offset = node?.range?.[0];
    }
    if (offset !== undefined) {
      const { line, col } = lc.linePos(offset);
      return { line, column: col };
    }
  }
  return {};
}

// ── walking the schema, to list the keys allowed where an unknown one was found ─────────────

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
  element?: z.ZodType;
  values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Strips wrappers (optional, default, pipe…) down to the schema that holds the data's shape. */
function core(schema: z.ZodType, data: unknown): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'union' && def.options && def.discriminator) {
      const tag = (data as Record<string, unknown> | undefined)?.[def.discriminator];
      const match = def.options.find((o) => defOf(defOf(o).shape?.[def.discriminator as string] ?? o).values?.includes(tag));
      if (!match) return s;
      s = match;
    } else return s;
  }
}

function keysAt(schema: z.ZodType, path: Path, root: unknown): string[] {
  let s = schema;
  let data: unknown = root;
  for (const key of path) {
    const def = defOf(core(s, data));
    const next = def.shape?.[String(key)] ?? def.valueType ?? def.element;
    if (!next) return [];
    s = next;
    data = (data as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  const def = defOf(core(s, data)) as Def & { keyType?: z.ZodType };
  // A record with an enum of keys (thresholds): the enum's entries are the keys allowed.
  if (def.keyType) return Object.keys((defOf(def.keyType) as Def & { entries?: Record<string, string> }).entries ?? {});
  return Object.keys(def.shape ?? {});
}
