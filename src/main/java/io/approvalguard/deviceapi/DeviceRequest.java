package io.approvalguard.deviceapi;

import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceKey;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.JsonBody;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.InputStream;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * One incoming device request: its raw body (bounded) and, once {@link #authenticate} has passed,
 * the device and user it came from. Everything is checked before the proof's {@code jti} is
 * recorded, so a rejected request changes nothing.
 */
final class DeviceRequest {

    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final long JTI_RETENTION_SECONDS =
            2 * DeviceProofVerifier.MAX_CLOCK_SKEW_SECONDS + 10;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final byte[] body;

    private DeviceRequest(KeycloakSession session, RealmModel realm, byte[] body) {
        this.session = session;
        this.realm = realm;
        this.body = body;
    }

    static DeviceRequest withoutBody(KeycloakSession session, RealmModel realm) {
        return new DeviceRequest(session, realm, new byte[0]);
    }

    static DeviceRequest withJsonBody(
            KeycloakSession session, RealmModel realm, HttpHeaders headers, InputStream in) {
        return new DeviceRequest(session, realm, JsonBody.read(headers, in, MAX_BODY_BYTES));
    }

    Map<String, Object> json() {
        return JsonBody.object(body);
    }

    /**
     * The device this request is from: the proof's cheap checks, then the user and device it names,
     * the signature, the user's and device's status, and last the jti.
     */
    AuthenticatedDevice authenticate(DeviceRegistry devices) {
        Signer signer =
                DeviceProofVerifier.authenticate(
                        proofHeader(),
                        true,
                        boundRequest(),
                        proof -> findSigner(proof, devices),
                        found -> found.device().key());
        UserModel user = signer.user();
        DeviceCredentialModel device = signer.device();
        if (new ApprovalGates(session).forAccount(realm, user).isPresent()) {
            throw ApiError.forbidden("user_disabled", "the user is disabled or locked");
        }
        if (!device.isActive()) {
            throw ApiError.forbidden("device_suspended", "this device is suspended");
        }
        recordJti("ag:jti:" + device.getId() + ":" + signer.jti());
        return new AuthenticatedDevice(user, device);
    }

    /**
     * The user ({@code sub}) and their device ({@code kid}) a proof names: the first store lookups.
     */
    private Signer findSigner(DeviceProof proof, DeviceRegistry devices) {
        UserModel user = session.users().getUserById(realm, proof.subject());
        if (user == null) {
            throw ApiError.unauthorized(
                    "unknown_device", "no device with this kid and sub in this realm");
        }
        DeviceCredentialModel device =
                devices.find(user, proof.keyId())
                        .orElseThrow(
                                () ->
                                        ApiError.unauthorized(
                                                "unknown_device",
                                                "no device with this kid and sub in this realm"));
        return new Signer(user, device, proof.jti());
    }

    private record Signer(UserModel user, DeviceCredentialModel device, String jti) {}

    /**
     * Verifies an enrolment proof, which is signed by the key being enrolled, and returns the key
     * under which its jti is to be recorded once the enrolment token has been checked too.
     */
    String verifyEnrolmentProof(DeviceKey newKey) {
        DeviceProof proof =
                DeviceProofVerifier.authenticate(
                        proofHeader(), false, boundRequest(), p -> p, p -> newKey);
        return "ag:jti:enrol:" + newKey.thumbprint() + ":" + proof.jti();
    }

    record AuthenticatedDevice(UserModel user, DeviceCredentialModel device) {}

    void recordJti(String key) {
        if (!session.singleUseObjects().putIfAbsent(key, JTI_RETENTION_SECONDS)) {
            throw ApiError.unauthorized("proof_replayed", "this proof has been used before");
        }
    }

    private String proofHeader() {
        var values =
                session.getContext()
                        .getRequestHeaders()
                        .getRequestHeader(DeviceProofVerifier.HEADER);
        if (values != null && values.size() > 1) {
            throw ApiError.unauthorized("invalid_proof", "send exactly one Device-Proof header");
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private DeviceProofVerifier.BoundRequest boundRequest() {
        return new DeviceProofVerifier.BoundRequest(
                session.getContext().getHttpRequest().getHttpMethod(), url(), body);
    }

    /** The request URL as the device addressed it, without query: what {@code htu} must equal. */
    private String url() {
        var uri = session.getContext().getUri().getRequestUri();
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }
}
