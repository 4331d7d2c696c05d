package io.approvalguard.stream.sink.kafka;

import java.time.Duration;
import java.util.List;

import io.approvalguard.support.config.SpiOptions;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.SinkProviderFactory;
import io.approvalguard.stream.sink.SinkSpi;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Sends the event stream to a Kafka topic: one record per event, keyed by the user (so a user's events
 * stay in order on one partition), the CloudEvents JSON as the value (structured mode). Active when
 * {@code --spi-approval-guard-sink--kafka--bootstrap-servers} is set. The Kafka client is shaded into
 * the provider JAR; the node's one idempotent producer is made on the first delivery and closed with
 * the factory. {@link #create} does not use the session, so a null one is fine.
 */
public final class KafkaSinkFactory implements SinkProviderFactory {

    public static final String PROVIDER_ID = "kafka";
    static final String OPTION_PREFIX = "spi-" + SinkSpi.NAME + "--" + PROVIDER_ID;
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
        settings = KafkaSinkSettings.read(new SpiOptions(config, OPTION_PREFIX));
        if (settings.active()) {
            KafkaSinkSettings s = settings;
            producers = new ProducerHolder(() -> newProducer(s));
            LOG.infof("Approval Guard: Kafka sink sends to topic %s at %s (%s)", s.topic(),
                    String.join(",", s.bootstrapServers()), s.security().get("security.protocol"));
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
            return new KafkaProducer<>(settings.producerConfig(), new StringSerializer(), new StringSerializer());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

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
        return settings != null ? settings.leaseMillis() : SinkProviderFactory.super.deliveryTimeoutMillis();
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
        String string = ProviderConfigProperty.STRING_TYPE;
        String onlySsl = " Only with security-protocol SSL or SASL_SSL.";
        return ProviderConfigurationBuilder.create()
                .property().name(KafkaSinkSettings.BOOTSTRAP_SERVERS).type(string)
                .helpText("Comma-separated host:port of Kafka brokers. Set: the Kafka sink is active.").add()
                .property().name(KafkaSinkSettings.TOPIC).type(string).defaultValue(KafkaSinkSettings.DEFAULT_TOPIC)
                .helpText("Topic the events are written to (it must exist unless the brokers create topics).").add()
                .property().name(KafkaSinkSettings.CLIENT_ID).type(string).defaultValue(KafkaSinkSettings.DEFAULT_CLIENT_ID)
                .helpText("Kafka client.id of the producer.").add()
                .property().name(KafkaSinkSettings.DELIVERY_TIMEOUT_MS).type("int")
                .defaultValue(KafkaSinkSettings.DEFAULT_DELIVERY_TIMEOUT_MS)
                .helpText("How long the producer retries a record before the relay retries it later (delivery.timeout.ms).").add()
                .property().name(KafkaSinkSettings.MAX_BLOCK_MS).type("int").defaultValue(KafkaSinkSettings.DEFAULT_MAX_BLOCK_MS)
                .helpText("Longest wait for topic metadata or buffer space when sending (max.block.ms).").add()
                .property().name(KafkaSinkSettings.REQUEST_TIMEOUT_MS).type("int")
                .defaultValue(KafkaSinkSettings.DEFAULT_REQUEST_TIMEOUT_MS)
                .helpText("Longest wait for one answer of a broker (request.timeout.ms).").add()
                .property().name(KafkaSinkSettings.BATCH_SIZE).type("int").defaultValue(KafkaSinkSettings.DEFAULT_BATCH_SIZE)
                .helpText("Most records per delivery pass.").add()
                .property().name(KafkaSinkSettings.SECURITY_PROTOCOL).type(string).defaultValue("PLAINTEXT")
                .helpText("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.").add()
                .property().name(KafkaSinkSettings.SASL_MECHANISM).type(string)
                .helpText("PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or GSSAPI; required with a SASL protocol.").add()
                .property().name(KafkaSinkSettings.SASL_JAAS_CONFIG).type(string).secret(true)
                .helpText("JAAS login module configuration (sasl.jaas.config); org.apache.kafka login module names are"
                        + " translated to the shaded client's.").add()
                .property().name(KafkaSinkSettings.SSL_TRUSTSTORE_LOCATION).type(string)
                .helpText("Trust store file." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_TRUSTSTORE_PASSWORD).type(string).secret(true)
                .helpText("Trust store password." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_TRUSTSTORE_TYPE).type(string)
                .helpText("JKS, PKCS12 or PEM." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_KEYSTORE_LOCATION).type(string)
                .helpText("Key store file, for TLS client authentication." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_KEYSTORE_PASSWORD).type(string).secret(true)
                .helpText("Key store password." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_KEYSTORE_TYPE).type(string)
                .helpText("JKS, PKCS12 or PEM." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_KEY_PASSWORD).type(string).secret(true)
                .helpText("Password of the private key in the key store." + onlySsl).add()
                .property().name(KafkaSinkSettings.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM).type(string).defaultValue("https")
                .helpText("https checks the broker's host name against its certificate; none turns that off." + onlySsl).add()
                .build();
    }
}
