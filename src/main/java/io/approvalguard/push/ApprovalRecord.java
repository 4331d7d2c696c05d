package io.approvalguard.push;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.JsonSerialization;

import io.approvalguard.challenge.Challenge;
import io.approvalguard.device.DeviceCredentialModel;

/**
 * What was approved, kept with the login so that tokens can prove it: a client note of the auth
 * session, which Keycloak copies into the client session when the login completes.
 */
public final class ApprovalRecord {

    static final String CLIENT_NOTE = "ag.approval";

    private ApprovalRecord() {
    }

    static void attach(AuthenticationSessionModel authSession, Challenge challenge, DeviceCredentialModel device) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("approval_id", challenge.id());
        record.put("context_hash", challenge.contextHash());
        record.put("verification", challenge.requiresCode() ? "code-" + challenge.codeLength() : "approve-only");
        record.put("device_jkt", device.data().thumbprint());
        record.put("approved_at", challenge.decidedAt());
        record.put("reason", challenge.context().get("reason"));
        Object details = challenge.context().get("authorization_details");
        if (details != null) {
            record.put("authorization_details", details);
        }
        try {
            authSession.setClientNote(CLIENT_NOTE, JsonSerialization.writeValueAsString(record));
        } catch (IOException e) {
            throw new IllegalStateException("approval record cannot be serialised", e);
        }
    }

    /** The record behind a client session's note, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String note) {
        if (note == null) {
            return null;
        }
        try {
            return JsonSerialization.readValue(note, LinkedHashMap.class);
        } catch (IOException e) {
            return null;
        }
    }
}
