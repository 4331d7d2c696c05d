package io.approvalguard.challenge;

import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The facts an approver sees before answering. The device hashes exactly what it displays, so
 * every member here is part of what is approved.
 */
public final class ApprovalContext {

    public static final String REASON_SIGN_IN = "sign-in";
    public static final String REASON_ADD_DEVICE = "add-device";

    private static final int MAX_VALUE_LENGTH = 512;

    private ApprovalContext() {
    }

    public static Map<String, Object> forRequest(KeycloakSession session, RealmModel realm, ClientModel client,
            UserModel user, String reason) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("reason", reason);
        context.put("realm", realm.getName());
        context.put("username", clean(user.getUsername()));
        context.put("client_id", clean(client.getClientId()));
        context.put("client_name", clean(displayName(client)));
        context.put("ip_address", clean(session.getContext().getConnection().getRemoteAddr()));
        String userAgent = session.getContext().getRequestHeaders().getHeaderString("User-Agent");
        context.put("user_agent", clean(userAgent == null ? "unknown" : userAgent));
        context.put("requested_at", Time.currentTime());
        return context;
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
    static String clean(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE_LENGTH));
        value.codePoints().filter(cp -> !Character.isISOControl(cp)).limit(MAX_VALUE_LENGTH).forEach(out::appendCodePoint);
        return out.toString();
    }
}
