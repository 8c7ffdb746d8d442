// The user's input is wrong or the record does not allow the change: the message says what to do.
import { DomainError } from '../errors/index.ts';
export class GovernanceInputError extends DomainError {}
/** The meeting's record is signed off: only correction entries are accepted. */
export class MeetingLockedError extends GovernanceInputError {
  constructor(message: string) {
    super(message, 'conflict');
  }
}
