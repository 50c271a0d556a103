import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMessagesRequest } from '../../../src/core/gateway/requestBody';

/**
 * Request bodies an agent could send to slip a model past the allowlist: the model the gateway
 * reads must be the one the upstream will use, or the request is refused.
 */
const CASES = fs.readFileSync(path.join(__dirname, '../../fixtures/gateway/request-bodies.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { body: string; model?: string; reason?: string });

describe('gateway / the model a request names', () => {
  for (const c of CASES) {
    it(`${c.model ? `reads \`${c.model}\`` : `refuses (${c.reason ?? ''})`}: ${c.body.slice(0, 70)}`, () => {
      const r = parseMessagesRequest(Buffer.from(c.body, 'utf8'));
      if (c.model) {
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.request.model, c.model);
        // Whenever we read a model, a full JSON parser agrees on it.
        assert.equal((JSON.parse(c.body) as { model: string }).model, c.model);
      } else {
        assert.equal(r.ok, false, JSON.stringify(r));
        assert.ok(!r.ok && r.reason.includes(c.reason ?? '?'), JSON.stringify(r));
      }
    });
  }
});
