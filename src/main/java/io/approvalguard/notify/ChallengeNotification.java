package io.approvalguard.notify;

import java.util.List;

/**
 * What a notifier may tell a device: that a challenge waits. Never the code, never the context: the
 * device fetches those over its authenticated API.
 */
public record ChallengeNotification(
        String realmId,
        String realmName,
        String userId,
        String challengeId,
        List<String> deviceIds,
        long expiresAt) {}
