/** Fixture builders for the mission form's pure modules. */
import type { FormValues } from '../../../src/vscode/webview/protocol/missionForm';

/** A complete, valid mission file as the form writes it (schema key order). */
export const FULL_MISSION_YAML = `version: 1
id: M-2026-11-21-ab12
title: Add rate limiting to the payments API
outcome: |-
  Every public payments endpoint answers 429 above 100 requests per minute per key.
  Load test shows p99 < 50 ms.
intentOwner:
  name: Ada Lovelace
  email: ada@example.com
supervisors:
  - name: Grace Hopper
    email: grace@example.com
  - name: Alan Turing
    email: alan@example.com
mode: build
scope:
  write:
    - src/payments/**
    - test/payments/**
  deny:
    - src/payments/legacy/**
  protect:
    - src/payments/config.ts
budget:
  usd: 12.5
  tokens: 2000000
limits:
  minutes: 90
  toolCalls: 300
expires: 2026-12-01T00:00:00Z
model: claude-sonnet-4-5
acceptance: npm test -- payments
classification: internal
risk: medium
attribution:
  team: payments-art-2
  valueStream: core-payments
  costCenter: CC-4410
`;

export function validValues(over: FormValues = {}): FormValues {
  return {
    id: 'M-2026-11-21-ab12',
    title: 'Add rate limiting',
    outcome: 'Every endpoint answers 429 above the limit',
    intentOwner: { name: 'Ada Lovelace', email: 'ada@example.com' },
    supervisors: [{ name: 'Grace Hopper', email: 'grace@example.com' }],
    mode: 'build',
    scope: { write: 'src/**', deny: '', protect: '' },
    budget: { usd: '', tokens: '' },
    limits: { minutes: '', toolCalls: '' },
    expires: '',
    model: '',
    acceptance: '',
    classification: 'internal',
    risk: 'low',
    attribution: { team: '', valueStream: '', costCenter: '' },
    ...over,
  };
}
