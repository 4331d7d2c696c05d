package io.approvalguard.stream.sink.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.login.AppConfigurationEntry;

import io.approvalguard.support.config.SpiOptions;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;

/**
 * The Kafka sink's server options ({@code --spi-approval-guard-sink--kafka--<option>}), checked at
 * start: a value that cannot be right throws, naming the option and never showing a secret.
 *
 * @param bootstrapServers  {@code host:port} entries; empty: the sink is not active
 * @param topic             where records go
 * @param clientId          Kafka's {@code client.id}
 * @param deliveryTimeoutMs Kafka's {@code delivery.timeout.ms}: how long the producer keeps retrying one record
 * @param maxBlockMs        Kafka's {@code max.block.ms}: longest wait in {@code send} (metadata, buffer space)
 * @param requestTimeoutMs  Kafka's {@code request.timeout.ms}: longest wait for one answer of a broker
 * @param batchSize         most records per delivery pass
 * @param security          Kafka security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}),
 *                          values as Kafka takes them; holds secrets, so never logged ({@link #toString()} hides them)
 */
public record KafkaSinkSettings(List<String> bootstrapServers, String topic, String clientId, int deliveryTimeoutMs,
        int maxBlockMs, int requestTimeoutMs, int batchSize, Map<String, Object> security) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    public static final String TOPIC = "topic";
    public static final String CLIENT_ID = "client-id";
    public static final String DELIVERY_TIMEOUT_MS = "delivery-timeout-ms";
    public static final String MAX_BLOCK_MS = "max-block-ms";
    public static final String REQUEST_TIMEOUT_MS = "request-timeout-ms";
    public static final String BATCH_SIZE = "batch-size";
    public static final String SECURITY_PROTOCOL = "security-protocol";
    public static final String SASL_MECHANISM = "sasl-mechanism";
    public static final String SASL_JAAS_CONFIG = "sasl-jaas-config";
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl-truststore-location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl-truststore-password";
    public static final String SSL_TRUSTSTORE_TYPE = "ssl-truststore-type";
    public static final String SSL_KEYSTORE_LOCATION = "ssl-keystore-location";
    public static final String SSL_KEYSTORE_PASSWORD = "ssl-keystore-password";
    public static final String SSL_KEYSTORE_TYPE = "ssl-keystore-type";
    public static final String SSL_KEY_PASSWORD = "ssl-key-password";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM = "ssl-endpoint-identification-algorithm";

    public static final String DEFAULT_TOPIC = "approval-guard-events";
    public static final String DEFAULT_CLIENT_ID = "approval-guard";
    public static final int DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_MAX_BLOCK_MS = 5_000;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_BATCH_SIZE = 200;

    /** Kafka's {@code linger.ms}: a pass sends its records at once, so a short linger fills batches. */
    static final int LINGER_MS = 5;
    /** How much longer than the producer's own limits a pass waits for its acknowledgements. */
    static final int WAIT_MARGIN_MS = 2_000;
    /** How much longer than a pass may take the relay keeps the records' lease. */
    static final int LEASE_MARGIN_MS = 3_000;

    public static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** SASL mechanisms that need nothing but a JAAS login module (OAUTHBEARER needs callback handler classes). */
    public static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI");
    public static final List<String> STORE_TYPES = List.of("JKS", "PKCS12", "PEM");

    private static final String NOT_SHOWN = "(not shown)";
    private static final Pattern SERVER = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern CLIENT_ID_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    public KafkaSinkSettings {
        bootstrapServers = List.copyOf(bootstrapServers);
        security = Map.copyOf(security);
    }

    /** Reads and checks every option. */
    public static KafkaSinkSettings read(SpiOptions options) {
        List<String> servers = options.list(BOOTSTRAP_SERVERS);
        for (String server : servers) {
            Matcher m = SERVER.matcher(server);
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65_535) {
                throw options.invalid(BOOTSTRAP_SERVERS, options.string(BOOTSTRAP_SERVERS, ""),
                        "comma-separated host:port entries");
            }
        }
        String topic = options.string(TOPIC, DEFAULT_TOPIC);
        if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw options.invalid(TOPIC, topic, "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        String clientId = options.string(CLIENT_ID, DEFAULT_CLIENT_ID);
        if (!CLIENT_ID_VALUE.matcher(clientId).matches()) {
            throw options.invalid(CLIENT_ID, clientId, "letters, digits, '.', '_' or '-'");
        }
        int requestTimeoutMs = options.intValue(REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, 500, 300_000);
        int deliveryTimeoutMs = options.intValue(DELIVERY_TIMEOUT_MS, DEFAULT_DELIVERY_TIMEOUT_MS, 1_000, 3_600_000);
        if (deliveryTimeoutMs < requestTimeoutMs + LINGER_MS) {
            // Kafka itself refuses delivery.timeout.ms < linger.ms + request.timeout.ms
            throw options.invalid(DELIVERY_TIMEOUT_MS, Integer.toString(deliveryTimeoutMs),
                    "at least " + REQUEST_TIMEOUT_MS + " + " + LINGER_MS + " (" + (requestTimeoutMs + LINGER_MS) + ")");
        }
        int maxBlockMs = options.intValue(MAX_BLOCK_MS, DEFAULT_MAX_BLOCK_MS, 100, 300_000);
        int batchSize = options.intValue(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, 10_000);
        return new KafkaSinkSettings(servers, topic, clientId, deliveryTimeoutMs, maxBlockMs, requestTimeoutMs,
                batchSize, security(options));
    }

    private static Map<String, Object> security(SpiOptions options) {
        Map<String, Object> security = new LinkedHashMap<>();
        String protocol = options.string(SECURITY_PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!SECURITY_PROTOCOLS.contains(protocol)) {
            throw options.invalid(SECURITY_PROTOCOL, options.string(SECURITY_PROTOCOL, ""), "one of " + SECURITY_PROTOCOLS);
        }
        security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        boolean sasl = protocol.startsWith("SASL_");
        boolean ssl = protocol.endsWith("SSL");

        String mechanism = options.string(SASL_MECHANISM, null);
        String jaas = options.string(SASL_JAAS_CONFIG, null);
        if (!sasl) {
            onlyWith(options, SASL_MECHANISM, mechanism, "SASL_PLAINTEXT or SASL_SSL");
            onlyWith(options, SASL_JAAS_CONFIG, jaas != null ? NOT_SHOWN : null, "SASL_PLAINTEXT or SASL_SSL");
        } else {
            if (mechanism == null || !SASL_MECHANISMS.contains(mechanism.toUpperCase(Locale.ROOT))) {
                throw options.invalid(SASL_MECHANISM, mechanism == null ? "(not set)" : mechanism,
                        "one of " + SASL_MECHANISMS + " (required with " + SECURITY_PROTOCOL + "=" + protocol + ")");
            }
            mechanism = mechanism.toUpperCase(Locale.ROOT);
            security.put(SaslConfigs.SASL_MECHANISM, mechanism);
            if (jaas != null) {
                String translated = KafkaClassNames.translateJaas(jaas);
                checkJaas(options, translated);
                security.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(translated));
            } else if (!mechanism.equals("GSSAPI")) {
                // GSSAPI may take its login from the JVM's java.security.auth.login.config file instead
                throw options.invalid(SASL_JAAS_CONFIG, "(not set)",
                        "a JAAS login module configuration (required with " + SASL_MECHANISM + "=" + mechanism + ")");
            }
        }

        String[][] stores = {
            {SSL_TRUSTSTORE_LOCATION, SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE,
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG},
            {SSL_KEYSTORE_LOCATION, SSL_KEYSTORE_PASSWORD, SSL_KEYSTORE_TYPE,
                SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
                SslConfigs.SSL_KEYSTORE_TYPE_CONFIG},
        };
        String needsSsl = "SSL or SASL_SSL";
        for (String[] store : stores) {
            String location = options.string(store[0], null);
            String password = options.string(store[1], null);
            String type = options.string(store[2], null);
            if (!ssl) {
                onlyWith(options, store[0], location, needsSsl);
                onlyWith(options, store[1], password != null ? NOT_SHOWN : null, needsSsl);
                onlyWith(options, store[2], type, needsSsl);
                continue;
            }
            if (location != null) {
                Path path = Path.of(location);
                if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                    throw options.invalid(store[0], location, "a readable file");
                }
                security.put(store[3], location);
            }
            if (password != null) {
                security.put(store[4], new Password(password));
            }
            if (type != null) {
                if (!STORE_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
                    throw options.invalid(store[2], type, "one of " + STORE_TYPES);
                }
                security.put(store[5], type.toUpperCase(Locale.ROOT));
            }
        }
        String keyPassword = options.string(SSL_KEY_PASSWORD, null);
        String endpointIdentification = options.string(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, null);
        if (!ssl) {
            onlyWith(options, SSL_KEY_PASSWORD, keyPassword != null ? NOT_SHOWN : null, needsSsl);
            onlyWith(options, SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, endpointIdentification, needsSsl);
        } else {
            if (keyPassword != null) {
                security.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(keyPassword));
            }
            if (endpointIdentification != null) {
                String value = endpointIdentification.toLowerCase(Locale.ROOT);
                if (!value.equals("https") && !value.equals("none")) {
                    throw options.invalid(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, endpointIdentification,
                            "https (check the broker's host name, the default) or none");
                }
                security.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, value.equals("none") ? "" : value);
            }
        }
        return security;
    }

    private static void onlyWith(SpiOptions options, String name, String shown, String protocols) {
        if (shown != null) {
            throw options.invalid(name, shown, "not set unless " + SECURITY_PROTOCOL + " is " + protocols);
        }
    }

    /** Parses the JAAS configuration as the client will, and checks its login module is there. */
    private static void checkJaas(SpiOptions options, String jaas) {
        List<AppConfigurationEntry> entries;
        try {
            entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                    .configurationEntries();
        } catch (RuntimeException e) {
            // the parser's message may quote a part of the value, which may be the password
            throw options.invalid(SASL_JAAS_CONFIG, NOT_SHOWN,
                    "a JAAS configuration of an allowed login module: <class> required <key>=\"<value>\" ... ;");
        }
        if (entries.size() != 1) {
            throw options.invalid(SASL_JAAS_CONFIG, NOT_SHOWN, "exactly one login module");
        }
        String module = entries.get(0).getLoginModuleName();
        try {
            Class.forName(module, false, KafkaSinkSettings.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw options.invalid(SASL_JAAS_CONFIG, NOT_SHOWN, "a login module class that exists (" + module
                    + " is not available)");
        }
    }

    public boolean active() {
        return !bootstrapServers.isEmpty();
    }

    /** How long one pass waits at most: {@code send} blocking, then the producer's own retries, then a margin. */
    public long passTimeoutMillis() {
        return (long) maxBlockMs + deliveryTimeoutMs + WAIT_MARGIN_MS;
    }

    /** What the relay is told a pass may take: the pass's own deadline plus a margin. */
    public long leaseMillis() {
        return passTimeoutMillis() + LEASE_MARGIN_MS;
    }

    /**
     * The producer's configuration: idempotent (acks=all, at most 5 requests in flight, retried until
     * {@code delivery.timeout.ms}), uncompressed (no compression library is shipped). Serializers are
     * passed as objects when the producer is made, never as class names.
     */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        return config;
    }

    /** Without the secrets: safe to log. */
    @Override
    public String toString() {
        return "KafkaSinkSettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", clientId=" + clientId
                + ", deliveryTimeoutMs=" + deliveryTimeoutMs + ", maxBlockMs=" + maxBlockMs + ", requestTimeoutMs="
                + requestTimeoutMs + ", batchSize=" + batchSize + ", security="
                + security.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                + (security.containsKey(SaslConfigs.SASL_MECHANISM) ? "/" + security.get(SaslConfigs.SASL_MECHANISM) : "")
                + "]";
    }
}
