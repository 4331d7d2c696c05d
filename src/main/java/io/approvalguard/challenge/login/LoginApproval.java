package io.approvalguard.challenge.login;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

/**
 * What a login keeps of its push approval, for the packages that read it: the enrolment action
 * ("push passed in this login"), the risk scorer ("this session was approved by push, and when"),
 * the token claim and the transaction-details check (the approval record). Notes are set only when
 * an approval was really spent for the login ({@code ApprovalEngine} writes them), and a new
 * challenge withdraws an older record. A package of its own, knowing nothing of challenges, so that
 * the risk scorer below the engine can read it without a cycle.
 */
public final class LoginApproval {

    /** Auth-session note: push approval passed in this login. */
    private static final String NOTE_PASSED = "ag.push.passed";

    /** User-session note: when a push-approved login created or refreshed this session. */
    private static final String USER_SESSION_NOTE_PASSED = "ag.push.passed-at";

    /** Record member naming whose approval it is: a record is never another user's. */
    private static final String USER_ID = "user_id";

    /**
     * Record member holding the approved authorization_details, as parsed when the challenge was
     * built.
     */
    public static final String AUTHORIZATION_DETAILS = "authorization_details";

    /** Record member holding the canonical context text, which only some tokens carry. */
    public static final String CONTEXT = "context";

    /** Client note copied by Keycloak into the client session: the approval record. */
    private static final String CLIENT_NOTE_RECORD = "ag.approval";

    private LoginApproval() {}

    /**
     * Records a spent sign-in approval on the login: flags for later steps and the record for the
     * tokens.
     */
    public static void recordSpent(
            AuthenticationSessionModel authSession, String userId, Map<String, Object> approval) {
        Map<String, Object> record = new LinkedHashMap<>(approval);
        record.put(USER_ID, userId);
        try {
            authSession.setClientNote(
                    CLIENT_NOTE_RECORD, JsonSerialization.writeValueAsString(record));
        } catch (IOException e) {
            throw new IllegalStateException("approval record cannot be serialised", e);
        }
        markPassed(authSession);
    }

    /** This login passed push without spending a sign-in record (an add-device confirmation). */
    public static void markPassed(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(NOTE_PASSED, "true");
        authSession.setUserSessionNote(USER_SESSION_NOTE_PASSED, Long.toString(Time.currentTime()));
    }

    /**
     * A new challenge for this login: a record from an earlier approval no longer stands for it.
     */
    public static void withdraw(AuthenticationSessionModel authSession) {
        authSession.removeClientNote(CLIENT_NOTE_RECORD);
    }

    public static boolean passedInThisLogin(AuthenticationSessionModel authSession) {
        return "true".equals(authSession.getAuthNote(NOTE_PASSED));
    }

    /** When a push approval last passed for this user session (seconds), or null. */
    public static Long passedAt(UserSessionModel userSession) {
        String value = userSession == null ? null : userSession.getNote(USER_SESSION_NOTE_PASSED);
        return value == null ? null : Long.valueOf(value);
    }

    /**
     * The approval record behind a client session, or null when no push approval of this session's
     * user ran for it. A note left in a browser tab by another user's approval (a restarted login)
     * is not this user's record.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> record(AuthenticatedClientSessionModel clientSession) {
        String note = clientSession == null ? null : clientSession.getNote(CLIENT_NOTE_RECORD);
        if (note == null) {
            return null;
        }
        try {
            Map<String, Object> record = JsonSerialization.readValue(note, LinkedHashMap.class);
            Object owner = record.remove(USER_ID);
            return owner != null && owner.equals(clientSession.getUserSession().getUser().getId())
                    ? record
                    : null;
        } catch (IOException e) {
            return null;
        }
    }
}
