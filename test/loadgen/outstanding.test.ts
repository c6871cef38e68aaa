import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Outstanding } from '../../loadgen/outstanding.js';

describe('outstanding transactions', () => {
  test('answers match by id; stragglers outlive the ring; expiry takes the oldest first, once each', () => {
    const o = new Outstanding(10);
    const ring = 65_536;
    // 5 and 7 are never answered while three rings' worth of others come and go.
    for (let id = 0; id < 3 * ring; id++) {
      o.add(id, id / 1000);
      if (id !== 5 && id !== 7 && id >= 10) assert.equal(o.take(id), id / 1000);
    }
    for (let id = 0; id < 10; id++) if (id !== 5 && id !== 7) assert.equal(o.take(id), id / 1000);
    assert.equal(o.size, 2);
    assert.equal(o.take(5), 0.005);
    assert.equal(o.take(5), undefined, 'answered twice');
    assert.equal(o.take(3 * ring + 1), undefined, 'never sent');
    const expired: number[] = [];
    o.add(3 * ring, 1000);
    o.add(3 * ring + 1, 2000);
    o.expire(1000, (t) => expired.push(t));
    assert.deepEqual(expired, [0.007, 1000]);
    assert.equal(o.size, 1);
    o.clear((t) => expired.push(t));
    assert.deepEqual(expired, [0.007, 1000, 2000]);
    assert.equal(o.size, 0);
  });
});
