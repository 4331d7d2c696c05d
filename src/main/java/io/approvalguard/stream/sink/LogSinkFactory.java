package io.approvalguard.stream.sink;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.OptionGroup;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Development sink: one log line per record, the whole envelope (which holds no secrets). Off
 * unless {@code --spi-approval-guard-sink--log--enabled=true}.
 */
public final class LogSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "log";
    private static final Option<Boolean> ENABLED =
            Option.bool(
                    "enabled", false, "Write every stream record to the server log (development).");
    public static final OptionGroup OPTIONS =
            OptionGroup.server("spi-" + SinkSpi.NAME + "--" + PROVIDER_ID, List.of(ENABLED));

    private static final Logger LOG = Logger.getLogger(LogSinkFactory.class);
    private static final SinkProvider SINK =
            events -> {
                events.forEach(LogSinkFactory::log);
                return events.stream().map(e -> DeliveryOutcome.delivered()).toList();
            };

    private boolean enabled;

    private static void log(StreamEvent event) {
        LOG.infof("Approval Guard event %s %s", event.type(), event.json());
    }

    @Override
    public SinkProvider create(KeycloakSession session) {
        return SINK;
    }

    @Override
    public boolean isActive() {
        return enabled;
    }

    @Override
    public void init(Config.Scope config) {
        enabled = OPTIONS.read(config).get(ENABLED);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OPTIONS.metadata();
    }
}
