package io.approvalguard.challenge;

/**
 * What a challenge is bound to, and the only thing that may spend it: a browser tab of an
 * authentication session, an OpenID CIBA request, or a change request's quorum.
 */
public record Binding(String rootSessionId, String tabId) {

    /** The "root session" of a challenge that belongs to a CIBA request. */
    private static final String BACKCHANNEL = "ciba";

    /** The "root session" of an approver's challenge on a change request. */
    private static final String CHANGE_REQUEST = "change-request";

    /** One approver's challenge on a change request: spent only by the request's quorum. */
    public static Binding changeRequest(String requestId) {
        return new Binding(CHANGE_REQUEST, requestId);
    }

    /** A CIBA request, named by Keycloak's auth result id. */
    public static Binding backchannel(String authResultId) {
        return new Binding(BACKCHANNEL, authResultId);
    }
}
