package io.approvalguard.challenge;

import static io.approvalguard.challenge.EngineDriver.approval;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.CoolingOff;
import io.approvalguard.device.DeviceRegistry;
import io.approvalguard.testkit.fakes.FakeAuthSession;
import io.approvalguard.testkit.fakes.FakeKeycloak;
import io.approvalguard.testkit.fakes.FakeUser;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;

/**
 * The cooling-off after a second-factor reset (issue 14): the device enrolled since the reset may
 * not confirm the enrolment of a further device until the cooling-off has ended. The engine asks it
 * where a device may list, answer and spend a challenge; sign-ins are not held back.
 */
class CoolingOffGateTest {

    private static final long COOLING_OFF_SECONDS = 3600;

    private final FakeKeycloak keycloak = new FakeKeycloak();
    private final FakeUser alice = keycloak.addUser("alice");
    private final EngineDriver engine = new EngineDriver(keycloak, alice);
    private final FakeAuthSession tab = keycloak.newTab("root-1", "tab-1");

    @AfterEach
    void resetClock() {
        Time.setOffset(0);
    }

    @Test
    void aDeviceEnrolledAfterAResetCannotConfirmAnotherDeviceWhileCoolingOff() {
        CoolingOff.start(alice.model(), Time.currentTime(), COOLING_OFF_SECONDS);
        String phone = engine.enrolDevice("phone enrolled after the reset");

        Opening addDevice = engine.open(tab, Purpose.ADD_DEVICE);
        assertTrue(addDevice.isOpened(), "the prompt itself is not refused");
        Challenge challenge = addDevice.challenge();
        assertEquals(List.of(), engine.pendingFor(phone), "not listed to the cooling-off device");

        AnswerRefused refused =
                assertThrows(
                        AnswerRefused.class,
                        () ->
                                engine.answer(
                                        phone,
                                        challenge.id(),
                                        approval(challenge, addDevice.code())));
        assertEquals(AnswerRefused.Reason.DEVICE_NOT_ELIGIBLE, refused.reason());
        assertEquals(
                ApprovalGates.Closed.DEVICE_COOLING_OFF.description(),
                refused.getMessage(),
                "the refusal names the cooling-off");
        assertEquals(
                ChallengeStatus.PENDING,
                engine.stored(challenge.id()).orElseThrow().status(),
                "nothing decided");
        assertEquals(Verdict.PENDING, engine.conclude(tab, challenge.id(), Purpose.ADD_DEVICE));
    }

    @Test
    void theCoolingOffDoesNotHoldBackASignIn() {
        CoolingOff.start(alice.model(), Time.currentTime(), COOLING_OFF_SECONDS);
        String phone = engine.enrolDevice("phone enrolled after the reset");

        Opening signIn = engine.open(tab, Purpose.SIGN_IN);
        Challenge challenge = signIn.challenge();
        assertEquals(
                List.of(challenge.id()),
                engine.pendingFor(phone).stream().map(Challenge::id).toList());
        engine.answer(phone, challenge.id(), approval(challenge, signIn.code()));
        assertEquals(Verdict.APPROVED, engine.conclude(tab, challenge.id(), Purpose.SIGN_IN));
    }

    @Test
    void anAddDeviceApprovalIsNotSpentWhenACoolingOffCoversItsDeviceSinceTheAnswer() {
        String phone = engine.enrolDevice("phone");
        Opening addDevice = engine.open(tab, Purpose.ADD_DEVICE);
        Challenge challenge = addDevice.challenge();
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.answer(phone, challenge.id(), approval(challenge, addDevice.code()))
                        .status());

        // A reset recorded as at the device's enrolment: the device now counts as enrolled after
        // it.
        long enrolledAtSeconds =
                new DeviceRegistry().find(alice.model(), phone).orElseThrow().getCreatedDate()
                        / 1000L;
        CoolingOff.start(alice.model(), enrolledAtSeconds, COOLING_OFF_SECONDS);

        assertEquals(Verdict.INVALID, engine.conclude(tab, challenge.id(), Purpose.ADD_DEVICE));
        assertEquals(
                ChallengeStatus.APPROVED,
                engine.stored(challenge.id()).orElseThrow().status(),
                "not spent");
    }

    @Test
    void onceTheCoolingOffHasEndedTheDeviceConfirmsAgain() {
        CoolingOff.start(alice.model(), Time.currentTime(), COOLING_OFF_SECONDS);
        String phone = engine.enrolDevice("phone enrolled after the reset");
        Time.setOffset((int) COOLING_OFF_SECONDS + 1);

        Opening addDevice = engine.open(tab, Purpose.ADD_DEVICE);
        Challenge challenge = addDevice.challenge();
        assertEquals(
                List.of(challenge.id()),
                engine.pendingFor(phone).stream().map(Challenge::id).toList());
        engine.answer(phone, challenge.id(), approval(challenge, addDevice.code()));
        assertEquals(Verdict.APPROVED, engine.conclude(tab, challenge.id(), Purpose.ADD_DEVICE));
    }
}
