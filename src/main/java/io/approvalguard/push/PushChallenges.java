package io.approvalguard.push;

import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.AuthorizationDetails;
import io.approvalguard.challenge.Binding;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.Opening;
import io.approvalguard.challenge.PromptPolicy;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.challenge.login.LoginApproval;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * A browser tab's challenge, shared by the authenticator and the enrolment required action: which
 * challenge this tab shows (and its code, for a reload), asked of and spent through the {@link
 * ApprovalEngine}, which owns every rule of the challenge itself.
 */
public final class PushChallenges {

    /** Auth-session note: the id of this tab's current challenge. */
    private static final String NOTE_CHALLENGE = "ag.challenge";

    /**
     * Auth-session note: the code this tab shows, so that a reload shows the same request. Kept
     * only with the browser's own server-side session; the challenge store keeps only its hash.
     */
    private static final String NOTE_CODE = "ag.code";

    /** Auth-session note: devices enrolled during this login, which may not approve it. */
    private static final String NOTE_ENROLLED_DEVICES = "ag.enrolled-devices";

    private final KeycloakSession session;
    private final ApprovalEngine engine;

    public PushChallenges(KeycloakSession session) {
        this.session = session;
        this.engine = new ApprovalEngine(session);
    }

    public Opening open(
            AuthenticationSessionModel authSession,
            UserModel user,
            Purpose purpose,
            PushSettings settings,
            EventBuilder event) {
        Map<String, Object> context;
        try {
            context = ApprovalContext.forRequest(session, authSession, user, purpose);
        } catch (AuthorizationDetails.Invalid e) {
            return engine.refuseRequest(authSession.getClient(), user, purpose, e, event);
        }
        // Whatever happens next, an approval recorded earlier in this login no longer stands for
        // it.
        LoginApproval.withdraw(authSession);
        forget(authSession);
        Opening opening =
                engine.open(
                        bindingOf(authSession),
                        authSession.getClient(),
                        user,
                        session.getContext().getConnection().getRemoteAddr(),
                        context,
                        purpose,
                        policyOf(settings),
                        event);
        if (opening.isOpened()) {
            authSession.setAuthNote(NOTE_CHALLENGE, opening.challenge().id());
            if (opening.code() != null) {
                authSession.setAuthNote(NOTE_CODE, opening.code());
            }
        }
        return opening;
    }

    static PromptPolicy policyOf(PushSettings settings) {
        return new PromptPolicy(
                settings.lifetimeSeconds(),
                settings.profile(),
                settings.codeLength(),
                settings.throttle());
    }

    /**
     * This tab's challenge for {@code purpose} while it still has something to tell (pending,
     * decided, expired): a reload of the page shows it again instead of sending a new prompt.
     */
    public Optional<Challenge> unfinished(AuthenticationSessionModel authSession, Purpose purpose) {
        return current(authSession)
                .filter(c -> c.purpose().filter(purpose::equals).isPresent())
                .filter(
                        c ->
                                c.status() != ChallengeStatus.CONSUMED
                                        && c.status() != ChallengeStatus.CANCELLED);
    }

    /**
     * The code this tab showed for its challenge, to show again; null when there is none or it does
     * not match.
     */
    public static String codeShown(AuthenticationSessionModel authSession, Challenge challenge) {
        String code = authSession.getAuthNote(NOTE_CODE);
        return code != null
                        && challenge.requiresCode()
                        && VerificationCodes.matches(challenge.id(), code, challenge.codeHash())
                ? code
                : null;
    }

    /** This tab no longer has a challenge (spent, cancelled, or the login cannot go on). */
    public static void forget(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(NOTE_CHALLENGE);
        authSession.removeAuthNote(NOTE_CODE);
    }

    /** This tab's challenge, if it has one. */
    public Optional<Challenge> current(AuthenticationSessionModel authSession) {
        return engine.bound(
                authSession.getAuthNote(NOTE_CHALLENGE),
                authSession.getRealm().getId(),
                bindingOf(authSession));
    }

    /**
     * The state of this tab's challenge for the waiting page, marking it expired when its time has
     * passed.
     */
    public Optional<ChallengeStatus> status(
            AuthenticationSessionModel authSession, EventBuilder event) {
        return current(authSession).map(c -> engine.expireIfDue(c, event).status());
    }

    /**
     * The person signing in gave up: this tab's pending challenge ends as cancelled, and the tab
     * forgets it.
     */
    public void cancel(AuthenticationSessionModel authSession, EventBuilder event) {
        current(authSession).ifPresent(c -> engine.cancel(c, event));
        forget(authSession);
    }

    /**
     * Whether this tab's challenge completes the login for {@code purpose}; an approval is spent
     * once.
     */
    public Verdict conclude(
            AuthenticationSessionModel authSession,
            UserModel user,
            Purpose purpose,
            EventBuilder event) {
        Verdict verdict =
                engine.conclude(
                        authSession,
                        current(authSession),
                        user,
                        purpose,
                        enrolledDuringThisLogin(authSession),
                        event);
        if (verdict == Verdict.APPROVED) {
            forget(authSession);
        }
        return verdict;
    }

    private static Binding bindingOf(AuthenticationSessionModel authSession) {
        return new Binding(authSession.getParentSession().getId(), authSession.getTabId());
    }

    public static Set<String> enrolledDuringThisLogin(AuthenticationSessionModel authSession) {
        String note = authSession.getAuthNote(NOTE_ENROLLED_DEVICES);
        return note == null ? Set.of() : Arrays.stream(note.split(",")).collect(Collectors.toSet());
    }

    public static void rememberEnrolledDuringThisLogin(
            AuthenticationSessionModel authSession, String deviceId) {
        String note = authSession.getAuthNote(NOTE_ENROLLED_DEVICES);
        authSession.setAuthNote(
                NOTE_ENROLLED_DEVICES, note == null ? deviceId : note + "," + deviceId);
    }
}
