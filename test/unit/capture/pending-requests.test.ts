import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PendingRequests } from '../../../src/core/capture/capture-index';
import { rng } from './helpers';

test('PendingRequests behaves as a Map through growth, colliding keys and deletions', () => {
  for (const span of [8, 1000, 2 ** 31]) {
    const r = rng(span);
    const t = new PendingRequests();
    const m = new Map<number, number>();
    for (let step = 0; step < 20000; step++) {
      // opaques from a small span collide and repeat; negative ones too (opaque is an int32)
      const k = (Math.floor(r() * span) - (span > 1000 ? 2 ** 30 : 0)) | 0;
      const op = r();
      if (op < 0.55) {
        const v = Math.floor(r() * 0x40000000);
        assert.equal(t.set(k, v), m.get(k) ?? -1);
        m.set(k, v);
      } else if (op < 0.9) {
        assert.equal(t.take(k), m.get(k) ?? -1);
        m.delete(k);
      } else assert.equal(t.get(k), m.get(k) ?? -1);
    }
    const all: number[] = [];
    t.forEach((v) => all.push(v));
    assert.deepEqual(all.sort((a, b) => a - b), [...m.values()].sort((a, b) => a - b));
  }
});
