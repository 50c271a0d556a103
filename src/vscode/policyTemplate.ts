/** The starter policy `Agent Lane: Create Policy` writes: the v1 example with comments. */
export const POLICY_TEMPLATE = `# Agent Lane policy (v1). Every agent tool call is decided by these rules.
# Reference: README "Policy file". Layers only tighten: an org-managed policy may add rules on top.
version: 1
mode: build                 # coach (read-only) | build (writes inside scope) | ship (build + gated paths need approval)
paths:
  deny: ["**/.env*", "secrets/**", "**/*.pem", "**/id_rsa*"]   # never read nor written by the agent
  protect: [".github/workflows/**"]                          # reads allowed; writes need approval
  write: ["src/**", "test/**"]                               # writes only here (absent = whole workspace)
shell:
  deny: ["git push*", "sudo *", "rm -rf /*"]
  ask: ["git commit*"]
  allow: ["npm test"]
  otherwise: allow          # allow | ask | deny for commands no rule names
  unanalyzable: deny        # eval, dynamic command names, decoded payloads piped to a shell
network:
  allow: ["registry.npmjs.org"]
  otherwise: deny
mcp:
  tiers: {}                 # e.g. { docs: T0, jira: T1, postgres: T2 }
  otherwise: T2
budget: { usd: 20, tokens: 2000000 }
limits: { minutes: 120, toolCalls: 400 }
commits: { requireAck: true }
`;
