package io.approvalguard.push;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import io.approvalguard.challenge.VerificationCodes;

/** Per-execution settings of the push authenticator, declared once with defaults and limits. */
public record PushSettings(int lifetimeSeconds, int codeLength) {

    public static final String LIFETIME = "lifetime_seconds";
    public static final String CODE_LENGTH = "code_length";

    public static final int DEFAULT_LIFETIME = 120;
    public static final int MIN_LIFETIME = 10;
    /** NIST SP 800-63B-4 and OWASP ASVS 6.5.5: an out-of-band secret lives at most 10 minutes. */
    public static final int MAX_LIFETIME = 600;
    public static final int DEFAULT_CODE_LENGTH = 2;

    public static final PushSettings DEFAULTS = new PushSettings(DEFAULT_LIFETIME, DEFAULT_CODE_LENGTH);

    private static final Logger LOG = Logger.getLogger(PushSettings.class);

    public static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(LIFETIME).label("Challenge lifetime (seconds)")
            .helpText("How long the device may answer. " + MIN_LIFETIME + " to " + MAX_LIFETIME + " seconds; default "
                    + DEFAULT_LIFETIME + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_LIFETIME)).add()
            .property().name(CODE_LENGTH).label("Code length (digits)")
            .helpText("Digits of the number shown on the sign-in page that the user types on the device. "
                    + VerificationCodes.MIN_LENGTH + " to " + VerificationCodes.MAX_LENGTH + "; default "
                    + DEFAULT_CODE_LENGTH + ".")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_CODE_LENGTH)).add()
            .build();

    public static PushSettings from(AuthenticatorConfigModel config) {
        Map<String, String> values = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        return new PushSettings(
                bounded(values, LIFETIME, DEFAULT_LIFETIME, MIN_LIFETIME, MAX_LIFETIME),
                bounded(values, CODE_LENGTH, DEFAULT_CODE_LENGTH, VerificationCodes.MIN_LENGTH, VerificationCodes.MAX_LENGTH));
    }

    /** Out-of-range or unreadable values fall back to the safe default, with a warning for the operator. */
    private static int bounded(Map<String, String> values, String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warnf("Approval Guard: %s=%s is not a whole number from %d to %d; using %d", name, raw, min, max, fallback);
        return fallback;
    }
}
