package io.approvalguard.stream.sink;

import java.util.List;

import io.approvalguard.support.config.SpiOptions;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Development sink: one log line per record, the whole envelope (which holds no secrets).
 * Off unless {@code --spi-approval-guard-sink--log--enabled=true}.
 */
public final class LogSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "log";
    private static final String ENABLED = "enabled";

    private static final Logger LOG = Logger.getLogger(LogSinkFactory.class);
    private static final SinkProvider SINK = events -> {
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
        enabled = new SpiOptions(config, "spi-" + SinkSpi.NAME + "--" + PROVIDER_ID).bool(ENABLED, false);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ENABLED).type("boolean").defaultValue(false)
                .helpText("Write every stream record to the server log (development).").add()
                .build();
    }
}
