// The governance context's sentences (messages.yaml): agenda items from the plan, carried actions, reminders.
import { MessageCatalogue } from '../i18n/messages.ts';

export const GOVERNANCE_TEXT = new MessageCatalogue(new URL('./messages.yaml', import.meta.url));
