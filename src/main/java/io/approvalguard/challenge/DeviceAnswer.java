package io.approvalguard.challenge;

/**
 * A device's signed answer to a challenge, as the device API has validated its shape: the decision,
 * the hash of the context the device showed, and the code the person typed (or null).
 */
public record DeviceAnswer(ChallengeStatus decision, String contextHash, String code) {

    public DeviceAnswer {
        if (decision != ChallengeStatus.APPROVED
                && decision != ChallengeStatus.DENIED
                && decision != ChallengeStatus.FRAUD) {
            throw new IllegalArgumentException("not a device decision: " + decision);
        }
    }
}
