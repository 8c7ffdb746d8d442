// Tables owned by the governance context. Append new migrations; never edit a released one.
// Everything people sign is append-only: members, subcommittees and terms of reference are versioned rows;
// minutes, decisions, action updates, sign-offs and corrections are only ever inserted.
import type { Migration } from '../workspace/migrations.ts';

export const governanceMigrations: Migration[] = [
  {
    id: 'governance-001-committee',
    description:
      'Risk-management committee (Annex 4): members, subcommittees, terms of reference, meetings, minutes, decisions, actions, approvals',
    sql: `
      CREATE TABLE gov_members (
        member_id VARCHAR NOT NULL, version INTEGER NOT NULL, name VARCHAR NOT NULL, role VARCHAR NOT NULL,
        unit VARCHAR, subcommittee VARCHAR, email VARCHAR, active BOOLEAN NOT NULL,
        changed_by VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, PRIMARY KEY (member_id, version));
      CREATE TABLE gov_subcommittees (
        code VARCHAR NOT NULL, version INTEGER NOT NULL, name VARCHAR NOT NULL, theme VARCHAR NOT NULL,
        reports_to VARCHAR NOT NULL, changed_by VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, PRIMARY KEY (code, version));
      CREATE TABLE gov_terms (
        version INTEGER PRIMARY KEY, title VARCHAR NOT NULL, body VARCHAR NOT NULL, file_name VARCHAR,
        changed_by VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_meetings (
        ref VARCHAR PRIMARY KEY, held_on DATE NOT NULL, chair VARCHAR NOT NULL, title VARCHAR,
        created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_attendees (
        ref VARCHAR NOT NULL, member_id VARCHAR NOT NULL, name VARCHAR NOT NULL, role VARCHAR NOT NULL, unit VARCHAR,
        member_version INTEGER NOT NULL, PRIMARY KEY (ref, member_id));
      CREATE TABLE gov_agenda_items (
        ref VARCHAR NOT NULL, item_no INTEGER NOT NULL, kind VARCHAR NOT NULL, subject_type VARCHAR, subject_id VARCHAR,
        title VARCHAR NOT NULL, added_by VARCHAR NOT NULL, added_at TIMESTAMP NOT NULL, PRIMARY KEY (ref, item_no));
      CREATE TABLE gov_minutes (
        entry_no INTEGER PRIMARY KEY, ref VARCHAR NOT NULL, item_key VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        body VARCHAR NOT NULL, author VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_decisions (
        decision_id VARCHAR PRIMARY KEY, ref VARCHAR NOT NULL, item_key VARCHAR, subject_type VARCHAR NOT NULL,
        subject_id VARCHAR, outcome VARCHAR NOT NULL, body VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL,
        recorded_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_actions (
        action_id VARCHAR PRIMARY KEY, ref VARCHAR NOT NULL, decision_id VARCHAR, description VARCHAR NOT NULL,
        owner_unit VARCHAR NOT NULL, due_date DATE NOT NULL, created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_action_updates (
        update_no INTEGER PRIMARY KEY, action_id VARCHAR NOT NULL, status VARCHAR NOT NULL, note VARCHAR,
        ref VARCHAR, on_date DATE NOT NULL, updated_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_signoffs (
        ref VARCHAR PRIMARY KEY, signed_by VARCHAR NOT NULL, signed_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_proposals (
        proposal_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, target VARCHAR NOT NULL, summary VARCHAR NOT NULL,
        payload_json VARCHAR NOT NULL, proposed_by VARCHAR NOT NULL, proposed_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_proposal_outcomes (
        proposal_id VARCHAR PRIMARY KEY, decision_id VARCHAR NOT NULL, outcome VARCHAR NOT NULL, result_json VARCHAR,
        decided_by VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL);
      CREATE TABLE gov_settings (
        key VARCHAR NOT NULL, version INTEGER NOT NULL, value_json VARCHAR NOT NULL,
        changed_by VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, PRIMARY KEY (key, version));
      CREATE TABLE gov_reminders_sent (
        action_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, channel VARCHAR NOT NULL, sent_on DATE NOT NULL,
        PRIMARY KEY (action_id, kind, channel));
    `,
  },
  {
    id: 'governance-002-roles',
    description:
      'Committee roles enforced: member accounts, sign-off delegates in the terms of reference, the chair as a member, attendance per meeting, signatures',
    sql: `
      ALTER TABLE gov_members ADD COLUMN account VARCHAR;          -- the user name this member signs in / acts as
      ALTER TABLE gov_terms ADD COLUMN signoff_delegates VARCHAR;  -- JSON list of member ids who may sign off for the chair
      ALTER TABLE gov_meetings ADD COLUMN chair_member_id VARCHAR;
      CREATE TABLE gov_attendance (
        ref VARCHAR NOT NULL, member_id VARCHAR NOT NULL, seq INTEGER NOT NULL, present BOOLEAN NOT NULL,
        recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL, PRIMARY KEY (ref, member_id, seq));
      CREATE TABLE gov_signatures (
        ref VARCHAR NOT NULL, member_id VARCHAR NOT NULL, account VARCHAR NOT NULL, capacity VARCHAR NOT NULL,
        signed_at TIMESTAMP NOT NULL, PRIMARY KEY (ref, member_id));
    `,
  },
  {
    id: 'governance-003-agenda-messages',
    description:
      'Agenda items proposed from the plan keep their sentence as a message key and parameters (shown in the reader’s language)',
    sql: `ALTER TABLE gov_agenda_items ADD COLUMN message_json VARCHAR; -- {"key","params"}; null: title as typed`,
  },
];
