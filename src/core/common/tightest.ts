/**
 * The tightest (smallest) numeric setting across policy layers. Lives below policy and budget
 * so the budget meter can take its caps without importing the policy compiler.
 */
export function tightest<L, S extends { value: number }>(layers: readonly L[], pick: (layer: L) => S | undefined): S | undefined {
  let best: S | undefined;
  for (const l of layers) {
    const s = pick(l);
    if (s && (!best || s.value < best.value)) best = s;
  }
  return best;
}
