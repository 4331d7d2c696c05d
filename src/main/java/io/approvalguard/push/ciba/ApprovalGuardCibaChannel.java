package io.approvalguard.push.ciba;

import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.AuthorizationDetails;
import io.approvalguard.challenge.Binding;
import io.approvalguard.challenge.Opening;
import io.approvalguard.challenge.PromptPolicy;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.VerificationProfile;
import io.approvalguard.fatigue.ThrottleSettings;
import io.approvalguard.push.PushSettings;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.grants.ciba.channel.AuthenticationChannelProvider;
import org.keycloak.protocol.oidc.grants.ciba.channel.CIBAAuthenticationRequest;
import org.keycloak.representations.AccessToken;

/**
 * OpenID CIBA on the user's Approval Guard device: a backchannel authentication request becomes a
 * challenge showing the client, the scopes and the binding message (which the client shows on its
 * own screen, in place of a code); the device's signed answer completes the request.
 */
final class ApprovalGuardCibaChannel implements AuthenticationChannelProvider {

    private static final Logger LOG = Logger.getLogger(ApprovalGuardCibaChannel.class);

    private final KeycloakSession session;

    ApprovalGuardCibaChannel(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public boolean requestAuthentication(
            CIBAAuthenticationRequest request, String infoUsedByAuthenticator) {
        RealmModel realm = session.getContext().getRealm();
        UserModel user = request.getUser();
        ClientModel client = request.getClient();
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection())
                        .client(client)
                        .user(user);
        ApprovalEngine engine = new ApprovalEngine(session);
        Map<String, Object> context;
        try {
            Object details = request.getOtherClaims().get(ApprovalContext.AUTHORIZATION_DETAILS);
            context =
                    ApprovalContext.forBackchannelRequest(
                            session,
                            realm,
                            user,
                            client,
                            request.getScope(),
                            details instanceof String raw ? raw : null,
                            request.getBindingMessage());
        } catch (AuthorizationDetails.Invalid e) {
            engine.refuseRequest(client, user, Purpose.CIBA, e, event);
            return false;
        }
        // No sign-in screen to show a code: the binding message, shown on both sides, takes its
        // place.
        long lifetime =
                Math.min(
                        PushSettings.MAX_LIFETIME,
                        Math.max(PushSettings.MIN_LIFETIME, request.getExp() - Time.currentTime()));
        PromptPolicy policy =
                new PromptPolicy(
                        (int) lifetime,
                        VerificationProfile.APPROVE_ONLY,
                        0,
                        ThrottleSettings.DEFAULTS);
        Opening opening =
                engine.open(
                        Binding.backchannel(request.getAuthResultId()),
                        client,
                        user,
                        null,
                        context,
                        Purpose.CIBA,
                        policy,
                        event);
        if (!opening.isOpened()) {
            LOG.infof(
                    "Approval Guard: CIBA request of client %s not sent to the device: %s",
                    client.getClientId(),
                    opening.isClosed()
                            ? opening.closed().description()
                            : "throttled (" + opening.refusal() + ")");
            return false;
        }
        CibaChallenges.rememberCallbackToken(
                session, opening.challenge(), callbackToken(request), lifetime + 60);
        return true;
    }

    /**
     * The bearer token Keycloak's CIBA callback verifies: built as Keycloak's own HTTP channel
     * builds it.
     */
    private String callbackToken(CIBAAuthenticationRequest request) {
        AccessToken token = new AccessToken();
        token.type("Bearer");
        token.issuer(request.getIssuer());
        token.id(request.getAuthResultId());
        token.issuedFor(request.getClient().getClientId());
        token.audience(request.getIssuer());
        token.iat(request.getIat());
        token.exp(request.getExp());
        token.subject(request.getSubject());
        return session.tokens().encode(token);
    }

    @Override
    public void close() {}
}
