// The CLI refuses to edit a signed-off meeting with a clear message and accepts a correction entry.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import {
  createMeeting,
  getMeeting,
  recordAttendance,
  saveMember,
  setSetting,
  signOff,
  writeMinutes,
} from '../../src/governance/index.ts';
import { writeFileSync } from 'node:fs';
import { cip, cipJson } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** Everyone called is recorded present (sign-off needs the attendance of every member). */
const attendAll = async (ws: Workspace, ref: string) =>
  recordAttendance(ws, 'ana', ref, { present: (await getMeeting(ws, ref)).attendees.map((a) => a.memberId) });

const CLI_TIMEOUT = 300_000;

describe('cip meeting on a signed-off record', () => {
  it(
    'minutes refused (exit 1, message naming the meeting and what to do); correction accepted; --json output',
    async () => {
      const dir = join(tmpDir(), 'w');
      const ws = await Workspace.open(dir, { create: true });
      await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office', account: 'marta' });
      await createMeeting(ws, 'ana', { heldOn: '2026-04-02', chair: 'Marta Ruiz', ref: 'RMC-2026-04' });
      await writeMinutes(ws, 'ana', 'RMC-2026-04', 'general', 'Quorum reached.');
      await attendAll(ws, 'RMC-2026-04');
      await signOff(ws, 'marta', 'RMC-2026-04');
      ws.close();
      const r = cip([
        'meeting',
        'minutes',
        'RMC-2026-04',
        '-w',
        dir,
        '--item',
        'general',
        '--text',
        'rewritten',
        '--user',
        'ana',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: meeting RMC-2026-04 was signed off by marta on \d{4}-\d{2}-\d{2}: its record cannot be edited; add a correction entry instead \(cip meeting correct RMC-2026-04 --item <key> --text <correction>\)\n$/,
      );
      const e = cipJson<{ entryNo: number; kind: string; author: string }>([
        'meeting',
        'correct',
        'RMC-2026-04',
        '-w',
        dir,
        '--item',
        'general',
        '--text',
        'Quorum reached at 10:15.',
        '--user',
        'ana',
      ]);
      expect(e).toMatchObject({ entryNo: 2, kind: 'correction', author: 'ana' });
      const shown = cipJson<{ status: string; minutes: { kind: string; body: string }[] }>([
        'meeting',
        'show',
        'RMC-2026-04',
        '-w',
        dir,
      ]);
      expect(shown.status).toBe('signed');
      expect(shown.minutes.map((m) => `${m.kind}: ${m.body}`)).toEqual([
        'minute: Quorum reached.',
        'correction: Quorum reached at 10:15.',
      ]);
    },
    CLI_TIMEOUT,
  );

  it(
    "cip gri config set is refused while GRI configurations need the committee's approval, accepted once it is off",
    async () => {
      const dir = join(tmpDir(), 'g');
      const ws = await Workspace.open(dir, { create: true });
      await setSetting(ws, 'ana', 'approval.gri_config', 'true');
      ws.close();
      const file = join(dir, 'weights.yaml');
      writeFileSync(file, 'weights:\n  method: frequency\n');
      const r = cip(['gri', 'config', 'set', file, '-w', dir, '--user', 'ana']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "need the committee's approval (setting approval.gri_config): propose it with 'cip approvals propose gri_config'",
      );
      expect(cipJson<unknown[]>(['gri', 'config', 'history', '-w', dir])).toEqual([]);
      const off = await Workspace.open(dir);
      await setSetting(off, 'ana', 'approval.gri_config', 'false');
      off.close();
      expect(cip(['gri', 'config', 'set', file, '-w', dir, '--user', 'ana']).code).toBe(0);
    },
    CLI_TIMEOUT,
  );
});
