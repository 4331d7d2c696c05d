package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * {@link DeviceNames#isDisplayable} on any UTF-16 text a device's JSON can carry (lone surrogates
 * included, through {@code \\u} escapes): it answers without throwing, and a name it accepts has
 * something visible and none of the characters that hide or reorder text, checked against a list
 * written out here rather than Unicode categories.
 */
class DeviceNamesFuzzTest {

    /**
     * Bidi controls and marks, zero-width characters, the BOM, the soft hyphen, line and paragraph
     * separators.
     */
    private static final String HIDDEN =
            "\u00AD\u061C\u180E\u200B\u200C\u200D\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E"
                    + "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\uFEFF\uFFF9\uFFFA\uFFFB";

    @FuzzTest
    void isDisplayable(byte[] utf16) {
        // Two bytes a char, big-endian, without a decoder that would replace lone surrogates.
        char[] chars = new char[utf16.length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (((utf16[2 * i] & 0xff) << 8) | (utf16[2 * i + 1] & 0xff));
        }
        String name = new String(chars);
        if (!DeviceNames.isDisplayable(name)) {
            return;
        }
        assertTrue(
                name.equals(
                        new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)),
                "accepted a lone surrogate");
        assertFalse(
                name.chars()
                        .anyMatch(
                                c -> c < 0x20 || (c >= 0x7F && c < 0xA0) || HIDDEN.indexOf(c) >= 0),
                "accepted a hidden character");
        assertFalse(name.isBlank(), "accepted a blank name");
        assertFalse(
                name.chars()
                        .allMatch(
                                c ->
                                        c == '\u00A0'
                                                || c == '\u2007'
                                                || c == '\u202F'
                                                || Character.isWhitespace(c)),
                "accepted a name of spaces");
    }
}
