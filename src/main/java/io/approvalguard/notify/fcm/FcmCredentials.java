package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import org.keycloak.models.KeycloakSession;

/** Whose access tokens a message is sent with: one account for all realms, or each realm's own. */
interface FcmCredentials {

    /** The tokens, or why the message cannot be sent (the outcome then). */
    record Resolved(AccessTokens tokens, PushOutcome failure) {}

    /**
     * @param session the attempt's session, its realm the message's
     */
    Resolved tokensFor(KeycloakSession session, PushMessage message);

    /** {@code service-account-file}: read at start, the same for every realm. */
    static FcmCredentials fixed(AccessTokens tokens) {
        Resolved resolved = new Resolved(tokens, null);
        return (session, message) -> resolved;
    }
}
