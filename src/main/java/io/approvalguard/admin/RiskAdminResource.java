package io.approvalguard.admin;

import io.approvalguard.risk.RiskAction;
import io.approvalguard.risk.RiskActionEntity;
import io.approvalguard.risk.RiskLevel;
import io.approvalguard.risk.RiskResponder;
import io.approvalguard.risk.RiskSettings;
import io.approvalguard.risk.RiskStanding;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.JsonBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The closed loop for an external scorer: read a user's risk state, apply the scorer's own
 * responses with a reason code, idempotently. Guarded by {@value ApprovalGuardRoles#RISK_ROLE} and,
 * for each user, by Keycloak's own user permissions (view to read, manage to act; roles or
 * fine-grained admin permissions), so the API never reaches a user the caller could not manage
 * through Keycloak itself. The realm's risk settings need manage-realm to change. See
 * docs/risk-api.md.
 */
public final class RiskAdminResource {

    private static final Pattern REASON_CODE = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,63}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final int MAX_BODY_BYTES = 4096;
    private static final int HISTORY_SHOWN = 50;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    RiskAdminResource(
            KeycloakSession session,
            RealmModel realm,
            AdminPermissionEvaluator auth,
            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @GET
    @Path("users/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response state(@PathParam("userId") String userId) {
        return ApiError.respond(
                () -> {
                    requireRiskRole();
                    UserModel user = user(userId, false);
                    RiskStanding standing = RiskStanding.of(session, realm, user);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("user_id", user.getId());
                    body.put("level", standing.level().wireName());
                    body.put("score", Math.round(standing.score() * 100) / 100.0);
                    body.put("push_suspended", standing.isPushSuspended());
                    body.put(
                            "push_suspended_until",
                            standing.isPushSuspended()
                                    ? standing.pushSuspendedUntil() / 1000
                                    : null);
                    body.put(
                            "actions",
                            new RiskResponder(session, realm)
                                    .history(user, HISTORY_SHOWN).stream()
                                            .map(RiskAdminResource::describe)
                                            .toList());
                    return Response.ok(body).header("Cache-Control", "no-store").build();
                });
    }

    @POST
    @Path("users/{userId}/actions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response act(
            @PathParam("userId") String userId, @Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    requireRiskRole();
                    UserModel user = user(userId, true);
                    ActionRequest request =
                            ActionRequest.from(
                                    JsonBody.object(JsonBody.read(headers, body, MAX_BODY_BYTES)));
                    String actor =
                            auth.adminAuth().getUser() == null
                                    ? null
                                    : auth.adminAuth().getUser().getId();
                    RiskResponder.Applied applied =
                            new RiskResponder(session, realm)
                                    .apply(
                                            user,
                                            request.action(),
                                            new RiskResponder.Reason(
                                                    request.reasonCode(),
                                                    "external",
                                                    actor,
                                                    request.idempotencyKey()),
                                            request.durationSeconds(),
                                            request.level());
                    if (applied.applied()) {
                        adminEvent
                                .operation(OperationType.ACTION)
                                .resource(ResourceType.USER)
                                .resourcePath(session.getContext().getUri())
                                .representation(request.describe())
                                .detail("approval_guard_action", request.action().wireName())
                                .detail("reason_code", request.reasonCode())
                                .success();
                    }
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("applied", applied.applied());
                    answer.put("action", describe(applied.record()));
                    return Response.ok(answer).header("Cache-Control", "no-store").build();
                });
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Response settings() {
        return ApiError.respond(
                () -> {
                    requireRiskRole();
                    return Response.ok(RiskSettings.effective(realm))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @PUT
    @Path("settings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response updateSettings(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    requireManageRealm();
                    Map<String, Object> changes =
                            JsonBody.object(JsonBody.read(headers, body, MAX_BODY_BYTES));
                    Map<String, Integer> validated = new LinkedHashMap<>();
                    changes.forEach((name, value) -> validated.put(name, validate(name, value)));
                    Map<String, Integer> merged =
                            new LinkedHashMap<>(RiskSettings.effective(realm));
                    merged.putAll(validated);
                    int elevated = merged.get(RiskSettings.ELEVATED_AT.name());
                    int high = merged.get(RiskSettings.HIGH_AT.name());
                    if (!(elevated < high && high < merged.get(RiskSettings.CRITICAL_AT.name()))) {
                        throw ApiError.invalidRequest(
                                "thresholds must rise: "
                                        + RiskSettings.ELEVATED_AT.name()
                                        + " < "
                                        + RiskSettings.HIGH_AT.name()
                                        + " < "
                                        + RiskSettings.CRITICAL_AT.name());
                    }
                    validated.forEach(
                            (name, value) ->
                                    realm.setAttribute(
                                            RiskSettings.ATTRIBUTE_PREFIX + name,
                                            value.toString()));
                    adminEvent
                            .operation(OperationType.UPDATE)
                            .resource(ResourceType.REALM)
                            .resourcePath(session.getContext().getUri())
                            .representation(validated)
                            .success();
                    return Response.ok(RiskSettings.effective(realm))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    private static int validate(String name, Object value) {
        Option<Integer> setting =
                RiskSettings.setting(name)
                        .orElseThrow(() -> ApiError.invalidRequest("unknown setting " + name));
        if (!(value instanceof Integer number)
                || number < setting.min()
                || number > setting.max()) {
            throw ApiError.invalidRequest(name + " must be " + setting.expected());
        }
        return number;
    }

    /** A validated action request. */
    record ActionRequest(
            RiskAction action,
            String reasonCode,
            String idempotencyKey,
            long durationSeconds,
            RiskLevel level) {

        static ActionRequest from(Map<String, Object> json) {
            for (String name : json.keySet()) {
                if (!List.of(
                                "action",
                                "reason_code",
                                "idempotency_key",
                                "duration_seconds",
                                "level")
                        .contains(name)) {
                    throw ApiError.invalidRequest("unknown member " + name);
                }
            }
            RiskAction action = json.get("action") instanceof String a ? RiskAction.parse(a) : null;
            if (action == null) {
                throw ApiError.invalidRequest("action must be one of " + RiskAction.wireNames());
            }
            if (!(json.get("reason_code") instanceof String reason)
                    || !REASON_CODE.matcher(reason).matches()) {
                throw ApiError.invalidRequest(
                        "reason_code must be 1 to 64 characters of a-z, 0-9, _ . : - (for example siem.impossible_travel)");
            }
            Object key = json.get("idempotency_key");
            if (key != null && !(key instanceof String k && IDEMPOTENCY_KEY.matcher(k).matches())) {
                throw ApiError.invalidRequest(
                        "idempotency_key must be 1 to 100 characters of A-Z, a-z, 0-9, _ . : -");
            }
            long duration = 0;
            if (action == RiskAction.SUSPEND_PUSH) {
                if (!(json.get("duration_seconds") instanceof Integer d)
                        || d < 60
                        || d > 30 * 86_400) {
                    throw ApiError.invalidRequest(
                            "duration_seconds must be a whole number from 60 to 2592000 for suspend_push");
                }
                duration = d;
            } else if (json.containsKey("duration_seconds")) {
                throw ApiError.invalidRequest("duration_seconds is only for suspend_push");
            }
            RiskLevel level = null;
            if (action == RiskAction.SET_LEVEL) {
                level = json.get("level") instanceof String l ? RiskLevel.parse(l) : null;
                if (level == null) {
                    throw ApiError.invalidRequest(
                            "level must be normal, elevated, high or critical for set_level");
                }
            } else if (json.containsKey("level")) {
                throw ApiError.invalidRequest("level is only for set_level");
            }
            return new ActionRequest(
                    action,
                    reason,
                    key == null ? UUID.randomUUID().toString() : (String) key,
                    duration,
                    level);
        }

        /** The request as the admin event's representation: every member, none of them secret. */
        Map<String, Object> describe() {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("action", action.wireName());
            shown.put("reason_code", reasonCode);
            shown.put("idempotency_key", idempotencyKey);
            if (action == RiskAction.SUSPEND_PUSH) {
                shown.put("duration_seconds", durationSeconds);
            }
            if (level != null) {
                shown.put("level", level.wireName());
            }
            return shown;
        }
    }

    static Map<String, Object> describe(RiskActionEntity record) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", record.getId());
        shown.put("action", record.getAction());
        shown.put("reason_code", record.getReasonCode());
        shown.put("source", record.getSource());
        shown.put("actor", record.getActor());
        shown.put("level", record.getLevel());
        shown.put("idempotency_key", record.getIdempotencyKey());
        shown.put("created_at", record.getCreatedAt() / 1000);
        shown.put("detail", record.getDetail());
        return shown;
    }

    /**
     * The user the caller may view ({@code manage}: manage). A caller without that permission gets
     * the same answer for an unknown id as for a user it may not see, so it cannot probe which ids
     * exist; one who may query users learns that an id is unknown, as in Keycloak's own API.
     */
    private UserModel user(String userId, boolean manage) {
        UserModel user =
                userId == null || userId.length() > 64
                        ? null
                        : session.users().getUserById(realm, userId);
        boolean permitted =
                user == null
                        ? auth.users().canQuery()
                        : manage ? auth.users().canManage(user) : auth.users().canView(user);
        if (!permitted) {
            throw ApiError.forbidden(
                    "forbidden",
                    "this needs permission to "
                            + (manage ? "manage" : "view")
                            + " this user ("
                            + (manage ? "manage-users" : "view-users")
                            + ", or a fine-grained admin permission that covers the user)");
        }
        if (user == null) {
            throw new ApiError(
                    Response.Status.NOT_FOUND, "user_not_found", "no such user in this realm");
        }
        return user;
    }

    private void requireRiskRole() {
        if (!ApprovalGuardRoles.hasRiskRole(auth)) {
            throw ApiError.forbidden(
                    "forbidden",
                    "this needs the realm-management role " + ApprovalGuardRoles.RISK_ROLE);
        }
    }

    private void requireManageRealm() {
        if (!auth.realm().canManageRealm()) {
            throw ApiError.forbidden(
                    "forbidden", "this needs the realm-management role manage-realm");
        }
    }
}
