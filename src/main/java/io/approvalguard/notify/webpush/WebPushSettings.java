package io.approvalguard.notify.webpush;

import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;

/**
 * The Web Push notifier's server options ({@code
 * --spi-approval-guard-notifier--webpush--<option>}).
 *
 * @param subject VAPID's {@code sub}: how a push service reaches the operator; null: not available
 * @param configuredKeys the VAPID pair from the options; null: the one stored in the database
 * @param allowed the push services a subscription may point at
 */
record WebPushSettings(
        String subject,
        VapidKeys configuredKeys,
        AllowedEndpoints allowed,
        PushQueueSettings queue) {

    static final String PREFIX =
            "spi-approval-guard-notifier--" + WebPushNotifierFactory.PROVIDER_ID;

    static final Option<String> VAPID_SUBJECT =
            Option.text(
                            "vapid-subject",
                            null,
                            "VAPID contact (RFC 8292) that push services may use to reach the operator: a mailto: or https: URL. "
                                    + "Required: unset, Web Push is not available.")
                    .matching(
                            s -> s.matches("(mailto:[^\\s]+@[^\\s]+|https://[^\\s/]+(/[^\\s]*)?)"),
                            "a mailto: or https: URL");
    static final Option<String> VAPID_PRIVATE_KEY =
            Option.text(
                            "vapid-private-key",
                            null,
                            "VAPID private key: base64url of the 32-byte P-256 scalar. Set with vapid-public-key, or neither: "
                                    + "then a pair is generated once and stored in the database (table AG_PUSH_VAPID).")
                    .secret();
    static final Option<String> VAPID_PUBLIC_KEY =
            Option.text(
                    "vapid-public-key",
                    null,
                    "VAPID public key: base64url of the 65-byte uncompressed P-256 point, the pair of vapid-private-key. "
                            + "Browsers subscribe with it; changing it makes every subscription invalid (devices subscribe again).");
    static final Option<List<String>> ALLOWED_ENDPOINTS =
            Option.list(
                    "allowed-endpoints",
                    "Comma-separated origins (scheme://host[:port], the host may start with *.) a subscription's endpoint must be "
                            + "on; others are refused at registration. Unset: "
                            + String.join(",", AllowedEndpoints.DEFAULTS)
                            + ".");

    /** Every option, the queue's included; the factory declares the group. */
    static final List<Option<?>> ALL =
            OptionGroup.concat(
                    List.of(VAPID_SUBJECT, VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY, ALLOWED_ENDPOINTS),
                    PushQueueSettings.OPTIONS);

    /** Reads and checks every option; a value that cannot be right throws, naming the option. */
    static WebPushSettings read(SpiOptions options) {
        String subject = options.get(VAPID_SUBJECT);
        VapidKeys keys = keys(options);
        AllowedEndpoints allowed;
        try {
            allowed =
                    AllowedEndpoints.of(
                            options.isSet(ALLOWED_ENDPOINTS)
                                    ? options.get(ALLOWED_ENDPOINTS)
                                    : AllowedEndpoints.DEFAULTS);
        } catch (IllegalArgumentException e) {
            throw options.invalid(
                    ALLOWED_ENDPOINTS, options.shown(ALLOWED_ENDPOINTS), e.getMessage());
        }
        return new WebPushSettings(subject, keys, allowed, PushQueueSettings.read(options));
    }

    private static VapidKeys keys(SpiOptions options) {
        boolean privateSet = options.isSet(VAPID_PRIVATE_KEY);
        boolean publicSet = options.isSet(VAPID_PUBLIC_KEY);
        if (privateSet != publicSet) {
            Option<String> missing = privateSet ? VAPID_PUBLIC_KEY : VAPID_PRIVATE_KEY;
            Option<String> set = privateSet ? VAPID_PRIVATE_KEY : VAPID_PUBLIC_KEY;
            throw options.invalid(
                    missing, "(not set)", "set together with " + set.name() + ", or neither");
        }
        if (!privateSet) {
            return null;
        }
        try {
            return VapidKeys.of(options.get(VAPID_PRIVATE_KEY), options.get(VAPID_PUBLIC_KEY));
        } catch (VapidKeys.InvalidKeyException e) {
            Option<String> wrong = e.privateKeyAtFault() ? VAPID_PRIVATE_KEY : VAPID_PUBLIC_KEY;
            // a key is never echoed, not even the public one: the message names the option only
            throw options.invalid(wrong, "(not shown)", e.getMessage());
        }
    }
}
