package io.approvalguard.risk;

/**
 * What the scorer needs of one stream event, already extracted: kept small so scoring is cheap.
 *
 * @param kind what happened
 * @param timeMillis when
 * @param country the sign-in's country for approvals (ISO code), or null
 * @param network the sign-in's network for approvals ({@code AS<number>}), or null
 * @param ipAddress the sign-in's IP address for prompts, or null
 * @param backchannel the approval is of a CIBA request (no browser)
 */
public record RiskInput(
        Kind kind,
        long timeMillis,
        String country,
        String network,
        String ipAddress,
        boolean backchannel) {

    public RiskInput(Kind kind, long timeMillis, String country, String network, String ipAddress) {
        this(kind, timeMillis, country, network, ipAddress, false);
    }

    public enum Kind {
        PROMPT_SENT,
        APPROVED,
        DENIED,
        TIMED_OUT,
        WRONG_CODE,
        FRAUD_REPORTED,
        THROTTLED,
        DEVICE_ENROLLED,
        PASSWORD_RESET,
        LOGIN
    }

    public static RiskInput of(Kind kind, long timeMillis) {
        return new RiskInput(kind, timeMillis, null, null, null);
    }
}
