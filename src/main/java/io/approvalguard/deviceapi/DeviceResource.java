package io.approvalguard.deviceapi;

import io.approvalguard.challenge.AnswerRefused;
import io.approvalguard.challenge.ApprovalEngine;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.DeviceAnswer;
import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceKey;
import io.approvalguard.device.DeviceNames;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.EnrolmentTokens;
import io.approvalguard.support.events.ApprovalGuardEvent;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.waiting.Waiter;
import io.approvalguard.waiting.WaitingRequests;
import io.approvalguard.waiting.Wakes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The device-facing API, {@code /realms/{realm}/approval-guard/device}; see docs/device-api.md. */
public final class DeviceResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final DeviceRegistry devices = new DeviceRegistry();
    private final WaitingRequests waiting;

    public DeviceResource(KeycloakSession session, WaitingRequests waiting) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.waiting = waiting;
    }

    @POST
    @Path("enrol")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response enrol(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(() -> enrolDevice(headers, body));
    }

    private Response enrolDevice(HttpHeaders headers, InputStream body) {
        DeviceRequest request = DeviceRequest.withJsonBody(session, realm, headers, body);
        Map<String, Object> json = request.json();
        String token = requiredString(json, "enrolment_token", 20, 128);
        String deviceName = requiredString(json, "device_name", 1, DeviceNames.MAX_LENGTH);
        if (!DeviceNames.isDisplayable(deviceName)) {
            throw ApiError.invalidRequest(
                    "device_name must be visible text, without control or format characters");
        }
        DeviceKey key;
        try {
            key = DeviceKey.fromJwk(json.get("public_key"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_key", e.getMessage());
        }
        String jtiKey = request.verifyEnrolmentProof(key);

        EnrolmentTokens tokens = new EnrolmentTokens(session);
        EnrolmentTokens.Grant grant =
                tokens.peek(token, realm.getId()).orElseThrow(DeviceResource::invalidToken);
        UserModel user = session.users().getUserById(realm, grant.userId());
        if (user == null || !user.isEnabled()) {
            throw invalidToken();
        }
        request.recordJti(jtiKey);
        tokens.spend(token, realm.getId()).orElseThrow(DeviceResource::invalidToken);

        DeviceCredentialModel device = devices.enrol(user, deviceName, key);
        tokens.markCompleted(grant, device.getId());
        Wakes.afterCommit(session, Wakes.enrolment(grant.tokenHash()), "enrolled");
        ApprovalGuardEvent.DEVICE_ENROLLED.emit(
                event(user, grant.clientId())
                        .detail(ApprovalGuardEvent.DEVICE_ID, device.getId())
                        .detail(ApprovalGuardEvent.DEVICE_THUMBPRINT, device.data().thumbprint())
                        .detail(ApprovalGuardEvent.CREDENTIAL_TYPE, DeviceCredentialModel.TYPE));

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("device_id", device.getId());
        response.put("user_id", user.getId());
        response.put("username", user.getUsername());
        response.put("realm", realm.getName());
        response.put("device_name", deviceName);
        response.put("alg", key.algorithm());
        return Response.status(Response.Status.CREATED)
                .entity(response)
                .header("Cache-Control", "no-store")
                .build();
    }

    /**
     * The caller's pending challenges. With {@code ?wait=<seconds>} and none pending, the request
     * is held (no thread held) until one is created, on whichever node, or the time is up.
     */
    @GET
    @Path("challenges")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> pending() {
        return ApiError.respondLater(this::listOrHold);
    }

    /** The list now, or once a challenge exists (or the time is up) when the request is held. */
    private CompletionStage<Response> listOrHold() {
        int holdSeconds = waiting.holdSecondsOf(session.getContext().getUri().getRequestUri());
        DeviceRequest.AuthenticatedDevice caller =
                DeviceRequest.withoutBody(session, realm).authenticate(devices);
        PendingChallenges pending =
                new PendingChallenges(
                        realm.getId(),
                        caller.user().getId(),
                        caller.device().getId(),
                        session.getContext().getConnection().getRemoteAddr());
        if (holdSeconds == 0) {
            return CompletableFuture.completedFuture(
                    PendingChallenges.answer(pending.find(session)));
        }
        Waiter<Response> waiter =
                new Waiter<>(
                        Wakes.user(realm.getId(), caller.user().getId()),
                        "device:" + caller.device().getId(),
                        woken ->
                                waiting.answerInTransaction(
                                        woken, s -> PendingChallenges.answer(pending.find(s))),
                        () -> PendingChallenges.answer(List.of()));
        Response refused = waiting.hold(waiter, holdSeconds);
        List<Map<String, Object>> listed = pending.find(session);
        if (refused != null) {
            return CompletableFuture.completedFuture(
                    listed.isEmpty() ? refused : PendingChallenges.answer(listed));
        }
        if (!listed.isEmpty()) {
            waiter.answer(PendingChallenges.answer(listed));
        }
        return waiter.answer();
    }

    @POST
    @Path("challenges/{id}/answer")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response answer(
            @PathParam("id") String challengeId, @Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(() -> decide(challengeId, headers, body));
    }

    private Response decide(String challengeId, HttpHeaders headers, InputStream body) {
        DeviceRequest request = DeviceRequest.withJsonBody(session, realm, headers, body);
        DeviceAnswer answer = answerOf(request.json());
        DeviceRequest.AuthenticatedDevice caller = request.authenticate(devices);
        Challenge decided;
        try {
            decided =
                    new ApprovalEngine(session)
                            .answer(realm, caller.user(), caller.device(), challengeId, answer);
        } catch (AnswerRefused refused) {
            throw AnswerErrors.of(refused);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("challenge_id", decided.id());
        response.put("status", decided.status().wireName());
        return Response.ok(response).header("Cache-Control", "no-store").build();
    }

    /** Registers or replaces the caller's push address. */
    @PUT
    @Path("push")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response registerPush(@Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(() -> push().register(headers, body));
    }

    @DELETE
    @Path("push")
    @Produces(MediaType.APPLICATION_JSON)
    public Response removePush() {
        return ApiError.respond(() -> push().remove());
    }

    /** What a device needs to register a push address: public, like the server's own keys. */
    @GET
    @Path("push-config")
    @Produces(MediaType.APPLICATION_JSON)
    public Response pushConfig() {
        return ApiError.respond(() -> push().config());
    }

    private PushRegistration push() {
        return new PushRegistration(session, realm);
    }

    @DELETE
    public Response removeSelf() {
        return ApiError.respond(this::removeCaller);
    }

    private Response removeCaller() {
        DeviceRequest.AuthenticatedDevice caller =
                DeviceRequest.withoutBody(session, realm).authenticate(devices);
        devices.remove(caller.user(), caller.device().getId());
        ApprovalGuardEvent.DEVICE_REMOVED.emit(
                event(caller.user(), null)
                        .detail(ApprovalGuardEvent.DEVICE_ID, caller.device().getId())
                        .detail(ApprovalGuardEvent.CREDENTIAL_TYPE, DeviceCredentialModel.TYPE));
        return Response.noContent().build();
    }

    private static ApiError invalidToken() {
        return ApiError.badRequest(
                "invalid_enrolment_token", "the enrolment token is unknown, used or expired");
    }

    private EventBuilder event(UserModel user, String clientUuid) {
        EventBuilder event =
                new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
        ClientModel client = clientUuid == null ? null : realm.getClientById(clientUuid);
        if (client != null) {
            event.client(client);
        }
        return event;
    }

    static String requiredString(Map<String, Object> json, String name, int min, int max) {
        if (!(json.get(name) instanceof String value)
                || value.length() < min
                || value.length() > max) {
            throw ApiError.invalidRequest(
                    name + " must be a string of " + min + " to " + max + " characters");
        }
        return value;
    }

    /** A device's answer to a challenge, validated before anything else is looked at. */
    static DeviceAnswer answerOf(Map<String, Object> json) {
        ChallengeStatus decision =
                switch (String.valueOf(json.get("decision"))) {
                    case "approve" -> ChallengeStatus.APPROVED;
                    case "deny" -> ChallengeStatus.DENIED;
                    case "fraud" -> ChallengeStatus.FRAUD;
                    default ->
                            throw ApiError.invalidRequest(
                                    "decision must be approve, deny or fraud");
                };
        String contextHash = requiredString(json, "context_hash", 43, 43);
        Object code = json.get("code");
        if (code != null && !(code instanceof String s && s.matches("[0-9]{1,16}"))) {
            throw ApiError.invalidRequest("code must be a string of digits");
        }
        return new DeviceAnswer(decision, contextHash, (String) code);
    }
}
