package io.approvalguard.challenge;

import io.approvalguard.fatigue.ThrottleSettings;

/**
 * How a new challenge is asked: its lifetime, the verification profile and code length, and the
 * throttle it must pass. The browser's authenticator config and the CIBA channel each make one.
 */
public record PromptPolicy(
        int lifetimeSeconds,
        VerificationProfile profile,
        int codeLength,
        ThrottleSettings throttle) {}
