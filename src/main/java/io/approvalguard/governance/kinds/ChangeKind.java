package io.approvalguard.governance.kinds;

import java.util.Map;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * One kind of governed change (reset second factors, grant a role for a while, ...), a typed
 * handler: it checks and normalises what a requester asked for, says whether it can still be
 * applied, and applies it. New kinds are added by implementing this and registering them in {@link
 * ChangeKinds}.
 *
 * <p>The normalised {@code change} map is what the approvers' devices show and sign, so {@link
 * #parse} must be deterministic and its output JSON-able (strings, booleans, whole numbers as
 * {@link Long}, lists and maps of these); {@link #precheck} and {@link #apply} receive that
 * normalised map.
 */
public interface ChangeKind {

    /** The kind's name on the wire, for example {@code reset_second_factors}. */
    String wireName();

    /** Ends the subject's sessions after applying (credentials or email touched). */
    boolean endsSessions();

    /**
     * Checks and normalises the request's {@code change} member; throws {@link ChangeInvalid} with
     * a message a client can show (it becomes a 400 error_description). Must not change state.
     * Parsing a normalised change again gives the same normalised change.
     */
    Map<String, Object> parse(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change)
            throws ChangeInvalid;

    /**
     * Still applicable now (role still exists, device still there, email not taken...)? Empty =
     * yes, else why not. No state change.
     */
    Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change);

    /**
     * Applies the normalised change in the caller's transaction; returns what was done (for the
     * audit, JSON-able map).
     */
    Map<String, Object> apply(
            KeycloakSession s,
            RealmModel realm,
            UserModel subject,
            Map<String, Object> change,
            AppliedBy by);
}
