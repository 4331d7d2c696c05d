package io.approvalguard.notify.webhook;

import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.stream.sink.webhook.WebhookSigner;
import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.config.SpiOptions;
import java.net.URI;
import java.util.List;

/**
 * The gateway notifier's server options ({@code --spi-approval-guard-notifier--webhook--<option>}).
 *
 * @param url where notifications are POSTed; null: the provider is not available
 * @param signer signs each with every configured secret (null without a URL)
 */
record WebhookNotifierSettings(URI url, WebhookSigner signer, PushQueueSettings queue) {

    static final Option<URI> URL =
            Option.httpUrl(
                    "url",
                    "Absolute http(s) URL of your push gateway: each notification is POSTed there, signed; redirects are not followed. Unset: devices cannot register webhook addresses.");
    static final Option<List<String>> SECRETS =
            Option.list(
                            "secrets",
                            "Comma-separated Standard Webhooks secrets (whsec_ + base64 of at least 24 random bytes); every notification is signed with each. Required with "
                                    + URL.name()
                                    + ".")
                    .secret();

    static final List<Option<?>> OPTIONS =
            OptionGroup.concat(List.of(URL, SECRETS), PushQueueSettings.OPTIONS);

    static WebhookNotifierSettings read(SpiOptions options) {
        URI url = options.get(URL);
        if (url != null && url.getRawUserInfo() != null) {
            throw options.invalid(URL, "(with user info, not shown)", "a URL without user info");
        }
        List<String> secrets = options.get(SECRETS);
        WebhookSigner signer = null;
        if (url != null || !secrets.isEmpty()) {
            try {
                signer = WebhookSigner.of(secrets);
            } catch (WebhookSigner.InvalidSecretException e) {
                throw options.invalid(
                        SECRETS,
                        e.position() == 0 ? "(empty)" : "(secret " + e.position() + ", not shown)",
                        e.expected() + " (required when " + URL.name() + " is set)");
            }
        }
        return new WebhookNotifierSettings(url, signer, PushQueueSettings.read(options));
    }
}
