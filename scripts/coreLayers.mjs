// The layers of src/core, lowest first (docs/ARCHITECTURE.md, "Layers"). A folder imports values
// only from lower layers, never from a sibling of its own layer or from above; eslint.config.mjs
// turns this table into import rules and test/unit/architecture.test.ts checks every folder of
// src/core is in it.
export const CORE_LAYERS = [
  { name: 'foundation', folders: ['common'] },
  { name: 'records and parsing', folders: ['trace', 'shell'] },
  { name: 'spend', folders: ['budget'] },
  { name: 'rules', folders: ['policy'] },
  { name: 'missions', folders: ['mission'] },
  { name: 'evidence', folders: ['ledger', 'audit', 'git'] },
  { name: 'containment', folders: ['sandbox', 'gateway'] },
  { name: 'agent adapters', folders: ['agents'] },
  { name: 'session', folders: ['session'] },
];
