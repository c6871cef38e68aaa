/**
 * The checked-in artifacts are what their Solidity sources compile to with the pinned solc-js:
 * nobody can edit a contract and forget to regenerate (`npm run gen:contracts`), or the reverse.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { artifactsModule, compile, SOURCES } from '../../loadgen/targets/evm/contracts/compile.js';

test('contracts/artifacts.ts is exactly what solc-js makes of the sources (npm run gen:contracts)', async () => {
  const compiled = await compile();
  assert.match(compiled.compiler, /^solc 0\.8\.37\+commit\./);
  const committed = await readFile(`${SOURCES}artifacts.ts`, 'utf8');
  assert.equal(committed, artifactsModule(compiled), 'artifacts.ts is stale: run npm run gen:contracts');
  for (const [name, c] of Object.entries(compiled.contracts)) {
    assert.ok(c.bytecode.length > 1000, `${name} has bytecode`);
  }
});
