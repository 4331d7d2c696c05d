package io.approvalguard.governance.watch;

/**
 * A user as the database held them before the admin request's transaction, read in a transaction of
 * its own while the request's is still open.
 *
 * @param email the email address, or null
 * @param enabled whether the user was enabled
 * @param federated whether the user comes from a user-storage provider (LDAP, ...): such a provider
 *     may have written the change through already, so its answer cannot be trusted as the state
 *     before
 */
public record PriorUserState(String email, boolean enabled, boolean federated) {}
