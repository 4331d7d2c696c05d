package io.approvalguard.challenge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's rules written out plainly, for the property test to predict every outcome with: what
 * an opening, an answer, a spend and a cancel do to one user's challenges, given the facts the test
 * sets (the clock, the user's standing, the devices). Expiry is as lazy as the engine's: a pending
 * challenge past its time is written as expired only when something looks at it.
 */
final class EngineModel {

    /** What the model knows of one challenge. */
    static final class ChallengeModel {
        final String id;
        final long seq;
        final String tab;
        final Purpose purpose;
        final int openedAtJump;
        final String code;
        final String contextHash;
        ChallengeStatus status = ChallengeStatus.PENDING;
        DeviceModel decider;

        ChallengeModel(
                String id,
                long seq,
                String tab,
                Purpose purpose,
                int openedAtJump,
                String code,
                String contextHash) {
            this.id = id;
            this.seq = seq;
            this.tab = tab;
            this.purpose = purpose;
            this.openedAtJump = openedAtJump;
            this.code = code;
            this.contextHash = contextHash;
        }

        @Override
        public String toString() {
            return "challenge "
                    + seq
                    + " of tab "
                    + tab
                    + " ("
                    + purpose.wireName()
                    + ", "
                    + status.wireName()
                    + ")";
        }
    }

    /** One approver device: enrolled in order with the challenges, removed, suspended. */
    static final class DeviceModel {
        final String id;
        final long seq;
        boolean present = true;
        boolean active = true;

        DeviceModel(String id, long seq) {
            this.id = id;
            this.seq = seq;
        }

        /** Was there before the challenge was opened. */
        boolean olderThan(ChallengeModel challenge) {
            return seq < challenge.seq;
        }
    }

    /**
     * What a device's answer does: a new status for the challenge (null for none), and the refusal
     * thrown, if any.
     */
    record AnswerOutcome(ChallengeStatus newStatus, AnswerRefused.Reason refusal) {
        boolean claims() {
            return newStatus != null;
        }
    }

    /** What a spend does: the verdict, and a new status for the challenge (null for none). */
    record SpendOutcome(Verdict verdict, ChallengeStatus newStatus) {
        boolean claims() {
            return newStatus != null;
        }
    }

    /**
     * How a device answers: approve with the right code, without one or with a wrong one, deny,
     * "this wasn't me", or sign another context.
     */
    enum AnswerKind {
        APPROVE,
        NO_CODE,
        WRONG_CODE,
        DENY,
        FRAUD,
        OTHER_CONTEXT
    }

    int jumps;
    boolean enabled = true;
    boolean lockedOut;
    boolean pushSuspended;
    final List<DeviceModel> devices = new ArrayList<>();
    final List<ChallengeModel> challenges = new ArrayList<>();
    final Map<String, ChallengeModel> latestOfTab = new HashMap<>();
    ChallengeModel latestOfUser;
    private long seq;

    long nextSeq() {
        return ++seq;
    }

    boolean isExpired(ChallengeModel challenge) {
        return jumps > challenge.openedAtJump;
    }

    /** The gates of the user: enabled, not locked out, push not suspended. */
    Optional<ApprovalGates.Closed> userGate() {
        if (!enabled) {
            return Optional.of(ApprovalGates.Closed.USER_DISABLED);
        }
        if (lockedOut) {
            return Optional.of(ApprovalGates.Closed.USER_LOCKED);
        }
        return pushSuspended ? Optional.of(ApprovalGates.Closed.PUSH_SUSPENDED) : Optional.empty();
    }

    Optional<ApprovalGates.Closed> promptGate() {
        return userGate()
                .or(
                        () ->
                                devices.stream().anyMatch(d -> d.present && d.active)
                                        ? Optional.empty()
                                        : Optional.of(ApprovalGates.Closed.NO_ACTIVE_DEVICE));
    }

    /**
     * A challenge was opened (the gates being open): the user's earlier pending one ends expired or
     * superseded.
     */
    void opened(ChallengeModel challenge) {
        ChallengeModel previous = latestOfUser;
        if (previous != null && previous.status == ChallengeStatus.PENDING) {
            previous.status =
                    isExpired(previous) ? ChallengeStatus.EXPIRED : ChallengeStatus.SUPERSEDED;
        }
        challenges.add(challenge);
        latestOfTab.put(challenge.tab, challenge);
        latestOfUser = challenge;
    }

    /**
     * A device's answer to a challenge standing at {@code status}.
     *
     * @param claimTaken another answer, not yet committed, has already claimed the decision
     */
    AnswerOutcome answer(
            ChallengeStatus status,
            ChallengeModel challenge,
            DeviceModel device,
            AnswerKind kind,
            boolean claimTaken) {
        if (status == ChallengeStatus.PENDING && isExpired(challenge)) {
            if (!claimTaken) {
                return new AnswerOutcome(ChallengeStatus.EXPIRED, AnswerRefused.Reason.EXPIRED);
            }
            // the racing answer claimed the expiry; this one still reads the record as pending
        } else if (status != ChallengeStatus.PENDING) {
            return refused(
                    status == ChallengeStatus.EXPIRED
                            ? AnswerRefused.Reason.EXPIRED
                            : status == ChallengeStatus.CANCELLED
                                    ? AnswerRefused.Reason.CANCELLED
                                    : AnswerRefused.Reason.NOT_PENDING);
        }
        Optional<ApprovalGates.Closed> user = userGate();
        if (user.isPresent()) {
            return refused(
                    user.get() == ApprovalGates.Closed.PUSH_SUSPENDED
                            ? AnswerRefused.Reason.PUSH_SUSPENDED
                            : AnswerRefused.Reason.USER_DISABLED);
        }
        if (!device.active) {
            return refused(
                    AnswerRefused.Reason.USER_DISABLED); // the engine names a suspended device so
        }
        if (!device.olderThan(challenge)) {
            return refused(AnswerRefused.Reason.DEVICE_NOT_ELIGIBLE);
        }
        if (kind == AnswerKind.OTHER_CONTEXT) {
            return refused(AnswerRefused.Reason.CONTEXT_MISMATCH);
        }
        if (kind == AnswerKind.NO_CODE) {
            return refused(
                    AnswerRefused.Reason.CODE_REQUIRED); // every challenge here asks for a code
        }
        if (claimTaken) {
            return refused(AnswerRefused.Reason.NOT_PENDING);
        }
        return switch (kind) {
            case APPROVE -> new AnswerOutcome(ChallengeStatus.APPROVED, null);
            case DENY -> new AnswerOutcome(ChallengeStatus.DENIED, null);
            case FRAUD -> new AnswerOutcome(ChallengeStatus.FRAUD, null);
            case WRONG_CODE ->
                    new AnswerOutcome(ChallengeStatus.FAILED, AnswerRefused.Reason.WRONG_CODE);
            case NO_CODE, OTHER_CONTEXT -> throw new AssertionError(kind);
        };
    }

    /**
     * A browser tab spends its challenge (null when it has none) for {@code purpose}.
     *
     * @param claimTaken another spend, not yet committed, has already claimed the expiry or the
     *     consumption
     */
    SpendOutcome spend(
            ChallengeStatus status,
            ChallengeModel challenge,
            Purpose purpose,
            boolean deciderExcluded,
            boolean claimTaken) {
        if (challenge == null || challenge.purpose != purpose) {
            return new SpendOutcome(Verdict.INVALID, null);
        }
        if (status == ChallengeStatus.PENDING && isExpired(challenge)) {
            // the one that claims the expiry says so; a racing one still reads the record as
            // pending
            return claimTaken
                    ? new SpendOutcome(Verdict.PENDING, null)
                    : new SpendOutcome(Verdict.EXPIRED, ChallengeStatus.EXPIRED);
        }
        Verdict verdict =
                switch (status) {
                    case PENDING -> Verdict.PENDING;
                    case DENIED -> Verdict.DENIED;
                    case FRAUD -> Verdict.FRAUD;
                    case FAILED -> Verdict.FAILED;
                    case EXPIRED -> Verdict.EXPIRED;
                    case SUPERSEDED -> Verdict.SUPERSEDED;
                    case CANCELLED, CONSUMED -> Verdict.INVALID;
                    case APPROVED -> spendApproval(challenge, deciderExcluded, claimTaken);
                };
        return new SpendOutcome(
                verdict, verdict == Verdict.APPROVED ? ChallengeStatus.CONSUMED : null);
    }

    private Verdict spendApproval(
            ChallengeModel challenge, boolean deciderExcluded, boolean claimTaken) {
        if (isExpired(challenge)) {
            return Verdict.EXPIRED;
        }
        Optional<ApprovalGates.Closed> user = userGate();
        if (user.isPresent()) {
            return user.get() == ApprovalGates.Closed.PUSH_SUSPENDED
                    ? Verdict.SUSPENDED
                    : Verdict.LOCKED;
        }
        DeviceModel decider = challenge.decider;
        if (!decider.present
                || !decider.active
                || !decider.olderThan(challenge)
                || deciderExcluded
                || claimTaken) {
            return Verdict.INVALID;
        }
        return Verdict.APPROVED;
    }

    /**
     * The tab gives up: a pending challenge ends cancelled, expired or not (cancel does not look at
     * the time).
     */
    void cancel(ChallengeModel challenge) {
        if (challenge != null && challenge.status == ChallengeStatus.PENDING) {
            challenge.status = ChallengeStatus.CANCELLED;
        }
    }

    /**
     * What a device may answer now: the user's current challenge, pending and in time, if the
     * device was there first.
     */
    List<String> pendingFor(DeviceModel device) {
        ChallengeModel current = latestOfUser;
        if (userGate().isPresent()
                || current == null
                || current.status != ChallengeStatus.PENDING
                || isExpired(current)
                || !device.active
                || !device.olderThan(current)) {
            return List.of();
        }
        return List.of(current.id);
    }

    private static AnswerOutcome refused(AnswerRefused.Reason reason) {
        return new AnswerOutcome(null, reason);
    }
}
