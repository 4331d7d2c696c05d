package io.approvalguard.stream.sink.kafka;

import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.SinkSpi;
import io.approvalguard.support.config.OptionGroup;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Sends the event stream to a Kafka topic: one record per event, keyed by the user (so a user's
 * events stay in order on one partition), the CloudEvents JSON as the value (structured mode).
 * Active when {@code --spi-approval-guard-sink--kafka--bootstrap-servers} is set. The Kafka client
 * is shaded into the provider JAR; the node's one idempotent producer is made on the first delivery
 * and closed with the factory. {@link #create} does not use the session, so a null one is fine.
 */
public final class KafkaSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "kafka";
    static final String OPTION_PREFIX = "spi-" + SinkSpi.NAME + "--" + PROVIDER_ID;
    public static final OptionGroup OPTIONS =
            OptionGroup.server(OPTION_PREFIX, KafkaSinkSettings.OPTIONS);

    /** Longest wait in {@link #close()} for records the producer still holds. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(KafkaSinkFactory.class);

    private KafkaSinkSettings settings;
    private ProducerHolder producers;

    @Override
    public SinkProvider create(KeycloakSession session) {
        return new KafkaSink(settings, producers);
    }

    @Override
    public void init(Config.Scope config) {
        settings = KafkaSinkSettings.read(OPTIONS.read(config));
        if (settings.active()) {
            KafkaSinkSettings s = settings;
            producers = new ProducerHolder(() -> newProducer(s));
            LOG.infof(
                    "Approval Guard: Kafka sink sends to topic %s at %s (%s)",
                    s.topic(),
                    String.join(",", s.bootstrapServers()),
                    s.security().get("security.protocol"));
        }
    }

    /**
     * A producer made with this class's loader as the thread's context loader: the client looks up
     * classes named in its configuration (JAAS login modules, its metrics reporter) there, and its
     * network thread inherits it.
     */
    static Producer<String, String> newProducer(KafkaSinkSettings settings) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaSinkFactory.class.getClassLoader());
        try {
            LOG.debugf("Approval Guard: making the Kafka producer (%s)", settings);
            return new KafkaProducer<>(
                    settings.producerConfig(), new StringSerializer(), new StringSerializer());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public boolean isActive() {
        return settings != null && settings.active();
    }

    @Override
    public int batchSize() {
        return settings != null ? settings.batchSize() : KafkaSinkSettings.DEFAULT_BATCH_SIZE;
    }

    @Override
    public long deliveryTimeoutMillis() {
        return settings != null
                ? settings.leaseMillis()
                : SinkProviderFactory.super.deliveryTimeoutMillis();
    }

    @Override
    public void close() {
        if (producers != null) {
            producers.close(CLOSE_TIMEOUT);
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
