package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ApprovalContextTest {

    @Test
    void aMessageFromTheBrowsersAddressCannotPoseAsTheCode() throws Exception {
        assertEquals(
                "Your code is \u2026, type it now",
                ApprovalContext.bindingMessage("Your code is 481516, type it now", "unsigned"));
        assertEquals(
                "Pay \u2026.\u2026 EUR to shop 7",
                ApprovalContext.bindingMessage("Pay 123.50 EUR to shop 7", "unsigned"));
        assertEquals(
                "Pay \u2026 EUR",
                ApprovalContext.bindingMessage("Pay \u0661\u0662\u0663 EUR", "unsigned"),
                "any script's digits");
    }

    @Test
    void aMessageTheApplicationVouchesForIsShownAsSent() throws Exception {
        for (String integrity :
                new String[] {"signed", "pushed", ApprovalContext.INTEGRITY_BACKCHANNEL}) {
            assertEquals(
                    "Pay 123.50 EUR", ApprovalContext.bindingMessage("Pay 123.50 EUR", integrity));
        }
        assertNull(ApprovalContext.bindingMessage(" ", "signed"));
        assertNull(ApprovalContext.bindingMessage(null, "signed"));
    }

    @Test
    void controlAndFormatCharactersAndLongMessagesAreRefused() {
        for (String bad :
                new String[] {"Pay\u202Eevil", "zero\u200Bwidth", "line\nbreak", "x".repeat(129)}) {
            assertThrows(
                    AuthorizationDetails.Invalid.class,
                    () -> ApprovalContext.bindingMessage(bad, "signed"),
                    bad);
        }
    }
}
