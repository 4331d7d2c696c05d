package io.approvalguard.fatigue;

/**
 * How a prompt ended badly; each one extends the back-off and makes the user's history suspicious.
 */
public enum PromptOutcome {
    DENIED,
    TIMED_OUT,
    WRONG_CODE,
    /** "This wasn't me". */
    FRAUD
}
