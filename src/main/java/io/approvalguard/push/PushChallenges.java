package io.approvalguard.push;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.support.events.ApprovalGuardEvent;
import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.challenge.AuthorizationDetails;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.ChallengeStore;
import io.approvalguard.challenge.LoginApproval;
import io.approvalguard.challenge.NewChallenge;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.risk.RiskStanding;
import io.approvalguard.fatigue.Admission;
import io.approvalguard.fatigue.PromptOutcome;
import io.approvalguard.fatigue.PromptThrottle;
import io.approvalguard.notify.ChallengeNotification;
import io.approvalguard.notify.Notifications;
import io.approvalguard.waiting.Wakes;

/**
 * The browser side of a push approval, shared by the authenticator and the enrolment required
 * action: open a challenge for this auth session, and later decide from the store alone whether
 * it completes this login.
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

    private static final Logger LOG = Logger.getLogger(PushChallenges.class);

    private final KeycloakSession session;
    private final ChallengeStore store;
    private final DeviceRegistry devices = new DeviceRegistry();
    private final ApprovalGates gates;
    private final PromptThrottle throttle;

    public PushChallenges(KeycloakSession session) {
        this.session = session;
        this.store = new ChallengeStore(session);
        this.gates = new ApprovalGates(session);
        this.throttle = new PromptThrottle(session);
    }

    /**
     * The outcome of asking for a new challenge: opened (with the code to show on this page only,
     * and whether the device was left unnotified), refused by a gate or the throttle, or refused
     * because the client's request cannot be shown faithfully.
     */
    public record Opening(Challenge challenge, String code, boolean quiet, ApprovalGates.Closed closed,
            Admission.Refusal refusal, long retryAfterSeconds, String invalidRequest) {

        public boolean isOpened() {
            return challenge != null;
        }

        /** The client's request cannot be shown faithfully (for example malformed authorization_details). */
        public boolean isInvalidRequest() {
            return invalidRequest != null;
        }

        /** A gate is closed for this user (suspended, locked, no active device): no prompt, nothing spent. */
        public boolean isClosed() {
            return closed != null;
        }

        static Opening closedBy(ApprovalGates.Closed closed) {
            return new Opening(null, null, false, closed, null, 0, null);
        }
    }

    public Opening open(AuthenticationSessionModel authSession, UserModel user, Purpose purpose, PushSettings settings,
            EventBuilder event) {
        ClientModel client = authSession.getClient();
        Map<String, Object> context;
        try {
            context = ApprovalContext.forRequest(session, authSession, user, purpose);
        } catch (AuthorizationDetails.Invalid e) {
            return refuseRequest(client, user, purpose, e, event);
        }
        // Whatever happens next, an approval recorded earlier in this login no longer stands for it.
        LoginApproval.withdraw(authSession);
        forget(authSession);
        Opening opening = dispatch(new Binding(authSession.getParentSession().getId(), authSession.getTabId()), client, user,
                session.getContext().getConnection().getRemoteAddr(), context, purpose, settings, event);
        if (opening.isOpened()) {
            authSession.setAuthNote(NOTE_CHALLENGE, opening.challenge().id());
            if (opening.code() != null) {
                authSession.setAuthNote(NOTE_CODE, opening.code());
            }
        }
        return opening;
    }

    /**
     * This tab's challenge for {@code purpose} while it still has something to tell (pending,
     * decided, expired): a reload of the page shows it again instead of sending a new prompt.
     */
    public Optional<Challenge> unfinished(AuthenticationSessionModel authSession, Purpose purpose) {
        return current(authSession)
                .filter(c -> Purpose.of(c).filter(purpose::equals).isPresent())
                .filter(c -> c.status() != ChallengeStatus.CONSUMED && c.status() != ChallengeStatus.CANCELLED);
    }

    /** The code this tab showed for its challenge, to show again; null when there is none or it does not match. */
    public static String codeShown(AuthenticationSessionModel authSession, Challenge challenge) {
        String code = authSession.getAuthNote(NOTE_CODE);
        return code != null && challenge.requiresCode() && VerificationCodes.matches(challenge.id(), code, challenge.codeHash())
                ? code : null;
    }

    /** This tab no longer has a challenge (spent, cancelled, or the login cannot go on). */
    public static void forget(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(NOTE_CHALLENGE);
        authSession.removeAuthNote(NOTE_CODE);
    }

    /** What a challenge is bound to: a browser tab of an auth session, or a CIBA request. */
    public record Binding(String rootSessionId, String tabId) {
    }

    /** Nothing the user could approve faithfully: no prompt, no quota spent. */
    public Opening refuseRequest(ClientModel client, UserModel user, Purpose purpose, AuthorizationDetails.Invalid cause,
            EventBuilder event) {
        LOG.infof("Approval Guard: request of client %s refused before any prompt: %s", client.getClientId(), cause.getMessage());
        ApprovalGuardEvent.REQUEST_REFUSED.emit(event.clone().user(user).detail(ApprovalGuardEvent.REASON, purpose.wireName()));
        return new Opening(null, null, false, null, null, 0, cause.getMessage());
    }

    /**
     * The steps every prompt takes, whatever it is bound to: check the gates, count an earlier
     * unanswered prompt as a timeout, ask the throttle, pick the code, store the challenge, notify
     * the devices after commit (unless quiet), and record the event.
     */
    public Opening dispatch(Binding binding, ClientModel client, UserModel user, String ipAddress, Map<String, Object> context,
            Purpose purpose, PushSettings settings, EventBuilder event) {
        RealmModel realm = session.getContext().getRealm();
        Optional<ApprovalGates.Closed> closed = gates.forPrompt(realm, user);
        if (closed.isPresent()) {
            LOG.debugf("no %s challenge for user %s: %s", purpose.wireName(), user.getId(), closed.get().description());
            return Opening.closedBy(closed.get());
        }
        store.findLatestFor(realm.getId(), user.getId()).ifPresent(previous -> expireIfDue(previous, event));
        Admission admission = throttle.admit(realm, user, ipAddress, settings.throttle());
        if (!admission.isAdmitted()) {
            ApprovalGuardEvent.CHALLENGE_THROTTLED.emit(event.clone().user(user)
                    .detail(ApprovalGuardEvent.THROTTLE_REASON, admission.refusal().name().toLowerCase(java.util.Locale.ROOT))
                    .detail(ApprovalGuardEvent.REASON, purpose.wireName()));
            return new Opening(null, null, false, null, admission.refusal(), admission.retryAfterSeconds(), null);
        }
        // An elevated risk level asks for what a suspicious prompt history does: the longer code, and quiet mode.
        boolean elevated = RiskStanding.of(session, realm, user).isElevated();
        boolean quiet = admission.quiet() || (elevated && settings.throttle().quietMode());
        int codeLength = settings.profile().codeLength(settings.codeLength(), admission.suspicious() || elevated);
        String code = codeLength == 0 ? null : VerificationCodes.generate(codeLength);
        Challenge challenge = store.create(new NewChallenge(realm.getId(), user.getId(), binding.rootSessionId(),
                binding.tabId(), client.getId(), context, code, settings.lifetimeSeconds()));
        if (!quiet) {
            List<String> deviceIds = devices.devicesOf(user).filter(DeviceCredentialModel::isActive)
                    .map(DeviceCredentialModel::getId).toList();
            Notifications.sendAfterCommit(session, new ChallengeNotification(realm.getId(), realm.getName(),
                    user.getId(), challenge.id(), deviceIds, challenge.expiresAt()));
        }
        ApprovalGuardEvent.CHALLENGE_SENT.emit(event.clone().user(user)
                .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id())
                .detail(ApprovalGuardEvent.REASON, purpose.wireName())
                .detail(ApprovalGuardEvent.VERIFICATION, codeLength == 0 ? "approve-only" : "code-" + codeLength)
                .detail(ApprovalGuardEvent.QUIET, Boolean.toString(quiet)));
        LOG.debugf("challenge %s opened for user %s (%s, quiet %s)", challenge.id(), user.getId(), purpose.wireName(), quiet);
        return new Opening(challenge, code, quiet, null, null, 0, null);
    }

    /** This tab's challenge, if it has one. */
    public Optional<Challenge> current(AuthenticationSessionModel authSession) {
        return store.find(authSession.getAuthNote(NOTE_CHALLENGE))
                .filter(c -> c.isBoundTo(authSession.getRealm().getId(), authSession.getParentSession().getId(),
                        authSession.getTabId()));
    }

    /** The state of this tab's challenge for the waiting page, marking it expired when its time has passed. */
    public Optional<ChallengeStatus> status(AuthenticationSessionModel authSession, EventBuilder event) {
        return current(authSession).map(c -> expireIfDue(c, event).status());
    }

    /**
     * The person signing in gave up: a pending challenge of this tab ends as cancelled (its device
     * is told), and the tab forgets it. For the back-off and the risk score it counts as a request
     * left unanswered, as it would have been without the cancel: whoever is signing in could be the
     * attacker, cancelling so that ignored prompts cost nothing.
     */
    public void cancel(AuthenticationSessionModel authSession, EventBuilder event) {
        current(authSession).filter(c -> c.status().isPending()).ifPresent(c -> {
            if (store.decide(c, ChallengeStatus.CANCELLED, null).isEmpty()) {
                return;
            }
            // The device's held listing answers at once: the request is gone from it.
            Wakes.afterCommit(session, Wakes.user(c.realmId(), c.userId()), "cancelled");
            ApprovalGuardEvent.CHALLENGE_CANCELLED.emit(event.clone().user(c.userId())
                    .detail(ApprovalGuardEvent.CHALLENGE_ID, c.id()));
            UserModel user = session.users().getUserById(authSession.getRealm(), c.userId());
            if (user != null) {
                throttle.recordOutcome(authSession.getRealm(), user, PromptOutcome.TIMED_OUT);
            }
        });
        forget(authSession);
    }

    /**
     * Decides whether this tab's challenge completes the login for {@code purpose}. Every gate is
     * checked again from the store (binding, purpose, expiry, user, lock-out, suspension, device)
     * before the approval is spent exactly once; only then is anything recorded.
     */
    public PushVerdict conclude(AuthenticationSessionModel authSession, UserModel user, Purpose purpose, EventBuilder event) {
        Optional<Challenge> found = current(authSession);
        if (found.isEmpty() || !found.get().userId().equals(user.getId())
                || Purpose.of(found.get()).filter(purpose::equals).isEmpty()) {
            return PushVerdict.INVALID;
        }
        Challenge challenge = expireIfDue(found.get(), event);
        switch (challenge.status()) {
            case PENDING:
                return PushVerdict.PENDING;
            case DENIED:
                return PushVerdict.DENIED;
            case FRAUD:
                return PushVerdict.FRAUD;
            case FAILED:
                return PushVerdict.FAILED;
            case EXPIRED:
                return PushVerdict.EXPIRED;
            case SUPERSEDED:
                return PushVerdict.SUPERSEDED;
            case CANCELLED, CONSUMED:
                return PushVerdict.INVALID;
            case APPROVED:
                break;
        }
        if (challenge.isExpiredAt(Time.currentTime())) {
            return PushVerdict.EXPIRED;
        }
        Optional<ApprovalGates.Closed> closed = gates.forDecision(authSession.getRealm(), user, challenge);
        if (closed.isEmpty() && enrolledDuringThisLogin(authSession).contains(challenge.deciderDeviceId())) {
            LOG.infof("Approval Guard: approval %s refused at the final step: the device was enrolled during this login",
                    challenge.id());
            return PushVerdict.INVALID;
        }
        if (closed.isPresent()) {
            LOG.infof("Approval Guard: approval %s refused at the final step: %s", challenge.id(), closed.get().description());
            return PushVerdict.refusedBy(closed.get());
        }
        if (!store.consume(challenge)) {
            return PushVerdict.INVALID;
        }
        forget(authSession);
        if (purpose == Purpose.ADD_DEVICE) {
            LoginApproval.markPassed(authSession);
        } else {
            DeviceCredentialModel device = devices.find(user, challenge.deciderDeviceId()).orElseThrow();
            LoginApproval.recordSpent(authSession, challenge, device.data().thumbprint());
        }
        // A completed approval: the prompt quota and back-off start afresh.
        throttle.recordSuccess(authSession.getRealm(), user);
        return PushVerdict.APPROVED;
    }

    private Challenge expireIfDue(Challenge challenge, EventBuilder event) {
        if (!challenge.status().isPending() || !challenge.isExpiredAt(Time.currentTime())) {
            return challenge;
        }
        Optional<Challenge> expired = store.decide(challenge, ChallengeStatus.EXPIRED, null);
        if (expired.isPresent()) {
            ApprovalGuardEvent.CHALLENGE_EXPIRED.emit(event.clone().user(challenge.userId())
                    .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id()));
            UserModel user = session.users().getUserById(session.getContext().getRealm(), challenge.userId());
            if (user != null) {
                throttle.recordOutcome(session.getContext().getRealm(), user, PromptOutcome.TIMED_OUT);
            }
            return expired.get();
        }
        return store.find(challenge.id()).orElse(challenge);
    }

    public static Set<String> enrolledDuringThisLogin(AuthenticationSessionModel authSession) {
        String note = authSession.getAuthNote(NOTE_ENROLLED_DEVICES);
        return note == null ? Set.of() : Arrays.stream(note.split(",")).collect(Collectors.toSet());
    }

    public static void rememberEnrolledDuringThisLogin(AuthenticationSessionModel authSession, String deviceId) {
        String note = authSession.getAuthNote(NOTE_ENROLLED_DEVICES);
        authSession.setAuthNote(NOTE_ENROLLED_DEVICES, note == null ? deviceId : note + "," + deviceId);
    }
}
