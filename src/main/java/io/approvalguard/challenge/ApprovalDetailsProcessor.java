package io.approvalguard.challenge;

import java.util.List;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.rar.AuthorizationDetailsProcessor;
import org.keycloak.protocol.oidc.rar.InvalidAuthorizationDetailsException;
import org.keycloak.representations.AuthorizationDetailsJSONRepresentation;

/**
 * Lets Keycloak accept one RFC 9396 {@code authorization_details} type whose meaning is "the user
 * approves exactly this on their device". Keycloak refuses types no processor declares. The strict
 * checks (size, depth, duplicates, exact numbers) run when the challenge is built, before any
 * prompt. At the token endpoint a detail is granted only when this sign-in's own fresh push
 * approval carried exactly the requested details ({@link ApprovedTransactions}).
 */
final class ApprovalDetailsProcessor
        implements AuthorizationDetailsProcessor<AuthorizationDetailsJSONRepresentation> {

    private final KeycloakSession session;
    private final String type;

    ApprovalDetailsProcessor(KeycloakSession session, String type) {
        this.session = session;
        this.type = type;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public String getSupportedType() {
        return type;
    }

    @Override
    public Class<AuthorizationDetailsJSONRepresentation> getSupportedResponseJavaType() {
        return AuthorizationDetailsJSONRepresentation.class;
    }

    @Override
    public AuthorizationDetailsJSONRepresentation validateAuthorizationDetail(
            AuthorizationDetailsJSONRepresentation detail) {
        return detail;
    }

    @Override
    public AuthorizationDetailsJSONRepresentation process(
            UserSessionModel userSession,
            ClientSessionContext clientSessionCtx,
            AuthorizationDetailsJSONRepresentation detail) {
        requireApproved(clientSessionCtx);
        return detail;
    }

    @Override
    public List<AuthorizationDetailsJSONRepresentation> handleMissingAuthorizationDetails(
            UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        return null;
    }

    @Override
    public AuthorizationDetailsJSONRepresentation processStoredAuthorizationDetails(
            UserSessionModel userSession,
            ClientSessionContext clientSessionCtx,
            AuthorizationDetailsJSONRepresentation detail) {
        requireApproved(clientSessionCtx);
        return detail;
    }

    @Override
    public void afterAuthorizationDetailsProcessed(
            UserSessionModel userSession,
            ClientSessionContext clientSessionCtx,
            AuthorizationDetailsJSONRepresentation detail) {
        // Granted once: Keycloak keeps the request's details in the client session and would offer
        // them again at the next code exchange of a later sign-in that asked for none.
        ApprovedTransactions.dropRequested(clientSessionCtx.getClientSession());
    }

    /**
     * The rule of {@link ApprovedTransactions}; a refused request's details are dropped from the
     * client session as well, so that a later sign-in without details is not refused for them.
     */
    private void requireApproved(ClientSessionContext clientSessionCtx) {
        try {
            ApprovedTransactions.requireApproved(
                    session, clientSessionCtx.getClientSession(), Time.currentTime());
        } catch (InvalidAuthorizationDetailsException refused) {
            ApprovedTransactions.dropRequested(clientSessionCtx.getClientSession());
            throw refused;
        }
    }

    @Override
    public void close() {}
}
