/**
 * Mission ids and where a mission is saved. The id becomes a file name, so the host checks it
 * against `MISSION_ID` before building a path and refuses anything that would land outside
 * `.agentlane/missions/`.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { AgentLaneError } from '../../core/common/errors';
import { MISSION_ID } from '../../core/mission/schema';

export const MISSIONS_DIR = path.join('.agentlane', 'missions');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class MissionFileError extends AgentLaneError<'bad-id' | 'outside-missions'> {}

/** `M-YYYY-MM-DD-xxxx` with today's local date and 4 random characters. */
export function generateMissionId(now: Date = new Date(), random: (n: number) => Buffer = randomBytes): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const suffix = [...random(4)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `M-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${suffix}`;
}

/** `<root>/.agentlane/missions/<id>.yaml`, or a MissionFileError for an id that is not a mission id. */
export function missionFileFor(root: string, id: string): string {
  if (!MISSION_ID.test(id)) {
    throw new MissionFileError('bad-id', `\`${id.slice(0, 80)}\` is not a mission id (expected M-YYYY-MM-DD-xxxx): nothing was saved`);
  }
  const dir = path.resolve(root, MISSIONS_DIR);
  const file = path.resolve(dir, `${id}.yaml`);
  if (path.dirname(file) !== dir) throw new MissionFileError('outside-missions', `refusing to write \`${file}\`: outside ${MISSIONS_DIR}`);
  return file;
}

/** True for files the form may open: YAML under some `.agentlane/missions/`. */
export function isMissionPath(file: string): boolean {
  return /(^|[\\/])\.agentlane[\\/]missions[\\/][^\\/]+\.ya?ml$/.test(file);
}
