package io.approvalguard.notify.webhook;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.NotifierSpi;
import io.approvalguard.notify.PushQueueSettings;
import io.approvalguard.notify.QueuedNotifierFactory;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.http.BoundedHttp;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;

/**
 * {@value #PROVIDER_ID}: notifications go to the operator's own push gateway (which may reach its
 * app through APNs, a pager, anything), signed the way the event stream's webhook sink signs. A
 * device registers an opaque token the gateway understands.
 */
public final class WebhookNotifierFactory extends QueuedNotifierFactory {

    public static final String PROVIDER_ID = "webhook";
    public static final String OPTION_PREFIX = "spi-" + NotifierSpi.NAME + "--" + PROVIDER_ID;
    public static final OptionGroup OPTIONS =
            OptionGroup.server(OPTION_PREFIX, WebhookNotifierSettings.OPTIONS);

    /** The longest token a device may register: FCM's and APNs' fit many times over. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private static final Logger LOG = Logger.getLogger(WebhookNotifierFactory.class);

    private WebhookNotifierSettings settings;

    @Override
    public Notifier create(KeycloakSession session) {
        PushQueueSettings queue = settings.queue();
        return new WebhookNotifier(
                settings,
                new BoundedHttp(
                        session.getProvider(HttpClientProvider.class).getHttpClient(),
                        queue().timers(),
                        queue.connectTimeoutMs(),
                        queue.timeoutMs(),
                        OPTION_PREFIX + "--"));
    }

    @Override
    public void init(Config.Scope config) {
        settings = WebhookNotifierSettings.read(OPTIONS.read(config));
        if (settings.url() != null) {
            LOG.infof(
                    "Approval Guard: the webhook notifier posts to %s (path not shown), %d signing secret(s)",
                    BoundedHttp.origin(settings.url()), settings.signer().secretCount());
        }
    }

    @Override
    protected PushQueueSettings queueSettings() {
        return settings.queue();
    }

    @Override
    public String unavailableReason() {
        return settings.url() != null
                ? null
                : "this server has no push gateway: set --"
                        + OPTION_PREFIX
                        + "--"
                        + WebhookNotifierSettings.URL.name()
                        + " and --"
                        + OPTION_PREFIX
                        + "--"
                        + WebhookNotifierSettings.SECRETS.name();
    }

    @Override
    public PushAddress parseAddress(Map<String, Object> json, long now) {
        if (!(json.get("token") instanceof String token)
                || token.isEmpty()
                || token.length() > MAX_TOKEN_LENGTH
                || !token.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(
                    "token must be 1 to "
                            + MAX_TOKEN_LENGTH
                            + " visible ASCII characters, as your gateway issued it");
        }
        return PushAddress.token(PROVIDER_ID, token, now);
    }

    @Override
    protected OptionGroup options() {
        return OPTIONS;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
