package io.approvalguard.governance;

import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.challenge.Binding;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.Opening;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.JsonBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * {@code /realms/{realm}/approval-guard/governance}: change requests for the people involved,
 * called with an access token of the realm (see docs/governance-api.md). Each endpoint checks the
 * caller's realm roles itself; every error is a JSON {@code error} and {@code error_description},
 * and a refused call changes nothing.
 */
@Produces(MediaType.APPLICATION_JSON)
public final class GovernanceResource {

    private static final int MAX_SMALL_BODY = 16 * 1024;
    private static final int MAX_PAGE = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ChangeRequests requests;

    public GovernanceResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.requests = new ChangeRequests(session);
    }

    @GET
    @Path("policy")
    public Response policy() {
        return ApiError.respond(
                () -> {
                    caller(null);
                    return ok(ChangeDesk.policyOf(realm).toJson());
                });
    }

    /** Only the first setup of a realm: afterwards the policy changes by a change request. */
    @PUT
    @Path("policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setUpPolicy(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    if (!isRealmManager(caller)) {
                        throw ApiError.forbidden(
                                "missing_role",
                                "the first setup needs the realm-management role "
                                        + AdminRoles.MANAGE_REALM);
                    }
                    Map<String, Object> json =
                            JsonBody.object(JsonBody.read(headers, body, MAX_SMALL_BODY));
                    if (GovernancePolicy.isSetUp(realm)) {
                        throw new ApiError(
                                Response.Status.CONFLICT,
                                "policy_governed",
                                "this realm's policy is set up; change it with a change request"
                                        + " of kind "
                                        + PolicyChange.NAME);
                    }
                    Map<String, String> raw;
                    try {
                        raw = GovernancePolicy.rawOf(json);
                    } catch (GovernancePolicy.Invalid invalid) {
                        throw ApiError.badRequest("invalid_policy", invalid.getMessage());
                    }
                    raw.forEach(
                            (name, value) ->
                                    realm.setAttribute(GovernancePolicy.PREFIX + name, value));
                    requests.audit()
                            .append(
                                    realm,
                                    null,
                                    "policy_set_up",
                                    caller.getId(),
                                    null,
                                    Map.of("settings", List.copyOf(raw.keySet())));
                    return ok(ChangeDesk.policyOf(realm).toJson());
                });
    }

    @POST
    @Path("requests")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response file(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    Map<String, Object> json =
                            JsonBody.object(JsonBody.read(headers, body, Filing.MAX_BODY_BYTES));
                    ChangeRequestEntity filed = new ChangeDesk(session).file(realm, caller, json);
                    return Response.status(Response.Status.CREATED)
                            .entity(GovernanceViews.request(session, realm, filed, caller))
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @GET
    @Path("requests")
    public Response list(
            @QueryParam("state") String state,
            @QueryParam("kind") String kind,
            @QueryParam("subject") String subject,
            @QueryParam("awaiting") String awaiting,
            @QueryParam("first") String first,
            @QueryParam("max") String max) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    String stateName = null;
                    if (state != null) {
                        try {
                            stateName =
                                    RequestState.valueOf(state.toUpperCase(java.util.Locale.ROOT))
                                            .name();
                        } catch (IllegalArgumentException e) {
                            throw ApiError.invalidRequest(
                                    "state must be one of pending, approved, applied, denied,"
                                            + " expired, cancelled, failed");
                        }
                    }
                    if (awaiting != null && !"me".equals(awaiting)) {
                        throw ApiError.invalidRequest("awaiting takes only the value me");
                    }
                    String subjectId = null;
                    if (subject != null) {
                        UserModel user = session.users().getUserByUsername(realm, subject);
                        if (user == null) {
                            return ok(Map.of("requests", List.of()));
                        }
                        subjectId = user.getId();
                    }
                    int from = number(first, "first", 0, 100_000, 0);
                    int count = number(max, "max", 1, MAX_PAGE, 20);
                    ChangeApprovals approvals = new ChangeApprovals(session);
                    List<Map<String, Object>> found =
                            requests
                                    .list(
                                            realm,
                                            "me".equals(awaiting)
                                                    ? RequestState.PENDING.name()
                                                    : stateName,
                                            kind,
                                            subjectId,
                                            from,
                                            count)
                                    .stream()
                                    .filter(
                                            r ->
                                                    !"me".equals(awaiting)
                                                            || approvals
                                                                    .whyNot(realm, r, caller, null)
                                                                    .isEmpty())
                                    .map(r -> GovernanceViews.summary(session, realm, r))
                                    .toList();
                    return ok(Map.of("requests", found));
                });
    }

    @GET
    @Path("requests/{id}")
    public Response get(@PathParam("id") String id) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    ChangeRequestEntity request =
                            requests.find(realm, id).orElseThrow(() -> ChangeRequests.notFound(id));
                    return ok(GovernanceViews.request(session, realm, request, caller));
                });
    }

    @POST
    @Path("requests/{id}/cancel")
    public Response cancel(
            @PathParam("id") String id, @Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    String why = optionalReason(headers, body);
                    new ChangeDesk(session).cancel(realm, id, caller, why);
                    return ok(
                            GovernanceViews.request(
                                    session,
                                    realm,
                                    requests.find(realm, id).orElseThrow(),
                                    caller));
                });
    }

    /**
     * Opens a challenge on the caller's own device: the answer shows the code for the page to
     * display, to be typed on the device.
     */
    @POST
    @Path("requests/{id}/approvals")
    public Response startApproval(@PathParam("id") String id) {
        return ApiError.respond(() -> openChallenge(id, caller(GovernanceRoles.APPROVER), false));
    }

    /**
     * The review of an applied break-glass change, by two other people, each on their own device:
     * approve = reviewed and right, deny = objection (escalated).
     */
    @POST
    @Path("requests/{id}/reviews")
    public Response startReview(@PathParam("id") String id) {
        return ApiError.respond(() -> openChallenge(id, caller(null), true));
    }

    private Response openChallenge(String id, UserModel caller, boolean review) {
        ClientModel client = session.getContext().getClient();
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection())
                        .client(client);
        Opening opening =
                new ChangeApprovals(session)
                        .open(
                                realm,
                                id,
                                caller,
                                client,
                                session.getContext().getConnection().getRemoteAddr(),
                                ChangeDesk.policyOf(realm),
                                review,
                                event);
        if (opening.isClosed()) {
            throw ApiError.forbidden(
                    "no_approver_device",
                    opening.closed() == ApprovalGates.Closed.NO_ACTIVE_DEVICE
                            ? "you have no active Approval Guard device: enrol one, then approve"
                            : "your device cannot approve now: " + opening.closed().description());
        }
        if (!opening.isOpened()) {
            throw new ApiError(
                            429,
                            "too_many_prompts",
                            "too many approval prompts for you just now; try again in "
                                    + opening.retryAfterSeconds()
                                    + " seconds")
                    .header("Retry-After", Long.toString(opening.retryAfterSeconds()));
        }
        Challenge challenge = opening.challenge();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("challenge_id", challenge.id());
        answer.put("code", opening.code());
        answer.put("expires_at", challenge.expiresAt());
        answer.put("device_notified", !opening.quiet());
        return Response.status(Response.Status.CREATED)
                .entity(answer)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }

    /** Where the caller's own approval challenge stands, for their page to move on by itself. */
    @GET
    @Path("requests/{id}/approvals/{challengeId}")
    public Response approvalStatus(
            @PathParam("id") String id, @PathParam("challengeId") String challengeId) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    ChangeRequestEntity request =
                            requests.find(realm, id).orElseThrow(() -> ChangeRequests.notFound(id));
                    ApprovalEngine engine = new ApprovalEngine(session);
                    EventBuilder event =
                            new EventBuilder(realm, session, session.getContext().getConnection());
                    Challenge challenge =
                            engine.bound(challengeId, realm.getId(), Binding.changeRequest(id))
                                    .filter(c -> c.userId().equals(caller.getId()))
                                    .map(c -> engine.expireIfDue(c, event))
                                    .orElseThrow(
                                            () ->
                                                    new ApiError(
                                                            Response.Status.NOT_FOUND,
                                                            "challenge_not_found",
                                                            "no approval challenge "
                                                                    + challengeId
                                                                    + " of yours on this request"));
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("challenge_id", challenge.id());
                    answer.put("status", challenge.status().wireName());
                    answer.put("expires_at", challenge.expiresAt());
                    answer.put("request_state", request.state().wireName());
                    return ok(answer);
                });
    }

    @GET
    @Path("requests/{id}/evidence/{evidenceId}")
    @Produces(MediaType.WILDCARD)
    public Response evidence(
            @PathParam("id") String id, @PathParam("evidenceId") String evidenceId) {
        return ApiError.respond(
                () -> {
                    caller(null);
                    requests.find(realm, id).orElseThrow(() -> ChangeRequests.notFound(id));
                    EvidenceEntity evidence =
                            requests.evidence(id, evidenceId)
                                    .orElseThrow(
                                            () ->
                                                    new ApiError(
                                                            Response.Status.NOT_FOUND,
                                                            "evidence_not_found",
                                                            "no evidence "
                                                                    + evidenceId
                                                                    + " on this request"));
                    // Always a download, never rendered on our origin: it is what a requester
                    // uploaded.
                    return Response.ok(evidence.content, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                            .header("Content-Disposition", "attachment")
                            .header("X-Content-Type-Options", "nosniff")
                            .header("X-Evidence-Media-Type", evidence.mediaType)
                            .header("Cache-Control", "no-store")
                            .build();
                });
    }

    @GET
    @Path("requests/{id}/audit")
    public Response requestAudit(@PathParam("id") String id) {
        return ApiError.respond(
                () -> {
                    UserModel caller = caller(null);
                    ChangeRequestEntity request =
                            requests.find(realm, id).orElseThrow(() -> ChangeRequests.notFound(id));
                    boolean involved =
                            caller.getId().equals(request.requesterId)
                                    || GovernanceRoles.APPROVER.heldBy(realm, caller)
                                    || GovernanceRoles.AUDITOR.heldBy(realm, caller);
                    if (!involved) {
                        throw GovernanceErrors.missingRole(GovernanceRoles.AUDITOR);
                    }
                    return ok(
                            Map.of(
                                    "records",
                                    GovernanceViews.audit(
                                            requests.audit().ofRequest(realm.getId(), id))));
                });
    }

    @GET
    @Path("audit")
    public Response audit(@QueryParam("after") String after, @QueryParam("max") String max) {
        return ApiError.respond(
                () -> {
                    caller(GovernanceRoles.AUDITOR);
                    long afterSeq = number(after, "after", 0, Integer.MAX_VALUE, 0);
                    int count = number(max, "max", 1, 1000, 100);
                    return ok(
                            Map.of(
                                    "records",
                                    GovernanceViews.audit(
                                            requests.audit()
                                                    .page(realm.getId(), afterSeq, count))));
                });
    }

    @GET
    @Path("audit/verify")
    public Response verify() {
        return ApiError.respond(
                () -> {
                    caller(GovernanceRoles.AUDITOR);
                    Optional<Long> broken = requests.audit().firstBroken(realm.getId());
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("intact", broken.isEmpty());
                    broken.ifPresent(seq -> answer.put("first_broken_seq", seq));
                    return ok(answer);
                });
    }

    /**
     * The signed-in user of this realm behind the bearer token, holding {@code role} (any
     * governance role when null).
     */
    private UserModel caller(GovernanceRoles role) {
        AuthenticationManager.AuthResult auth;
        try {
            auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (WebApplicationException e) {
            auth = null;
        }
        if (auth == null || auth.user() == null) {
            throw ApiError.unauthorized(
                    "invalid_token",
                    "send an access token of realm " + realm.getName() + " as a bearer token");
        }
        UserModel user = auth.user();
        session.getContext().setClient(auth.client());
        if (role != null ? !role.heldBy(realm, user) : !GovernanceRoles.anyHeldBy(realm, user)) {
            throw role != null
                    ? GovernanceErrors.missingRole(role)
                    : ApiError.forbidden(
                            "missing_role",
                            "this needs one of the realm roles approval-guard-requester,"
                                    + " -approver, -break-glass or -auditor");
        }
        return user;
    }

    private boolean isRealmManager(UserModel user) {
        ClientModel management = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        RoleModel manage = management == null ? null : management.getRole(AdminRoles.MANAGE_REALM);
        return manage != null && user.hasRole(manage);
    }

    private static String optionalReason(HttpHeaders headers, InputStream body) {
        if (headers.getMediaType() == null) {
            return null;
        }
        Map<String, Object> json = JsonBody.object(JsonBody.read(headers, body, MAX_SMALL_BODY));
        if (!json.keySet().stream().allMatch("reason"::equals)) {
            throw ApiError.invalidRequest("a cancel body may have only reason");
        }
        Object reason = json.get("reason");
        if (reason != null && (!(reason instanceof String text) || text.length() > 500)) {
            throw ApiError.invalidRequest("reason must be text of at most 500 characters");
        }
        return (String) reason;
    }

    private static int number(String raw, String name, int min, int max, int fallback) {
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiError.invalidRequest(name + " must be a whole number from " + min + " to " + max);
    }

    private static Response ok(Object entity) {
        return Response.ok(entity)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }
}
