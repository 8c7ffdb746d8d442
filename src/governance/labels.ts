// The governance exports' label file (texts in en/es/fr/pt), read through the one export-text mechanism
// (src/plan/export/labels.ts).
export const GOVERNANCE_LABELS = new URL('./export-labels.yaml', import.meta.url);
