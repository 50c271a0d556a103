/** Where an organisation puts its managed policy, per platform (README "Layers"). */
export function defaultManagedPolicyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'darwin': return '/Library/Application Support/AgentLane/policy.yaml';
    case 'win32': return `${env.ProgramData ?? 'C:\\ProgramData'}\\AgentLane\\policy.yaml`;
    default: return '/etc/agentlane/policy.yaml';
  }
}

export const WORKSPACE_POLICY = '.agentlane/policy.yaml';
export const POLICY_TESTS = '.agentlane/policy.test.yaml';
