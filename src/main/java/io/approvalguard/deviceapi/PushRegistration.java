package io.approvalguard.deviceapi;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.NotifierFactory;
import io.approvalguard.support.events.ApprovalGuardEvent;
import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderFactory;

/**
 * A device's push address: registered, replaced or removed by the device itself, under its proof
 * like every device request, and what a device needs to know to register one. See
 * docs/device-api.md, "Push address".
 */
final class PushRegistration {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final DeviceRegistry devices;

    PushRegistration(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        // changes lock the device's row: a suspension at the same moment is not undone
        this.devices = new DeviceRegistry(session);
    }

    /** {@code PUT device/push}: the address is checked in full before the proof's jti is spent. */
    Response register(HttpHeaders headers, InputStream body) {
        DeviceRequest request = DeviceRequest.withJsonBody(session, realm, headers, body);
        Map<String, Object> json = request.json();
        NotifierFactory provider = providerNamedIn(json);
        String unavailable = provider.unavailableReason();
        if (unavailable != null) {
            throw new ApiError(Response.Status.CONFLICT, "push_unavailable", unavailable);
        }
        PushAddress address;
        try {
            address = provider.parseAddress(json, Time.currentTime());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_push_address", e.getMessage());
        }
        DeviceRequest.AuthenticatedDevice caller = request.authenticate(devices);
        devices.setPushAddress(caller.user(), caller.device().getId(), address);
        ApprovalGuardEvent.PUSH_ADDRESS_REGISTERED.emit(
                event(caller.user(), caller.device())
                        .detail(ApprovalGuardEvent.PUSH_PROVIDER, address.provider()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("device_id", caller.device().getId());
        response.put("provider", address.provider());
        response.put("registered_at", address.registeredAt());
        return Response.ok(response).header("Cache-Control", "no-store").build();
    }

    /** {@code DELETE device/push}: 204 whether or not there was one. */
    Response remove() {
        DeviceRequest.AuthenticatedDevice caller =
                DeviceRequest.withoutBody(session, realm).authenticate(devices);
        PushAddress old = caller.device().data().push();
        if (old != null) {
            devices.setPushAddress(caller.user(), caller.device().getId(), null);
            ApprovalGuardEvent.PUSH_ADDRESS_REMOVED.emit(
                    event(caller.user(), caller.device())
                            .detail(ApprovalGuardEvent.PUSH_PROVIDER, old.provider())
                            .detail(ApprovalGuardEvent.PUSH_REMOVAL_REASON, "device"));
        }
        return Response.noContent().build();
    }

    /** {@code GET device/push-config}: the providers a device can register with here. */
    Response config() {
        Map<String, Object> providers = new TreeMap<>();
        session.getKeycloakSessionFactory()
                .getProviderFactoriesStream(Notifier.class)
                .map(NotifierFactory.class::cast)
                .filter(f -> f.unavailableReason() == null)
                .forEach(f -> providers.put(f.getId(), f.deviceConfig(session)));
        return Response.ok(Map.of("providers", providers))
                .header("Cache-Control", "no-store")
                .build();
    }

    private NotifierFactory providerNamedIn(Map<String, Object> json) {
        Object name = json.get("provider");
        if (name instanceof String id
                && session.getKeycloakSessionFactory().getProviderFactory(Notifier.class, id)
                        instanceof NotifierFactory factory) {
            return factory;
        }
        String known =
                session.getKeycloakSessionFactory()
                        .getProviderFactoriesStream(Notifier.class)
                        .map(ProviderFactory::getId)
                        .sorted()
                        .collect(Collectors.joining(", "));
        throw ApiError.badRequest("invalid_push_address", "provider must be one of: " + known);
    }

    private EventBuilder event(UserModel user, DeviceCredentialModel device) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .user(user)
                .detail(ApprovalGuardEvent.DEVICE_ID, device.getId())
                .detail(ApprovalGuardEvent.CREDENTIAL_TYPE, DeviceCredentialModel.TYPE);
    }
}
