package io.approvalguard.challenge;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.support.json.CanonicalJson;
import java.util.List;
import java.util.Map;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.rar.InvalidAuthorizationDetailsException;

/**
 * The rule behind every {@code authorization_details} type Approval Guard accepts: a detail is
 * granted only when this sign-in's own push approval carried exactly the details requested, the
 * approval is fresh, and it has not been spent on another token request. Anything else (SSO without
 * a new prompt, another factor, a throttled push that stepped aside, an enrolment, an older
 * approval) is refused with {@code invalid_authorization_details}.
 */
final class ApprovedTransactions {

    /** Longest time between the device's approval and the code exchange that spends it. */
    static final long FRESH_SECONDS = 600;

    private static final String SPENT = "ag:rar-spent:";
    private static final String SPENT_IN_THIS_REQUEST =
            ApprovedTransactions.class.getName() + ".spent";

    private ApprovedTransactions() {}

    /**
     * @throws InvalidAuthorizationDetailsException unless this client session's details were
     *     approved as described
     */
    static void requireApproved(
            KeycloakSession session, AuthenticatedClientSessionModel clientSession, long now) {
        Map<String, Object> record = LoginApproval.record(clientSession);
        if (record == null || !Purpose.SIGN_IN.wireName().equals(record.get("reason"))) {
            throw refused(
                    "no push approval of this sign-in carried them; sign in again with prompt=login");
        }
        String approvalId = String.valueOf(record.get("approval_id"));
        if (approvalId.equals(session.getAttribute(SPENT_IN_THIS_REQUEST))) {
            return; // one token request, several details: the approval was checked and spent for
            // the first
        }
        if (!(record.get("approved_at") instanceof Number approvedAt)
                || now - approvedAt.longValue() > FRESH_SECONDS) {
            throw refused(
                    "the push approval of this sign-in is too old; sign in again with prompt=login");
        }
        if (!CanonicalJson.canonicalize(requested(clientSession))
                .equals(
                        CanonicalJson.canonicalize(
                                record.get(LoginApproval.AUTHORIZATION_DETAILS)))) {
            throw refused("they are not the authorization_details the user approved on the device");
        }
        if (!session.singleUseObjects().putIfAbsent(SPENT + approvalId, 2 * FRESH_SECONDS)) {
            throw refused(
                    "the push approval of this sign-in was already spent on an earlier token request");
        }
        session.setAttribute(SPENT_IN_THIS_REQUEST, approvalId);
    }

    /**
     * The request's details leave the client session: granted once, or refused and not asked for
     * again.
     */
    static void dropRequested(AuthenticatedClientSessionModel clientSession) {
        clientSession.removeNote(OAuth2Constants.AUTHORIZATION_DETAILS);
    }

    private static List<Object> requested(AuthenticatedClientSessionModel clientSession) {
        try {
            List<Object> details =
                    AuthorizationDetails.parse(
                            clientSession.getNote(OAuth2Constants.AUTHORIZATION_DETAILS));
            if (details == null) {
                throw refused("the sign-in request carried none");
            }
            return details;
        } catch (AuthorizationDetails.Invalid e) {
            throw refused(e.getMessage());
        }
    }

    private static InvalidAuthorizationDetailsException refused(String why) {
        return new InvalidAuthorizationDetailsException(
                "authorization_details not granted: " + why);
    }
}
