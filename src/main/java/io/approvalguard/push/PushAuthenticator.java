package io.approvalguard.push;

import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.Opening;
import io.approvalguard.challenge.Purpose;
import io.approvalguard.challenge.Verdict;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceCredentialProvider;
import io.approvalguard.device.DeviceCredentialProviderFactory;
import io.approvalguard.device.DeviceRegistry;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Second factor by push approval: sends a challenge to the user's devices and waits for a signed
 * answer. The login completes only in {@link #action}, which concludes from the store alone. When
 * push cannot be used (throttled, suspended, no active device), an ALTERNATIVE execution steps
 * aside for the flow's other factors and a REQUIRED one stops with a message.
 */
public final class PushAuthenticator
        implements Authenticator, CredentialValidator<DeviceCredentialProvider> {

    private final KeycloakSession session;
    private final DeviceRegistry devices = new DeviceRegistry();

    PushAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    /**
     * A reload of the page (or Keycloak showing this step again) while this tab's request still
     * stands shows that request, with its code: no new prompt, nothing counted, nothing stranded.
     */
    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (new PushChallenges(session)
                .unfinished(context.getAuthenticationSession(), purposeOf(context))
                .isPresent()) {
            respond(context, null);
        } else {
            sendChallenge(context, true);
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst(WaitPage.FORM_ACTION);
        if (WaitPage.ACTION_CANCEL.equals(action)) {
            new PushChallenges(session)
                    .cancel(context.getAuthenticationSession(), context.getEvent());
            context.cancelLogin();
            return;
        }
        respond(context, action);
    }

    /** Concludes this tab's challenge and answers: the login, the waiting page, or why not. */
    private void respond(AuthenticationFlowContext context, String action) {
        PushChallenges challenges = new PushChallenges(session);
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        boolean hadChallenge = challenges.current(authSession).isPresent();
        Verdict verdict =
                challenges.conclude(authSession, user, purposeOf(context), context.getEvent());
        // "Send a new request" after an ended one, or "Try again" on a throttled page (no request
        // yet)
        if (WaitPage.ACTION_RESEND.equals(action) && (verdict.allowsResend() || !hadChallenge)) {
            sendChallenge(context, false);
            return;
        }
        Challenge challenge = challenges.current(authSession).orElse(null);
        switch (verdict) {
            case APPROVED -> context.success(DeviceCredentialModel.TYPE);
            case PENDING -> {
                String code =
                        challenge == null ? null : PushChallenges.codeShown(authSession, challenge);
                var form = context.form();
                if (action != null) {
                    form.setInfo(PushMessages.forVerdict(verdict)); // pressed Continue too early
                }
                context.challenge(
                        WaitPage.render(session, form, authSession, challenge, code, verdict));
            }
            // The device side already counted these for brute-force protection and the back-off;
            // the page only explains.
            case EXPIRED, SUPERSEDED, DENIED, FRAUD, FAILED ->
                    context.challenge(
                            WaitPage.render(
                                    session,
                                    context.form().setError(PushMessages.forVerdict(verdict)),
                                    authSession,
                                    challenge,
                                    null,
                                    verdict));
            case SUSPENDED ->
                    context.failureChallenge(
                            AuthenticationFlowError.ACCESS_DENIED,
                            context.form()
                                    .setError(PushMessages.forVerdict(verdict))
                                    .createErrorPage(Response.Status.FORBIDDEN));
            case LOCKED -> {
                // Nothing more can be done in this login: no resend, no other challenge.
                PushChallenges.forget(authSession);
                context.failureChallenge(
                        AuthenticationFlowError.USER_TEMPORARILY_DISABLED,
                        context.form()
                                .setError(PushMessages.forVerdict(verdict))
                                .createErrorPage(Response.Status.FORBIDDEN));
            }
            case INVALID ->
                    context.failureChallenge(
                            AuthenticationFlowError.INVALID_CREDENTIALS,
                            WaitPage.render(
                                    session,
                                    context.form().setError(PushMessages.forVerdict(verdict)),
                                    authSession,
                                    challenge,
                                    null,
                                    verdict));
        }
    }

    private void sendChallenge(AuthenticationFlowContext context, boolean mayStepAside) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Opening opening =
                new PushChallenges(session)
                        .open(
                                authSession,
                                context.getUser(),
                                purposeOf(context),
                                PushSettings.from(context.getAuthenticatorConfig()),
                                context.getEvent());
        boolean alternative = context.getExecution().isAlternative();
        if (opening.isInvalidRequest()) {
            context.challenge(
                    PushMessages.invalidRequest(context.form(), opening.invalidRequest())
                            .createErrorPage(Response.Status.BAD_REQUEST));
        } else if (opening.isOpened()) {
            var form = context.form();
            if (opening.quiet()) {
                form.setInfo("approvalGuardQuietMode");
            }
            context.challenge(
                    WaitPage.render(
                            session,
                            form,
                            authSession,
                            opening.challenge(),
                            opening.code(),
                            "pending",
                            false,
                            opening.quiet()));
        } else if (mayStepAside && alternative) {
            // Push cannot be used now (throttled, suspended, no active device): the flow's other
            // factors (OTP, WebAuthn) take over.
            context.attempted();
        } else if (opening.isClosed()) {
            String message =
                    PushMessages.forClosed(
                            opening.closed(),
                            devices.devicesOf(context.getUser()).findAny().isPresent());
            context.failureChallenge(
                    AuthenticationFlowError.ACCESS_DENIED,
                    context.form().setError(message).createErrorPage(Response.Status.FORBIDDEN));
        } else {
            context.challenge(
                    WaitPage.throttled(
                            session,
                            PushMessages.throttled(
                                    context.form(), opening.refusal(), opening.retryAfterSeconds()),
                            authSession,
                            opening.retryAfterSeconds()));
        }
    }

    /**
     * A push in the reset-credentials flow guards the new password; anywhere else it is the
     * sign-in's.
     */
    private static Purpose purposeOf(AuthenticationFlowContext context) {
        return LoginActionsService.RESET_CREDENTIALS_PATH.equals(context.getFlowPath())
                ? Purpose.PASSWORD_RESET
                : Purpose.SIGN_IN;
    }

    /**
     * Ties this authenticator to the device credential, as Keycloak's OTP form is tied to OTP:
     * Keycloak then orders alternatives by the user's credentials and lists the device under "Try
     * another way".
     */
    @Override
    public DeviceCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (DeviceCredentialProvider)
                session.getProvider(
                        CredentialProvider.class, DeviceCredentialProviderFactory.PROVIDER_ID);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    /**
     * A user with any device, even a suspended one, is configured: push then refuses or steps aside
     * with the reason. Only a user without a device is sent to enrolment, and Keycloak does that
     * only while the enrolment action is enabled ({@link #getRequiredActions}); otherwise the login
     * fails: the password alone never passes.
     */
    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return devices.devicesOf(user).findAny().isPresent();
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        if (user.getRequiredActionsStream()
                .noneMatch(RegisterDeviceActionFactory.PROVIDER_ID::equals)) {
            user.addRequiredAction(RegisterDeviceActionFactory.PROVIDER_ID);
        }
    }

    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession session) {
        return List.of(
                (RequiredActionFactory)
                        session.getKeycloakSessionFactory()
                                .getProviderFactory(
                                        RequiredActionProvider.class,
                                        RegisterDeviceActionFactory.PROVIDER_ID));
    }

    @Override
    public void close() {}
}
