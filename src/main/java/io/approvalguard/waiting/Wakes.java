package io.approvalguard.waiting;

import io.approvalguard.support.tx.AfterTransaction;
import org.jboss.logging.Logger;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Wakes the requests waiting on a key, on every node. Sent after the transaction that made the
 * change commits (single-use objects are written at commit), through Keycloak's cluster messaging.
 * A lost wake costs latency, never correctness: the waiter times out, answers "still pending", and
 * the next request reads the state itself.
 */
public final class Wakes {

    /** The cluster listener key of Approval Guard's wake events. */
    public static final String TASK_KEY = "approval-guard-wake";

    private static final Logger LOG = Logger.getLogger(Wakes.class);

    private Wakes() {}

    /** A challenge was decided: its sign-in page may go on. */
    public static String challenge(String challengeId) {
        return "challenge:" + challengeId;
    }

    /** A user has a new challenge: their devices may show it. */
    public static String user(String realmId, String userId) {
        return "user:" + realmId + ":" + userId;
    }

    /** A device was enrolled with this token: the enrolment page may go on. */
    public static String enrolment(String tokenHash) {
        return "enrolment:" + tokenHash;
    }

    public static void afterCommit(KeycloakSession session, String key, String state) {
        WakeEvent event = new WakeEvent(key, state);
        // Nothing to tell when nothing changed: only after a commit.
        AfterTransaction.onCommit(session, () -> send(session, event));
    }

    private static void send(KeycloakSession session, WakeEvent event) {
        try {
            ClusterProvider cluster = session.getProvider(ClusterProvider.class);
            if (cluster != null) {
                cluster.notify(TASK_KEY, event, false, ClusterProvider.DCNotify.ALL_DCS);
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Approval Guard: could not wake waiting requests (they ask again after their time limit): %s",
                    e.toString());
        }
    }
}
