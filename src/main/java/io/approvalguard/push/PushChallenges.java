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
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.ApprovalGuardEvent;
import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.AuthorizationDetails;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.ChallengeStore;
import io.approvalguard.challenge.NewChallenge;
import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.risk.RiskStanding;
import io.approvalguard.fatigue.Admission;
import io.approvalguard.fatigue.PromptOutcome;
import io.approvalguard.fatigue.PromptThrottle;
import io.approvalguard.notify.ChallengeNotification;
import io.approvalguard.notify.Notifications;

/**
 * The browser side of a push approval, shared by the authenticator and the enrolment required
 * action: open a challenge for this auth session, and later decide from the store alone whether
 * it completes this login.
 */
public final class PushChallenges {

    /** Auth-session note: the id of this tab's current challenge. */
    public static final String NOTE_CHALLENGE = "ag.challenge";
    /** Auth-session note: devices enrolled during this login, which may not approve it. */
    public static final String NOTE_ENROLLED_DEVICES = "ag.enrolled-devices";

    private static final Logger LOG = Logger.getLogger(PushChallenges.class);

    private final KeycloakSession session;
    private final ChallengeStore store;
    private final DeviceRegistry devices = new DeviceRegistry();
    private final PromptThrottle throttle;

    public PushChallenges(KeycloakSession session) {
        this.session = session;
        this.store = new ChallengeStore(session);
        this.throttle = new PromptThrottle(session);
    }

    /**
     * The outcome of asking for a new challenge: opened (with the code to show on this page only,
     * and whether the device was left unnotified), or refused by the throttle.
     */
    public record Opening(Challenge challenge, String code, boolean quiet, Admission.Refusal refusal, long retryAfterSeconds,
            String invalidRequest) {

        public boolean isOpened() {
            return challenge != null;
        }

        /** The client's request cannot be shown faithfully (for example malformed authorization_details). */
        public boolean isInvalidRequest() {
            return invalidRequest != null;
        }
    }

    public Opening open(AuthenticationSessionModel authSession, UserModel user, String reason, PushSettings settings,
            EventBuilder event) {
        ClientModel client = authSession.getClient();
        Map<String, Object> context;
        try {
            context = ApprovalContext.forRequest(session, authSession, user, reason);
        } catch (AuthorizationDetails.Invalid e) {
            return refuseRequest(client, user, reason, e, event);
        }
        Opening opening = dispatch(new Binding(authSession.getParentSession().getId(), authSession.getTabId()), client, user,
                session.getContext().getConnection().getRemoteAddr(), context, reason, settings, event);
        if (opening.isOpened()) {
            authSession.setAuthNote(NOTE_CHALLENGE, opening.challenge().id());
        }
        return opening;
    }

    /** What a challenge is bound to: a browser tab of an auth session, or a CIBA request. */
    public record Binding(String rootSessionId, String tabId) {
    }

    /** Nothing the user could approve faithfully: no prompt, no quota spent. */
    public Opening refuseRequest(ClientModel client, UserModel user, String reason, AuthorizationDetails.Invalid cause,
            EventBuilder event) {
        LOG.infof("Approval Guard: request of client %s refused before any prompt: %s", client.getClientId(), cause.getMessage());
        ApprovalGuardEvent.REQUEST_REFUSED.emit(event.clone().user(user).detail(ApprovalGuardEvent.REASON, reason));
        return new Opening(null, null, false, null, 0, cause.getMessage());
    }

    /**
     * The steps every prompt takes, whatever it is bound to: count an earlier unanswered prompt
     * as a timeout, ask the throttle, pick the code, store the challenge, notify the devices after
     * commit (unless quiet), and record the event.
     */
    public Opening dispatch(Binding binding, ClientModel client, UserModel user, String ipAddress, Map<String, Object> context,
            String reason, PushSettings settings, EventBuilder event) {
        RealmModel realm = session.getContext().getRealm();
        store.findLatestFor(realm.getId(), user.getId()).ifPresent(previous -> expireIfDue(previous, event));
        try (Admission admission = throttle.admit(realm, user, ipAddress, settings.throttle())) {
            if (!admission.isAdmitted()) {
                ApprovalGuardEvent.CHALLENGE_THROTTLED.emit(event.clone().user(user)
                        .detail(ApprovalGuardEvent.THROTTLE_REASON, admission.refusal().name().toLowerCase(java.util.Locale.ROOT))
                        .detail(ApprovalGuardEvent.REASON, reason));
                return new Opening(null, null, false, admission.refusal(), admission.retryAfterSeconds(), null);
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
                    .detail(ApprovalGuardEvent.REASON, reason)
                    .detail(ApprovalGuardEvent.VERIFICATION, codeLength == 0 ? "approve-only" : "code-" + codeLength)
                    .detail(ApprovalGuardEvent.QUIET, Boolean.toString(quiet)));
            LOG.debugf("challenge %s opened for user %s (%s, quiet %s)", challenge.id(), user.getId(), reason, quiet);
            return new Opening(challenge, code, quiet, null, 0, null);
        }
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
     * Decides whether this tab's challenge completes the login, re-checking every gate from the
     * store (binding, expiry, user, lock-out, device), and spends the approval exactly once. A
     * spent approval is recorded for the tokens, clears the throttle and marks the login as push-passed.
     */
    public PushVerdict conclude(AuthenticationSessionModel authSession, UserModel user, EventBuilder event) {
        Optional<Challenge> found = current(authSession);
        if (found.isEmpty() || !found.get().userId().equals(user.getId())) {
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
            case CONSUMED:
                return PushVerdict.INVALID;
            case APPROVED:
                break;
        }
        if (challenge.isExpiredAt(Time.currentTime())) {
            return PushVerdict.EXPIRED;
        }
        String refusal = refusal(authSession, user, challenge);
        if (refusal != null) {
            LOG.infof("Approval Guard: approval %s refused at the final step: %s", challenge.id(), refusal);
            return PushVerdict.INVALID;
        }
        if (!store.consume(challenge)) {
            return PushVerdict.INVALID;
        }
        authSession.removeAuthNote(NOTE_CHALLENGE);
        ApprovalRecord.attach(authSession, challenge, devices.find(user, challenge.deciderDeviceId()).orElseThrow());
        // A completed approval: the prompt quota and back-off start afresh, and this login has passed push.
        throttle.recordSuccess(authSession.getRealm(), user);
        authSession.setAuthNote(PushAuthenticator.NOTE_PASSED, "true");
        return PushVerdict.APPROVED;
    }

    /** Why an approved challenge may not complete this login, or null when it may. */
    private String refusal(AuthenticationSessionModel authSession, UserModel user, Challenge challenge) {
        RealmModel realm = authSession.getRealm();
        if (!user.isEnabled()) {
            return "user disabled";
        }
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        if (realm.isBruteForceProtected() && (protector.isTemporarilyDisabled(session, realm, user)
                || protector.isPermanentlyLockedOut(session, realm, user))) {
            return "user locked by brute-force protection";
        }
        Optional<DeviceCredentialModel> device = devices.find(user, challenge.deciderDeviceId());
        if (device.isEmpty()) {
            return "approving device no longer exists";
        }
        if (!device.get().isActive()) {
            return "approving device suspended";
        }
        if (enrolledDuringThisLogin(authSession).contains(device.get().getId())) {
            return "approving device was enrolled during this login";
        }
        return null;
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

    /** The code to show again on a re-rendered page: only one the browser already had and that matches. */
    public static String codeToRedisplay(Challenge challenge, String submitted) {
        if (submitted == null || !submitted.matches("[0-9]{2,8}")) {
            return null;
        }
        return VerificationCodes.matches(challenge.id(), submitted, challenge.codeHash()) ? submitted : null;
    }
}
