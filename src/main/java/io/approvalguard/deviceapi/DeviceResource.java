package io.approvalguard.deviceapi;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceKey;
import io.approvalguard.device.DeviceNames;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.EnrolmentTokens;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.events.ApprovalGuardEvent;
import io.approvalguard.challenge.ApprovalContext;
import io.approvalguard.challenge.ApprovalGates;
import io.approvalguard.challenge.Challenge;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.ChallengeStore;
import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.challenge.location.LocationProvider;
import io.approvalguard.challenge.location.RequestLocation;
import io.approvalguard.fatigue.PromptOutcome;
import io.approvalguard.fatigue.PromptThrottle;
import io.approvalguard.waiting.Waiter;
import io.approvalguard.waiting.WaitingRequests;
import io.approvalguard.waiting.Wakes;

/** The device-facing API, {@code /realms/{realm}/approval-guard/device}; see docs/device-api.md. */
public final class DeviceResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final DeviceRegistry devices = new DeviceRegistry();
    private final PromptThrottle throttle;
    private final ApprovalGates gates;
    private final WaitingRequests waiting;

    public DeviceResource(KeycloakSession session, WaitingRequests waiting) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.throttle = new PromptThrottle(session);
        this.gates = new ApprovalGates(session);
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
            throw ApiError.invalidRequest("device_name must be visible text, without control or format characters");
        }
        DeviceKey key;
        try {
            key = DeviceKey.fromJwk(json.get("public_key"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_key", e.getMessage());
        }
        String jtiKey = request.verifyEnrolmentProof(key);

        EnrolmentTokens tokens = new EnrolmentTokens(session);
        EnrolmentTokens.Grant grant = tokens.peek(token, realm.getId()).orElseThrow(DeviceResource::invalidToken);
        UserModel user = session.users().getUserById(realm, grant.userId());
        if (user == null || !user.isEnabled()) {
            throw invalidToken();
        }
        request.recordJti(jtiKey);
        tokens.spend(token, realm.getId()).orElseThrow(DeviceResource::invalidToken);

        DeviceCredentialModel device = devices.enrol(user, deviceName, key);
        tokens.markCompleted(grant, device.getId());
        Wakes.afterCommit(session, Wakes.enrolment(grant.tokenHash()), "enrolled");
        ApprovalGuardEvent.DEVICE_ENROLLED.emit(event(user, grant.clientId())
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
        return Response.status(Response.Status.CREATED).entity(response).header("Cache-Control", "no-store").build();
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
        DeviceRequest.AuthenticatedDevice caller = DeviceRequest.withoutBody(session, realm).authenticate(devices);
        PendingChallenges pending = new PendingChallenges(realm.getId(), caller.user().getId(), caller.device().getId(),
                session.getContext().getConnection().getRemoteAddr());
        if (holdSeconds == 0) {
            return CompletableFuture.completedFuture(PendingChallenges.answer(pending.find(session)));
        }
        Waiter<Response> waiter = new Waiter<>(Wakes.user(realm.getId(), caller.user().getId()), "device:" + caller.device().getId(),
                woken -> waiting.answerInTransaction(woken, s -> PendingChallenges.answer(pending.find(s))),
                () -> PendingChallenges.answer(List.of()));
        Response refused = waiting.hold(waiter, holdSeconds);
        List<Map<String, Object>> listed = pending.find(session);
        if (refused != null) {
            return CompletableFuture.completedFuture(listed.isEmpty() ? refused : PendingChallenges.answer(listed));
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
    public Response answer(@PathParam("id") String challengeId, @Context HttpHeaders headers, InputStream body) {
        return ApiError.respond(() -> decide(challengeId, headers, body));
    }

    private Response decide(String challengeId, HttpHeaders headers, InputStream body) {
        DeviceRequest request = DeviceRequest.withJsonBody(session, realm, headers, body);
        Answer answer = Answer.from(request.json());
        DeviceRequest.AuthenticatedDevice caller = request.authenticate(devices);
        UserModel user = caller.user();
        DeviceCredentialModel device = caller.device();

        ChallengeStore store = new ChallengeStore(session);
        Challenge challenge = store.find(challengeId)
                .filter(c -> c.realmId().equals(realm.getId()) && c.userId().equals(user.getId()))
                .orElseThrow(() -> new ApiError(Response.Status.NOT_FOUND, "challenge_not_found", "no such challenge for this user"));
        if (challenge.status().isPending() && challenge.isExpiredAt(Time.currentTime())) {
            store.decide(challenge, ChallengeStatus.EXPIRED, null).ifPresent(expired -> {
                ApprovalGuardEvent.CHALLENGE_EXPIRED.emit(challengeEvent(user, challenge, device));
                throttle.recordOutcome(realm, user, PromptOutcome.TIMED_OUT);
            });
            throw expired();
        }
        if (!challenge.status().isPending()) {
            throw notPending(store, challenge);
        }
        Optional<ApprovalGates.Closed> closed = gates.forUser(realm, user).or(() -> ApprovalGates.forDevice(device, challenge));
        if (closed.isPresent()) {
            throw ApiError.forbidden(closed.get() == ApprovalGates.Closed.DEVICE_NEWER_THAN_CHALLENGE ? "device_not_eligible"
                    : closed.get() == ApprovalGates.Closed.PUSH_SUSPENDED ? "push_suspended" : "user_disabled",
                    closed.get().description());
        }
        if (!answer.contextHash().equals(challenge.contextHash())) {
            throw ApiError.badRequest("context_mismatch", "context_hash is not the hash of this challenge's context");
        }
        if (answer.decision() == ChallengeStatus.APPROVED && challenge.requiresCode()) {
            if (answer.code() == null) {
                throw ApiError.badRequest("code_required", "type the code shown on the sign-in screen");
            }
            if (!VerificationCodes.matches(challenge.id(), answer.code(), challenge.codeHash())) {
                store.decide(challenge, ChallengeStatus.FAILED, device.getId()).orElseThrow(() -> notPending(store, challenge));
                ApprovalGuardEvent.CHALLENGE_WRONG_CODE.emit(challengeEvent(user, challenge, device));
                throttle.recordOutcome(realm, user, PromptOutcome.WRONG_CODE);
                throw ApiError.badRequest("invalid_code", "the code is wrong; this sign-in attempt has been stopped");
            }
        }
        // Deciding also scores the decision (a "this wasn't me" ends sessions in this transaction).
        Challenge decided = store.decide(challenge, answer.decision(), device.getId())
                .orElseThrow(() -> notPending(store, challenge));
        devices.markUsed(user, device.getId());
        eventFor(answer.decision()).emit(challengeEvent(user, challenge, device));
        if (answer.decision() == ChallengeStatus.DENIED) {
            throttle.recordOutcome(realm, user, PromptOutcome.DENIED);
        } else if (answer.decision() == ChallengeStatus.FRAUD) {
            throttle.recordOutcome(realm, user, PromptOutcome.FRAUD);
        }

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("challenge_id", decided.id());
        response.put("status", decided.status().wireName());
        return Response.ok(response).header("Cache-Control", "no-store").build();
    }

    @DELETE
    public Response removeSelf() {
        return ApiError.respond(this::removeCaller);
    }

    private Response removeCaller() {
        DeviceRequest.AuthenticatedDevice caller = DeviceRequest.withoutBody(session, realm).authenticate(devices);
        devices.remove(caller.user(), caller.device().getId());
        ApprovalGuardEvent.DEVICE_REMOVED.emit(event(caller.user(), null)
                .detail(ApprovalGuardEvent.DEVICE_ID, caller.device().getId())
                .detail(ApprovalGuardEvent.CREDENTIAL_TYPE, DeviceCredentialModel.TYPE));
        return Response.noContent().build();
    }

    private static ApiError notPending(ChallengeStore store, Challenge challenge) {
        ChallengeStatus status = store.find(challenge.id()).map(Challenge::status).orElse(null);
        if (status == ChallengeStatus.EXPIRED) {
            return expired();
        }
        if (status == ChallengeStatus.CANCELLED) {
            return new ApiError(Response.Status.CONFLICT, "challenge_cancelled", "the sign-in was cancelled on the sign-in page");
        }
        return new ApiError(Response.Status.CONFLICT, "challenge_not_pending",
                "the challenge is no longer pending (" + (status == null ? "unknown" : status.wireName()) + ")");
    }

    private static ApiError expired() {
        return new ApiError(Response.Status.GONE, "challenge_expired", "the challenge has expired");
    }

    private static ApiError invalidToken() {
        return ApiError.badRequest("invalid_enrolment_token", "the enrolment token is unknown, used or expired");
    }

    private static ApprovalGuardEvent eventFor(ChallengeStatus decision) {
        return switch (decision) {
            case APPROVED -> ApprovalGuardEvent.CHALLENGE_APPROVED;
            case DENIED -> ApprovalGuardEvent.CHALLENGE_DENIED;
            case FRAUD -> ApprovalGuardEvent.CHALLENGE_FRAUD_REPORTED;
            default -> throw new IllegalArgumentException("not a device decision: " + decision);
        };
    }

    private EventBuilder event(UserModel user, String clientUuid) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection()).user(user);
        ClientModel client = clientUuid == null ? null : realm.getClientById(clientUuid);
        if (client != null) {
            event.client(client);
        }
        return event;
    }

    private EventBuilder challengeEvent(UserModel user, Challenge challenge, DeviceCredentialModel device) {
        EventBuilder event = event(user, challenge.clientId())
                .detail(ApprovalGuardEvent.CHALLENGE_ID, challenge.id())
                .detail(ApprovalGuardEvent.DEVICE_ID, device.getId())
                .detail(ApprovalGuardEvent.DEVICE_THUMBPRINT, device.data().thumbprint());
        Map<String, Object> context = challenge.context();
        if (context.get(ApprovalContext.IP_ADDRESS) instanceof String loginIp) {
            event.detail(ApprovalGuardEvent.LOGIN_IP, loginIp);
        }
        if (context.get(ApprovalContext.COUNTRY) instanceof String country) {
            event.detail(ApprovalGuardEvent.LOGIN_COUNTRY, country);
        }
        String network = RequestLocation.networkId(context.get(ApprovalContext.NETWORK));
        if (network != null) {
            event.detail(ApprovalGuardEvent.LOGIN_NETWORK, network);
        }
        String approverCountry = session.getProvider(LocationProvider.class)
                .locate(session.getContext().getConnection().getRemoteAddr()).countryCode();
        if (approverCountry != null) {
            event.detail(ApprovalGuardEvent.APPROVER_COUNTRY, approverCountry);
        }
        return event;
    }

    static String requiredString(Map<String, Object> json, String name, int min, int max) {
        if (!(json.get(name) instanceof String value) || value.length() < min || value.length() > max) {
            throw ApiError.invalidRequest(name + " must be a string of " + min + " to " + max + " characters");
        }
        return value;
    }

    /** A device's answer to a challenge, validated before anything else is looked at. */
    record Answer(ChallengeStatus decision, String contextHash, String code) {

        static Answer from(Map<String, Object> json) {
            ChallengeStatus decision = switch (String.valueOf(json.get("decision"))) {
                case "approve" -> ChallengeStatus.APPROVED;
                case "deny" -> ChallengeStatus.DENIED;
                case "fraud" -> ChallengeStatus.FRAUD;
                default -> throw ApiError.invalidRequest("decision must be approve, deny or fraud");
            };
            String contextHash = requiredString(json, "context_hash", 43, 43);
            Object code = json.get("code");
            if (code != null && !(code instanceof String s && s.matches("[0-9]{1,16}"))) {
                throw ApiError.invalidRequest("code must be a string of digits");
            }
            return new Answer(decision, contextHash, (String) code);
        }
    }
}
