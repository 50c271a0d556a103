/** Every id the manifest and the code share, in one place (checked by test/unit/manifest.test.ts). */
export const Commands = {
  openPolicy: 'agentLane.openPolicy',
  createPolicy: 'agentLane.createPolicy',
  reloadPolicy: 'agentLane.reloadPolicy',
  explainPath: 'agentLane.explainPath',
  startSession: 'agentLane.startSession',
  freezeSession: 'agentLane.freezeSession',
  unfreezeSession: 'agentLane.unfreezeSession',
  stopSession: 'agentLane.stopSession',
} as const;

export const Settings = {
  section: 'agentLane',
  managedPolicyFile: 'managedPolicyFile',
  agentCommand: 'agent.command',
} as const;

export const DIAGNOSTIC_COLLECTION = 'agentlane';
export const OUTPUT_CHANNEL = 'Agent Lane';
