package io.approvalguard.push.ciba;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;

import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.grants.ciba.channel.AuthenticationChannelResponse;
import org.keycloak.protocol.oidc.grants.ciba.endpoints.BackchannelAuthenticationCallbackEndpoint;

import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;

/**
 * Challenges that stand for an OpenID CIBA request instead of a browser tab. Their binding names
 * the CIBA request; the bearer token Keycloak's callback expects is kept beside the challenge
 * for as long as it lives, and the device's decision is handed to Keycloak's own callback logic.
 */
public final class CibaChallenges {

    /** The "root session" of a challenge that belongs to a CIBA request. */
    public static final String BINDING = "ciba";
    public static final String REASON = "ciba";
    private static final String CALLBACK_TOKEN = "ag:ciba-callback:";

    private CibaChallenges() {
    }

    public static boolean isCiba(Challenge challenge) {
        return BINDING.equals(challenge.rootSessionId());
    }

    static void rememberCallbackToken(KeycloakSession session, Challenge challenge, String token, long lifespanSeconds) {
        session.singleUseObjects().put(CALLBACK_TOKEN + challenge.id(), lifespanSeconds, Map.of("token", token));
    }

    /** Completes the CIBA request of a decided challenge through Keycloak's callback logic, once. */
    public static void complete(KeycloakSession session, Challenge decided) {
        Map<String, String> stored = session.singleUseObjects().remove(CALLBACK_TOKEN + decided.id());
        if (stored == null) {
            return;
        }
        AuthenticationChannelResponse.Status status = decided.status() == ChallengeStatus.APPROVED
                ? AuthenticationChannelResponse.Status.SUCCEED
                : decided.status() == ChallengeStatus.EXPIRED ? AuthenticationChannelResponse.Status.CANCELLED
                : AuthenticationChannelResponse.Status.UNAUTHORIZED;
        ClientModel client = session.getContext().getRealm().getClientById(decided.clientId());
        Optional.ofNullable(client).ifPresent(session.getContext()::setClient);
        EventBuilder event = new EventBuilder(session.getContext().getRealm(), session, session.getContext().getConnection());
        new InProcessCallback(session, event, stored.get("token")).processAuthenticationChannelResult(
                new AuthenticationChannelResponse(status));
    }

    /** Keycloak's callback endpoint, given the bearer token directly instead of from HTTP headers. */
    private static final class InProcessCallback extends BackchannelAuthenticationCallbackEndpoint {

        private final String token;

        InProcessCallback(KeycloakSession session, EventBuilder event, String token) {
            super(session, event);
            this.token = token;
        }

        @Override
        protected String getRawBearerToken(HttpHeaders headers, AuthenticationChannelResponse response) {
            return token;
        }
    }
}
