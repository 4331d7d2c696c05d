package io.approvalguard.challenge;

import io.approvalguard.challenge.location.LocationProvider;
import io.approvalguard.challenge.location.RequestLocation;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.support.events.ApprovalGuardEvent;
import java.util.Map;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The event of a device's answer: which challenge, which device, where the sign-in came from and
 * where the approver is now (the risk scorer compares the two).
 */
final class DeviceEvents {

    private DeviceEvents() {}

    static EventBuilder of(
            KeycloakSession session,
            RealmModel realm,
            UserModel user,
            Challenge challenge,
            DeviceCredentialModel device) {
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
        ClientModel client =
                challenge.clientId() == null ? null : realm.getClientById(challenge.clientId());
        if (client != null) {
            event.client(client);
        }
        event.detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id())
                .detail(ApprovalGuardEvent.DEVICE_ID, device.getId())
                .detail(ApprovalGuardEvent.DEVICE_THUMBPRINT, device.data().thumbprint());
        Map<String, Object> context = challenge.context();
        if (context.get(ApprovalContext.IP_ADDRESS) instanceof String loginIp) {
            event.detail(ApprovalGuardEvent.LOGIN_IP, loginIp);
        }
        if (context.get(ApprovalContext.COUNTRY) instanceof String country) {
            event.detail(ApprovalGuardEvent.LOGIN_COUNTRY, country);
        }
        String network = RequestLocation.networkId(context.get(ApprovalContext.NETWORK));
        if (network != null) {
            event.detail(ApprovalGuardEvent.LOGIN_NETWORK, network);
        }
        String approverCountry =
                session.getProvider(LocationProvider.class)
                        .locate(session.getContext().getConnection().getRemoteAddr())
                        .countryCode();
        if (approverCountry != null) {
            event.detail(ApprovalGuardEvent.APPROVER_COUNTRY, approverCountry);
        }
        return event;
    }

    static ApprovalGuardEvent decided(ChallengeStatus decision) {
        return switch (decision) {
            case APPROVED -> ApprovalGuardEvent.CHALLENGE_APPROVED;
            case DENIED -> ApprovalGuardEvent.CHALLENGE_DENIED;
            case FRAUD -> ApprovalGuardEvent.CHALLENGE_FRAUD_REPORTED;
            default -> throw new IllegalArgumentException("not a device decision: " + decision);
        };
    }
}
