package io.approvalguard.challenge;

import java.util.List;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.rar.AuthorizationDetailsProcessor;
import org.keycloak.representations.AuthorizationDetailsJSONRepresentation;

/**
 * Lets Keycloak accept one RFC 9396 {@code authorization_details} type whose meaning is "the user
 * approves exactly this on their device". Keycloak refuses types no processor declares. The
 * strict checks (size, depth, duplicates, exact numbers) run when the challenge is built, before
 * any prompt; the approved details come back unchanged in the token response.
 */
final class ApprovalDetailsProcessor implements AuthorizationDetailsProcessor<AuthorizationDetailsJSONRepresentation> {

    private final String type;

    ApprovalDetailsProcessor(String type) {
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
    public AuthorizationDetailsJSONRepresentation validateAuthorizationDetail(AuthorizationDetailsJSONRepresentation detail) {
        return detail;
    }

    @Override
    public AuthorizationDetailsJSONRepresentation process(UserSessionModel userSession, ClientSessionContext clientSessionCtx,
            AuthorizationDetailsJSONRepresentation detail) {
        return detail;
    }

    @Override
    public List<AuthorizationDetailsJSONRepresentation> handleMissingAuthorizationDetails(UserSessionModel userSession,
            ClientSessionContext clientSessionCtx) {
        return null;
    }

    @Override
    public AuthorizationDetailsJSONRepresentation processStoredAuthorizationDetails(UserSessionModel userSession,
            ClientSessionContext clientSessionCtx, AuthorizationDetailsJSONRepresentation detail) {
        return detail;
    }

    @Override
    public void afterAuthorizationDetailsProcessed(UserSessionModel userSession, ClientSessionContext clientSessionCtx,
            AuthorizationDetailsJSONRepresentation detail) {
        // The approval itself is recorded by the push authenticator; nothing more to keep here.
    }

    @Override
    public void close() {
    }
}
