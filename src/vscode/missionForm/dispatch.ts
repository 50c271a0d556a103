/** Page → host messages of the mission form, parsed before anything acts on them. Pure. */
import { MissionFormPageMessage } from '../webview/protocol/missionForm';

export type MissionFormCommand = MissionFormPageMessage | { type: 'rejected'; reason: string };

export function dispatchMissionFormMessage(raw: unknown): MissionFormCommand {
  const parsed = MissionFormPageMessage.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { type: 'rejected', reason: `invalid mission form message: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown shape'}` };
}
