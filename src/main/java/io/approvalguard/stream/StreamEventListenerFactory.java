package io.approvalguard.stream;

import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.support.config.OptionGroup;
import io.approvalguard.support.config.SpiOptions;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/**
 * Event listener {@value #PROVIDER_ID}: enabled in a realm's event settings, it writes the realm's
 * security events to the outbox in the transaction of the change. Owns this node's relay and the
 * task that turns the counts of anonymous failures into records.
 */
public final class StreamEventListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "approval-guard";

    /** The relay's options and the budget for anonymous failures. */
    public static final OptionGroup OPTIONS =
            OptionGroup.server(
                    "spi-events-listener--" + PROVIDER_ID,
                    OptionGroup.concat(RelaySettings.OPTIONS, AnonymousFailureSettings.OPTIONS));

    private static final Logger LOG = Logger.getLogger(StreamEventListenerFactory.class);
    private static final String FLUSH_TASK = "approval-guard-anonymous-failures";

    private RelaySettings settings;
    private AnonymousFailureSettings anonymousSettings;
    private Relay relay;
    private Outbox outbox;
    private AnonymousFailures anonymousFailures;

    /** The outbox of this node, for code that raises stream events of its own. */
    public static Outbox outbox(KeycloakSession session) {
        return ((StreamEventListenerFactory)
                        session.getKeycloakSessionFactory()
                                .getProviderFactory(EventListenerProvider.class, PROVIDER_ID))
                .outbox;
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new StreamEventListener(session, outbox, anonymousFailures);
    }

    @Override
    public void init(Config.Scope config) {
        SpiOptions options = OPTIONS.read(config);
        settings = RelaySettings.from(options);
        anonymousSettings = AnonymousFailureSettings.from(options);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        List<SinkProviderFactory> sinks =
                factory.getProviderFactoriesStream(io.approvalguard.stream.sink.SinkProvider.class)
                        .map(SinkProviderFactory.class::cast)
                        .filter(SinkProviderFactory::isActive)
                        .sorted(Comparator.comparing(SinkProviderFactory::getId))
                        .toList();
        relay = new Relay(factory, settings, sinks);
        outbox = new Outbox(sinks, relay::wake);
        anonymousFailures = new AnonymousFailures(anonymousSettings);
        LOG.infof("Approval Guard: event stream sinks %s", outbox.sinkIds());
        // Deliver only once Keycloak's database migration (our outbox tables included) has run.
        factory.register(
                event -> {
                    if (event instanceof PostMigrationEvent) {
                        relay.start();
                        scheduleFlush(factory);
                    }
                });
    }

    /**
     * Every node looks for windows that are over; the count's row lock makes each record be written
     * once.
     */
    private void scheduleFlush(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class)
                    .scheduleTask(
                            new ScheduledTask() {
                                @Override
                                public void run(KeycloakSession s) {
                                    anonymousFailures.writeCounts(s);
                                    anonymousFailures.flush(s, outbox);
                                }

                                @Override
                                public String getTaskName() {
                                    return FLUSH_TASK;
                                }
                            },
                            settings.pollIntervalMillis(),
                            FLUSH_TASK);
        }
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
        return OPTIONS.metadata();
    }
}
