package io.approvalguard.governance.veto;

import io.approvalguard.governance.VetoToken;
import jakarta.ws.rs.core.Response;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.Constants;

/**
 * Keycloak's action-token endpoint hands a {@link VetoToken} here once it has checked the
 * signature, the realm, the expiry and that the user exists and is enabled. A GET must change
 * nothing (mail scanners follow links), so this only shows the question, with a form whose POST
 * ({@link VetoResource}) verifies the token again and acts; a link already used shows that it was
 * reported. The token is therefore not "one-time" for Keycloak's endpoint (which would only spend
 * it when a login flow ends): the report spends it in the same store Keycloak's check reads.
 */
public final class VetoActionTokenHandler extends AbstractActionTokenHandler<VetoToken> {

    public VetoActionTokenHandler() {
        super(
                VetoToken.TOKEN_TYPE,
                VetoToken.class,
                "approvalGuardVetoInvalid",
                EventType.EXECUTE_ACTION_TOKEN,
                Errors.INVALID_TOKEN);
    }

    @Override
    public TokenVerifier.Predicate<? super VetoToken>[] getVerifiers(
            ActionTokenContext<VetoToken> context) {
        return TokenUtils.predicates(VetoTokens::isVeto);
    }

    @Override
    public boolean canUseTokenRepeatedly(VetoToken token, ActionTokenContext<VetoToken> context) {
        return true;
    }

    @Override
    public Response handleToken(VetoToken token, ActionTokenContext<VetoToken> context) {
        if (new VetoReport(context.getSession()).isSpent(token)) {
            return VetoPages.alreadyReported(context.getSession(), token);
        }
        String serialized = context.getUriInfo().getQueryParameters().getFirst(Constants.KEY);
        return VetoPages.confirm(
                context.getSession(),
                token,
                serialized,
                VetoResource.reportUri(context.getUriInfo(), context.getRealm()));
    }
}
