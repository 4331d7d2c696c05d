package io.approvalguard.challenge;

/**
 * What a challenge is bound to, and the only thing that may spend it: a browser tab of an
 * authentication session, or an OpenID CIBA request.
 */
public record Binding(String rootSessionId, String tabId) {

    /** The "root session" of a challenge that belongs to a CIBA request. */
    private static final String BACKCHANNEL = "ciba";

    /** A CIBA request, named by Keycloak's auth result id. */
    public static Binding backchannel(String authResultId) {
        return new Binding(BACKCHANNEL, authResultId);
    }
}
