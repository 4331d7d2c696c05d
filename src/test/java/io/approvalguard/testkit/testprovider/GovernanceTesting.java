package io.approvalguard.testkit.testprovider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.approvalguard.governance.kinds.AppliedBy;
import io.approvalguard.governance.kinds.ChangeInvalid;
import io.approvalguard.governance.kinds.ChangeKind;
import io.approvalguard.governance.kinds.ChangeKinds;
import io.approvalguard.governance.kinds.TimedGrantEntity;
import io.approvalguard.governance.kinds.TimedGrants;
import io.approvalguard.risk.SessionRevocation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * TEST ONLY: {@code /realms/{realm}/approval-guard-testing/governance}, governed changes applied
 * directly, with no request, policy or approval around them, so that the kinds can be tested on a
 * real Keycloak before the governance API exists. Reached through {@link TestingResource}, which
 * only loopback callers may use.
 *
 * <ul>
 *   <li>{@code POST apply} with {@code {"kind", "user_id", "change", "request_id"?, "break_glass"?,
 *       "max_grant_seconds"?}}: parse, precheck and apply in one transaction; answers {@code
 *       {"change": <normalised>, "applied": <what was done>}} or 400 with the kind's refusal.
 *   <li>{@code POST revoke-sessions?user_id=}: {@code risk.SessionRevocation}'s receipt.
 *   <li>{@code GET grants?user_id=}: the user's open time-bound grants.
 * </ul>
 */
public final class GovernanceTesting {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final KeycloakSession session;
    private final boolean allowed;

    GovernanceTesting(KeycloakSession session, boolean fromLoopback) {
        this.session = session;
        this.allowed = fromLoopback;
    }

    @POST
    @Path("apply")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response apply(InputStream body) {
        if (!allowed) {
            return error(403, "only loopback callers may use the testing endpoints");
        }
        JsonNode json;
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES);
            json = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return error(400, "body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            return error(400, "body must be a JSON object");
        }
        RealmModel realm = session.getContext().getRealm();
        Optional<ChangeKind> kind = ChangeKinds.standard().of(json.path("kind").asText(null));
        if (kind.isEmpty()) {
            return error(400, "unknown kind");
        }
        UserModel user = session.users().getUserById(realm, json.path("user_id").asText(""));
        if (user == null) {
            return error(404, "no such user");
        }
        Map<String, Object> change =
                json.has("change") ? MAPPER.convertValue(json.get("change"), Map.class) : Map.of();
        Map<String, Object> normalised;
        try {
            normalised = kind.get().parse(session, realm, user, change);
        } catch (ChangeInvalid e) {
            return error(400, e.getMessage());
        }
        Optional<String> refused = kind.get().precheck(session, realm, user, normalised);
        if (refused.isPresent()) {
            return error(409, refused.get());
        }
        AppliedBy by =
                new AppliedBy(
                        json.path("request_id").asText(UUID.randomUUID().toString()),
                        "testing",
                        json.path("break_glass").asBoolean(false),
                        json.path("max_grant_seconds").asLong(0));
        Map<String, Object> applied = kind.get().apply(session, realm, user, normalised, by);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("change", normalised);
        answer.put("applied", applied);
        return ok(answer);
    }

    @POST
    @Path("revoke-sessions")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revokeSessions(@QueryParam("user_id") String userId) {
        if (!allowed) {
            return error(403, "only loopback callers may use the testing endpoints");
        }
        RealmModel realm = session.getContext().getRealm();
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return error(404, "no such user");
        }
        return ok(SessionRevocation.revoke(session, realm, user).toJson());
    }

    @GET
    @Path("grants")
    @Produces(MediaType.APPLICATION_JSON)
    public Response grants(@QueryParam("user_id") String userId) {
        if (!allowed) {
            return error(403, "only loopback callers may use the testing endpoints");
        }
        RealmModel realm = session.getContext().getRealm();
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            return error(404, "no such user");
        }
        List<Map<String, Object>> open =
                TimedGrants.standard().open(session, realm, user).stream()
                        .map(GovernanceTesting::describe)
                        .toList();
        return ok(Map.of("grants", open));
    }

    private static Map<String, Object> describe(TimedGrantEntity grant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", grant.getId());
        json.put("kind", grant.getKind());
        json.put("target_id", grant.getTargetId());
        json.put("request_id", grant.getRequestId());
        json.put("granted_at", grant.getGrantedAt());
        json.put("expires_at", grant.getExpiresAt());
        return json;
    }

    private static Response ok(Object body) {
        return Response.ok(body)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    private static Response error(int status, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put(
                "error",
                switch (status) {
                    case 403 -> "access_denied";
                    case 404 -> "not_found";
                    default -> "invalid_change";
                });
        body.put("error_description", description);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .entity(body)
                .build();
    }
}
