package io.approvalguard.stream;

import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.support.events.ApprovalGuardEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.Urls;
import org.keycloak.util.JsonSerialization;

/**
 * Turns Keycloak's events into CloudEvents 1.0 JSON envelopes. Only an allow-list of details is
 * copied, and an admin event's representation never is: a reset-password representation carries the
 * password, and no code, token, password or key may enter the stream.
 */
public final class CloudEvents {

    public static final String SPEC_VERSION = "1.0";
    public static final String APPROVAL_GUARD_TYPE_PREFIX = "io.approvalguard.";
    public static final String KEYCLOAK_TYPE_PREFIX = "org.keycloak.event.";
    public static final String ADMIN_TYPE_PREFIX = "org.keycloak.admin.";

    /** Detail names that are identifiers or descriptions, never secrets. */
    private static final Set<String> COPIED_DETAILS =
            Set.of(
                    Details.AUTH_METHOD,
                    Details.AUTH_TYPE,
                    Details.REDIRECT_URI,
                    Details.RESPONSE_TYPE,
                    Details.RESPONSE_MODE,
                    Details.GRANT_TYPE,
                    Details.CONSENT,
                    Details.REMEMBER_ME,
                    Details.USERNAME,
                    Details.EMAIL,
                    Details.PREVIOUS_EMAIL,
                    Details.UPDATED_EMAIL,
                    Details.IDENTITY_PROVIDER,
                    Details.TOKEN_ID,
                    Details.REFRESH_TOKEN_ID,
                    Details.REFRESH_TOKEN_TYPE,
                    Details.CLIENT_AUTH_METHOD,
                    Details.SCOPE,
                    Details.REASON,
                    Details.CREDENTIAL_TYPE,
                    Details.CREDENTIAL_ID,
                    Details.CUSTOM_REQUIRED_ACTION,
                    Details.NOT_BEFORE,
                    Details.NUM_FAILURES,
                    Details.AUTHENTICATION_ERROR_DETAIL,
                    ApprovalGuardEvent.DETAIL,
                    ApprovalGuardEvent.REASON,
                    ApprovalGuardEvent.LOGIN_IP,
                    ApprovalGuardEvent.VERIFICATION,
                    ApprovalGuardEvent.QUIET,
                    ApprovalGuardEvent.THROTTLE_REASON,
                    ApprovalGuardEvent.LOGIN_COUNTRY,
                    ApprovalGuardEvent.LOGIN_NETWORK,
                    ApprovalGuardEvent.APPROVER_COUNTRY,
                    ApprovalGuardEvent.PUSH_PROVIDER,
                    ApprovalGuardEvent.PUSH_ATTEMPTS,
                    ApprovalGuardEvent.PUSH_REASON,
                    ApprovalGuardEvent.PUSH_REMOVAL_REASON);

    private CloudEvents() {}

    /** The CloudEvent type of a Keycloak user event: Approval Guard's own name where it has one. */
    public static String typeOf(Event event) {
        String own =
                event.getDetails() == null
                        ? null
                        : event.getDetails().get(ApprovalGuardEvent.DETAIL);
        if (own != null) {
            return APPROVAL_GUARD_TYPE_PREFIX + own;
        }
        return KEYCLOAK_TYPE_PREFIX + event.getType().name().toLowerCase(Locale.ROOT);
    }

    public static StreamEvent of(Event event, String source) {
        Map<String, String> details = event.getDetails() == null ? Map.of() : event.getDetails();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("keycloak_event_type", event.getType().name());
        putIfPresent(data, "realm_id", event.getRealmId());
        putIfPresent(data, "realm_name", event.getRealmName());
        putIfPresent(data, "user_id", event.getUserId());
        putIfPresent(data, "client_id", event.getClientId());
        putIfPresent(data, "ip_address", event.getIpAddress());
        putIfPresent(data, "session_id", event.getSessionId());
        putIfPresent(data, "auth_session_id", details.get(Details.CODE_ID));
        putIfPresent(data, "challenge_id", details.get(ApprovalGuardEvent.CHALLENGE_ID));
        putIfPresent(data, "device_id", details.get(ApprovalGuardEvent.DEVICE_ID));
        putIfPresent(
                data, "device_key_thumbprint", details.get(ApprovalGuardEvent.DEVICE_THUMBPRINT));
        putIfPresent(data, "error", event.getError());
        Map<String, String> copied = new LinkedHashMap<>();
        details.forEach(
                (name, value) -> {
                    if (COPIED_DETAILS.contains(name) && value != null) {
                        copied.put(name, value);
                    }
                });
        data.put("details", copied);
        return envelope(
                event.getId(),
                typeOf(event),
                source,
                event.getRealmId(),
                event.getUserId(),
                event.getTime(),
                data);
    }

    public static StreamEvent of(AdminEvent event, String source) {
        String type =
                ADMIN_TYPE_PREFIX
                        + event.getResourceTypeAsString().toLowerCase(Locale.ROOT)
                        + "."
                        + event.getOperationType().name().toLowerCase(Locale.ROOT);
        String subjectUser = userIdInPath(event.getResourcePath());
        Map<String, Object> data = new LinkedHashMap<>();
        putIfPresent(data, "realm_id", event.getRealmId());
        putIfPresent(data, "realm_name", event.getRealmName());
        putIfPresent(data, "user_id", subjectUser);
        data.put("operation", event.getOperationType().name());
        data.put("resource_type", event.getResourceTypeAsString());
        putIfPresent(data, "resource_path", event.getResourcePath());
        if (event.getAuthDetails() != null) {
            Map<String, Object> actor = new LinkedHashMap<>();
            putIfPresent(actor, "realm_id", event.getAuthDetails().getRealmId());
            putIfPresent(actor, "client_id", event.getAuthDetails().getClientId());
            putIfPresent(actor, "user_id", event.getAuthDetails().getUserId());
            putIfPresent(actor, "ip_address", event.getAuthDetails().getIpAddress());
            data.put("actor", actor);
        }
        putIfPresent(data, "error", event.getError());
        return envelope(
                event.getId(),
                type,
                source,
                event.getRealmId(),
                subjectUser,
                event.getTime(),
                data);
    }

    /**
     * An event Approval Guard raises itself, outside Keycloak's event types (for example a risk
     * response).
     */
    public static StreamEvent own(
            String id,
            String name,
            String source,
            String realmId,
            String userId,
            long timeMillis,
            Map<String, Object> data) {
        return envelope(
                id, APPROVAL_GUARD_TYPE_PREFIX + name, source, realmId, userId, timeMillis, data);
    }

    /** Whether a Keycloak user event type is one the stream carries. */
    public static boolean isStreamed(EventType type) {
        return switch (type) {
            case LOGIN,
                    LOGIN_ERROR,
                    CODE_TO_TOKEN,
                    CODE_TO_TOKEN_ERROR,
                    UPDATE_CREDENTIAL,
                    UPDATE_CREDENTIAL_ERROR,
                    REMOVE_CREDENTIAL,
                    REMOVE_CREDENTIAL_ERROR,
                    RESET_PASSWORD,
                    RESET_PASSWORD_ERROR,
                    UPDATE_PASSWORD,
                    UPDATE_PASSWORD_ERROR,
                    UPDATE_EMAIL,
                    UPDATE_EMAIL_ERROR,
                    SEND_RESET_PASSWORD,
                    SEND_RESET_PASSWORD_ERROR,
                    CUSTOM_REQUIRED_ACTION,
                    CUSTOM_REQUIRED_ACTION_ERROR,
                    AUTHREQID_TO_TOKEN,
                    AUTHREQID_TO_TOKEN_ERROR ->
                    true;
            default -> false;
        };
    }

    /**
     * The realm's issuer URL when a request is being served (the CloudEvents source), otherwise a
     * URN naming the realm. The relay also uses it to address back-channel logouts.
     */
    public static String source(KeycloakSession session, String realmName, String realmId) {
        String name =
                realmName != null
                        ? realmName
                        : session.getContext().getRealm() != null
                                ? session.getContext().getRealm().getName()
                                : null;
        try {
            if (name != null) {
                return Urls.realmIssuer(session.getContext().getUri().getBaseUri(), name);
            }
        } catch (RuntimeException noRequest) {
            // background work (a timer, the relay): no request URL to name
        }
        return "urn:keycloak:realm:" + (name != null ? name : realmId);
    }

    /** The user id in an admin resource path such as {@code users/<id>/role-mappings/realm}. */
    static String userIdInPath(String path) {
        if (path == null || !path.startsWith("users/")) {
            return null;
        }
        int end = path.indexOf('/', 6);
        String id = end < 0 ? path.substring(6) : path.substring(6, end);
        return id.isEmpty() ? null : id;
    }

    private static StreamEvent envelope(
            String id,
            String type,
            String source,
            String realmId,
            String userId,
            long timeMillis,
            Map<String, Object> data) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("specversion", SPEC_VERSION);
        envelope.put("id", id);
        envelope.put("source", source);
        envelope.put("type", type);
        putIfPresent(envelope, "subject", userId);
        envelope.put("time", Instant.ofEpochMilli(timeMillis).toString());
        envelope.put("datacontenttype", "application/json");
        envelope.put("data", data);
        try {
            return new StreamEvent(
                    id,
                    type,
                    realmId,
                    userId,
                    timeMillis,
                    JsonSerialization.writeValueAsString(envelope));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putIfPresent(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }
}
