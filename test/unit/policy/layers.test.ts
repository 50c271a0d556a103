import { strict as assert } from 'node:assert';
import { EXAMPLE_POLICY, ROOT, decide, policy } from './builders';

const MANAGED = `version: 1
mode: coach
network:
  allow: ["registry.npmjs.org"]
  otherwise: deny
`;

describe('policy: layers only tighten', () => {
  it('the strictest mode wins', () => {
    const p = policy([MANAGED, 'managed'], EXAMPLE_POLICY);
    assert.equal(p.mode.value, 'coach');
    assert.equal(p.mode.ref.layer, 'managed');
    assert.equal(decide(p, 'Write', { file_path: `${ROOT}/src/a.ts`, content: '' }).decision, 'deny');
  });

  it('a workspace allow-list cannot open a host the managed layer does not', () => {
    const p = policy([MANAGED, 'managed'], EXAMPLE_POLICY);
    const r = decide(p, 'WebFetch', { url: 'https://api.corp.example.com/x', prompt: '' });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].layer, 'managed');
    assert.equal(decide(p, 'WebFetch', { url: 'https://registry.npmjs.org/zod', prompt: '' }).decision, 'allow');
  });

  it('a managed deny cannot be loosened by a workspace allow', () => {
    const p = policy(['version: 1\nmcp:\n  tiers: { jira: T2 }\n', 'managed'], 'version: 1\nmcp:\n  tiers: { jira: T0 }\n');
    const r = decide(p, 'mcp__jira__create_issue', {});
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].layer, 'managed');
  });

  it('a mission narrows the write scope further', () => {
    const p = policy(EXAMPLE_POLICY, ['version: 1\npaths:\n  write: ["src/api/**"]\n', 'mission']);
    assert.equal(decide(p, 'Write', { file_path: `${ROOT}/src/api/x.ts`, content: '' }).decision, 'allow');
    const r = decide(p, 'Write', { file_path: `${ROOT}/src/ui/x.ts`, content: '' });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].layer, 'mission');
  });

  it('a layer silent on a section has no opinion; defaults fill sections nobody names', () => {
    const p = policy('version: 1\npaths:\n  deny: ["secrets/**"]\n');
    assert.equal(decide(p, 'WebFetch', { url: 'https://example.com', prompt: '' }).decision, 'deny');
    const r = decide(p, 'mcp__anything__x', {});
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].rule, 'mcp.otherwise');
    assert.equal(r.reasons[0].layer, 'builtin');
  });
});

describe('policy: network, MCP, tools', () => {
  const p = policy(EXAMPLE_POLICY);
  it('allows listed hosts and subdomain wildcards, denies the rest', () => {
    assert.equal(decide(p, 'WebFetch', { url: 'https://registry.npmjs.org/-/v1', prompt: '' }).decision, 'allow');
    assert.equal(decide(p, 'WebFetch', { url: 'https://a.b.corp.example.com/', prompt: '' }).decision, 'allow');
    assert.equal(decide(p, 'WebFetch', { url: 'https://corp.example.com/', prompt: '' }).decision, 'deny');
    assert.equal(decide(p, 'WebFetch', { url: 'https://registry.npmjs.org.evil.com/', prompt: '' }).decision, 'deny');
    assert.equal(decide(p, 'WebFetch', { url: 'https://registry.npmjs.org@evil.com/', prompt: '' }).decision, 'deny');
    assert.equal(decide(p, 'WebFetch', { url: 'https://evil.com@registry.npmjs.org/', prompt: '' }).decision, 'allow');
  });
  it('maps MCP tiers: T0 allow, T1 ask, T2 deny, unknown servers otherwise', () => {
    assert.equal(decide(p, 'mcp__docs__search', {}).decision, 'allow');
    assert.equal(decide(p, 'mcp__jira__create_issue', {}).decision, 'ask');
    assert.equal(decide(p, 'mcp__postgres__query', {}).decision, 'deny');
    const r = decide(p, 'mcp__github__push', {});
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].rule, 'mcp.otherwise');
  });
  it('denies unknown tools and malformed inputs with a reason', () => {
    const unknown = decide(p, 'Teleport', { to: 'mars' });
    assert.equal(unknown.decision, 'deny');
    assert.match(unknown.reasons[0].message, /unknown tool `Teleport`/);
    const bad = decide(p, 'Read', { path: 'x' });
    assert.equal(bad.decision, 'deny');
    assert.match(bad.reasons[0].message, /malformed `Read` input: file_path/);
    assert.equal(decide(p, 'TodoWrite', { todos: [] }).decision, 'allow');
  });
  it('tools.allow lets a named unknown tool through', () => {
    const p2 = policy('version: 1\ntools:\n  allow: ["Teleport"]\n');
    assert.equal(decide(p2, 'Teleport', {}).decision, 'allow');
  });
});

describe('policy: a mission and protected paths', () => {
  const mission = (write: string) => policy(EXAMPLE_POLICY, [`version: 1\npaths:\n  write: [${write}]\n`, 'mission']);
  it('a mission whose scope leaves out a protected path denies it (tightening)', () => {
    const r = decide(mission('"src/**"'), 'Write', { file_path: `${ROOT}/.github/workflows/ci.yml`, content: '' });
    assert.equal(r.decision, 'deny');
    assert.equal(r.reasons[0].layer, 'mission');
  });
  it('naming the protected path in the mission scope keeps it writable with approval', () => {
    const r = decide(mission('"src/**", ".github/workflows/**"'), 'Write', { file_path: `${ROOT}/.github/workflows/ci.yml`, content: '' });
    assert.equal(r.decision, 'ask');
    assert.equal(r.reasons[0].rule, 'paths.protect[0]');
  });
});
