import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { MISSION_ID } from '../../../src/core/mission/schema';
import { generateMissionId, isMissionPath, MissionFileError, missionFileFor } from '../../../src/vscode/missionForm/missionFile';

describe('mission form: ids and files', () => {
  it('generates M-YYYY-MM-DD-xxxx from the local date', () => {
    const id = generateMissionId(new Date(2026, 10, 21, 15, 0), () => Buffer.from([0, 25, 26, 35]));
    assert.equal(id, 'M-2026-11-21-az09');
    for (let i = 0; i < 200; i++) assert.match(generateMissionId(), MISSION_ID);
  });

  it('saves under .agentlane/missions/<id>.yaml', () => {
    assert.equal(missionFileFor('/ws', 'M-2026-11-21-ab12'), path.resolve('/ws/.agentlane/missions/M-2026-11-21-ab12.yaml'));
  });

  const hostile = [
    '../../etc/passwd', 'M-2026-11-21-ab12/../../x', 'M-2026-11-21-ab12\n', 'M-2026-11-21-AB12', '/abs/M-2026-11-21-ab12',
    'M-2026-11-21-ab12.yaml', '', 'M-2026-11-21-ab12\\..\\..\\x', 'M-2026-11-21-ab1', 'M-2026-11-21-abcdefghijklm',
  ];
  for (const id of hostile) {
    it(`refuses the id ${JSON.stringify(id)}`, () => {
      assert.throws(() => missionFileFor('/ws', id), (e: unknown) => MissionFileError.is(e) && e.reason === 'bad-id');
    });
  }

  it('knows a mission file path', () => {
    assert.equal(isMissionPath('/ws/.agentlane/missions/M-1.yaml'), true);
    assert.equal(isMissionPath('C:\\ws\\.agentlane\\missions\\M-1.yml'), true);
    assert.equal(isMissionPath('/ws/.agentlane/policy.yaml'), false);
    assert.equal(isMissionPath('/ws/.agentlane/missions/sub/M-1.yaml'), false);
  });
});
