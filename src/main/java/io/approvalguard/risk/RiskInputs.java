package io.approvalguard.risk;

import com.fasterxml.jackson.core.type.TypeReference;
import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.support.events.ApprovalGuardEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * Reads the scorer's input out of a stream record's envelope; null for events the scorer ignores.
 */
public final class RiskInputs {

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
    private static final String OWN = CloudEvents.APPROVAL_GUARD_TYPE_PREFIX;
    private static final String KEYCLOAK = CloudEvents.KEYCLOAK_TYPE_PREFIX;
    private static final String CIBA_TOKEN = KEYCLOAK + "authreqid_to_token";

    /**
     * Decisions a device signed: scored as part of the decision (the approval engine calls {@link
     * RiskScoring}), so the relay never sees them.
     */
    static final java.util.Set<String> DECIDED_BY_DEVICE =
            java.util.Set.of(
                    OWN + "challenge_approved",
                    OWN + "challenge_denied",
                    OWN + "challenge_fraud_reported",
                    OWN + "challenge_wrong_code");

    private RiskInputs() {}

    /**
     * A stream event the scorer reads, parsed.
     *
     * @param ciba the event is a CIBA token issuance (a login without a browser)
     */
    public record Parsed(
            RiskInput input, String userId, String source, String sessionId, boolean ciba) {}

    public static Parsed parse(StreamEvent event) {
        if (event.userId() == null) {
            return null;
        }
        RiskInput.Kind kind = kindOf(event.type());
        if (kind == null) {
            return null;
        }
        Map<String, Object> envelope = read(event.json());
        Map<String, Object> data = object(envelope.get("data"));
        Map<String, Object> details = object(data.get("details"));
        if ("false".equals(details.get(ApprovalGuardEvent.OWN_ACCOUNT))
                && (kind == RiskInput.Kind.PROMPT_SENT
                        || kind == RiskInput.Kind.TIMED_OUT
                        || kind == RiskInput.Kind.DENIED)) {
            // an approver's prompt on someone else's change request (ApprovalGuardEvent)
            return null;
        }
        if (kind == RiskInput.Kind.PASSWORD_RESET
                && event.type().startsWith(CloudEvents.ADMIN_TYPE_PREFIX)
                && !String.valueOf(data.get("resource_path")).endsWith("/reset-password")) {
            return null;
        }
        RiskInput input =
                new RiskInput(
                        kind,
                        event.timeMillis(),
                        string(details.get("login_country")),
                        string(details.get("login_network")),
                        string(data.get("ip_address")));
        return new Parsed(
                input,
                event.userId(),
                string(envelope.get("source")),
                string(data.get("session_id")),
                CIBA_TOKEN.equals(event.type()));
    }

    static RiskInput.Kind kindOf(String type) {
        if (type.startsWith(OWN)) {
            return switch (type.substring(OWN.length())) {
                case "challenge_sent" -> RiskInput.Kind.PROMPT_SENT;
                case "challenge_approved" -> RiskInput.Kind.APPROVED;
                case "challenge_denied" -> RiskInput.Kind.DENIED;
                case "challenge_expired", "challenge_cancelled" -> RiskInput.Kind.TIMED_OUT;
                case "challenge_wrong_code" -> RiskInput.Kind.WRONG_CODE;
                case "challenge_fraud_reported" -> RiskInput.Kind.FRAUD_REPORTED;
                case "challenge_throttled" -> RiskInput.Kind.THROTTLED;
                case "device_enrolled" -> RiskInput.Kind.DEVICE_ENROLLED;
                default -> null;
            };
        }
        return switch (type) {
            case KEYCLOAK + "login", CIBA_TOKEN -> RiskInput.Kind.LOGIN;
            case KEYCLOAK + "reset_password" -> RiskInput.Kind.PASSWORD_RESET;
            case CloudEvents.ADMIN_TYPE_PREFIX + "user.action" -> RiskInput.Kind.PASSWORD_RESET;
            default -> null;
        };
    }

    private static Map<String, Object> read(String json) {
        try {
            return JsonSerialization.readValue(json, JSON_OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }
}
