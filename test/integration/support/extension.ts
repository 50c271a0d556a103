/** Reaching the real Agent Lane extension from inside the extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AgentLaneApi } from '../../../src/vscode/extension';

export const EXTENSION_ID = 'agentlane.agent-lane';

export function agentLane(): vscode.Extension<AgentLaneApi> {
  const ext = vscode.extensions.getExtension<AgentLaneApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

export async function activatedApi(): Promise<AgentLaneApi> {
  return agentLane().activate();
}
