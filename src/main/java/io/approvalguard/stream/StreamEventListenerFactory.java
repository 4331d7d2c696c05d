package io.approvalguard.stream;

import java.util.Comparator;
import java.util.List;

import io.approvalguard.SpiOptions;
import io.approvalguard.stream.sink.SinkProviderFactory;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Event listener {@value #PROVIDER_ID}: enabled in a realm's event settings, it writes the realm's
 * security events to the outbox in the transaction of the change. Owns this node's relay.
 */
public final class StreamEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "approval-guard";

    private static final Logger LOG = Logger.getLogger(StreamEventListenerFactory.class);

    private RelaySettings settings;
    private Relay relay;
    private Outbox outbox;

    /** The outbox of this node, for code that raises stream events of its own. */
    public static Outbox outbox(KeycloakSession session) {
        return ((StreamEventListenerFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(EventListenerProvider.class, PROVIDER_ID)).outbox;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new StreamEventListener(session, outbox);
    }

    @Override
    public void init(Config.Scope config) {
        settings = RelaySettings.from(new SpiOptions(config, "spi-events-listener--" + PROVIDER_ID));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        List<SinkProviderFactory> sinks = factory.getProviderFactoriesStream(io.approvalguard.stream.sink.SinkProvider.class)
                .map(SinkProviderFactory.class::cast)
                .filter(SinkProviderFactory::isActive)
                .sorted(Comparator.comparing(SinkProviderFactory::getId))
                .toList();
        relay = new Relay(factory, settings, sinks);
        outbox = new Outbox(sinks, relay::wake);
        LOG.infof("Approval Guard: event stream sinks %s", outbox.sinkIds());
        // Deliver only once Keycloak's database migration (our outbox tables included) has run.
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                relay.start();
            }
        });
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.stop();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(RelaySettings.POLL_INTERVAL).type("int").defaultValue(1000)
                .helpText("How often each node looks for records written on other nodes, in ms; its own commits wake it at once.").add()
                .property().name(RelaySettings.RETRY_WINDOW).type("int").defaultValue(86400)
                .helpText("How long a record is retried before it becomes a dead letter, in seconds.").add()
                .property().name(RelaySettings.BACKOFF_INITIAL).type("int").defaultValue(1000)
                .helpText("Delay after a first failed delivery, in ms; doubled per failure, with jitter.").add()
                .property().name(RelaySettings.BACKOFF_MAX).type("int").defaultValue(300000)
                .helpText("Longest delay between two delivery attempts, in ms.").add()
                .property().name(RelaySettings.RETENTION).type("int").defaultValue(604800)
                .helpText("How long delivered records are kept before they are purged, in seconds.").add()
                .build();
    }
}
