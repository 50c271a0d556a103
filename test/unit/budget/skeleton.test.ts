import { strict as assert } from 'node:assert';
import { decodeWithoutContent } from '../../../src/core/budget/skeleton';

const cut = (line: string) => decodeWithoutContent(Buffer.from(line));

describe('budget / skeleton decode (fast path)', () => {
  it('drops message.content and keeps everything else', () => {
    const line = JSON.stringify({ message: { id: 'm', content: [{ type: 'text', text: 'a "quoted" ] } [ text\\' }], usage: { output_tokens: 3 } }, type: 'assistant' });
    assert.deepEqual(JSON.parse(cut(line) ?? ''), { message: { id: 'm', content: null, usage: { output_tokens: 3 } }, type: 'assistant' });
  });

  it('handles strings ending in escaped backslashes and nested tool inputs with their own content', () => {
    const line = JSON.stringify({ message: { content: [{ type: 'tool_use', input: { content: 'x\\', path: 'C:\\dir\\' } }], model: 'm' } });
    assert.deepEqual(JSON.parse(cut(line) ?? ''), { message: { content: null, model: 'm' } });
  });

  it('cuts a string content too (user lines), and never matches inside a string', () => {
    assert.deepEqual(JSON.parse(cut('{"text":"\\"content\\":[1]","content":"bulk"}') ?? ''), { text: '"content":[1]', content: null });
  });

  it('gives up (full decode) on a truncated value or when there is no content key', () => {
    assert.equal(cut('{"message":{"content":[{"text":"cut here'), undefined);
    assert.equal(cut('{"message":{"id":"m"}}'), undefined);
  });
});
