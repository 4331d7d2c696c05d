package io.approvalguard.push.ciba;

import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeDecided;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.support.tx.AfterTransaction;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.grants.ciba.channel.AuthenticationChannelResponse;
import org.keycloak.protocol.oidc.grants.ciba.endpoints.BackchannelAuthenticationCallbackEndpoint;

/**
 * Challenges that stand for an OpenID CIBA request instead of a browser tab. Their binding names
 * the CIBA request; the bearer token Keycloak's callback expects is kept beside the challenge for
 * as long as it lives. Whatever decides the challenge (the device, its expiry, a newer challenge)
 * completes the CIBA request through Keycloak's own callback logic, once, at the end of the
 * deciding transaction, so that every gate (a risk response to this very approval included) is
 * asked last.
 */
public final class CibaChallenges {

    private static final String CALLBACK_TOKEN = "ag:ciba-callback:";
    private static final Logger LOG = Logger.getLogger(CibaChallenges.class);

    private CibaChallenges() {}

    static void rememberCallbackToken(
            KeycloakSession session, Challenge challenge, String token, long lifespanSeconds) {
        session.singleUseObjects()
                .put(CALLBACK_TOKEN + challenge.id(), lifespanSeconds, Map.of("token", token));
    }

    /**
     * Registered for {@link ChallengeDecided}: completes a CIBA request when the rest of the
     * deciding transaction is done.
     */
    static void onDecided(ChallengeDecided decided) {
        if (decided.challenge().purpose().filter(Purpose.CIBA::equals).isEmpty()) {
            return;
        }
        KeycloakSession session = decided.session();
        AfterTransaction.beforeCommit(
                session,
                () -> {
                    try {
                        complete(session, decided.challenge());
                    } catch (RuntimeException e) {
                        // The decision stands; the client's poll then ends with the request's
                        // expiry.
                        LOG.warnf(
                                "Approval Guard: completing CIBA request of challenge %s failed: %s",
                                decided.challenge().id(), e.toString());
                    }
                });
    }

    private static void complete(KeycloakSession session, Challenge decided) {
        Map<String, String> stored =
                session.singleUseObjects().remove(CALLBACK_TOKEN + decided.id());
        if (stored == null) {
            return;
        }
        // Keycloak's callback reads the realm and client from the context; the deciding request's
        // are put back after.
        RealmModel previousRealm = session.getContext().getRealm();
        ClientModel previousClient = session.getContext().getClient();
        try {
            RealmModel realm = session.realms().getRealm(decided.realmId());
            session.getContext().setRealm(realm);
            Optional.ofNullable(realm.getClientById(decided.clientId()))
                    .ifPresent(session.getContext()::setClient);
            EventBuilder event =
                    new EventBuilder(realm, session, session.getContext().getConnection());
            new InProcessCallback(session, event, stored.get("token"))
                    .processAuthenticationChannelResult(
                            new AuthenticationChannelResponse(statusOf(session, decided)));
        } finally {
            session.getContext().setRealm(previousRealm);
            session.getContext().setClient(previousClient);
        }
    }

    private static AuthenticationChannelResponse.Status statusOf(
            KeycloakSession session, Challenge decided) {
        return switch (decided.status()) {
            case APPROVED -> {
                Verdict verdict = new ApprovalEngine(session).concludeBackchannel(decided);
                if (verdict != Verdict.APPROVED) {
                    LOG.infof(
                            "Approval Guard: CIBA approval %s refused: %s", decided.id(), verdict);
                }
                yield verdict == Verdict.APPROVED
                        ? AuthenticationChannelResponse.Status.SUCCEED
                        : AuthenticationChannelResponse.Status.UNAUTHORIZED;
            }
            case EXPIRED, SUPERSEDED, CANCELLED -> AuthenticationChannelResponse.Status.CANCELLED;
            default -> AuthenticationChannelResponse.Status.UNAUTHORIZED;
        };
    }

    /**
     * Keycloak's callback endpoint, given the bearer token directly instead of from HTTP headers.
     */
    private static final class InProcessCallback extends BackchannelAuthenticationCallbackEndpoint {

        private final String token;

        InProcessCallback(KeycloakSession session, EventBuilder event, String token) {
            super(session, event);
            this.token = token;
        }

        @Override
        protected String getRawBearerToken(
                HttpHeaders headers, AuthenticationChannelResponse response) {
            return token;
        }
    }
}
