// The user's input is wrong or the record does not allow the change: the message says what to do.
export class GovernanceInputError extends Error {}
/** The meeting's record is signed off: only correction entries are accepted. */
export class MeetingLockedError extends GovernanceInputError {}
