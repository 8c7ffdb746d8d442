// Files uploaded for import: streamed to <workspace>/.uploads/<id>/<name> (never held in memory), at most the
// configured size (cip serve --upload-limit). An upload lives until its import succeeds, or two days.
import type { FastifyRequest } from 'fastify';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors/index.ts';
import { detectFormat, type SourceFormat } from '../ingest/source.ts';
import type { ServerDb } from './db.ts';

const UPLOADS = '.uploads';
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCEPTED = /\.(csv|txt|tsv|parquet|pq|xlsx|xlsm)$/i;

const limits = new WeakMap<ServerDb, number>();

export function setUploadLimit(db: ServerDb, bytes: number): void {
  limits.set(db, bytes);
  pruneUploads(join(db.main.dir, UPLOADS));
}

export interface Upload {
  uploadId: string;
  fileName: string;
  bytes: number;
  format: SourceFormat;
}

/** 4 GiB, 3.7 GiB, 500 MiB, 1 KiB. */
function size(n: number): string {
  for (const [unit, k] of [
    ['GiB', 3],
    ['MiB', 2],
    ['KiB', 1],
  ] as const) {
    const v = n / 1024 ** k;
    if (v >= 1) return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}

/** Receives the one file of a multipart request. */
export async function receiveUpload(req: FastifyRequest, db: ServerDb): Promise<Upload> {
  if (!req.isMultipart()) throw new DomainError('expected a multipart/form-data upload with one file', 'invalid');
  const part = await req.file();
  if (!part) throw new DomainError('expected a multipart/form-data upload with one file', 'invalid');
  const fileName = part.filename.replace(/[\\/]/g, '_').replace(/^\.+/, '').slice(0, 200) || 'upload.csv';
  if (!ACCEPTED.test(fileName)) {
    part.file.resume();
    throw new DomainError(
      `${fileName}: expected a CSV, Parquet or XLSX file (.csv, .txt, .tsv, .parquet, .xlsx)`,
      'invalid',
    );
  }
  const uploadId = randomUUID();
  const dir = join(db.main.dir, UPLOADS, uploadId);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  const tooLarge = () =>
    new DomainError(
      `${fileName} is larger than the upload limit of ${size(limits.get(db) ?? 0)} (cip serve --upload-limit)`,
      'too_large',
    );
  try {
    await pipeline(part.file, createWriteStream(path));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  }
  if (part.file.truncated) {
    rmSync(dir, { recursive: true, force: true });
    throw tooLarge();
  }
  return { uploadId, fileName, bytes: statSync(path).size, format: detectFormat(fileName) };
}

/** The stored file of an upload. */
export function uploadPath(db: ServerDb, uploadId: string): string {
  const dir = join(db.main.dir, UPLOADS, uploadId);
  const files = ID.test(uploadId) && existsSync(dir) ? readdirSync(dir) : [];
  if (files.length !== 1) throw new DomainError(`no upload ${uploadId} (uploads are kept two days)`, 'not_found');
  return join(dir, files[0]);
}

export function removeUpload(db: ServerDb, uploadId: string): void {
  if (ID.test(uploadId)) rmSync(join(db.main.dir, UPLOADS, uploadId), { recursive: true, force: true });
}

function pruneUploads(dir: string, days = 2): void {
  if (!existsSync(dir)) return;
  const limit = Date.now() - days * 86_400_000;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).mtimeMs < limit) rmSync(p, { recursive: true, force: true });
  }
}
