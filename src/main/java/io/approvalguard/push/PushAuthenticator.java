package io.approvalguard.push;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.RegisterDeviceActionFactory;

/**
 * Second factor by push approval: sends a challenge to the user's devices and waits for a signed
 * answer. The login completes only in {@link #action}, which concludes from the store alone.
 */
public final class PushAuthenticator implements Authenticator {

    /** Auth-session note: push approval passed in this login (read by the enrolment action). */
    public static final String NOTE_PASSED = "ag.push.passed";
    /** User-session note carried from a push-approved login, for actions started later in that session. */
    public static final String USER_SESSION_NOTE_PASSED = "ag.push.passed-at";

    private final KeycloakSession session;
    private final DeviceRegistry devices = new DeviceRegistry();

    PushAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (!devices.hasActiveDevice(user)) {
            // Only reachable with a suspended device: let alternatives run, else fail clearly.
            if (context.getExecution().isAlternative()) {
                context.attempted();
            } else {
                context.failureChallenge(AuthenticationFlowError.CREDENTIAL_SETUP_REQUIRED,
                        context.form().setError("approvalGuardNoActiveDevice").createErrorPage(Response.Status.BAD_REQUEST));
            }
            return;
        }
        sendChallenge(context, PushVerdict.PENDING);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst(WaitPage.FORM_ACTION);
        PushChallenges challenges = new PushChallenges(session);
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();

        if (WaitPage.ACTION_CANCEL.equals(action)) {
            context.cancelLogin();
            return;
        }
        PushVerdict verdict = challenges.conclude(authSession, user, context.getEvent());
        if (WaitPage.ACTION_RESEND.equals(action) && verdict.allowsResend()) {
            sendChallenge(context, PushVerdict.PENDING);
            return;
        }
        Challenge challenge = challenges.current(authSession).orElse(null);
        String code = challenge == null ? null : PushChallenges.codeToRedisplay(challenge, form.getFirst(WaitPage.FORM_CODE));
        switch (verdict) {
            case APPROVED -> {
                authSession.setAuthNote(NOTE_PASSED, "true");
                authSession.setUserSessionNote(USER_SESSION_NOTE_PASSED, Long.toString(org.keycloak.common.util.Time.currentTime()));
                context.success(io.approvalguard.device.DeviceCredentialModel.TYPE);
            }
            case PENDING -> context.challenge(page(context, challenge, code, verdict, "approvalGuardStillWaiting", false));
            case EXPIRED, SUPERSEDED -> context.challenge(page(context, challenge, null, verdict, messageFor(verdict), true));
            case DENIED, FRAUD, FAILED -> context.failureChallenge(AuthenticationFlowError.ACCESS_DENIED,
                    page(context, challenge, null, verdict, messageFor(verdict), true));
            case INVALID -> context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS,
                    page(context, challenge, null, verdict, messageFor(verdict), true));
        }
    }

    private void sendChallenge(AuthenticationFlowContext context, PushVerdict state) {
        PushSettings settings = PushSettings.from(context.getAuthenticatorConfig());
        PushChallenges.Opened opened = new PushChallenges(session).open(context.getAuthenticationSession(),
                context.getUser(), ApprovalContext.REASON_SIGN_IN, settings, context.getEvent());
        context.challenge(page(context, opened.challenge(), opened.code(), state, null, false));
    }

    private Response page(AuthenticationFlowContext context, Challenge challenge, String code, PushVerdict state,
            String message, boolean isError) {
        var form = context.form();
        if (message != null) {
            if (isError) {
                form.setError(message);
            } else {
                form.setInfo(message);
            }
        }
        return WaitPage.render(session, form, context.getAuthenticationSession(), challenge, code, state);
    }

    static String messageFor(PushVerdict verdict) {
        return switch (verdict) {
            case DENIED -> "approvalGuardDenied";
            case FRAUD -> "approvalGuardFraudReported";
            case FAILED -> "approvalGuardWrongCode";
            case EXPIRED -> "approvalGuardExpired";
            case SUPERSEDED -> "approvalGuardSuperseded";
            case INVALID -> "approvalGuardInvalid";
            case PENDING -> "approvalGuardStillWaiting";
            case APPROVED -> null;
        };
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return devices.hasActiveDevice(user);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        if (user.getRequiredActionsStream().noneMatch(RegisterDeviceActionFactory.PROVIDER_ID::equals)) {
            user.addRequiredAction(RegisterDeviceActionFactory.PROVIDER_ID);
        }
    }

    @Override
    public void close() {
    }
}
