/**
 * The watch on changes made around the governed path: a global admin-event listener ({@link
 * io.approvalguard.governance.watch.AdminChangeWatchFactory}) that recognises, from Keycloak's
 * admin events alone ({@link io.approvalguard.governance.watch.AdminChangeRecogniser}, a pure
 * function), the sensitive changes an administrator made directly through the admin API or console,
 * and records each as an {@code unapproved_sensitive_change} in the governance audit and on the
 * stream. It may use the governance core ({@code GovernanceAudit}); the core must not use it.
 * Operators' documentation: {@code docs/governance-admin-permissions.md}.
 */
package io.approvalguard.governance.watch;
