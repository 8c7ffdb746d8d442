// The e-mail hook's safety: addresses are checked before they are stored and again before a message is written,
// messages are composed by nodemailer's MailComposer (it encodes every header, so no value can add a header), and
// the outbox stays inside the workspace unless the server's own configuration (CIP_EMAIL_OUTBOX) names another.
import { mkdirSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { GovernanceInputError } from './errors.ts';

const address = z.email();

/** Why an e-mail address is refused (line breaks, not addr-spec shaped, too long), or null when it is fine. */
export function emailAddressProblem(a: string): string | null {
  if (/[\r\n\u0000-\u001f\u007f]/.test(a)) return `e-mail address contains a line break or control character`;
  if (a.length > 254 || !address.safeParse(a).success) return `'${a}' is not an e-mail address (name@domain.tld)`;
  return null;
}

export function checkEmailAddress(a: string): string {
  const p = emailAddressProblem(a);
  if (p) throw new GovernanceInputError(p);
  return a;
}

/**
 * The outbox folder: CIP_EMAIL_OUTBOX (an absolute path set by whoever runs the server or CLI), else the setting,
 * a folder inside the workspace. Created 0700; refused when it resolves (through '..' or a link) outside.
 */
export function outboxDir(workspaceDir: string, setting: string): string {
  const configured = process.env.CIP_EMAIL_OUTBOX;
  if (configured && isAbsolute(configured)) {
    mkdirSync(configured, { recursive: true, mode: 0o700 });
    return configured;
  }
  const inside = (p: string, root: string) => {
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) && !r.split(sep).includes('..');
  };
  const dir = resolve(workspaceDir, setting);
  if (isAbsolute(setting) || !inside(dir, resolve(workspaceDir))) {
    throw new GovernanceInputError(
      `email.outbox '${setting}' is outside the workspace; set a folder inside it, or CIP_EMAIL_OUTBOX for another place`,
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!inside(realpathSync(dir), realpathSync(workspaceDir))) {
    throw new GovernanceInputError(`email.outbox '${setting}' leads outside the workspace (a symbolic link?)`);
  }
  return dir;
}

/** One plain-text message as RFC 5322 bytes, every header encoded by the library. */
export async function composeMessage(m: { to: string[]; subject: string; text: string }): Promise<Buffer> {
  for (const a of m.to) checkEmailAddress(a);
  const from = process.env.CIP_EMAIL_FROM;
  return new MailComposer({ from: from || undefined, to: m.to, subject: m.subject, text: m.text }).compile().build();
}
