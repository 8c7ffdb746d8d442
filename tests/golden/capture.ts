// Writes the golden results (tests/fixtures/golden/{demo,kcs}.json) — run ONCE with the code whose results are
// the reference (see snapshot.ts): `node bin/run-ts.js tests/golden/capture.ts`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { demoGolden, kcsGolden, loadDemoFixture, loadKcs, type Golden } from './snapshot.ts';

const OUT = process.env.GOLDEN_OUT ?? join(import.meta.dirname, '..', 'fixtures', 'golden');

async function capture(name: string, load: (ws: Workspace) => Promise<void>, snap: (ws: Workspace) => Promise<Golden>) {
  const dir = mkdtempSync(join(tmpdir(), 'cip-golden-'));
  const ws = await Workspace.open(join(dir, 'ws'), { create: true });
  try {
    await load(ws);
    const g = await snap(ws);
    writeFileSync(join(OUT, `${name}.json`), JSON.stringify(g) + '\n');
    console.log(`${name}: written`);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await capture('demo', loadDemoFixture, demoGolden);
await capture('kcs', loadKcs, kcsGolden);
