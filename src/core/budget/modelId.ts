/** Model ids as agents write them, reduced to the family ids price tables use. */

/** Anthropic bills a request above this many prompt tokens at the long-context rate. */
export const LONG_CONTEXT_THRESHOLD = 200_000;

/**
 * Reduce a model id as written by Claude Code, Bedrock or Vertex to its family id:
 * `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, `us.anthropic.claude-opus-4-1-20250805-v1:0`
 * → `claude-opus-4-1`, `claude-sonnet-4-5@20250929` → `claude-sonnet-4-5`,
 * `claude-opus-4-6[1m]` → `claude-opus-4-6`. The `[1m]` suffix is Claude Code's alias for the
 * 1M window; the price difference is per request (long-context rates), not per alias.
 */
export function normaliseModelId(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/^(?:[a-z]{2,6}\.)?anthropic\./, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/@\d{8}$/, '')
    .replace(/-(?:\d{8}|latest)$/, '');
}
