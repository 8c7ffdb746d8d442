// HTTP load benchmark of the web server (issue #6): 50 concurrent connections on the segmentation and
// operator endpoints over a demo workspace of 10M declaration lines (generateDemo + computeSegmentation).
// `npm run bench http`; BENCH_HTTP_ROWS=200000 for a quick run; BENCH_HTTP_ONLY=login runs only the sign-in part
// (a login flood of 50 connections beside 10 authenticated writers, and known vs unknown user timing). The workspace is kept in
// bench-output/http-<rows> so a second run skips generation. Figures go to docs/benchmarks/server.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Workspace } from '../src/workspace/workspace.ts';
import { generateDemo } from '../src/demo/index.ts';
import { computeSegmentation, explainOperator } from '../src/segmentation/index.ts';
import { startServer } from '../src/server/index.ts';
import { syncUnits } from '../src/server/units.ts';
import { addUser, getUserByName } from '../src/server/users.ts';
import { allRoutes } from '../src/server/routes/index.ts';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROWS = Number(process.env.BENCH_HTTP_ROWS ?? 10_000_000);
/** Seconds per endpoint of the every-read run (issue #15: every API read p99 < 300 ms, uncached). */
const READ_SECONDS = Number(process.env.BENCH_HTTP_READ_SECONDS ?? 10);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 20);
const CONNECTIONS = 50;
const PASSWORD = 'bench-password-1';
/** Operators the operator-page run cycles through: more than it requests, so answers come from the database, not the answer cache. */
const IDS = 50_000;
const TIMING_USERS = 20;
/** Unknown user names are new in every run (failures of earlier runs would delay them: 429 without a hash). */
const RUN = Date.now().toString(36);

async function prepare(dir: string): Promise<{ ids: string[]; sample: Sample }> {
  const fresh = !existsSync(join(dir, 'workspace.duckdb'));
  mkdirSync(dir, { recursive: true });
  const ws = await Workspace.open(dir, { create: true });
  try {
    if (fresh || Number(await ws.scalar('SELECT count(*) FROM declaration_lines')) === 0) {
      const t = performance.now();
      const demo = await generateDemo(ws, { rows: ROWS });
      console.log(
        `demo: ${demo.rows.toLocaleString('en')} lines, ${demo.operators.toLocaleString('en')} operators in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    // A kept workspace may hold a GRI run of an older version (the operator page then asks for a recompute).
    const probe = await ws.scalar<string | null>('SELECT any_value(operator_id) FROM operator_segments');
    if (
      !probe ||
      !(await explainOperator(ws, probe).then(
        () => true,
        () => false,
      ))
    ) {
      const t = performance.now();
      const run = await computeSegmentation(ws);
      console.log(
        `GRI: ${run.operators.toLocaleString('en')} operators in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    await syncUnits(ws);
    if (!(await getUserByName(ws, 'bench')))
      await addUser(ws, { username: 'bench', roles: 'coordinator', password: PASSWORD });
    for (let i = 0; i < TIMING_USERS; i++)
      if (!(await getUserByName(ws, `timing-${i}`)))
        await addUser(ws, { username: `timing-${i}`, roles: 'auditor', password: PASSWORD });
    await ws.run(
      "DELETE FROM server_login_failures WHERE username LIKE 'timing-%' OR username IN ('bench', 'flood-target')",
    );
    const ids = (
      await ws.all<{ operator_id: string }>(
        `SELECT operator_id FROM operator_segments USING SAMPLE ${IDS} ROWS (reservoir, 7)`,
      )
    ).map((r) => r.operator_id);
    console.log(
      `workspace ${dir}: ${Number(await ws.scalar('SELECT count(*) FROM declaration_lines')).toLocaleString('en')} lines, ${Number(await ws.scalar('SELECT count(*) FROM operator_segments')).toLocaleString('en')} scored operators`,
    );
    const hs = String(
      await ws.scalar('SELECT hs_code FROM declaration_lines GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'),
    );
    const treatment = await ws.scalar<string | null>('SELECT any_value(treatment) FROM treatments_applied');
    return { ids, sample: { operator: ids[0], hs, treatment, backtest: null } };
  } finally {
    ws.close();
  }
}

async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.1.0.1' },
    body: JSON.stringify({ username: 'bench', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrf: string };
  return {
    cookie: res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    csrf: body.csrf,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wrong passwords for known accounts and for unknown names, each from its own address: the medians should match. */
async function loginTiming(url: string): Promise<{ known: number; unknown: number }> {
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < TIMING_USERS * 2; i++) {
    const username = i % 2 === 0 ? `timing-${i >> 1}` : `nobody-${RUN}-${i}`;
    const t = performance.now();
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.2.0.${i}` },
      body: JSON.stringify({ username, password: 'wrong-password-1' }),
    });
    await res.text();
    (i % 2 === 0 ? known : unknown).push(performance.now() - t);
  }
  return { known: median(known), unknown: median(unknown) };
}

/** Changes a second from the 10 writers together: each writes every 2 s, far above a customs office's pace. */
const WRITER_RATE = 5;
/** At least 150 changes per run, so the p99 is not the single worst answer. */
const LOGIN_SECONDS = Math.max(SECONDS, 30);

/**
 * 10 writers, each sending PUT /api/me/language (a transaction with a history entry) every 10/WRITER_RATE s, the
 * writers staggered so the changes arrive evenly (autocannon's overallRate sends each second's requests at once,
 * which measures a queue of its own making). Open loop: a slow answer does not delay the next change.
 */
async function pacedWriters(
  url: string,
  session: { cookie: string; csrf: string },
  seconds: number,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const gap = 1000 / WRITER_RATE;
  const end = performance.now() + seconds * 1000;
  const pending: Promise<void>[] = [];
  for (let k = 0; performance.now() < end; k++) {
    const due = end - seconds * 1000 + k * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(
      fetch(`${url}/api/me/language`, {
        method: 'PUT',
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrf,
          'content-type': 'application/json',
          'x-forwarded-for': `10.1.0.${1 + (k % 10)}`,
        },
        body: JSON.stringify({ language: 'en' }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.ok) latencies.push(performance.now() - t);
          else errors++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  return { latencies, errors };
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]) : NaN;
};

/**
 * The paced writers alone, then beside a flood of 50 sign-in connections (wrong passwords, one address); the
 * writers' p99 beside the flood is the target (< 100 ms). Then the write capacity: 10 writers as fast as the server
 * answers (changes are serial, so their latency is the queue's).
 */
async function loginFlood(url: string, session: { cookie: string; csrf: string }): Promise<string[]> {
  const alone = await pacedWriters(url, session, LOGIN_SECONDS);
  const load = () => `load average ${loadavg()[0].toFixed(1)}`;
  const loadBefore = load();
  const [beside, flood] = await Promise.all([
    pacedWriters(url, session, LOGIN_SECONDS),
    autocannon({
      url: `${url}/api/auth/login`,
      connections: CONNECTIONS,
      duration: LOGIN_SECONDS,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.3.0.1' },
      body: JSON.stringify({ username: 'flood-target', password: 'not-the-password' }),
    }),
  ]);
  console.log(`${loadBefore} before the flood, ${load()} after (2 cores)`);
  const capacity = await autocannon({
    url: `${url}/api/me/language`,
    connections: 10,
    duration: SECONDS,
    method: 'PUT',
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      'content-type': 'application/json',
      'x-forwarded-for': '10.1.0.1',
    },
    body: JSON.stringify({ language: 'en' }),
  });
  const line = (name: string, r: Result) =>
    `| ${name} | ${r.requests.total.toLocaleString('en')} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.errors + r.timeouts} | ${r.non2xx} |`;
  const paced = (name: string, r: { latencies: number[]; errors: number }) =>
    `| ${name} | ${r.latencies.length + r.errors} | ${WRITER_RATE} | ${pct(r.latencies, 0.5)} | ${pct(r.latencies, 0.99)} | ${pct(r.latencies, 1)} | ${r.errors} | 0 |`;
  const p99 = pct(beside.latencies, 0.99);
  const ok = p99 < 100 && beside.errors === 0;
  console.log(
    `writers' p99 beside the flood < 100 ms (issue #13): ${ok ? 'met' : 'not met'} (${p99} ms; alone ${pct(alone.latencies, 0.99)} ms)`,
  );
  return [
    paced(`PUT /api/me/language, 10 writers, ${WRITER_RATE} changes/s evenly, alone`, alone),
    paced(`PUT /api/me/language, 10 writers, ${WRITER_RATE} changes/s evenly, beside the flood`, beside),
    line(`POST /api/auth/login flood, ${CONNECTIONS} connections (wrong password)`, flood),
    line('PUT /api/me/language, 10 writers as fast as answered (write capacity)', capacity),
  ];
}

interface Sample {
  operator: string;
  hs: string;
  treatment: string | null;
  backtest: Record<string, string> | null;
}

/**
 * The path (with a sample for each path parameter and required query parameter) of every JSON read of the API, or
 * null when the demo workspace has nothing to fill it with (meeting references, measure ids).
 */
function readPaths(sample: Sample): { url: string; path: (i: number) => string }[] {
  const out: { url: string; path: (i: number) => string }[] = [];
  for (const r of allRoutes) {
    if (r.method !== 'GET' || 'file' in r || r.access === 'public') continue;
    let url = r.url;
    if (url.includes(':')) {
      if (url.startsWith('/api/segmentation/hs/:code')) url = url.replace(':code', encodeURIComponent(sample.hs));
      else if (url === '/api/users/:username') url = url.replace(':username', 'bench');
      else if (url !== '/api/operators/:id') continue;
    }
    const query: Record<string, string> = {};
    if (url === '/api/backtest') {
      if (!sample.backtest) continue;
      Object.assign(query, sample.backtest);
    }
    if (url === '/api/effect') {
      if (!sample.treatment) continue;
      query.treatment = sample.treatment;
    }
    const base = url;
    out.push({
      url: r.url,
      path: (i) => {
        const u = base === '/api/operators/:id' ? `/api/operators/${encodeURIComponent(sample.operator + '')}` : base;
        const q = new URLSearchParams(query).toString();
        return q ? `${u}?${q}` : u;
      },
    });
  }
  return out;
}

/** Every JSON read, 50 connections, READ_SECONDS each, uncached: p99 against 300 ms. */
async function everyRead(url: string, cookie: string, sample: Sample, ids: string[]): Promise<void> {
  const rows: string[] = [];
  let met = 0;
  let total = 0;
  let k = 1_000_000;
  for (const e of readPaths(sample)) {
    const path =
      e.url === '/api/operators/:id'
        ? (i: number) => `/api/operators/${encodeURIComponent(ids[i % ids.length])}`
        : e.path;
    const r = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: READ_SECONDS,
      headers: { cookie },
      timeout: 60,
      requests: [{ setupRequest: (q: Record<string, unknown>) => ({ ...q, path: path(k++) }) }],
    });
    const ok = r.latency.p99 < 300 && r.errors + r.timeouts + r.non2xx === 0;
    met += ok ? 1 : 0;
    total++;
    const line = `| GET ${e.url} | ${r.requests.total.toLocaleString('en')} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.errors + r.timeouts} | ${r.non2xx} | ${ok ? 'met' : 'not met'} |`;
    rows.push(line);
    console.log(line);
  }
  console.log(
    `\nevery API read, uncached (a nonce per request), ${CONNECTIONS} connections, ${READ_SECONDS} s each, ${ROWS.toLocaleString('en')} demo lines, load average ${loadavg()[0].toFixed(1)}: p99 < 300 ms met by ${met} of ${total}`,
  );
  console.log(
    '| endpoint | requests | p50 ms | p99 ms | max ms | errors | non-2xx | p99 < 300 ms |\n|---|---|---|---|---|---|---|---|\n' +
      rows.join('\n'),
  );
}

/** `cip serve` on the workspace in a child process; resolves with its address once it listens. */
async function serveChild(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const cip = join(import.meta.dirname, '..', 'bin', 'cip.js');
  const child = spawn(process.execPath, [cip, 'serve', '-w', dir, '--port', '0', '--no-web'], {
    env: { ...process.env, CIP_TRUST_PROXY: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /CIP Workbench at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`cip serve exited (${code}): ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

export async function main(): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'bench-output', `http-${ROWS}`);
  const { ids, sample } = await prepare(dir);
  // Addresses from X-Forwarded-For, so the timing probes, the writers and the flood each have their own.
  process.env.CIP_TRUST_PROXY = '1';
  const rows: string[] = [];
  const server = await startServer({ workspace: dir, port: 0, web: false });
  try {
    const session = await login(server.url);
    const cookie = session.cookie;
    const sizes = ['large', 'medium', 'small'];
    const levels = ['high', 'medium', 'low'];
    const sorts = ['gri', 'total_value', 'lines', 'name'];
    let k = 0;
    const scenarios: { name: string; path: (i: number) => string }[] = [
      {
        name: 'GET /api/segmentation/table4?extended=true (heat map, Tables 4 / extended)',
        path: () => '/api/segmentation/table4?extended=true',
      },
      {
        name: 'GET /api/segmentation/operators (drill-down: segment × sort × page)',
        path: (i) =>
          `/api/segmentation/operators?size=${sizes[i % 3]}&level=${levels[(i >> 2) % 3]}&sort=${sorts[i % 4]}&offset=${(i % 5) * 50}&limit=50`,
      },
      {
        name: 'GET /api/operators/:id (operator page with GRI explanation)',
        path: (i) => `/api/operators/${encodeURIComponent(ids[i % ids.length])}`,
      },
    ];
    const only = process.env.BENCH_HTTP_ONLY;
    for (const s of only === 'login' ? [] : scenarios) {
      // Warm-up (first queries compile and load pages), then the measured run.
      await autocannon({
        url: server.url,
        connections: 10,
        duration: 2,
        headers: { cookie },
        requests: [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, path: s.path(k++) }) }],
      });
      const r = await autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { cookie },
        requests: [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, path: s.path(k++) }) }],
      });
      const line = `| ${s.name} | ${r.requests.total.toLocaleString('en')} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.errors + r.timeouts} | ${r.non2xx} |`;
      rows.push(line);
      console.log(line);
    }
  } finally {
    await server.close();
  }
  // The sign-in part against `cip serve` in its own process, as deployed: the load generator's work and garbage
  // collection do not pause the server's event loop.
  const served = await serveChild(dir);
  try {
    const timing = await loginTiming(served.url);
    console.log(
      `sign-in with a wrong password, median of ${TIMING_USERS}: known user ${timing.known.toFixed(1)} ms, unknown ${timing.unknown.toFixed(1)} ms`,
    );
    for (const line of await loginFlood(served.url, await login(served.url))) {
      rows.push(line);
      console.log(line);
    }
  } finally {
    await served.stop();
  }
  {
    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per endpoint, ${ROWS.toLocaleString('en')} demo lines`);
    console.log(
      '| endpoint | requests | req/s | p50 ms | p99 ms | max ms | errors | non-2xx |\n|---|---|---|---|---|---|---|---|\n' +
        rows.join('\n'),
    );
  }
  if (process.env.BENCH_HTTP_EVERY === '0' || process.env.BENCH_HTTP_ONLY === 'login') return;
  // Every read computed for each request: a server without the answer cache (it would serve repeats).
  const uncached = await startServer({ workspace: dir, port: 0, web: false, answerCache: false });
  try {
    const { cookie } = await login(uncached.url);
    // The backtest split the Backtest page opens on.
    const per = (await (await fetch(`${uncached.url}/api/backtest/periods`, { headers: { cookie } })).json()) as {
      proposal: Record<string, string> | null;
    };
    await everyRead(uncached.url, cookie, { ...sample, backtest: per.proposal }, ids);
  } finally {
    await uncached.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
