package io.approvalguard.push;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.risk.RiskStanding;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceCredentialProvider;
import io.approvalguard.device.DeviceCredentialProviderFactory;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.RegisterDeviceActionFactory;

/**
 * Second factor by push approval: sends a challenge to the user's devices and waits for a signed
 * answer. The login completes only in {@link #action}, which concludes from the store alone.
 * When the throttle refuses a prompt, an ALTERNATIVE execution steps aside for the flow's other
 * factors and a REQUIRED one stops with a message.
 */
public final class PushAuthenticator implements Authenticator, CredentialValidator<DeviceCredentialProvider> {

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
        if (!devices.hasActiveDevice(context.getUser())) {
            // Only reachable with a suspended device: let alternatives run, else fail clearly.
            stepAside(context, AuthenticationFlowError.CREDENTIAL_SETUP_REQUIRED, "approvalGuardNoActiveDevice");
            return;
        }
        if (RiskStanding.of(session, context.getRealm(), context.getUser()).isPushSuspended()) {
            stepAside(context, AuthenticationFlowError.ACCESS_DENIED, "approvalGuardPushSuspended");
            return;
        }
        sendChallenge(context, true);
    }

    /** Push cannot be used for this user now: the flow's alternatives take over, or the page says why. */
    private static void stepAside(AuthenticationFlowContext context, AuthenticationFlowError error, String message) {
        if (context.getExecution().isAlternative()) {
            context.attempted();
        } else {
            context.failureChallenge(error, context.form().setError(message).createErrorPage(Response.Status.BAD_REQUEST));
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst(WaitPage.FORM_ACTION);
        if (WaitPage.ACTION_CANCEL.equals(action)) {
            context.cancelLogin();
            return;
        }
        PushChallenges challenges = new PushChallenges(session);
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        PushVerdict verdict = challenges.conclude(authSession, user, context.getEvent());
        if (WaitPage.ACTION_RESEND.equals(action) && verdict.allowsResend()) {
            sendChallenge(context, false);
            return;
        }
        Challenge challenge = challenges.current(authSession).orElse(null);
        switch (verdict) {
            case APPROVED -> {
                // The risk scorer may have judged this very approval (a fatigue win) since the device sent it.
                if (RiskStanding.of(session, context.getRealm(), user).isPushSuspended()) {
                    context.failureChallenge(AuthenticationFlowError.ACCESS_DENIED, context.form()
                            .setError("approvalGuardPushSuspended").createErrorPage(Response.Status.FORBIDDEN));
                    return;
                }
                authSession.setUserSessionNote(USER_SESSION_NOTE_PASSED, Long.toString(Time.currentTime()));
                context.success(DeviceCredentialModel.TYPE);
            }
            case PENDING -> {
                String code = challenge == null ? null : PushChallenges.codeToRedisplay(challenge, form.getFirst(WaitPage.FORM_CODE));
                context.challenge(WaitPage.render(session, context.form().setInfo(PushMessages.forVerdict(verdict)),
                        authSession, challenge, code, verdict));
            }
            // The device side already counted these for brute-force protection and the back-off;
            // the page only explains.
            case EXPIRED, SUPERSEDED, DENIED, FRAUD, FAILED -> context.challenge(WaitPage.render(session,
                    context.form().setError(PushMessages.forVerdict(verdict)), authSession, challenge, null, verdict));
            case INVALID -> context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, WaitPage.render(session,
                    context.form().setError(PushMessages.forVerdict(verdict)), authSession, challenge, null, verdict));
        }
    }

    private void sendChallenge(AuthenticationFlowContext context, boolean mayStepAside) {
        PushChallenges.Opening opening = new PushChallenges(session).open(context.getAuthenticationSession(),
                context.getUser(), ApprovalContext.REASON_SIGN_IN, PushSettings.from(context.getAuthenticatorConfig()),
                context.getEvent());
        if (opening.isInvalidRequest()) {
            context.challenge(PushMessages.invalidRequest(context.form(), opening.invalidRequest())
                    .createErrorPage(Response.Status.BAD_REQUEST));
        } else if (opening.isOpened()) {
            var form = context.form();
            if (opening.quiet()) {
                form.setInfo("approvalGuardQuietMode");
            }
            context.challenge(WaitPage.render(session, form, context.getAuthenticationSession(), opening.challenge(),
                    opening.code(), "pending", false, opening.quiet()));
        } else if (mayStepAside && context.getExecution().isAlternative()) {
            // Push is throttled: the flow's other factors (OTP, WebAuthn) take over.
            context.attempted();
        } else {
            context.challenge(WaitPage.render(session,
                    PushMessages.throttled(context.form(), opening.refusal(), opening.retryAfterSeconds()),
                    context.getAuthenticationSession(), null, null, WaitPage.STATE_THROTTLED, false, false));
        }
    }

    /**
     * Ties this authenticator to the device credential, as Keycloak's OTP form is tied to OTP:
     * Keycloak then orders alternatives by the user's credentials and lists the device under
     * "Try another way".
     */
    @Override
    public DeviceCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (DeviceCredentialProvider) session.getProvider(CredentialProvider.class, DeviceCredentialProviderFactory.PROVIDER_ID);
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
