package io.approvalguard.challenge;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.fatigue.Admission;
import io.approvalguard.fatigue.PromptOutcome;
import io.approvalguard.fatigue.PromptThrottle;
import io.approvalguard.notify.ChallengeNotification;
import io.approvalguard.notify.Notifications;
import io.approvalguard.risk.RiskStanding;
import io.approvalguard.support.events.ApprovalGuardEvent;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.waiting.Wakes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The whole life of a challenge, for every purpose: open it (gates, throttle, risk standing, code,
 * notification), list it to a device, decide it from a device's signed answer, expire or cancel it,
 * and spend an approval exactly once for the binding and purpose it was asked for. Every rule is
 * written here once; the authenticator, the enrolment action, the CIBA channel and the device API
 * are callers. The throttle hears of every outcome from here, and a device's decision is scored as
 * part of the deciding transaction.
 */
public final class ApprovalEngine {

    private static final Logger LOG = Logger.getLogger(ApprovalEngine.class);

    private final KeycloakSession session;
    private final ChallengeStore store;
    private final ApprovalGates gates;
    private final PromptThrottle throttle;
    private final DeviceRegistry devices;

    public ApprovalEngine(KeycloakSession session) {
        this.session = session;
        this.devices = new DeviceRegistry(session);
        this.store = new ChallengeStore(session);
        this.gates = new ApprovalGates(session);
        this.throttle = new PromptThrottle(session);
    }

    /** A challenge by id, only when it is bound to {@code binding} in this realm. */
    public Optional<Challenge> bound(String challengeId, String realmId, Binding binding) {
        return store.find(challengeId)
                .filter(c -> c.isBoundTo(realmId, binding.rootSessionId(), binding.tabId()));
    }

    /** Nothing the user could approve faithfully: no prompt, no quota spent. */
    public Opening refuseRequest(
            ClientModel client,
            UserModel user,
            Purpose purpose,
            AuthorizationDetails.Invalid cause,
            EventBuilder event) {
        LOG.infof(
                "Approval Guard: request of client %s refused before any prompt: %s",
                client.getClientId(), cause.getMessage());
        ApprovalGuardEvent.REQUEST_REFUSED.emit(
                event.clone().user(user).detail(ApprovalGuardEvent.REASON, purpose.wireName()));
        return Opening.invalidRequest(cause.getMessage());
    }

    /**
     * Opens a challenge: check the gates, count an earlier unanswered prompt as a timeout, ask the
     * throttle, pick the code, store the challenge, notify the devices after commit (unless quiet),
     * and record the event.
     */
    public Opening open(
            Binding binding,
            ClientModel client,
            UserModel user,
            String ipAddress,
            Map<String, Object> context,
            Purpose purpose,
            PromptPolicy policy,
            EventBuilder event) {
        RealmModel realm = session.getContext().getRealm();
        Optional<ApprovalGates.Closed> closed = gates.forPrompt(realm, user);
        if (closed.isPresent()) {
            LOG.debugf(
                    "no %s challenge for user %s: %s",
                    purpose.wireName(), user.getId(), closed.get().description());
            return Opening.closedBy(closed.get());
        }
        store.findLatestFor(realm.getId(), user.getId())
                .ifPresent(previous -> expireIfDue(previous, event));
        Admission admission = throttle.admit(realm, user, ipAddress, policy.throttle());
        if (!admission.isAdmitted()) {
            ApprovalGuardEvent.CHALLENGE_THROTTLED.emit(
                    event.clone()
                            .user(user)
                            .detail(
                                    ApprovalGuardEvent.THROTTLE_REASON,
                                    admission.refusal().name().toLowerCase(Locale.ROOT))
                            .detail(ApprovalGuardEvent.REASON, purpose.wireName()));
            return Opening.throttled(admission);
        }
        // An elevated risk level asks for what a suspicious prompt history does: the longer code,
        // and quiet mode.
        boolean elevated = RiskStanding.of(session, realm, user).isElevated();
        boolean quiet = admission.quiet() || (elevated && policy.throttle().quietMode());
        int codeLength =
                policy.profile()
                        .codeLength(policy.codeLength(), admission.suspicious() || elevated);
        String code = codeLength == 0 ? null : VerificationCodes.generate(codeLength);
        Challenge challenge =
                store.create(
                        new NewChallenge(
                                realm.getId(),
                                user.getId(),
                                binding.rootSessionId(),
                                binding.tabId(),
                                client.getId(),
                                context,
                                code,
                                policy.lifetimeSeconds()));
        if (!quiet) {
            // Suspended devices hear nothing: they cannot answer.
            List<DeviceCredentialModel> active =
                    devices.devicesOf(user).filter(DeviceCredentialModel::isActive).toList();
            Notifications.sendAfterCommit(
                    session,
                    new ChallengeNotification(
                            realm.getId(),
                            realm.getName(),
                            user.getId(),
                            challenge.id(),
                            active.stream().map(DeviceCredentialModel::getId).toList(),
                            active.stream()
                                    .filter(d -> d.data().push() != null)
                                    .map(
                                            d ->
                                                    new ChallengeNotification.Target(
                                                            d.getId(), d.data().push()))
                                    .toList(),
                            challenge.expiresAt()));
        }
        ApprovalGuardEvent.CHALLENGE_SENT.emit(
                aboutAccount(event.clone(), purpose)
                        .user(user)
                        .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id())
                        .detail(ApprovalGuardEvent.REASON, purpose.wireName())
                        .detail(
                                ApprovalGuardEvent.VERIFICATION,
                                codeLength == 0 ? "approve-only" : "code-" + codeLength)
                        .detail(ApprovalGuardEvent.QUIET, Boolean.toString(quiet)));
        LOG.debugf(
                "challenge %s opened for user %s (%s, quiet %s)",
                challenge.id(), user.getId(), purpose.wireName(), quiet);
        return Opening.opened(challenge, code, quiet);
    }

    /**
     * A pending challenge whose time has passed ends as expired, counted as unanswered; the one
     * place that decides expiry. Returns the challenge as it now stands.
     */
    public Challenge expireIfDue(Challenge challenge, EventBuilder event) {
        if (!challenge.status().isPending() || !challenge.isExpiredAt(Time.currentTime())) {
            return challenge;
        }
        Optional<Challenge> expired = store.decide(challenge, ChallengeStatus.EXPIRED, null);
        if (expired.isPresent()) {
            ApprovalGuardEvent.CHALLENGE_EXPIRED.emit(
                    aboutAccount(
                            event.clone()
                                    .user(challenge.userId())
                                    .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id()),
                            challenge.purpose().orElse(null)));
            recordOutcome(challenge, PromptOutcome.TIMED_OUT);
            return expired.get();
        }
        return store.find(challenge.id()).orElse(challenge);
    }

    /**
     * The person signing in gave up: a pending challenge ends as cancelled (its device is told).
     * For the back-off and the risk score it counts as a request left unanswered, as it would have
     * been without the cancel: whoever is signing in could be the attacker, cancelling so that
     * ignored prompts cost nothing.
     */
    public void cancel(Challenge challenge, EventBuilder event) {
        if (!challenge.status().isPending()
                || store.decide(challenge, ChallengeStatus.CANCELLED, null).isEmpty()) {
            return;
        }
        // The device's held listing answers at once: the request is gone from it.
        Wakes.afterCommit(
                session, Wakes.user(challenge.realmId(), challenge.userId()), "cancelled");
        ApprovalGuardEvent.CHALLENGE_CANCELLED.emit(
                aboutAccount(
                        event.clone()
                                .user(challenge.userId())
                                .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id()),
                        challenge.purpose().orElse(null)));
        recordOutcome(challenge, PromptOutcome.TIMED_OUT);
    }

    /**
     * The challenges this device may answer now; none when a gate is closed (the user, push or the
     * device suspended).
     */
    public List<Challenge> pendingFor(RealmModel realm, UserModel user, String deviceId) {
        Optional<DeviceCredentialModel> device =
                gates.forUser(realm, user).isPresent()
                        ? Optional.empty()
                        : devices.find(user, deviceId);
        if (device.isEmpty()) {
            return List.of();
        }
        return store
                .findPendingFor(realm.getId(), user.getId())
                .filter(c -> ApprovalGates.forDevice(user, device.get(), c).isEmpty())
                .stream()
                .toList();
    }

    /**
     * Decides a challenge from a device's signed answer, once: expiry, state, the gates, the signed
     * context hash and the code, in that order. Throws {@link AnswerRefused} for an answer that
     * decides nothing (a wrong code ends the challenge as failed first).
     */
    public Challenge answer(
            RealmModel realm,
            UserModel user,
            DeviceCredentialModel device,
            String challengeId,
            DeviceAnswer answer) {
        Challenge challenge =
                store.find(challengeId)
                        .filter(
                                c ->
                                        c.realmId().equals(realm.getId())
                                                && c.userId().equals(user.getId()))
                        .orElseThrow(
                                () ->
                                        new AnswerRefused(
                                                AnswerRefused.Reason.NOT_FOUND,
                                                "no such challenge for this user"));
        EventBuilder event = DeviceEvents.of(session, realm, user, challenge, device);
        // Expired by time (marked so here), or decided already: nothing to answer.
        if (!expireIfDue(challenge, event).status().isPending()) {
            throw refusedAsDecided(challenge);
        }
        Optional<ApprovalGates.Closed> closed =
                gates.forUser(realm, user)
                        .or(() -> ApprovalGates.forDevice(user, device, challenge));
        if (closed.isPresent()) {
            throw new AnswerRefused(
                    closed.get() == ApprovalGates.Closed.DEVICE_NEWER_THAN_CHALLENGE
                                    || closed.get() == ApprovalGates.Closed.DEVICE_COOLING_OFF
                            ? AnswerRefused.Reason.DEVICE_NOT_ELIGIBLE
                            : closed.get() == ApprovalGates.Closed.PUSH_SUSPENDED
                                    ? AnswerRefused.Reason.PUSH_SUSPENDED
                                    : AnswerRefused.Reason.USER_DISABLED,
                    closed.get().description());
        }
        if (!answer.contextHash().equals(challenge.contextHash())) {
            throw new AnswerRefused(
                    AnswerRefused.Reason.CONTEXT_MISMATCH,
                    "context_hash is not the hash of this challenge's context");
        }
        if (answer.decision() == ChallengeStatus.APPROVED && challenge.requiresCode()) {
            if (answer.code() == null) {
                throw new AnswerRefused(
                        AnswerRefused.Reason.CODE_REQUIRED,
                        "type the code shown on the sign-in screen");
            }
            if (!VerificationCodes.matches(challenge.id(), answer.code(), challenge.codeHash())) {
                decideByDevice(challenge, ChallengeStatus.FAILED, device);
                ApprovalGuardEvent.CHALLENGE_WRONG_CODE.emit(event);
                recordOutcome(challenge, PromptOutcome.WRONG_CODE);
                throw new AnswerRefused(
                        AnswerRefused.Reason.WRONG_CODE,
                        "the code is wrong; this sign-in attempt has been stopped");
            }
        }
        Challenge decided = decideByDevice(challenge, answer.decision(), device);
        devices.markUsed(user, device.getId());
        DeviceEvents.decided(answer.decision()).emit(event);
        if (answer.decision() == ChallengeStatus.DENIED) {
            recordOutcome(challenge, PromptOutcome.DENIED);
        } else if (answer.decision() == ChallengeStatus.FRAUD) {
            recordOutcome(challenge, PromptOutcome.FRAUD);
        }
        return decided;
    }

    /**
     * Spends the approval of a browser tab's challenge for {@code purpose}. Every gate is checked
     * again from the store (binding, purpose, expiry, user, lock-out, suspension, device) before
     * the approval is spent exactly once; only then is the login's approval recorded.
     *
     * @param bound the tab's challenge, found through {@link #bound}
     * @param excludedDevices devices that may not approve this login (enrolled during it)
     */
    public Verdict conclude(
            AuthenticationSessionModel authSession,
            Optional<Challenge> bound,
            UserModel user,
            Purpose purpose,
            Set<String> excludedDevices,
            EventBuilder event) {
        if (bound.isEmpty()
                || !bound.get().userId().equals(user.getId())
                || bound.get().purpose().filter(purpose::equals).isEmpty()) {
            return Verdict.INVALID;
        }
        Challenge challenge = expireIfDue(bound.get(), event);
        Verdict verdict = standing(challenge, user, excludedDevices);
        if (verdict != Verdict.APPROVED) {
            return verdict;
        }
        if (!store.consume(challenge)) {
            return Verdict.INVALID;
        }
        if (purpose == Purpose.ADD_DEVICE) {
            LoginApproval.markPassed(authSession);
        } else {
            DeviceCredentialModel device =
                    devices.find(user, challenge.deciderDeviceId()).orElseThrow();
            LoginApproval.recordSpent(
                    authSession,
                    user.getId(),
                    approvalRecord(challenge, device.data().thumbprint()));
        }
        // A completed approval: the prompt quota and back-off start afresh.
        throttle.recordSuccess(authSession.getRealm(), user);
        return Verdict.APPROVED;
    }

    /**
     * Spends a decided CIBA challenge's approval when its request is completed: every gate is asked
     * again (a risk response to this very approval included), and an approval is spent once. It
     * runs at the end of the deciding transaction, where nothing more can be enlisted.
     */
    public Verdict concludeBackchannel(Challenge decided) {
        if (decided.purpose().filter(Purpose.CIBA::equals).isEmpty()) {
            return Verdict.INVALID;
        }
        RealmModel realm = session.realms().getRealm(decided.realmId());
        UserModel user =
                realm == null ? null : session.users().getUserById(realm, decided.userId());
        if (user == null) {
            return Verdict.LOCKED;
        }
        Verdict verdict = standing(decided, user, Set.of());
        return verdict != Verdict.APPROVED || store.consumeAtPrepare(decided)
                ? verdict
                : Verdict.INVALID;
    }

    /**
     * Spends an approver's approval of a change request, in the transaction that decided it: every
     * gate is asked again and the approval counts once. The governance quorum calls this before it
     * counts the approval.
     */
    public Verdict concludeChangeApproval(Challenge decided) {
        if (decided.purpose().filter(Purpose.CHANGE_APPROVAL::equals).isEmpty()) {
            return Verdict.INVALID;
        }
        RealmModel realm = session.realms().getRealm(decided.realmId());
        UserModel user =
                realm == null ? null : session.users().getUserById(realm, decided.userId());
        if (user == null) {
            return Verdict.LOCKED;
        }
        Verdict verdict = standing(decided, user, Set.of());
        if (verdict != Verdict.APPROVED) {
            return verdict;
        }
        if (!store.consumeWhileDeciding(decided)) {
            return Verdict.INVALID;
        }
        throttle.recordSuccess(realm, user);
        return Verdict.APPROVED;
    }

    /**
     * Ends the user's pending challenge, if any, as cancelled: after a governed change to their
     * credentials, a sign-in that was under way must start again.
     */
    public Optional<String> cancelPendingOf(RealmModel realm, UserModel user, EventBuilder event) {
        Optional<Challenge> pending = store.findPendingFor(realm.getId(), user.getId());
        pending.ifPresent(c -> cancel(c, event));
        return pending.map(Challenge::id);
    }

    /**
     * Whether an approval still stands: decided as approved, unexpired, every gate open, by a
     * device that may approve it.
     */
    private Verdict standing(Challenge challenge, UserModel user, Set<String> excludedDevices) {
        switch (challenge.status()) {
            case PENDING:
                return Verdict.PENDING;
            case DENIED:
                return Verdict.DENIED;
            case FRAUD:
                return Verdict.FRAUD;
            case FAILED:
                return Verdict.FAILED;
            case EXPIRED:
                return Verdict.EXPIRED;
            case SUPERSEDED:
                return Verdict.SUPERSEDED;
            case CANCELLED, CONSUMED:
                return Verdict.INVALID;
            case APPROVED:
                break;
        }
        if (challenge.isExpiredAt(Time.currentTime())) {
            return Verdict.EXPIRED;
        }
        RealmModel realm = session.realms().getRealm(challenge.realmId());
        Optional<ApprovalGates.Closed> closed = gates.forDecision(realm, user, challenge);
        if (closed.isPresent()) {
            LOG.infof(
                    "Approval Guard: approval %s refused at the final step: %s",
                    challenge.id(), closed.get().description());
            return Verdict.refusedBy(closed.get());
        }
        if (excludedDevices.contains(challenge.deciderDeviceId())) {
            LOG.infof(
                    "Approval Guard: approval %s refused at the final step: the device was enrolled during this login",
                    challenge.id());
            return Verdict.INVALID;
        }
        return Verdict.APPROVED;
    }

    /**
     * What the login keeps of a spent sign-in approval: the token claim and the transaction-details
     * check read it.
     */
    private static Map<String, Object> approvalRecord(
            Challenge challenge, String deviceThumbprint) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("approval_id", challenge.id());
        record.put("context_hash", challenge.contextHash());
        record.put(
                "verification",
                challenge.requiresCode() ? "code-" + challenge.codeLength() : "approve-only");
        record.put("device_jkt", deviceThumbprint);
        record.put("approved_at", challenge.decidedAt());
        record.put("reason", challenge.context().get(ApprovalContext.REASON));
        Object details = challenge.context().get(ApprovalContext.AUTHORIZATION_DETAILS);
        if (details != null) {
            record.put(LoginApproval.AUTHORIZATION_DETAILS, details);
        }
        record.put(LoginApproval.CONTEXT, CanonicalJson.canonicalize(challenge.context()));
        return record;
    }

    /**
     * A device's decision, scored in this transaction ("this wasn't me" ends sessions before anyone
     * can spend it).
     */
    private Challenge decideByDevice(
            Challenge challenge, ChallengeStatus outcome, DeviceCredentialModel device) {
        Challenge decided =
                store.decide(challenge, outcome, device.getId())
                        .orElseThrow(() -> refusedAsDecided(challenge));
        DecisionScoring.judge(session, decided);
        return decided;
    }

    private AnswerRefused refusedAsDecided(Challenge challenge) {
        ChallengeStatus status = store.find(challenge.id()).map(Challenge::status).orElse(null);
        if (status == ChallengeStatus.EXPIRED) {
            return new AnswerRefused(
                    AnswerRefused.Reason.EXPIRED, status, "the challenge has expired");
        }
        if (status == ChallengeStatus.CANCELLED) {
            return new AnswerRefused(
                    AnswerRefused.Reason.CANCELLED,
                    status,
                    "the sign-in was cancelled on the sign-in page");
        }
        return new AnswerRefused(
                AnswerRefused.Reason.NOT_PENDING,
                status,
                "the challenge is no longer pending ("
                        + (status == null ? "unknown" : status.wireName())
                        + ")");
    }

    private void recordOutcome(Challenge challenge, PromptOutcome outcome) {
        if (judgesAnotherAccount(challenge.purpose().orElse(null))
                && (outcome == PromptOutcome.TIMED_OUT || outcome == PromptOutcome.DENIED)) {
            // an approver's denial or unanswered approval of someone else's change is no sign
            // that their own account is under attack: no back-off for their next sign-in
            return;
        }
        RealmModel realm = session.realms().getRealm(challenge.realmId());
        UserModel user =
                realm == null ? null : session.users().getUserById(realm, challenge.userId());
        if (user != null) {
            throttle.recordOutcome(realm, user, outcome);
        }
    }

    /**
     * A change approval judges another person's change: its prompts, timeouts and denials are not
     * signals about the approver's own account (a wrong code or "this wasn't me" still are).
     */
    static boolean judgesAnotherAccount(Purpose purpose) {
        return purpose == Purpose.CHANGE_APPROVAL;
    }

    private static EventBuilder aboutAccount(EventBuilder event, Purpose purpose) {
        return judgesAnotherAccount(purpose)
                ? event.detail(ApprovalGuardEvent.OWN_ACCOUNT, "false")
                : event;
    }
}
