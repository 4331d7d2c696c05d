package io.approvalguard.stream.sink.webhook;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.SinkSpi;
import io.approvalguard.support.config.OptionGroup;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * The webhook sink: each record POSTed to {@code --spi-approval-guard-sink--webhook--url}, signed
 * per Standard Webhooks with {@code --secrets}, through Keycloak's own HTTP client (its proxy and
 * trust settings apply). Active only when the URL is set; see {@code docs/risk-api.md}, "Verifying
 * webhook deliveries".
 */
public final class WebhookSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "webhook";
    public static final String OPTION_PREFIX = "spi-" + SinkSpi.NAME + "--" + PROVIDER_ID;
    public static final OptionGroup OPTIONS =
            OptionGroup.server(OPTION_PREFIX, WebhookSettings.OPTIONS);

    /**
     * Allowed per request on top of {@code timeout-ms} when computing a pass's longest duration.
     */
    static final long REQUEST_MARGIN_MS = 1_000;

    private static final Logger LOG = Logger.getLogger(WebhookSinkFactory.class);

    private WebhookSettings settings;
    private ScheduledExecutorService deadlines;

    @Override
    public SinkProvider create(KeycloakSession session) {
        if (settings == null || !settings.active()) {
            return events ->
                    Collections.nCopies(
                            events.size(),
                            DeliveryOutcome.retry(
                                    "the webhook sink is not configured ("
                                            + OPTION_PREFIX
                                            + "--"
                                            + WebhookSettings.URL.name()
                                            + ")"));
        }
        HttpClientProvider http = session.getProvider(HttpClientProvider.class);
        return new WebhookSink(http.getHttpClient(), settings, deadlines, Clock.systemUTC());
    }

    @Override
    public void init(Config.Scope config) {
        settings = WebhookSettings.read(OPTIONS.read(config));
        if (!settings.active()) {
            return;
        }
        ScheduledThreadPoolExecutor timers =
                new ScheduledThreadPoolExecutor(
                        1,
                        task -> {
                            Thread thread = new Thread(task, "approval-guard-webhook-deadline");
                            thread.setDaemon(true);
                            return thread;
                        });
        timers.setRemoveOnCancelPolicy(true);
        deadlines = timers;
        LOG.infof(
                "Approval Guard: webhook sink delivers to %s (path and query not shown), %d signing secret(s), "
                        + "timeout %d ms, batches of %d",
                WebhookSettings.origin(settings.url()),
                settings.signer().secretCount(),
                settings.timeoutMs(),
                settings.batchSize());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public boolean isActive() {
        return settings != null && settings.active();
    }

    @Override
    public int batchSize() {
        return settings == null ? WebhookSettings.BATCH_SIZE.fallback() : settings.batchSize();
    }

    /** Every request of a batch may use its whole {@code timeout-ms}, plus a margin each. */
    @Override
    public long deliveryTimeoutMillis() {
        int timeoutMs =
                settings == null ? WebhookSettings.TIMEOUT_MS.fallback() : settings.timeoutMs();
        return (long) batchSize() * (timeoutMs + REQUEST_MARGIN_MS);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }

    @Override
    public void close() {
        if (deadlines != null) {
            deadlines.shutdownNow();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
