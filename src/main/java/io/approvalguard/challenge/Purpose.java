package io.approvalguard.challenge;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a challenge is for. It is part of the signed context (member {@code reason}), so the device
 * shows it and signs it, and an approval is spent only for the purpose it was asked for.
 */
public enum Purpose {
    /** The second factor of a sign-in in the browser. */
    SIGN_IN("sign-in"),
    /** Confirming, with an existing device, that a new one may be added to the account. */
    ADD_DEVICE("add-device"),
    /**
     * The second factor of a password reset, after the emailed link and before the new password.
     */
    PASSWORD_RESET("password-reset"),
    /** An OpenID CIBA request of an application, approved without a browser. */
    CIBA("ciba"),
    /**
     * One approver's signed approval of a governed change to another user (issue 14): the device
     * signs the change request's hash.
     */
    CHANGE_APPROVAL("change-approval");

    private final String wireName;

    Purpose(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the context's {@code reason} member. */
    public String wireName() {
        return wireName;
    }

    /** The purpose a challenge's context names. */
    static Optional<Purpose> of(java.util.Map<String, Object> context) {
        Object reason = context.get(ApprovalContext.REASON);
        return Arrays.stream(values()).filter(p -> p.wireName.equals(reason)).findFirst();
    }
}
