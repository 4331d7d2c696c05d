package io.approvalguard.admin;

import io.approvalguard.stream.DeadLetters;
import io.approvalguard.stream.OutboxRecordEntity;
import io.approvalguard.stream.SinkPauses;
import io.approvalguard.stream.StreamEventListenerFactory;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.JsonBody;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The event stream for operators: sinks and their backlog, dead letters of this realm, replay, and
 * resuming a sink whose receiver said it was gone. Reading needs view-events and replaying this
 * realm's dead letters manage-events. A sink serves every realm (one relay per node), so resuming
 * it is a server administrator's call. Every change is an admin event of this realm.
 */
public final class StreamAdminResource {

    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_PAGE = 500;

    /** Admin event resource types of our own (Keycloak keeps custom types as they are). */
    static final String SINK_RESOURCE = "APPROVAL_GUARD_SINK";

    static final String DEAD_LETTER_RESOURCE = "APPROVAL_GUARD_DEAD_LETTERS";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final EntityManager em;

    StreamAdminResource(
            KeycloakSession session,
            RealmModel realm,
            AdminPermissionEvaluator auth,
            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    @GET
    @Path("sinks")
    @Produces(MediaType.APPLICATION_JSON)
    public Response sinks() {
        return ApiError.respond(
                () -> {
                    requireView();
                    Map<String, Object> paused = new LinkedHashMap<>();
                    SinkPauses.all(em)
                            .forEach(
                                    p ->
                                            paused.put(
                                                    p.getSinkId(),
                                                    Map.of(
                                                            "paused_at",
                                                            p.getPausedAt() / 1000,
                                                            "reason",
                                                            String.valueOf(p.getReason()))));
                    List<Map<String, Object>> sinks =
                            StreamEventListenerFactory.outbox(session).sinkIds().stream()
                                    .map(
                                            id -> {
                                                Map<String, Object> sink = new LinkedHashMap<>();
                                                sink.put("id", id);
                                                sink.put("paused", paused.get(id));
                                                sink.put(
                                                        "records",
                                                        DeadLetters.countByStatus(
                                                                em, realm.getId(), id));
                                                return sink;
                                            })
                                    .toList();
                    return Response.ok(Map.of("sinks", sinks))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @POST
    @Path("sinks/{sinkId}/resume")
    @Produces(MediaType.APPLICATION_JSON)
    public Response resume(@PathParam("sinkId") String sinkId) {
        return ApiError.respond(
                () -> {
                    requireServerAdmin();
                    if (!StreamEventListenerFactory.outbox(session).sinkIds().contains(sinkId)) {
                        throw new ApiError(
                                Response.Status.NOT_FOUND,
                                "sink_not_found",
                                "no active sink with this id");
                    }
                    boolean resumed = SinkPauses.resume(em, sinkId);
                    Map<String, Object> change = new LinkedHashMap<>();
                    change.put("sink", sinkId);
                    change.put("resumed", resumed);
                    adminEvent
                            .operation(OperationType.ACTION)
                            .resource(SINK_RESOURCE)
                            .resourcePath(session.getContext().getUri())
                            .representation(change)
                            .success();
                    return Response.ok(Map.of("sink", sinkId, "resumed", resumed))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @GET
    @Path("dead-letters")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deadLetters(
            @QueryParam("sink") String sinkId,
            @QueryParam("first") Integer first,
            @QueryParam("max") Integer max) {
        return ApiError.respond(
                () -> {
                    requireView();
                    int from = first == null ? 0 : first;
                    int count = max == null ? 100 : max;
                    if (from < 0 || count < 1 || count > MAX_PAGE) {
                        throw ApiError.invalidRequest(
                                "first must be 0 or more and max from 1 to " + MAX_PAGE);
                    }
                    List<Map<String, Object>> letters =
                            DeadLetters.list(em, realm.getId(), sinkId, from, count).stream()
                                    .map(StreamAdminResource::describe)
                                    .toList();
                    return Response.ok(Map.of("dead_letters", letters))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    /**
     * Replays the dead letters named by {@code ids}, or all of one {@code sink}: they are retried
     * from now.
     */
    @POST
    @Path("dead-letters/replay")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replay(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    requireManage();
                    Map<String, Object> json =
                            JsonBody.object(JsonBody.read(headers, body, MAX_BODY_BYTES));
                    int replayed;
                    Map<String, Object> change = new LinkedHashMap<>();
                    if (json.size() == 1
                            && json.get("ids") instanceof List<?> ids
                            && !ids.isEmpty()
                            && ids.size() <= MAX_PAGE
                            && ids.stream()
                                    .allMatch(id -> id instanceof String s && s.length() <= 36)) {
                        replayed =
                                DeadLetters.replay(
                                        em,
                                        realm.getId(),
                                        ids.stream().map(String.class::cast).toList());
                        change.put("ids", ids);
                    } else if (json.size() == 1 && json.get("sink") instanceof String sink) {
                        replayed = DeadLetters.replayAll(em, realm.getId(), sink);
                        change.put("sink", sink);
                    } else {
                        throw ApiError.invalidRequest(
                                "send {\"ids\": [up to "
                                        + MAX_PAGE
                                        + " dead-letter ids]} or {\"sink\": \"<sink id>\"}");
                    }
                    change.put("replayed", replayed);
                    adminEvent
                            .operation(OperationType.ACTION)
                            .resource(DEAD_LETTER_RESOURCE)
                            .resourcePath(session.getContext().getUri())
                            .representation(change)
                            .success();
                    StreamEventListenerFactory.outbox(session).wakeAfterCommit(session);
                    return Response.ok(Map.of("replayed", replayed))
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    private static Map<String, Object> describe(OutboxRecordEntity record) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("id", record.getId());
        shown.put("event_id", record.getEventId());
        shown.put("sink", record.getSinkId());
        shown.put("type", record.getEventType());
        shown.put("user_id", record.getUserId());
        shown.put("created_at", record.getCreatedAt() / 1000);
        shown.put("attempts", record.getAttempts());
        shown.put("last_error", record.getLastError());
        return shown;
    }

    private void requireView() {
        if (!auth.realm().canViewEvents()) {
            throw ApiError.forbidden(
                    "forbidden", "this needs the realm-management role view-events");
        }
    }

    private void requireServerAdmin() {
        if (!ApprovalGuardRoles.isServerAdmin(auth.adminAuth())) {
            throw ApiError.forbidden(
                    "forbidden",
                    "a sink serves every realm: this needs the master realm's admin role");
        }
    }

    private void requireManage() {
        if (!auth.realm().canManageEvents()) {
            throw ApiError.forbidden(
                    "forbidden", "this needs the realm-management role manage-events");
        }
    }
}
