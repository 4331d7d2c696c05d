package io.approvalguard.governance;

import io.approvalguard.challenge.AnswerRefused;
import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.Binding;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeDecided;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.Opening;
import io.approvalguard.challenge.PromptPolicy;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.challenge.VerificationProfile;
import io.approvalguard.device.CoolingOff;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.fatigue.ThrottleSettings;
import io.approvalguard.support.json.CanonicalJson;
import jakarta.persistence.PersistenceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Approving a change request: an approver asks for a challenge on their own device (the page shows
 * the code to type there), and the device's signed answer is counted here, in the transaction that
 * decided it, with the request's row locked. Every rule about who may fill a slot is written once,
 * in {@link #whyNot}, and asked both when the challenge is opened and when its answer is counted.
 */
public final class ChangeApprovals {

    private static final Logger LOG = Logger.getLogger(ChangeApprovals.class);

    /** Approvals always ask for the code: the approver proves they see the request's page. */
    private static final int CODE_LENGTH = 6;

    /**
     * An approver asks for each prompt from their own signed-in page, and number matching means a
     * prompt nobody is looking at cannot be approved: no spacing and no back-off (an approver works
     * through several requests in a row), but a quota of unanswered prompts, so that a stolen
     * approver token cannot ring the device without end.
     */
    private static final ThrottleSettings APPROVER_THROTTLE =
            new ThrottleSettings(10, 0, 0, 0, 0, 600, false);

    private final KeycloakSession session;
    private final ChangeRequests requests;
    private final DeviceRegistry devices = new DeviceRegistry();

    public ChangeApprovals(KeycloakSession session) {
        this.session = session;
        this.requests = new ChangeRequests(session);
    }

    /**
     * Opens a challenge on the approver's devices for this request, once every rule lets them fill
     * a slot. The returned opening carries the code to show on the approver's page.
     */
    Opening open(
            RealmModel realm,
            String requestId,
            UserModel approver,
            ClientModel client,
            String ipAddress,
            GovernancePolicy policy,
            boolean review,
            EventBuilder event) {
        ChangeRequestEntity request = requests.lockedOrThrow(realm, requestId);
        if (!review && !request.state().isOpen()) {
            throw GovernanceErrors.notPending(request);
        }
        (review
                        ? whyNotReviewer(realm, request, approver, null)
                        : whyNot(realm, request, approver, null))
                .ifPresent(
                        reason -> {
                            throw GovernanceErrors.notEligible(reason);
                        });
        long remaining =
                review ? policy.approvalChallengeSeconds() : request.expiresAt - Time.currentTime();
        int lifetime = (int) Math.max(1, Math.min(policy.approvalChallengeSeconds(), remaining));
        Map<String, Object> context =
                ApprovalContext.forChangeApproval(
                        realm, approver, ChangeRequests.body(request), request.requestHash, review);
        Opening opening =
                new ApprovalEngine(session)
                        .open(
                                Binding.changeRequest(request.id),
                                client,
                                approver,
                                ipAddress,
                                context,
                                Purpose.CHANGE_APPROVAL,
                                new PromptPolicy(
                                        lifetime,
                                        VerificationProfile.NIST_800_63B_4,
                                        CODE_LENGTH,
                                        APPROVER_THROTTLE),
                                event);
        if (opening.isOpened()) {
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            ChangeRequests.APPROVAL_REQUESTED,
                            approver.getId(),
                            request.subjectId,
                            Map.of(
                                    "challenge_id",
                                    opening.challenge().id(),
                                    "approver_username",
                                    approver.getUsername(),
                                    "expires_at",
                                    opening.challenge().expiresAt()));
        }
        return opening;
    }

    /**
     * Registered for {@link ChallengeDecided}: counts a device's answer on a change approval. An
     * answer that cannot count (the request closed meanwhile, signed over another version, a slot
     * rule broken since) rolls the whole decision back and is refused to the device.
     */
    static void onDecided(ChallengeDecided decided) {
        Challenge challenge = decided.challenge();
        if (!decided.byDevice()
                || challenge.purpose().filter(Purpose.CHANGE_APPROVAL::equals).isEmpty()) {
            return;
        }
        new ChangeApprovals(decided.session()).count(challenge);
    }

    private void count(Challenge challenge) {
        RealmModel realm = session.realms().getRealm(challenge.realmId());
        Object signed = challenge.context().get(ApprovalContext.CHANGE_REQUEST);
        String requestId =
                signed instanceof Map<?, ?> body && body.get("id") instanceof String id ? id : null;
        ChangeRequestEntity request =
                realm == null ? null : requests.locked(realm, requestId).orElse(null);
        if (request == null) {
            throw refuse(AnswerRefused.notCounted("the change request no longer exists"));
        }
        if (!request.requestHash.equals(challenge.context().get(ApprovalContext.REQUEST_HASH))
                || !request.body.equals(CanonicalJson.canonicalize(signed))) {
            throw refuse(
                    AnswerRefused.contextMismatch(
                            "the approval was signed over another version of the change request;"
                                    + " it does not count"));
        }
        UserModel approver = session.users().getUserById(realm, challenge.userId());
        if (challenge.status() == ChallengeStatus.FAILED) {
            // A wrong code: the engine refuses the answer itself; the audit keeps the attempt.
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            "approval_wrong_code",
                            challenge.userId(),
                            request.subjectId,
                            Map.of("challenge_id", challenge.id()));
            return;
        }
        boolean review = Boolean.TRUE.equals(challenge.context().get(ApprovalContext.REVIEW));
        if (!review && !request.state().isOpen()) {
            throw refuse(GovernanceErrors.notPendingAnswer(request));
        }
        DeviceCredentialModel device =
                approver == null
                        ? null
                        : devices.find(approver, challenge.deciderDeviceId()).orElse(null);
        if (device == null) {
            throw refuse(AnswerRefused.notCounted("the approving device no longer exists"));
        }
        Optional<String> whyNot =
                review
                        ? whyNotReviewer(realm, request, approver, device)
                        : whyNot(realm, request, approver, device);
        if (whyNot.isPresent()) {
            throw refuse(AnswerRefused.notCounted(whyNot.get()));
        }
        boolean approves = challenge.status() == ChallengeStatus.APPROVED;
        if (approves) {
            Verdict verdict = new ApprovalEngine(session).concludeChangeApproval(challenge);
            if (verdict != Verdict.APPROVED) {
                throw refuse(
                        AnswerRefused.notCounted(
                                "the approval no longer stands (" + verdict.name() + ")"));
            }
        }
        ChangeApprovalEntity approval = new ChangeApprovalEntity();
        approval.id = KeycloakModelUtils.generateId();
        approval.requestId = request.id;
        approval.role =
                (review ? ChangeApprovalEntity.Role.REVIEW : ChangeApprovalEntity.Role.APPROVAL)
                        .name();
        approval.approverId = approver.getId();
        approval.deviceId = device.getId();
        approval.deviceJkt = device.data().thumbprint();
        approval.challengeId = challenge.id();
        approval.decision = challenge.status().wireName();
        approval.contextHash = challenge.contextHash();
        approval.decidedAt = Time.currentTimeMillis();
        try {
            requests.record(approval);
        } catch (PersistenceException duplicate) {
            throw refuse(
                    AnswerRefused.notCounted(
                            "this person or this device has already answered this request"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approver_id", approver.getId());
        data.put("approver_username", approver.getUsername());
        data.put("device_key_thumbprint", approval.deviceJkt);
        data.put("challenge_id", challenge.id());
        data.put("context_hash", challenge.contextHash());
        data.put("decision", approval.decision);
        if (review) {
            new BreakGlassReviews(session).counted(realm, request, approves, data);
            return;
        }
        if (!approves) {
            requests.audit()
                    .append(
                            realm,
                            request.id,
                            "approval_denied",
                            approver.getId(),
                            request.subjectId,
                            data);
            requests.close(
                    realm,
                    request,
                    RequestState.DENIED,
                    approver.getId(),
                    Map.of(
                            "denied_by",
                            approver.getId(),
                            "reported_fraud",
                            challenge.status() == ChallengeStatus.FRAUD));
            return;
        }
        GovernancePolicy.Quorum quorum = quorumOf(request);
        int filled = filledSlots(realm, request, quorum);
        data.put("approvals_counted", filled);
        data.put("approvals_required", quorum.approvals());
        requests.audit()
                .append(
                        realm,
                        request.id,
                        "approval_counted",
                        approver.getId(),
                        request.subjectId,
                        data);
        if (filled >= quorum.approvals()) {
            requests.approve(realm, request, filled);
            new ChangeApplication(session).apply(realm, request);
        }
    }

    /**
     * Why this approver (with this device, once it has answered) may not fill a slot of this
     * request; empty when they may.
     */
    Optional<String> whyNot(
            RealmModel realm,
            ChangeRequestEntity request,
            UserModel approver,
            DeviceCredentialModel device) {
        if (!GovernanceRoles.APPROVER.heldBy(realm, approver)) {
            return Optional.of(
                    "you do not hold the " + GovernanceRoles.APPROVER.roleName() + " role");
        }
        if (approver.getId().equals(request.requesterId)) {
            return Optional.of("the requester cannot approve their own request");
        }
        if (approver.getId().equals(request.subjectId)) {
            return Optional.of("the person a change is for cannot approve it");
        }
        List<ChangeApprovalEntity> earlier = approvals(request);
        if (earlier.stream().anyMatch(a -> a.approverId.equals(approver.getId()))) {
            return Optional.of("you have already answered this request");
        }
        if (device != null) {
            String jkt = device.data().thumbprint();
            if (earlier.stream().anyMatch(a -> a.deviceJkt.equals(jkt))) {
                return Optional.of("this device has already answered this request");
            }
            if (CoolingOff.holds(approver, device, Time.currentTime())) {
                return Optional.of(
                        "this device was enrolled after a second-factor reset and is cooling off"
                                + " until "
                                + java.time.Instant.ofEpochSecond(CoolingOff.endsAt(approver)));
            }
        } else if (coolingOffOnly(approver)) {
            return Optional.of(
                    "your devices were enrolled after a second-factor reset and are cooling off"
                            + " until "
                            + java.time.Instant.ofEpochSecond(CoolingOff.endsAt(approver)));
        }
        GovernancePolicy.Quorum quorum = quorumOf(request);
        Set<String> groups = groupsOf(realm, approver, quorum);
        if (groups.isEmpty()) {
            return Optional.of(
                    "you are in none of this request's approver groups ("
                            + String.join(", ", quorum.groups())
                            + ")");
        }
        List<Set<String>> seated = new ArrayList<>(groupsOfApprovers(realm, earlier, quorum));
        int before = ApproverSlots.filled(seated, quorum.groups());
        seated.add(groups);
        if (ApproverSlots.filled(seated, quorum.groups()) == before) {
            return Optional.of(
                    "the approvals so far already fill every group you are in ("
                            + String.join(", ", groups)
                            + "); an approver from another group must approve");
        }
        return Optional.empty();
    }

    /**
     * Why this person may not review this break-glass change; empty when they may. Two other people
     * review it: neither its requester, its subject nor anyone who approved it, each once, each
     * device key once.
     */
    Optional<String> whyNotReviewer(
            RealmModel realm,
            ChangeRequestEntity request,
            UserModel reviewer,
            DeviceCredentialModel device) {
        if (!request.breakGlass || request.state() != RequestState.APPLIED) {
            return Optional.of("only an applied break-glass change is reviewed");
        }
        if (request.reviewedAt != null) {
            return Optional.of("this break-glass change has had its two reviews");
        }
        if (!GovernanceRoles.APPROVER.heldBy(realm, reviewer)
                && !GovernanceRoles.AUDITOR.heldBy(realm, reviewer)) {
            return Optional.of(
                    "a review needs the "
                            + GovernanceRoles.APPROVER.roleName()
                            + " or "
                            + GovernanceRoles.AUDITOR.roleName()
                            + " role");
        }
        if (reviewer.getId().equals(request.requesterId)
                || reviewer.getId().equals(request.subjectId)) {
            return Optional.of("the requester and the subject cannot review their own change");
        }
        List<ChangeApprovalEntity> everyone = requests.approvalsOf(request.id);
        if (everyone.stream().anyMatch(a -> a.approverId.equals(reviewer.getId()))) {
            return Optional.of("you approved or reviewed this change already");
        }
        if (device != null
                && everyone.stream()
                        .anyMatch(a -> a.deviceJkt.equals(device.data().thumbprint()))) {
            return Optional.of("this device has already answered for this change");
        }
        return Optional.empty();
    }

    /** Whether every active device of the approver is cooling off (and there is one). */
    private boolean coolingOffOnly(UserModel approver) {
        long now = Time.currentTime();
        List<DeviceCredentialModel> active =
                devices.devicesOf(approver).filter(DeviceCredentialModel::isActive).toList();
        return !active.isEmpty()
                && active.stream().allMatch(d -> CoolingOff.holds(approver, d, now));
    }

    /** The approvals that count now: approved ones, their approvers' groups as they are now. */
    private int filledSlots(
            RealmModel realm, ChangeRequestEntity request, GovernancePolicy.Quorum quorum) {
        return ApproverSlots.filled(
                groupsOfApprovers(realm, approvals(request), quorum), quorum.groups());
    }

    private List<ChangeApprovalEntity> approvals(ChangeRequestEntity request) {
        return requests.approvalsOf(request.id).stream()
                .filter(a -> ChangeApprovalEntity.Role.APPROVAL.name().equals(a.role))
                .toList();
    }

    private List<Set<String>> groupsOfApprovers(
            RealmModel realm,
            List<ChangeApprovalEntity> approvals,
            GovernancePolicy.Quorum quorum) {
        List<Set<String>> groups = new ArrayList<>();
        for (ChangeApprovalEntity a : approvals) {
            if (!ChallengeStatus.APPROVED.wireName().equals(a.decision)) {
                continue;
            }
            UserModel user = session.users().getUserById(realm, a.approverId);
            groups.add(user == null ? Set.of() : groupsOf(realm, user, quorum));
        }
        return groups;
    }

    private Set<String> groupsOf(RealmModel realm, UserModel user, GovernancePolicy.Quorum quorum) {
        Set<String> groups = new LinkedHashSet<>();
        for (String path : quorum.groups()) {
            GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
            if (group != null && user.isMemberOf(group)) {
                groups.add(path);
            }
        }
        return groups;
    }

    /** The quorum the request was filed under: part of what was signed. */
    @SuppressWarnings("unchecked")
    static GovernancePolicy.Quorum quorumOf(ChangeRequestEntity request) {
        Map<String, Object> quorum =
                (Map<String, Object>) ChangeRequests.body(request).get("quorum");
        return new GovernancePolicy.Quorum(
                ((Number) quorum.get("approvals")).intValue(),
                List.copyOf((List<String>) quorum.get("groups")));
    }

    /** Refuses the device's answer and rolls back everything its decision did. */
    private AnswerRefused refuse(AnswerRefused refused) {
        LOG.debugf("change approval refused: %s", refused.getMessage());
        session.getTransactionManager().setRollbackOnly();
        return refused;
    }
}
