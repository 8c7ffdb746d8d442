// File identity for idempotent imports: the SHA-256 of the whole file, computed on a worker thread so it runs
// while DuckDB imports (the main thread executes DuckDB tasks too), and a cheap fingerprint (size + SHA-256 of
// the first and last MiB) to spot a likely re-import before any work is done.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { SourceError } from './source.ts';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

const MIB = 1024 * 1024;

export interface FileFingerprint {
  size: number;
  /** SHA-256 of the first MiB and the last MiB (the whole file when smaller than 2 MiB). */
  fingerprint: string;
}

export function fileFingerprint(file: string): FileFingerprint {
  const fd = openSync(file, 'r');
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new SourceError(`${file}: not a regular file (a directory?); give the path of a CSV, Parquet or XLSX file`);
  }
  try {
    const size = fstatSync(fd).size;
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(size, 2 * MIB));
    if (size <= 2 * MIB) h.update(buf.subarray(0, readSync(fd, buf, 0, size, 0)));
    else {
      h.update(buf.subarray(0, readSync(fd, buf, 0, MIB, 0)));
      h.update(buf.subarray(0, readSync(fd, buf, 0, MIB, size - MIB)));
    }
    return { size, fingerprint: h.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

// Plain CommonJS so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const h = createHash('sha256');
const fd = fs.openSync(workerData, 'r');
const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
try {
  let n;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
} finally {
  fs.closeSync(fd);
}
parentPort.postMessage(h.digest('hex'));
`;

export interface BackgroundHash {
  result: Promise<string>;
  /** Stops the worker (the import failed); harmless once the hash is done. */
  cancel(): void;
}

/** Starts hashing `file` on a worker thread. */
export function sha256InBackground(file: string): BackgroundHash {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: file });
  const result = new Promise<string>((resolve, reject) => {
    worker.once('message', (hex: string) => resolve(hex));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`hashing ${file} stopped (exit code ${code})`)));
  });
  result.catch(() => undefined); // awaited (or abandoned) by the caller; never an unhandled rejection
  return {
    result,
    cancel() {
      void worker.terminate();
    },
  };
}
