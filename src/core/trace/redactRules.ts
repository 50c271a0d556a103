/**
 * The secret rule set used by redact.ts.
 *
 * Why a table and not a library: the maintained option, secretlint
 * (`@secretlint/secretlint-rule-preset-recommend` + `@secretlint/core`), only runs through an async
 * `lintSource` over a whole "file" and pulls a profiler, a config loader and structured-source in;
 * redaction sits on the broker's hot path, synchronously, on one short command. So the patterns
 * are ported from the two projects below, keeping their rule ids so findings can be compared:
 *
 *   - gitleaks default config `config/gitleaks.toml` (github.com/gitleaks/gitleaks, MIT)
 *   - secretlint rules `secretlint-rule-basicauth`, `-anthropic`, `-privatekey` (MIT)
 *
 * Deliberate changes from gitleaks: the provider-prefixed patterns accept any length past a
 * safe minimum (a truncated or test key still leaks the real prefix of a real key, and a false
 * positive only costs readability), and there are no path/stopword allowlists — we redact, we
 * do not report, so an over-match is cheap and an under-match is a secret at rest.
 *
 * Each rule masks either the whole match or one capture group (`group`); `accept` filters a
 * candidate (entropy, variable references). Every rule has positive and negative examples in
 * test/unit/trace/redact.test.ts — add one there with every change here.
 */

export interface SecretRule {
  id: string;
  /** Must carry the `g` flag; `d` is added for group offsets. */
  pattern: RegExp;
  /** Capture group holding the secret; 0 (default) masks the whole match, -1 the first group that matched. */
  group?: number;
  accept?: (secret: string) => boolean;
  source: string;
}

/** Shannon entropy in bits per character, as gitleaks' `entropy` threshold uses. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const freq = new Map<string, number>();
  for (const ch of s) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `<placeholder>`: references to a secret, not the secret. */
function isReference(v: string): boolean {
  return /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\(.*|%[A-Za-z_][A-Za-z0-9_]*%|<[^>]*>|\*+|x{3,}|\.\.\.)$/i.test(v);
}

const notReference = (v: string): boolean => !isReference(v);
const looksRandom = (min: number) => (v: string): boolean =>
  !isReference(v) && v.length >= 8 && shannonEntropy(v) >= min;

/** Keys whose value is a secret whatever it looks like. */
const PASSWORD_KEY = String.raw`[\w.-]*(?:passw(?:or)?d|passphrase|pwd|secret)[\w.-]*`;
/** Keys whose value is a secret when it looks random (avoids `max_tokens=100`). */
const TOKEN_KEY = String.raw`[\w.-]*(?:token|api[_-]?key|apikey|(?:access|account|auth|client|private|signing|encryption|master)[_-]?key|credentials?|auth)[\w.-]*`;
const VALUE = String.raw`([^\s"'&;|,)}\]]+)`;
/**
 * `key=v`, `key: v`, `"key": "v"`, `--key=v`, and — only for flags, so prose such as
 * "password reset" stays readable — `--key v`. The value is the first defined group.
 */
function assignment(key: string): RegExp {
  const eq = String.raw`(?<![\w-])${key}["']?\s*[=:]\s*["']?${VALUE}`;
  const flag = String.raw`(?<![\w-])--?${key}\s+["']?${VALUE}`;
  return new RegExp(`${eq}|${flag}`, 'gi');
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    // gitleaks `private-key`; an unterminated block (truncated paste) is masked to the end.
    pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|$)/g,
    source: 'gitleaks private-key; secretlint-rule-privatekey',
  },
  {
    id: 'aws-access-token',
    pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
    source: 'gitleaks aws-access-token',
  },
  {
    id: 'github-token',
    pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{22,})\b/g,
    source: 'gitleaks github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat',
  },
  {
    id: 'gitlab-token',
    pattern: /\bgl(?:pat|ptt|dt|rt)-[\w-]{20,}/g,
    source: 'gitleaks gitlab-pat, gitlab-ptt, gitlab-deploy-token, gitlab-rrt',
  },
  {
    id: 'slack-token',
    pattern: /\b(?:xox[abeoprs]-[0-9A-Za-z-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)/g,
    source: 'gitleaks slack-bot-token, slack-user-token, slack-legacy-*, slack-app-token',
  },
  {
    id: 'slack-webhook-url',
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/]{20,})/g,
    group: 1,
    source: 'gitleaks slack-webhook-url',
  },
  {
    id: 'stripe-access-token',
    pattern: /\b(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}\b/g,
    source: 'gitleaks stripe-access-token',
  },
  {
    id: 'gcp-api-key',
    pattern: /\bAIza[\w-]{35}(?![\w-])/g,
    source: 'gitleaks gcp-api-key',
  },
  {
    id: 'anthropic-api-key',
    pattern: /\bsk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,}/g,
    source: 'gitleaks anthropic-api-key, anthropic-admin-api-key; secretlint-rule-anthropic',
  },
  {
    id: 'openai-api-key',
    // gitleaks pins the `T3BlbkFJ` marker; any `sk-` + 20 key characters is masked here instead.
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    source: 'gitleaks openai-api-key (relaxed)',
  },
  {
    id: 'npm-access-token',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/g,
    source: 'gitleaks npm-access-token',
  },
  {
    id: 'huggingface-access-token',
    pattern: /\bhf_[A-Za-z]{34}\b/g,
    source: 'gitleaks huggingface-access-token',
  },
  {
    id: 'sendgrid-api-token',
    pattern: /\bSG\.[\w-]{22}\.[\w-]{43}\b/g,
    source: 'gitleaks sendgrid-api-token',
  },
  {
    id: 'jwt',
    pattern: /\bey[A-Za-z0-9]{17,}\.ey[A-Za-z0-9/\\_-]{17,}\.(?:[A-Za-z0-9/\\_-]{10,}={0,2})?/g,
    source: 'gitleaks jwt',
  },
  {
    id: 'authorization-header',
    // `Authorization: Bearer x`, `Authorization: Basic x`, `Authorization: token x`, `x-api-key: x`.
    pattern: /\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:(?:bearer|basic|token|digest|apikey)\s+)?([^\s"'\\]+)|\bx-(?:[a-z]+-)?(?:api-)?(?:key|token)\s*:\s*([^\s"'\\]+)/gi,
    group: -1,
    source: 'gitleaks curl-auth-header',
  },
  {
    id: 'url-userinfo',
    // `scheme://user:password@host` — the password only; the user stays readable.
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:([^\s/@'"]+)@/gi,
    group: 1,
    accept: notReference,
    source: 'secretlint-rule-basicauth; gitleaks generic credentials in URI',
  },
  {
    id: 'curl-user',
    pattern: /(?:^|\s)(?:-u|--user)(?:=|\s+)["']?[^\s:"']+:([^\s"']+)/g,
    group: 1,
    accept: notReference,
    source: 'gitleaks curl-auth-user',
  },
  {
    id: 'cli-password-flag',
    // mysql/mariadb `-pSECRET`, sshpass `-p SECRET`.
    pattern: /\b(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n|;&]*?\s-p([^\s"']+)|\bsshpass\s+-p\s*["']?([^\s"']+)/g,
    group: -1,
    accept: notReference,
    source: 'agentlane (mysql -p / sshpass -p)',
  },
  {
    id: 'secret-env-assignment',
    // `FOO_API_KEY=…`, `export DB_PASSWORD=…`: any value of a secret-named variable.
    pattern: /\b([A-Z][A-Z0-9_]*_(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH))=(["']?)([^\s"';&|]+)/g,
    group: 3,
    accept: looksRandom(2.5),
    source: 'gitleaks generic-api-key (entropy 2.5 over 8+ characters)',
  },
  {
    id: 'password-assignment',
    pattern: assignment(PASSWORD_KEY),
    group: -1,
    accept: notReference,
    source: 'gitleaks generic-api-key (password keywords, any value)',
  },
  {
    id: 'token-assignment',
    pattern: assignment(TOKEN_KEY),
    group: -1,
    accept: looksRandom(3),
    source: 'gitleaks generic-api-key (entropy 3 over 8+ characters)',
  },
];
