package io.approvalguard.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.approvalguard.challenge.VerificationProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticatorConfigModel;

class PushSettingsTest {

    @Test
    void theDefaultCodeMeetsTwentyBitsWithACleanHistory() {
        PushSettings defaults = PushSettings.from(null);
        assertEquals(VerificationProfile.STANDARD, defaults.profile());
        assertEquals(
                6,
                defaults.profile().codeLength(defaults.codeLength(), false),
                "ASVS 5.0 6.5.4 / NIST SP 800-63B-4: about 20 bits for a secret carried between channels");
    }

    @Test
    void aShorterCodeIsAnExplicitChoice() {
        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setConfig(Map.of(PushSettings.CODE_LENGTH, "2"));
        PushSettings chosen = PushSettings.from(config);
        assertEquals(2, chosen.profile().codeLength(chosen.codeLength(), false));
        assertEquals(
                6,
                chosen.profile().codeLength(chosen.codeLength(), true),
                "and 6 again when something looks off");
    }
}
