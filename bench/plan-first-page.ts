// Renders the first page of the plan document to docs/images/plan-first-page.png, as a ministry would see it:
// a demo workspace with a register, measures, indicators, two GRI runs and a committee meeting, exported to Word,
// converted to PDF by LibreOffice and rasterised by pdftoppm. Not part of npm test (needs
// `apt-get install -y libreoffice-writer poppler-utils`).
//   node bin/run-ts.js bench/plan-first-page.ts [--lang es] [--rows 300000] [--out FILE.png] [--pages N]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Workspace } from '../src/workspace/workspace.ts';
import { DEFAULT_ROWS, generateDemo } from '../src/demo/index.ts';
import { computeSegmentation, getConfig } from '../src/segmentation/index.ts';
import { importRegister } from '../src/plan/register/io.ts';
import { assignAction, createMeeting, propose, recordDecision, saveMember } from '../src/governance/index.ts';
import { gatherPlan } from '../src/plan/export/gather.ts';
import { writeDocument } from '../src/plan/export/docx.ts';
import { parseLanguage } from '../src/plan/export/labels.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    lang: { type: 'string', default: 'en' },
    rows: { type: 'string', default: String(DEFAULT_ROWS) },
    out: { type: 'string', default: join(root, 'docs', 'images', 'plan-first-page.png') },
    pages: { type: 'string', default: '1' },
  },
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const year = new Date().getUTCFullYear();

// The note's Annex 2 examples, with measures dated around today so that some are late and one is done.
const REGISTER = `vulnerabilities:
  - id: V-001
    process_code: "1.1.1"
    description: Insufficient and untimely sea manifest data
    institutional_risk: Legal framework
    compliance_risks: [Contraband, Origin]
    effects: { image: Medium, security: High, tax: High, trade: Medium }
    occurrence: { "${year - 3}": Y, "${year - 2}": Y, "${year - 1}": Y, "${year}": Y }
    measures:
      - { id: M-001, description: Make transmission of sea manifest data mandatory in the customs code, responsible_unit: Legal, supporting_units: [Risk management, IT], expected: ${day(-45)}, depends_on: [M-003] }
      - { id: M-002, description: Sanctions for shipping lines that file late, responsible_unit: Legal, expected: ${day(120)} }
    indicators:
      - id: I-001
        name: Advance sea manifests
        numerator: Shipments whose sea manifest was filed electronically in advance
        denominator: Shipments arrived
        goal: 90
        values: [{ period: "${year - 2}", numerator: 5478, denominator: 16392 }, { period: "${year - 1}", numerator: 9120, denominator: 17003 }]
  - id: V-002
    process_code: "1.1.2"
    description: Manifest procedures not written down in the operational manual
    institutional_risk: Procedures
    compliance_risks: [Contraband]
    effects: { image: Medium, security: High, tax: Medium, trade: Medium }
    occurrence: { "${year - 3}": N, "${year - 2}": Y, "${year - 1}": Y, "${year}": Y }
    measures:
      - { id: M-003, description: Amend the manifest chapter of the operational manual, responsible_unit: Operations, expected: ${day(-120)}, status: done, completed_on: ${day(-100)} }
  - id: V-003
    process_code: "1.3.5"
    description: Lack of electronic customs value declaration
    institutional_risk: IT system
    compliance_risks: [Valuation]
    effects: { image: Low, security: Low, tax: High, trade: Medium }
    occurrence: { "${year - 3}": N, "${year - 2}": Y, "${year - 1}": Y, "${year}": Y }
    measures:
      - { id: M-004, description: Electronic value declaration in the clearance system, responsible_unit: IT, expected: ${day(200)} }
    indicators:
      - id: I-002
        name: Value declarations filed electronically
        numerator: Declarations with an electronic value declaration
        denominator: Declarations
        goal: 100
        values: [{ period: "${year - 1}", numerator: 0, denominator: 48210 }]
`;

async function main(): Promise<void> {
  const lang = parseLanguage(args.lang!);
  const dir = join(root, 'bench-output', 'plan-first-page');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ws = await Workspace.open(join(dir, 'ws'), { create: true });
  try {
    await generateDemo(ws, { rows: Number(args.rows) });
    await ws.setSetting('currency', 'USD');
    // The previous run: the window ending six months before the data's end (as a run made then would have).
    const cfg = (await getConfig(ws)).config;
    const last = (await ws.scalar<string>('SELECT max(date)::VARCHAR FROM declaration_lines'))!;
    const earlier = (await ws.scalar<string>(`SELECT ($d::DATE - INTERVAL 6 MONTH)::DATE::VARCHAR`, { d: last }))!;
    await computeSegmentation(ws, { config: { ...cfg, window: { ...cfg.window, end: earlier } } });
    await computeSegmentation(ws);
    writeFileSync(join(dir, 'register.yaml'), REGISTER);
    await importRegister(ws, 'ana', join(dir, 'register.yaml'));
    const chair = await saveMember(ws, 'ana', { name: 'Marta Ruiz', role: 'head', unit: 'Head office' });
    await saveMember(ws, 'ana', { name: 'Jon Ortiz', role: 'coordinator', unit: 'Risk management' });
    const m = await createMeeting(ws, 'ana', { heldOn: day(-20), chair: chair.name, planItems: false });
    await recordDecision(ws, 'ana', m.ref, {
      subjectType: 'measure',
      subjectId: 'M-001',
      outcome: 'instructed',
      text: 'Legal to table the amendment at the next reform package; report progress monthly.',
    });
    await recordDecision(ws, 'ana', m.ref, {
      subjectType: 'vulnerability',
      subjectId: 'V-003',
      outcome: 'noted',
      text: 'IT to cost the electronic value declaration before the budget round.',
    });
    await assignAction(ws, 'ana', m.ref, {
      description: 'Cost the electronic value declaration',
      ownerUnit: 'IT',
      dueDate: day(-5),
    });
    await propose(
      ws,
      'jon',
      'treatment',
      { size: 'large', risk: 'high', patch: { how: 'Joint audit team with the tax administration' } },
      'Large high-risk operators: joint audits with the tax administration',
    );
    const plan = await gatherPlan(ws, { language: lang });
    const docx = join(dir, `plan-${lang}.docx`);
    await writeDocument(plan, docx);
    execFileSync('libreoffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, docx], { stdio: 'ignore' });
    const pdf = docx.replace(/\.docx$/, '.pdf');
    const pages = Number(args.pages);
    const prefix = join(dir, 'page');
    execFileSync('pdftoppm', ['-png', '-r', '100', '-f', '1', '-l', String(pages), pdf, prefix]);
    const out = resolve(args.out!);
    mkdirSync(dirname(out), { recursive: true });
    const first = execFileSync('ls', [dir], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.startsWith('page'))
      .sort();
    copyFileSync(join(dir, first[0]), out);
    console.log(`${docx}\n${pdf}\nfirst page: ${out}${pages > 1 ? `\nother pages: ${first.slice(1).join(', ')}` : ''}`);
  } finally {
    ws.close();
  }
}

await main();
