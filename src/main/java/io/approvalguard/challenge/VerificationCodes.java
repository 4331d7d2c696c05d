package io.approvalguard.challenge;

import io.approvalguard.support.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The number the user carries from the sign-in screen to the device. Fresh from SecureRandom for
 * every challenge, kept only as a salted hash, compared in constant time.
 */
public final class VerificationCodes {

    public static final int MIN_LENGTH = 2;
    public static final int MAX_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private VerificationCodes() {}

    public static String generate(int length) {
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "code length must be between " + MIN_LENGTH + " and " + MAX_LENGTH);
        }
        StringBuilder code = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            code.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return code.toString();
    }

    /** Salted with the challenge id so equal codes of different challenges hash differently. */
    public static String hash(String challengeId, String code) {
        return CanonicalJson.sha256Base64Url(
                (challengeId + ":" + code).getBytes(StandardCharsets.UTF_8));
    }

    public static boolean matches(String challengeId, String typedCode, String expectedHash) {
        if (typedCode == null || expectedHash == null) {
            return false;
        }
        byte[] typed = hash(challengeId, typedCode).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = expectedHash.getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(typed, expected);
    }
}
