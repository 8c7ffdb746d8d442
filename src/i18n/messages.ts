// Server-made sentences as data, as the indicator evidence templates and the KPI names are: each context keeps
// its sentences in a YAML file (key → en/es/fr/pt template with {placeholders}); a message travels as its key and
// parameters and is rendered in the reader's language where it is shown (the signed-in user's in the API, the
// workspace's setting `language` in the CLI). tests/i18n/messages.test.ts checks every file: four languages, the
// same placeholders in each. A number parameter is written with the reader's separators; `{name:pct}` writes a
// fraction as a percentage in the reader's convention (0.184 → 18.4% in English, 18,4 % in French).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { formatNumber, formatPercent } from './numbers.ts';

export const MESSAGE_LANGS = ['en', 'es', 'fr', 'pt'] as const;
export type MessageLang = (typeof MESSAGE_LANGS)[number];

export type MessageParams = Record<string, string | number>;

/** A sentence for a reader: its key, its parameters, and its text in the language it was rendered in. */
export interface Message {
  key: string;
  params: MessageParams;
  text: string;
}

/** A message as stored: its key and parameters (rendered in the reader's language where it is shown). */
export const MessageRefSchema = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

/** The zod shape of a Message in API responses. */
export const MessageSchema = MessageRefSchema.extend({ text: z.string() });

const templates = z.record(
  z.string().regex(/^[a-z][a-z0-9_.]*$/),
  z.strictObject({ en: z.string().min(1), es: z.string().min(1), fr: z.string().min(1), pt: z.string().min(1) }),
);
export type MessageTemplates = z.infer<typeof templates>;

/** One context's sentences (a YAML file beside its code). */
export class MessageCatalogue {
  private cached?: MessageTemplates;
  constructor(readonly file: URL) {}

  templates(): MessageTemplates {
    if (this.cached) return this.cached;
    const r = templates.safeParse(parse(readFileSync(this.file, 'utf8')));
    if (!r.success) {
      const i = r.error.issues[0];
      throw new Error(`${this.file.pathname}: ${i.path.join('.')}: ${i.message}`);
    }
    return (this.cached = r.data);
  }

  /** The message `key` with `params`, rendered in `lang` (English when the language is unknown). */
  message(key: string, params: MessageParams = {}, lang: string = 'en'): Message {
    const t = this.templates()[key];
    if (!t) throw new Error(`${this.file.pathname}: no message '${key}'`);
    const l = asLang(lang);
    return { key, params, text: fill(t[l], params, key, l) };
  }

  /** The same message in another language (messages cross the API in the reader's language). */
  render(m: Pick<Message, 'key' | 'params'>, lang: string): Message {
    return this.message(m.key, m.params, lang);
  }
}

export function asLang(lang: string | null | undefined): MessageLang {
  return (MESSAGE_LANGS as readonly string[]).includes(lang ?? '') ? (lang as MessageLang) : 'en';
}

function fill(template: string, params: MessageParams, key: string, lang: MessageLang): string {
  return template.replace(/\{(\w+)(?::(pct))?\}/g, (_, k: string, spec?: string) => {
    if (!(k in params)) throw new Error(`message '${key}': no value for {${k}}`);
    const v = params[k];
    if (typeof v !== 'number') return v;
    return spec === 'pct' ? formatPercent(v, lang) : formatNumber(v, lang);
  });
}

/** The language the CLI writes in: the workspace's `language` setting, else English. */
export async function workspaceMessageLang(ws: Workspace): Promise<MessageLang> {
  return asLang(await ws.getSetting('language'));
}
