package io.approvalguard.challenge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import io.approvalguard.challenge.location.LocationProvider;

/**
 * The facts an approver sees before answering. The device hashes exactly what it displays, so
 * every member here is part of what is approved: an approval for one transaction can never
 * complete another.
 */
public final class ApprovalContext {

    public static final String REASON_SIGN_IN = "sign-in";
    public static final String REASON_ADD_DEVICE = "add-device";

    /** Where Keycloak keeps request parameters it does not know itself. */
    private static final String EXTRA_PARAMETER = "client_request_param_";
    private static final String AUTHORIZATION_DETAILS = "authorization_details";
    private static final String BINDING_MESSAGE = "binding_message";
    private static final int MAX_VALUE_LENGTH = 512;
    private static final int MAX_BINDING_MESSAGE = 128;

    private ApprovalContext() {
    }

    /**
     * The context of the request behind this auth session.
     *
     * @throws AuthorizationDetails.Invalid when the client's authorization_details cannot be shown faithfully
     */
    public static Map<String, Object> forRequest(KeycloakSession session, AuthenticationSessionModel authSession,
            UserModel user, String reason) throws AuthorizationDetails.Invalid {
        RealmModel realm = authSession.getRealm();
        ClientModel client = authSession.getClient();
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("reason", reason);
        context.put("realm", realm.getName());
        context.put("username", clean(user.getUsername(), MAX_VALUE_LENGTH));
        context.put("client_id", clean(client.getClientId(), MAX_VALUE_LENGTH));
        context.put("client_name", clean(displayName(client), MAX_VALUE_LENGTH));
        String scope = authSession.getClientNote("scope");
        if (scope != null && !scope.isBlank()) {
            context.put("scope", clean(scope, MAX_VALUE_LENGTH));
        }
        List<Object> details = AuthorizationDetails.parse(authSession.getClientNote(AUTHORIZATION_DETAILS));
        String bindingMessage = authSession.getClientNote(EXTRA_PARAMETER + BINDING_MESSAGE);
        if (details != null) {
            context.put("authorization_details", details);
        }
        if (bindingMessage != null && !bindingMessage.isBlank()) {
            if (bindingMessage.length() > MAX_BINDING_MESSAGE) {
                throw new AuthorizationDetails.Invalid("binding_message is longer than " + MAX_BINDING_MESSAGE + " characters");
            }
            if (bindingMessage.codePoints().anyMatch(Character::isISOControl)) {
                throw new AuthorizationDetails.Invalid("binding_message holds control characters");
            }
            context.put("binding_message", bindingMessage);
        }
        if (details != null || context.containsKey("binding_message")) {
            context.put("request_integrity", requestIntegrity(client));
        }
        String ipAddress = session.getContext().getConnection().getRemoteAddr();
        context.put("ip_address", clean(ipAddress, MAX_VALUE_LENGTH));
        session.getProvider(LocationProvider.class).locate(ipAddress).addTo(context);
        String userAgent = session.getContext().getRequestHeaders().getHeaderString("User-Agent");
        userAgent = clean(userAgent == null ? "unknown" : userAgent, MAX_VALUE_LENGTH);
        context.put("user_agent", userAgent);
        context.put("browser", UserAgentSummary.browser(userAgent));
        context.put("os", UserAgentSummary.operatingSystem(userAgent));
        context.put("requested_at", Time.currentTime());
        return context;
    }

    /**
     * How the transaction details reached Keycloak. A client whose policy requires pushed or
     * signed requests cannot have sent them any other way; for any other client they may come
     * from the browser's address bar and are shown as unsigned.
     */
    static String requestIntegrity(ClientModel client) {
        String requestObject = client.getAttribute("request.object.required");
        if (requestObject != null && !requestObject.isBlank() && !"not required".equals(requestObject)) {
            return "signed";
        }
        if (Boolean.parseBoolean(client.getAttribute("require.pushed.authorization.requests"))) {
            return "pushed";
        }
        return "unsigned";
    }

    private static String displayName(ClientModel client) {
        String name = client.getName();
        // Keycloak's own clients carry message keys such as ${client_account-console}.
        if (name == null || name.isBlank() || name.startsWith("${")) {
            return client.getClientId();
        }
        return name;
    }

    /** Bounded length and no control characters: the value is shown on a small screen. */
    static String clean(String value, int maxLength) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength));
        value.codePoints().filter(cp -> !Character.isISOControl(cp)).limit(maxLength).forEach(out::appendCodePoint);
        return out.toString();
    }
}
