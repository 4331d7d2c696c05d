package io.approvalguard.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device names shown in the consoles: visible text only. */
class DeviceNamesTest {

    @Test
    void ordinaryNamesInAnyScriptAreDisplayable() {
        for (String name :
                new String[] {
                    "Alice's phone",
                    "Pixel 8",
                    "Téléphone d'Ærø",
                    "アリスのスマホ",
                    "هاتف أليس",
                    "phone \uD83D\uDCF1",
                    "a b"
                }) {
            assertTrue(DeviceNames.isDisplayable(name), name);
        }
    }

    @Test
    void controlAndFormatCharactersAreRefused() {
        for (String name :
                new String[] {
                    "bad\u0000name",
                    "tab\there",
                    "line\nbreak",
                    "del\u007f",
                    "c1\u0085",
                    "enohp s'ecil\u202eA", // RIGHT-TO-LEFT OVERRIDE
                    "Alice\u200b's phone", // ZERO WIDTH SPACE
                    "Alice\u200d", // ZERO WIDTH JOINER
                    "\u2066isolate\u2069", // LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
                    "soft\u00adhyphen",
                    "bom\ufeff",
                    "tag\uDB40\uDC41", // SOFT HYPHEN, BOM, TAG LATIN CAPITAL LETTER A
                    "sep\u2028",
                    "para\u2029",
                    "lone\uD800",
                }) {
            assertFalse(DeviceNames.isDisplayable(name), name);
        }
    }

    @Test
    void onlySpacesIsNotAName() {
        assertFalse(DeviceNames.isDisplayable(" "));
        assertFalse(DeviceNames.isDisplayable("\u00a0\u3000"));
    }
}
