package io.approvalguard.push;

import io.approvalguard.challenge.login.LoginApproval;
import io.approvalguard.device.DeviceCredentialModel;
import java.util.Set;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Whether the current login has passed a second factor: adding a device to an account that already
 * has one needs it, so a stolen password alone cannot add an attacker's phone.
 */
final class SecondFactorCheck {

    /**
     * Credential types Keycloak records for second factors (OTP, WebAuthn, recovery codes) and
     * ours.
     */
    private static final Set<String> SECOND_FACTOR_TYPES =
            Set.of(
                    DeviceCredentialModel.TYPE,
                    "otp",
                    "webauthn",
                    "webauthn-passwordless",
                    "recovery-authn-codes");

    private SecondFactorCheck() {}

    static boolean passed(KeycloakSession session, AuthenticationSessionModel authSession) {
        if (LoginApproval.passedInThisLogin(authSession)) {
            return true;
        }
        if (AuthenticatorUtil.getAuthnCredentials(authSession).stream()
                .anyMatch(SECOND_FACTOR_TYPES::contains)) {
            return true;
        }
        // An action started from an existing session (Account Console "Set up") relies on the login
        // that created the session; Keycloak re-authenticates when that login is older than the
        // action's maximum authentication age.
        UserSessionModel userSession =
                new AuthenticationSessionManager(session)
                        .getUserSessionFromAuthenticationCookie(authSession.getRealm());
        return userSession != null
                && userSession.getUser().getId().equals(authSession.getAuthenticatedUser().getId())
                && LoginApproval.passedAt(userSession) != null;
    }
}
