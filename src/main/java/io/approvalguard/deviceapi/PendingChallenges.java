package io.approvalguard.deviceapi;

import com.fasterxml.jackson.databind.util.RawValue;
import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.location.LocationProvider;
import io.approvalguard.support.json.CanonicalJson;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What {@code GET /device/challenges} lists for one authenticated device. Holds ids only, so a held
 * request can list again later in a session and transaction of its own.
 *
 * @param remoteAddress where the approver is now; shown outside the signed context
 */
record PendingChallenges(String realmId, String userId, String deviceId, String remoteAddress) {

    /** The challenges this device may answer now, as the engine lists them to it. */
    List<Map<String, Object>> find(KeycloakSession session) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return List.of();
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return List.of();
        }
        List<Challenge> pending = new ApprovalEngine(session).pendingFor(realm, user, deviceId);
        if (pending.isEmpty()) {
            return List.of();
        }
        String approverCountry =
                session.getProvider(LocationProvider.class).locate(remoteAddress).countryCode();
        return pending.stream().map(c -> describe(c, approverCountry)).toList();
    }

    static Response answer(List<Map<String, Object>> challenges) {
        return Response.ok(Map.of("challenges", challenges))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    private static Map<String, Object> describe(Challenge challenge, String approverCountry) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", challenge.id());
        item.put("created_at", challenge.createdAt());
        item.put("expires_at", challenge.expiresAt());
        // Written by CanonicalJson rather than Jackson, which would send 1e21 as 1.0E21 and a
        // character outside the BMP as an escaped surrogate pair: each value is sent as its
        // canonical text.
        item.put("context", new RawValue(CanonicalJson.writeInOrder(challenge.context())));
        item.put("context_hash", challenge.contextHash());
        item.put(
                "verification",
                challenge.requiresCode()
                        ? Map.of("type", "code", "length", challenge.codeLength())
                        : Map.of("type", "none"));
        if (approverCountry != null) {
            item.put("approver_country", approverCountry);
        }
        return item;
    }
}
