package io.approvalguard.challenge;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.device.DeviceKey;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.device.PushAddress;
import io.approvalguard.fatigue.ThrottleSettings;
import io.approvalguard.testkit.Es256;
import io.approvalguard.testkit.fakes.FakeAuthSession;
import io.approvalguard.testkit.fakes.FakeKeycloak;
import io.approvalguard.testkit.fakes.FakeRequest;
import io.approvalguard.testkit.fakes.FakeUser;
import java.security.interfaces.ECPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.common.util.Time;

/**
 * Calls the engine as its callers do (the browser tab through the authenticator, the device through
 * the device API), one user of one {@link FakeKeycloak}. Each call without a request is a whole
 * request of its own, committed, or rolled back when it throws; each call given a {@link
 * FakeRequest} leaves ending it to the test, to interleave transactions.
 */
final class EngineDriver {

    static final int LIFETIME_SECONDS = 60;

    /**
     * A throttle that never refuses: these tests are about the challenge, not the prompt limits.
     */
    static final ThrottleSettings UNTHROTTLED = new ThrottleSettings(50, 0, 0, 0, 0, 600, false);

    static final PromptPolicy POLICY =
            new PromptPolicy(LIFETIME_SECONDS, VerificationProfile.STANDARD, 2, UNTHROTTLED);

    private final FakeKeycloak keycloak;
    private final FakeUser user;
    private final DeviceRegistry devices = new DeviceRegistry();
    private int opened;

    EngineDriver(FakeKeycloak keycloak, FakeUser user) {
        this.keycloak = keycloak;
        this.user = user;
    }

    FakeUser user() {
        return user;
    }

    /**
     * Enrols an approver device now, as the enrolment endpoint does, and returns its id. Returns
     * only once Keycloak's clock has moved past the enrolment's millisecond, so that a challenge
     * opened afterwards is strictly younger than the device (on a server they are never in the same
     * millisecond).
     */
    String enrolDevice(String name) {
        DeviceKey key =
                DeviceKey.fromJwk(Es256.publicJwk((ECPublicKey) Es256.newKeyPair().getPublic()));
        DeviceCredentialModel device = devices.enrol(user.model(), name, key);
        while (Time.currentTimeMillis() <= device.getCreatedDate()) {
            Thread.onSpinWait();
        }
        // with a push address, so that whom the engine notifies shows
        devices.setPushAddress(
                user.model(),
                device.getId(),
                PushAddress.token("fcm", "token-of-" + name, Time.currentTime()));
        return device.getId();
    }

    boolean removeDevice(String deviceId) {
        return devices.remove(user.model(), deviceId);
    }

    void suspendDevices(boolean suspended) {
        devices.setSuspended(user.model(), suspended);
    }

    /** Push suspended for the user (a risk response), until a day from now. */
    void suspendPush() {
        keycloak.risk()
                .suspendPush(
                        FakeKeycloak.REALM_ID, user.id(), Time.currentTimeMillis() + 86_400_000L);
    }

    void liftPushSuspension() {
        keycloak.risk().forget(FakeKeycloak.REALM_ID, user.id());
    }

    Opening open(FakeAuthSession tab, Purpose purpose) {
        return keycloak.call(request -> open(request, tab, purpose));
    }

    Opening open(FakeRequest request, FakeAuthSession tab, Purpose purpose) {
        return new ApprovalEngine(request.session())
                .open(
                        tab.binding(),
                        keycloak.client(),
                        user.model(),
                        FakeKeycloak.REMOTE_ADDRESS,
                        contextFor(purpose),
                        purpose,
                        POLICY,
                        request.event());
    }

    /**
     * What the approver is shown: the purpose, and a request number so that no two contexts are
     * alike.
     */
    Map<String, Object> contextFor(Purpose purpose) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(ApprovalContext.REASON, purpose.wireName());
        context.put(ApprovalContext.REALM, FakeKeycloak.REALM_NAME);
        context.put(ApprovalContext.USERNAME, user.model().getUsername());
        context.put(ApprovalContext.CLIENT_ID, FakeKeycloak.CLIENT_ID);
        context.put(ApprovalContext.IP_ADDRESS, FakeKeycloak.REMOTE_ADDRESS);
        context.put("request", ++opened);
        return context;
    }

    List<Challenge> pendingFor(String deviceId) {
        return keycloak.call(
                request ->
                        new ApprovalEngine(request.session())
                                .pendingFor(keycloak.realm(), user.model(), deviceId));
    }

    /**
     * A device's answer in a request of its own. A refusal commits, as the device API answers it
     * with an error response (a wrong code or an expiry it found is decided); anything else rolls
     * back.
     */
    Challenge answer(String deviceId, String challengeId, DeviceAnswer answer) {
        FakeRequest request = keycloak.request();
        Challenge decided;
        try {
            decided = answer(request, deviceId, challengeId, answer);
        } catch (AnswerRefused refused) {
            request.commit();
            throw refused;
        } catch (RuntimeException e) {
            request.rollback();
            throw e;
        }
        request.commit();
        return decided;
    }

    /**
     * The device API has found the calling device (its proof checked) before it asks the engine.
     */
    Challenge answer(
            FakeRequest request, String deviceId, String challengeId, DeviceAnswer answer) {
        DeviceCredentialModel device = devices.find(user.model(), deviceId).orElseThrow();
        return new ApprovalEngine(request.session())
                .answer(keycloak.realm(), user.model(), device, challengeId, answer);
    }

    Verdict conclude(FakeAuthSession tab, String challengeId, Purpose purpose) {
        return conclude(tab, challengeId, purpose, Set.of());
    }

    Verdict conclude(
            FakeAuthSession tab,
            String challengeId,
            Purpose purpose,
            Set<String> enrolledDuringLogin) {
        return keycloak.call(
                request -> conclude(request, tab, challengeId, purpose, enrolledDuringLogin));
    }

    /** The tab finds its challenge by the id it noted, bound to itself, and spends it. */
    Verdict conclude(
            FakeRequest request,
            FakeAuthSession tab,
            String challengeId,
            Purpose purpose,
            Set<String> enrolledDuringLogin) {
        ApprovalEngine engine = new ApprovalEngine(request.session());
        return engine.conclude(
                tab.model(),
                engine.bound(challengeId, FakeKeycloak.REALM_ID, tab.binding()),
                user.model(),
                purpose,
                enrolledDuringLogin,
                request.event());
    }

    void cancel(FakeAuthSession tab, String challengeId) {
        keycloak.run(
                request -> {
                    ApprovalEngine engine = new ApprovalEngine(request.session());
                    engine.bound(challengeId, FakeKeycloak.REALM_ID, tab.binding())
                            .ifPresent(c -> engine.cancel(c, request.event()));
                });
    }

    /** The challenge as the store holds it now. */
    Optional<Challenge> stored(String challengeId) {
        return keycloak.call(request -> new ChallengeStore(request.session()).find(challengeId));
    }

    static DeviceAnswer approval(Challenge challenge, String code) {
        return new DeviceAnswer(ChallengeStatus.APPROVED, challenge.contextHash(), code);
    }

    static DeviceAnswer denial(Challenge challenge) {
        return new DeviceAnswer(ChallengeStatus.DENIED, challenge.contextHash(), null);
    }

    /** A code of the same length that is not the right one. */
    static String wrongCode(String code) {
        char first = code.charAt(0);
        return (char) (first == '9' ? '0' : first + 1) + code.substring(1);
    }
}
