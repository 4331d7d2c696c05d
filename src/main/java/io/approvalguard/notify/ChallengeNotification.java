package io.approvalguard.notify;

import io.approvalguard.device.PushAddress;
import java.util.List;

/**
 * A challenge that its user's devices are to hear of: the devices that may answer it, and the push
 * address of each that registered one. Never the code, never the context: the device fetches those
 * over its authenticated API.
 */
public record ChallengeNotification(
        String realmId,
        String realmName,
        String userId,
        String challengeId,
        List<String> deviceIds,
        List<Target> targets,
        long expiresAt) {

    /** A device with a push address. */
    public record Target(String deviceId, PushAddress address) {}

    public PushMessage messageFor(Target target) {
        return new PushMessage(
                realmId, realmName, userId, target.deviceId(), challengeId, expiresAt);
    }
}
