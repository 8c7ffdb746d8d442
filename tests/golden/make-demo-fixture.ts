// How tests/fixtures/golden/demo/*.parquet was made (2026-12-03, before issue #15): a 20,000-line demo workspace,
// seed 42, amounts rounded so the files stay small. Kept for the record; the golden test reads the Parquet files,
// so later changes to the demo generator do not change its input. Usage: node bin/run-ts.js THIS_FILE OUT_DIR
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { DEMO_TABLES } from './snapshot.ts';

const out = process.argv[2];
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'cip-golden-demo-'));
const ws = await Workspace.open(dir, { create: true });
try {
  await generateDemo(ws, { rows: 20_000, seed: 42 });
  await ws.run(`UPDATE declaration_lines SET value = round(value), vat = round(vat), duty = round(duty), excise = round(excise),
    net_mass_kg = greatest(round(net_mass_kg), 1), quantity = NULL, release_hours = round(release_hours),
    amount_reassessed = round(amount_reassessed), amount_collected = round(amount_collected), source_row = NULL, import_id = NULL`);
  for (const t of DEMO_TABLES) {
    await ws.run(
      `COPY (SELECT * FROM ${t} ORDER BY ALL) TO '${join(out, `${t}.parquet`)}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)`,
    );
  }
} finally {
  ws.close();
  rmSync(dir, { recursive: true, force: true });
}
