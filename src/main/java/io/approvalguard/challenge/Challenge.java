package io.approvalguard.challenge;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * One push challenge: what is to be approved, for which auth session, and how it was decided.
 * Immutable; state changes go through {@link ApprovalEngine} and its {@link ChallengeStore}.
 */
public record Challenge(
        String id,
        String realmId,
        String userId,
        String rootSessionId,
        String tabId,
        String clientId,
        ChallengeStatus status,
        long createdAtMillis,
        long expiresAt,
        Map<String, Object> context,
        String contextHash,
        String codeHash,
        int codeLength,
        String deciderDeviceId,
        long decidedAt) {

    /** Creation time in seconds, as the device API shows it. */
    public long createdAt() {
        return createdAtMillis / 1000;
    }

    /**
     * What the challenge is for, as its signed context names it; empty for a context naming none we
     * know.
     */
    public java.util.Optional<Purpose> purpose() {
        return Purpose.of(context);
    }

    public boolean requiresCode() {
        return codeLength > 0;
    }

    public boolean isExpiredAt(long nowSeconds) {
        return nowSeconds >= expiresAt;
    }

    public boolean isBoundTo(String realmId, String rootSessionId, String tabId) {
        return this.realmId.equals(realmId)
                && this.rootSessionId.equals(rootSessionId)
                && this.tabId.equals(tabId);
    }

    Challenge withDecision(ChallengeStatus newStatus, String deviceId, long at) {
        return new Challenge(
                id,
                realmId,
                userId,
                rootSessionId,
                tabId,
                clientId,
                newStatus,
                createdAtMillis,
                expiresAt,
                context,
                contextHash,
                codeHash,
                codeLength,
                deviceId,
                at);
    }

    Map<String, String> toNotes() {
        Map<String, String> notes = new HashMap<>();
        notes.put("id", id);
        notes.put("realm", realmId);
        notes.put("user", userId);
        notes.put("root", rootSessionId);
        notes.put("tab", tabId);
        notes.put("client", clientId);
        notes.put("status", status.name());
        notes.put("created", Long.toString(createdAtMillis));
        notes.put("expires", Long.toString(expiresAt));
        notes.put("contextHash", contextHash);
        notes.put("codeLength", Integer.toString(codeLength));
        try {
            notes.put("context", JsonSerialization.writeValueAsString(context));
        } catch (IOException e) {
            throw new IllegalStateException("context cannot be serialised", e);
        }
        if (codeHash != null) {
            notes.put("codeHash", codeHash);
        }
        if (deciderDeviceId != null) {
            notes.put("device", deciderDeviceId);
            notes.put("decided", Long.toString(decidedAt));
        }
        return notes;
    }

    @SuppressWarnings("unchecked")
    static Challenge fromNotes(Map<String, String> notes) {
        try {
            Map<String, Object> context =
                    JsonSerialization.readValue(notes.get("context"), LinkedHashMap.class);
            return new Challenge(
                    notes.get("id"),
                    notes.get("realm"),
                    notes.get("user"),
                    notes.get("root"),
                    notes.get("tab"),
                    notes.get("client"),
                    ChallengeStatus.valueOf(notes.get("status")),
                    Long.parseLong(notes.get("created")),
                    Long.parseLong(notes.get("expires")),
                    context,
                    notes.get("contextHash"),
                    notes.get("codeHash"),
                    Integer.parseInt(notes.get("codeLength")),
                    notes.get("device"),
                    notes.containsKey("decided") ? Long.parseLong(notes.get("decided")) : 0L);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("stored challenge is unreadable", e);
        }
    }
}
