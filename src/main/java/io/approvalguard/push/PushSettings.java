package io.approvalguard.push;

import io.approvalguard.challenge.VerificationCodes;
import io.approvalguard.challenge.VerificationProfile;
import io.approvalguard.fatigue.ThrottleSettings;
import io.approvalguard.support.config.ConfigValues;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.List;
import java.util.Map;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;

/**
 * Per-execution settings of the push authenticator; each option declared once, with its default and
 * limits.
 */
public record PushSettings(
        int lifetimeSeconds,
        VerificationProfile profile,
        int codeLength,
        ThrottleSettings throttle) {

    public static final int DEFAULT_LIFETIME = 120;
    public static final int MIN_LIFETIME = 10;

    /** NIST SP 800-63B-4 and OWASP ASVS 6.5.5: an out-of-band secret lives at most 10 minutes. */
    public static final int MAX_LIFETIME = 600;

    /**
     * Six digits: about 20 bits, what OWASP ASVS 5.0 (6.5.4) and NIST SP 800-63B-4 ask of a secret
     * carried from the sign-in screen to the device. Shorter codes are an explicit, weaker choice.
     */
    public static final int DEFAULT_CODE_LENGTH = 6;

    static final Option<Integer> LIFETIME_OPTION =
            Option.wholeNumber(
                            "lifetime_seconds",
                            DEFAULT_LIFETIME,
                            MIN_LIFETIME,
                            MAX_LIFETIME,
                            "How long the device may answer, in seconds.")
                    .label("Challenge lifetime (seconds)");
    static final Option<VerificationProfile> PROFILE_OPTION =
            Option.choice(
                            "verification_profile",
                            VerificationProfile.STANDARD,
                            List.of(VerificationProfile.values()),
                            VerificationProfile::configName,
                            "standard: the user types the code shown on the sign-in page into the device; the code has "
                                    + "the configured length (6 by default) and grows to at least 6 digits after denials, timeouts, "
                                    + "wrong codes or throttling. "
                                    + "nist-800-63b-4: at least 6 digits always. approve-only: no code, the device only approves; "
                                    + "WARNING: this lets a tired or tricked user approve an attacker's sign-in (push fatigue) and "
                                    + "does not meet NIST SP 800-63B-4.")
                    .label("Verification profile");
    static final Option<Integer> CODE_LENGTH_OPTION =
            Option.wholeNumber(
                            "code_length",
                            DEFAULT_CODE_LENGTH,
                            VerificationCodes.MIN_LENGTH,
                            VerificationCodes.MAX_LENGTH,
                            "Digits of the number shown on the sign-in page that the user types on the device. Six are about 20 bits, "
                                    + "as OWASP ASVS 5.0 6.5.4 and NIST SP 800-63B-4 ask. Fewer digits are easier to type but can be "
                                    + "guessed: below those standards, choose them only knowingly. Add-device confirmations always use "
                                    + "at least 6.")
                    .label("Code length (digits)");

    /** The push authenticator's config, per execution: these and the throttle's. */
    public static final OptionGroup OPTIONS =
            OptionGroup.adminConfig(
                    PushAuthenticatorFactory.PROVIDER_ID,
                    OptionGroup.concat(
                            List.of(LIFETIME_OPTION, PROFILE_OPTION, CODE_LENGTH_OPTION),
                            ThrottleSettings.OPTIONS));

    /** The options' names, as an execution's config map holds them. */
    public static final String LIFETIME = LIFETIME_OPTION.name();

    public static final String PROFILE = PROFILE_OPTION.name();
    public static final String CODE_LENGTH = CODE_LENGTH_OPTION.name();

    public static final PushSettings DEFAULTS =
            new PushSettings(
                    DEFAULT_LIFETIME,
                    VerificationProfile.STANDARD,
                    DEFAULT_CODE_LENGTH,
                    ThrottleSettings.DEFAULTS);

    /**
     * The settings of an add-device confirmation: at least as strong as the strongest push
     * execution of the realm, and never weaker than the NIST profile, because the new device will
     * approve every later sign-in.
     */
    public static PushSettings forConfirmation(RealmModel realm) {
        int strongest =
                realm.getAuthenticationFlowsStream()
                        .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                        .filter(
                                execution ->
                                        PushAuthenticatorFactory.PROVIDER_ID.equals(
                                                execution.getAuthenticator()))
                        .map(
                                execution ->
                                        execution.getAuthenticatorConfig() == null
                                                ? null
                                                : realm.getAuthenticatorConfigById(
                                                        execution.getAuthenticatorConfig()))
                        .map(PushSettings::from)
                        .mapToInt(
                                settings ->
                                        settings.profile().codeLength(settings.codeLength(), false))
                        .max()
                        .orElse(DEFAULT_CODE_LENGTH);
        return new PushSettings(
                DEFAULT_LIFETIME,
                VerificationProfile.NIST_800_63B_4,
                Math.max(strongest, VerificationProfile.ESCALATED_LENGTH),
                ThrottleSettings.DEFAULTS);
    }

    public static PushSettings from(AuthenticatorConfigModel config) {
        Map<String, String> values = config == null ? Map.of() : config.getConfig();
        return new PushSettings(
                ConfigValues.get(values, LIFETIME_OPTION),
                ConfigValues.get(values, PROFILE_OPTION),
                ConfigValues.get(values, CODE_LENGTH_OPTION),
                ThrottleSettings.from(values));
    }
}
