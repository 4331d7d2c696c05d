package io.approvalguard.push;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.challenge.VerificationProfile;
import io.approvalguard.fatigue.ThrottleSettings;

/** Per-execution settings of the push authenticator, declared once with defaults and limits. */
public record PushSettings(int lifetimeSeconds, VerificationProfile profile, int codeLength, ThrottleSettings throttle) {

    public static final String LIFETIME = "lifetime_seconds";
    public static final String PROFILE = "verification_profile";
    public static final String CODE_LENGTH = "code_length";

    public static final int DEFAULT_LIFETIME = 120;
    public static final int MIN_LIFETIME = 10;
    /** NIST SP 800-63B-4 and OWASP ASVS 6.5.5: an out-of-band secret lives at most 10 minutes. */
    public static final int MAX_LIFETIME = 600;
    /**
     * Six digits: about 20 bits, what OWASP ASVS 5.0 (6.5.4) and NIST SP 800-63B-4 ask of a secret
     * carried from the sign-in screen to the device. Shorter codes are an explicit, weaker choice.
     */
    public static final int DEFAULT_CODE_LENGTH = 6;

    public static final PushSettings DEFAULTS = new PushSettings(DEFAULT_LIFETIME, VerificationProfile.STANDARD,
            DEFAULT_CODE_LENGTH, ThrottleSettings.DEFAULTS);

    public static final List<ProviderConfigProperty> PROPERTIES = properties();

    /**
     * The settings of an add-device confirmation: at least as strong as the strongest push
     * execution of the realm, and never weaker than the NIST profile, because the new device will
     * approve every later sign-in.
     */
    public static PushSettings forConfirmation(RealmModel realm) {
        int strongest = realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(execution -> PushAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator()))
                .map(execution -> execution.getAuthenticatorConfig() == null ? null
                        : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig()))
                .map(PushSettings::from)
                .mapToInt(settings -> settings.profile().codeLength(settings.codeLength(), false))
                .max().orElse(DEFAULT_CODE_LENGTH);
        return new PushSettings(DEFAULT_LIFETIME, VerificationProfile.NIST_800_63B_4,
                Math.max(strongest, VerificationProfile.ESCALATED_LENGTH), ThrottleSettings.DEFAULTS);
    }

    public static PushSettings from(AuthenticatorConfigModel config) {
        Map<String, String> values = config == null ? Map.of() : config.getConfig();
        return new PushSettings(
                ConfigValues.integer(values, LIFETIME, DEFAULT_LIFETIME, MIN_LIFETIME, MAX_LIFETIME),
                VerificationProfile.fromConfigName(ConfigValues.choice(values, PROFILE,
                        VerificationProfile.STANDARD.configName(), VerificationProfile.configNames())),
                ConfigValues.integer(values, CODE_LENGTH, DEFAULT_CODE_LENGTH, VerificationCodes.MIN_LENGTH, VerificationCodes.MAX_LENGTH),
                ThrottleSettings.from(values));
    }

    private static List<ProviderConfigProperty> properties() {
        List<ProviderConfigProperty> all = new ArrayList<>(ProviderConfigurationBuilder.create()
                .property().name(LIFETIME).label("Challenge lifetime (seconds)")
                .helpText("How long the device may answer. " + MIN_LIFETIME + " to " + MAX_LIFETIME + " seconds; default "
                        + DEFAULT_LIFETIME + ".")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_LIFETIME)).add()
                .property().name(PROFILE).label("Verification profile")
                .helpText("standard: the user types the code shown on the sign-in page into the device; the code has "
                        + "the configured length (6 by default) and grows to at least 6 digits after denials, timeouts, "
                        + "wrong codes or throttling. "
                        + "nist-800-63b-4: at least 6 digits always. approve-only: no code, the device only approves; "
                        + "WARNING: this lets a tired or tricked user approve an attacker's sign-in (push fatigue) and "
                        + "does not meet NIST SP 800-63B-4. Default standard.")
                .type(ProviderConfigProperty.LIST_TYPE)
                .options(VerificationProfile.STANDARD.configName(), VerificationProfile.NIST_800_63B_4.configName(),
                        VerificationProfile.APPROVE_ONLY.configName())
                .defaultValue(VerificationProfile.STANDARD.configName()).add()
                .property().name(CODE_LENGTH).label("Code length (digits)")
                .helpText("Digits of the number shown on the sign-in page that the user types on the device. "
                        + VerificationCodes.MIN_LENGTH + " to " + VerificationCodes.MAX_LENGTH + "; default "
                        + DEFAULT_CODE_LENGTH + " (about 20 bits, as OWASP ASVS 5.0 6.5.4 and NIST SP 800-63B-4 ask). "
                        + "Fewer digits are easier to type but can be guessed: below those standards, choose them only "
                        + "knowingly. Add-device confirmations always use at least 6.")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(Integer.toString(DEFAULT_CODE_LENGTH)).add()
                .build());
        all.addAll(ThrottleSettings.PROPERTIES);
        return List.copyOf(all);
    }
}
