// Governance (Annex 4): the committee, its meetings, decisions, actions, approvals, follow-up and exports.
export * from './errors.ts';
export * from './committee.ts';
export * from './meetings.ts';
export * from './signoff.ts';
export * from './agenda.ts';
export * from './decisions.ts';
export * from './approvals.ts';
export * from './followup.ts';
// Exports (docx, exceljs: heavy to load) are imported from './export.ts' where needed.
