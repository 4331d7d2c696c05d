/*
 * The filing form's model: the kinds a requester can file here and each one's change fields
 * (docs/governance-api.md), the reasons the realm's policy allows for a kind, and the request body
 * built from what was typed. Pure.
 */

/** Per kind, the members of `change`: name, label, type (text, email, number), required, hint. */
export const KINDS = [
  { kind: 'reset_second_factors', fields: [] },
  { kind: 'reset_password', fields: [
    { name: 'link_lifetime_seconds', label: 'Link lifetime (seconds)', type: 'number', required: false, hint: '300 to 3600; empty for the default' },
  ] },
  { kind: 'change_email', fields: [
    { name: 'new_email', label: 'New email address', type: 'email', required: true },
  ] },
  { kind: 'grant_role', fields: [
    { name: 'role', label: 'Role name', type: 'text', required: true },
    { name: 'client_id', label: 'Client id (for a client role)', type: 'text', required: false, hint: 'empty for a realm role' },
    { name: 'duration_seconds', label: 'Duration (seconds)', type: 'number', required: true, hint: '60 to 2592000 (30 days)' },
  ] },
  { kind: 'grant_group', fields: [
    { name: 'group', label: 'Group path', type: 'text', required: true, hint: 'for example /support' },
    { name: 'duration_seconds', label: 'Duration (seconds)', type: 'number', required: true, hint: '60 to 2592000 (30 days)' },
  ] },
  { kind: 'remove_device', fields: [
    { name: 'device_id', label: 'Device id', type: 'text', required: true },
  ] },
  { kind: 'unlock_user', fields: [] },
];

export function fieldsOf(kind) {
  const found = KINDS.find((k) => k.kind === kind);
  return found ? found.fields : [];
}

/** The policy's reasons that allow `kind` (a reason without kinds allows every kind). */
export function reasonsFor(policy, kind) {
  const reasons = policy && Array.isArray(policy.reasons) ? policy.reasons : [];
  return reasons.filter((r) => r && typeof r.code === 'string'
    && (!Array.isArray(r.kinds) || r.kinds.length === 0 || r.kinds.includes(kind)));
}

/**
 * The body of POST /requests from the form's values: { kind, subject, reason_code, justification,
 * ticket, change: { name: text } }. Text is trimmed; empty optional members are left out; number
 * fields become numbers (text that is not a whole number is sent as it is, for the server to
 * refuse with its own description).
 */
export function buildFiling(values) {
  const change = {};
  for (const field of fieldsOf(values.kind)) {
    const raw = String((values.change || {})[field.name] ?? '').trim();
    if (raw === '') continue;
    change[field.name] = field.type === 'number' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  const body = {
    kind: values.kind,
    subject: String(values.subject || '').trim(),
    change: change,
    reason_code: values.reason_code,
    justification: String(values.justification || '').trim(),
  };
  const ticket = String(values.ticket || '').trim();
  if (ticket) body.ticket = ticket;
  return body;
}
