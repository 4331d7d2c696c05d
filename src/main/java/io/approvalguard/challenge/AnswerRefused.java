package io.approvalguard.challenge;

/**
 * A device's answer the engine did not take, and why. Nothing was decided, except for {@link
 * Reason#WRONG_CODE}: a wrong code ends the challenge as failed.
 */
public final class AnswerRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Each reason a device's answer is refused, named once for every purpose. */
    public enum Reason {
        NOT_FOUND,
        EXPIRED,
        CANCELLED,
        NOT_PENDING,
        DEVICE_NOT_ELIGIBLE,
        PUSH_SUSPENDED,
        USER_DISABLED,
        CONTEXT_MISMATCH,
        CODE_REQUIRED,
        WRONG_CODE,
        /**
         * The answer was right, but what it approves refuses it: a change request that no longer
         * takes approvals, or an approver who may not fill one of its slots. Nothing is decided.
         */
        NOT_COUNTED
    }

    private final Reason reason;

    /**
     * The challenge's state when the answer came, for {@link Reason#NOT_PENDING}; null when
     * unknown.
     */
    private final ChallengeStatus status;

    AnswerRefused(Reason reason, ChallengeStatus status, String description) {
        super(description, null, false, false);
        this.reason = reason;
        this.status = status;
    }

    AnswerRefused(Reason reason, String description) {
        this(reason, null, description);
    }

    /**
     * Refuses an answer for a reason of the purpose's own (see {@link Reason#NOT_COUNTED}), from a
     * listener of {@link ChallengeDecided}; the caller also rolls the deciding transaction back.
     */
    public static AnswerRefused notCounted(String description) {
        return new AnswerRefused(Reason.NOT_COUNTED, description);
    }

    /** An answer signed over something other than what it would count for. */
    public static AnswerRefused contextMismatch(String description) {
        return new AnswerRefused(Reason.CONTEXT_MISMATCH, description);
    }

    public Reason reason() {
        return reason;
    }

    public ChallengeStatus status() {
        return status;
    }
}
