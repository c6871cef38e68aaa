import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { profileSchemaText } from '../../cli/commands/schema.js';
import { loadProfile } from '../../core/profile/load.js';
import { executorNames } from '../../executors/index.js';

const repo = new URL('../../../', import.meta.url).pathname;
const profilesDir = join(repo, 'profiles');
const shipped = readdirSync(profilesDir).filter((f) => f.endsWith('.yaml'));

describe('shipped profiles and the profile JSON Schema', () => {
  test('profiles/schema.json is what the schema generates (run `npm run gen:schema` after changing it)', () => {
    assert.equal(readFileSync(join(profilesDir, 'schema.json'), 'utf8'), profileSchemaText());
  });

  test('there is a default profile', () => {
    assert.ok(shipped.includes('default.yaml'));
  });

  for (const file of shipped) {
    test(`${file} is valid`, async () => {
      await loadProfile(join(profilesDir, file), { knownExecutors: executorNames });
    });
  }

  test('editors using the JSON Schema accept the shipped profiles and reject the mistakes parabench rejects', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(profileSchemaText()) as object);
    for (const file of shipped) {
      const doc = parse(readFileSync(join(profilesDir, file), 'utf8')) as Record<string, unknown>;
      assert.ok(validate(doc), `${file}: ${ajv.errorsText(validate.errors)}`);
      assert.equal(validate({ ...doc, durattion: '1s' }), false, 'an unknown key');
      assert.equal(validate({ ...doc, schedule: { kind: 'constant-rate', rate: 'fast' } }), false, 'a bad rate');
      assert.equal(validate({ ...doc, target: { executor: 'nope' } }), false, 'an unknown executor');
    }
  });
});
