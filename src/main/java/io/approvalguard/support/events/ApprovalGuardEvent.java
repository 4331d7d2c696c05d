package io.approvalguard.support.events;

import java.util.Locale;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;

/**
 * Approval Guard's own events. Keycloak's {@link EventType} is closed, so each is raised as the
 * closest Keycloak type and named in the {@value #DETAIL} detail: listeners and the event store can
 * filter on it. Successful steps that are not themselves a login use {@code
 * CUSTOM_REQUIRED_ACTION}; steps that end a login use {@code LOGIN_ERROR} with an error code.
 */
public enum ApprovalGuardEvent {
    DEVICE_ENROLLED(EventType.UPDATE_CREDENTIAL, null),
    DEVICE_REMOVED(EventType.REMOVE_CREDENTIAL, null),
    CHALLENGE_SENT(EventType.CUSTOM_REQUIRED_ACTION, null),
    CHALLENGE_APPROVED(EventType.CUSTOM_REQUIRED_ACTION, null),
    CHALLENGE_DENIED(EventType.LOGIN_ERROR, "approval_denied"),
    CHALLENGE_EXPIRED(EventType.LOGIN_ERROR, "approval_expired"),
    CHALLENGE_FRAUD_REPORTED(EventType.LOGIN_ERROR, "approval_reported_fraud"),
    CHALLENGE_WRONG_CODE(EventType.LOGIN_ERROR, "approval_wrong_code"),
    CHALLENGE_THROTTLED(EventType.LOGIN_ERROR, "approval_throttled"),
    /** The person signing in cancelled a pending request on the sign-in page. */
    CHALLENGE_CANCELLED(EventType.LOGIN_ERROR, "approval_cancelled"),
    /**
     * The client's transaction details cannot be shown faithfully (RFC 9396
     * invalid_authorization_details).
     */
    REQUEST_REFUSED(EventType.LOGIN_ERROR, "invalid_authorization_details"),
    /** A device registered or replaced its push address. */
    PUSH_ADDRESS_REGISTERED(EventType.UPDATE_CREDENTIAL, null),
    /**
     * A device's push address was removed: by the device, or because its push service said it is
     * gone ({@value #PUSH_REMOVAL_REASON}).
     */
    PUSH_ADDRESS_REMOVED(EventType.UPDATE_CREDENTIAL, null),
    /** A push service accepted a "challenge waiting" notification for a device. */
    PUSH_SENT(EventType.CUSTOM_REQUIRED_ACTION, null),
    /** A notification could not be delivered; the device still finds the challenge by asking. */
    PUSH_FAILED(EventType.CUSTOM_REQUIRED_ACTION_ERROR, "push_failed");

    public static final String DETAIL = "approval_guard_event";
    public static final String CHALLENGE_ID = "challenge_id";
    public static final String DEVICE_ID = "device_id";
    public static final String CREDENTIAL_TYPE = "credential_type";
    public static final String REASON = "approval_reason";
    public static final String LOGIN_IP = "login_ip_address";
    public static final String VERIFICATION = "approval_verification";
    public static final String QUIET = "approval_quiet";
    public static final String THROTTLE_REASON = "approval_throttle_reason";

    /** The notifier that delivered (or failed to deliver) to a device: fcm, webpush, webhook. */
    public static final String PUSH_PROVIDER = "push_provider";

    /** How many attempts a notification took, or failed after. */
    public static final String PUSH_ATTEMPTS = "push_attempts";

    /** Why a notification failed or an address was removed, in words safe to show. */
    public static final String PUSH_REASON = "push_reason";

    /** {@code device} (the device removed it) or {@code gone} (its push service said so). */
    public static final String PUSH_REMOVAL_REASON = "push_removal";

    /**
     * The RFC 7638 thumbprint of the deciding device's key: the device's identity across systems.
     */
    public static final String DEVICE_THUMBPRINT = "device_key_thumbprint";

    /**
     * Where the sign-in came from (ISO country code, AS number), when the location provider knows.
     */
    public static final String LOGIN_COUNTRY = "login_country";

    public static final String LOGIN_NETWORK = "login_network";

    /**
     * {@code false} on the events of a challenge that judges someone else's change (a change
     * approval): its prompts, timeouts and denials say nothing about the approver's own account, so
     * the risk scorer does not count them against it.
     */
    public static final String OWN_ACCOUNT = "approval_own_account";

    /** Where the approving device's request came from. */
    public static final String APPROVER_COUNTRY = "approver_country";

    private final EventType type;
    private final String error;

    ApprovalGuardEvent(EventType type, String error) {
        this.type = type;
        this.error = error;
    }

    public String detailValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Sets the type and detail on a builder already carrying realm, user and client, then sends it.
     */
    public void emit(EventBuilder event) {
        event.event(type).detail(DETAIL, detailValue());
        if (error == null) {
            event.success();
        } else {
            event.error(error);
        }
    }
}
