package io.approvalguard.notify;

import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.support.events.ApprovalGuardEvent;
import org.jboss.logging.Logger;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * How a notification ended, recorded in a transaction of its own: a {@code push_sent} or {@code
 * push_failed} event, and for an address its push service called gone, its removal and a {@code
 * push_address_removed} event. The events go to the stream like every other.
 */
final class PushRecords {

    private static final Logger LOG = Logger.getLogger(PushRecords.class);

    private PushRecords() {}

    static void record(
            KeycloakSessionFactory sessions,
            String provider,
            PushQueue.Delivery delivery,
            PushOutcome outcome) {
        PushMessage message = delivery.message();
        try {
            KeycloakModelUtils.runJobInTransaction(
                    sessions,
                    session -> {
                        RealmModel realm = session.realms().getRealm(message.realmId());
                        if (realm == null) {
                            return; // the realm was removed meanwhile: nothing to tell
                        }
                        session.getContext().setRealm(realm);
                        UserModel user = session.users().getUserById(realm, message.userId());
                        if (user == null) {
                            return; // so was the user
                        }
                        EventBuilder event =
                                new EventBuilder(
                                                realm,
                                                session,
                                                session.getContext().getConnection())
                                        .user(user)
                                        .detail(ApprovalGuardEvent.DEVICE_ID, message.deviceId())
                                        .detail(
                                                ApprovalGuardEvent.CHALLENGE_ID,
                                                message.challengeId())
                                        .detail(ApprovalGuardEvent.PUSH_PROVIDER, provider)
                                        .detail(
                                                ApprovalGuardEvent.PUSH_ATTEMPTS,
                                                Integer.toString(delivery.attempt()));
                        if (outcome.kind() == PushOutcome.Kind.DELIVERED) {
                            ApprovalGuardEvent.PUSH_SENT.emit(event);
                            return;
                        }
                        ApprovalGuardEvent.PUSH_FAILED.emit(
                                event.clone()
                                        .detail(ApprovalGuardEvent.PUSH_REASON, outcome.error()));
                        if (outcome.kind() == PushOutcome.Kind.GONE
                                && new DeviceRegistry(session)
                                        .removePushAddressIf(
                                                user, message.deviceId(), delivery.address())) {
                            ApprovalGuardEvent.PUSH_ADDRESS_REMOVED.emit(
                                    event.clone()
                                            .detail(ApprovalGuardEvent.PUSH_REMOVAL_REASON, "gone")
                                            .detail(
                                                    ApprovalGuardEvent.PUSH_REASON,
                                                    outcome.error()));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Approval Guard: the outcome of a %s notification for challenge %s could not be recorded (%s): %s",
                    provider, message.challengeId(), outcome.kind(), e.toString());
        }
        LOG.debugf(
                "Approval Guard: %s notification for challenge %s to device %s: %s%s",
                provider,
                message.challengeId(),
                message.deviceId(),
                outcome.kind(),
                outcome.error() == null ? "" : " (" + outcome.error() + ")");
    }
}
