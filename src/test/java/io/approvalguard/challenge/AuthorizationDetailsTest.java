package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationDetailsTest {

    @Test
    void acceptsAnArrayOfTypedObjects() throws Exception {
        List<Object> details =
                AuthorizationDetails.parse(
                        "[{\"type\":\"payment_initiation\",\"instructedAmount\":{\"currency\":\"EUR\",\"amount\":\"1.50\"},\"fee\":0.25}]");
        assertEquals("payment_initiation", ((Map<?, ?>) details.get(0)).get("type"));
        assertNull(AuthorizationDetails.parse(null));
        assertNull(AuthorizationDetails.parse(" "));
    }

    @Test
    void refusesWhatCannotBeShownOrHashedFaithfully() {
        for (String bad :
                List.of(
                        "not json",
                        "{}",
                        "[]",
                        "[1]",
                        "[{\"a\":1}]",
                        "[{\"type\":\"\"}]",
                        "[{\"type\":\"t\",\"type\":\"u\"}]",
                        "[{\"type\":\"t\"}] trailing",
                        "[{\"type\":\"t\",\"n\":9007199254740993}]",
                        "[{\"type\":\"t\",\"n\":1e400}]",
                        "[{\"type\":\"t\",\"n\":123456789012345678901234567890}]",
                        "[{\"type\":\"t\",\"a\":[[[[[[[[[1]]]]]]]]]}]",
                        "[" + "{\"type\":\"t\"},".repeat(20) + "{\"type\":\"t\"}]",
                        "[{\"type\":\"t\",\"x\":\""
                                + "a".repeat(AuthorizationDetails.MAX_CHARS)
                                + "\"}]")) {
            assertThrows(
                    AuthorizationDetails.Invalid.class,
                    () -> AuthorizationDetails.parse(bad),
                    bad.length() > 80 ? bad.substring(0, 80) : bad);
        }
    }

    @Test
    void refusesEveryIntegerBeyondTwoToThe53IncludingTheSmallestLong() throws Exception {
        // Long.MIN_VALUE once slipped through (its Math.abs is negative): a device reads it as
        // -9223372036854775808 rounded to a double and would hash -9223372036854776000.
        for (String unsafe :
                List.of(
                        "-9223372036854775808",
                        "9223372036854775807",
                        "-9223372036854775807",
                        "9007199254740992",
                        "-9007199254740992")) {
            String details = "[{\"type\":\"t\",\"n\":" + unsafe + "}]";
            AuthorizationDetails.Invalid refused =
                    assertThrows(
                            AuthorizationDetails.Invalid.class,
                            () -> AuthorizationDetails.parse(details),
                            unsafe);
            assertEquals(
                    "authorization_details holds a number a device cannot represent exactly; send it as a string",
                    refused.getMessage());
        }
        for (String safe : List.of("9007199254740991", "-9007199254740991")) {
            assertEquals(
                    Long.parseLong(safe),
                    ((Map<?, ?>)
                                    AuthorizationDetails.parse(
                                                    "[{\"type\":\"t\",\"n\":" + safe + "}]")
                                            .get(0))
                            .get("n"));
        }
    }

    @Test
    void refusesNullValuesSoThatWhatIsShownIsWhatIsHashed() {
        for (String withNull :
                List.of(
                        "[{\"type\":\"t\",\"creditorName\":null}]",
                        "[{\"type\":\"t\",\"nested\":{\"a\":null}}]",
                        "[{\"type\":\"t\",\"list\":[1,null]}]")) {
            AuthorizationDetails.Invalid refused =
                    assertThrows(
                            AuthorizationDetails.Invalid.class,
                            () -> AuthorizationDetails.parse(withNull),
                            withNull);
            assertEquals(
                    "authorization_details holds a null value; leave the member out instead",
                    refused.getMessage());
        }
    }
}
