package io.approvalguard.push;

import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.Verdict;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.Locale;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The page a browser shows while the device decides: the code to type on the device, a summary of
 * what is being approved, and a form that continues the flow. Script on the page asks the status
 * endpoint and submits the form by itself; without script the user presses "Continue".
 */
public final class WaitPage {

    public static final String TEMPLATE = "approval-guard-wait.ftl";
    public static final String FORM_ACTION = "action";
    public static final String ACTION_RESEND = "resend";
    public static final String ACTION_CANCEL = "cancel";

    /** The page's state when the throttle refused a prompt. */
    public static final String STATE_THROTTLED = "throttled";

    private WaitPage() {}

    /** A page for a challenge as the browser last concluded it. */
    public static Response render(
            KeycloakSession session,
            LoginFormsProvider form,
            AuthenticationSessionModel authSession,
            Challenge challenge,
            String code,
            Verdict verdict) {
        return render(
                session,
                form,
                authSession,
                challenge,
                code,
                verdict.name().toLowerCase(Locale.ROOT),
                verdict.allowsResend(),
                false);
    }

    public static Response render(
            KeycloakSession session,
            LoginFormsProvider form,
            AuthenticationSessionModel authSession,
            Challenge challenge,
            String code,
            String state,
            boolean canResend,
            boolean quiet) {
        form.setAttribute("agState", state)
                .setAttribute("agCanResend", canResend)
                .setAttribute("agQuiet", quiet)
                .setAttribute("agStatusUrl", statusUrl(session, authSession).toString());
        if (challenge != null) {
            form.setAttribute("agCode", code)
                    .setAttribute("agReason", challenge.context().get("reason"))
                    .setAttribute("agClientName", challenge.context().get("client_name"))
                    .setAttribute("agIpAddress", challenge.context().get("ip_address"))
                    .setAttribute("agBindingMessage", challenge.context().get("binding_message"))
                    .setAttribute("agExpiresAt", challenge.expiresAt());
        }
        return form.createForm(TEMPLATE);
    }

    /**
     * The page for a prompt the throttle refused: the reason, and when the next one may be sent; a
     * short wait counts down and tries again by itself.
     */
    public static Response throttled(
            KeycloakSession session,
            LoginFormsProvider form,
            AuthenticationSessionModel authSession,
            long retryAfterSeconds) {
        form.setAttribute("agRetryAfter", Math.max(1, retryAfterSeconds));
        return render(session, form, authSession, null, null, STATE_THROTTLED, false, false);
    }

    /** The status endpoint of this tab, answered from the auth session cookie. */
    public static URI statusUrl(KeycloakSession session, AuthenticationSessionModel authSession) {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms")
                .path(authSession.getRealm().getName())
                .path("approval-guard")
                .path("login")
                .path("status")
                .queryParam("client_id", authSession.getClient().getClientId())
                .queryParam("tab_id", authSession.getTabId())
                .build();
    }
}
