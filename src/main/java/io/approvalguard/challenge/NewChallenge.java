package io.approvalguard.challenge;

import java.util.Map;

/**
 * What is needed to open a challenge.
 *
 * @param code the code the user must type on the device, or null when no code is asked
 */
public record NewChallenge(
        String realmId,
        String userId,
        String rootSessionId,
        String tabId,
        String clientId,
        Map<String, Object> context,
        String code,
        long lifetimeSeconds) {}
