package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerificationCodesTest {

    @Test
    void codesHaveTheAskedLengthAndOnlyDigits() {
        for (int length = VerificationCodes.MIN_LENGTH;
                length <= VerificationCodes.MAX_LENGTH;
                length++) {
            String code = VerificationCodes.generate(length);
            assertEquals(length, code.length());
            assertTrue(code.matches("[0-9]+"));
        }
        assertThrows(IllegalArgumentException.class, () -> VerificationCodes.generate(1));
        assertThrows(IllegalArgumentException.class, () -> VerificationCodes.generate(9));
    }

    @Test
    void codesAreSpreadOverTheWholeRange() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(VerificationCodes.generate(2));
        }
        // 2000 draws from 100 values miss one with probability about 100 * 0.99^2000, which is
        // negligible.
        assertEquals(100, seen.size());
    }

    @Test
    void hashIsSaltedByChallengeAndMatchesOnlyTheCode() {
        String hash = VerificationCodes.hash("challenge-1", "42");
        assertNotEquals(hash, VerificationCodes.hash("challenge-2", "42"));
        assertTrue(VerificationCodes.matches("challenge-1", "42", hash));
        assertFalse(VerificationCodes.matches("challenge-1", "24", hash));
        assertFalse(VerificationCodes.matches("challenge-2", "42", hash));
        assertFalse(VerificationCodes.matches("challenge-1", null, hash));
    }
}
