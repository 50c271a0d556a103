/**
 * The agent's environment must not carry the lane's secrets (invariant 10): ledger URLs and
 * database credentials are for the lane, and anything in the agent's environment is readable by
 * every command it runs.
 */
const SECRET_NAMES = /^(AGENTLANE_LEDGER.*|AGENTLANE_HOOK_TOKEN.*|PG[A-Z_]*|DATABASE_URL|POSTGRES_[A-Z_]*|OTEL_EXPORTER_OTLP_.*HEADERS)$/;

export function scrubLaneSecrets(env: Record<string, string | undefined>, extraSecrets: string[] = []): Record<string, string> {
  const secrets = extraSecrets.filter((s) => s.length >= 6);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SECRET_NAMES.test(k)) continue;
    if (secrets.some((s) => v.includes(s))) continue;
    out[k] = v;
  }
  return out;
}

/** The password (and the whole URL) of a ledger address, to be kept out of the agent's env. */
export function ledgerSecrets(url: string | undefined): string[] {
  if (!url) return [];
  const out = [url];
  try {
    const u = new URL(url);
    if (u.password) out.push(decodeURIComponent(u.password));
  } catch { /* a directory path */ }
  return out;
}
