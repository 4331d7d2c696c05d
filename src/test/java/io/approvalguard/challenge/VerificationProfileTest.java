package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerificationProfileTest {

    @Test
    void standardEscalatesToSixDigitsOnlyWhenSuspicious() {
        assertEquals(2, VerificationProfile.STANDARD.codeLength(2, false));
        assertEquals(6, VerificationProfile.STANDARD.codeLength(2, true));
        assertEquals(8, VerificationProfile.STANDARD.codeLength(8, true));
    }

    @Test
    void nistAlwaysAsksForAtLeastSixDigits() {
        assertEquals(6, VerificationProfile.NIST_800_63B_4.codeLength(2, false));
        assertEquals(7, VerificationProfile.NIST_800_63B_4.codeLength(7, false));
    }

    @Test
    void approveOnlyAsksForNoCode() {
        assertEquals(0, VerificationProfile.APPROVE_ONLY.codeLength(6, true));
    }

    @Test
    void unknownProfileNamesMeanStandard() {
        assertEquals(
                VerificationProfile.NIST_800_63B_4,
                VerificationProfile.fromConfigName("nist-800-63b-4"));
        assertEquals(VerificationProfile.STANDARD, VerificationProfile.fromConfigName("none"));
    }
}
