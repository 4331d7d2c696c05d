package io.approvalguard.stream.sink.kafka;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.login.AppConfigurationEntry;
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
 * @param bootstrapServers {@code host:port} entries; empty: the sink is not active
 * @param topic where records go
 * @param clientId Kafka's {@code client.id}
 * @param deliveryTimeoutMs Kafka's {@code delivery.timeout.ms}: how long the producer keeps
 *     retrying one record
 * @param maxBlockMs Kafka's {@code max.block.ms}: longest wait in {@code send} (metadata, buffer
 *     space)
 * @param requestTimeoutMs Kafka's {@code request.timeout.ms}: longest wait for one answer of a
 *     broker
 * @param batchSize most records per delivery pass
 * @param security Kafka security settings ({@code security.protocol}, {@code sasl.*}, {@code
 *     ssl.*}), values as Kafka takes them; holds secrets, so never logged ({@link #toString()}
 *     hides them)
 */
public record KafkaSinkSettings(
        List<String> bootstrapServers,
        String topic,
        String clientId,
        int deliveryTimeoutMs,
        int maxBlockMs,
        int requestTimeoutMs,
        int batchSize,
        Map<String, Object> security) {

    /**
     * Kafka's {@code linger.ms}: a pass sends its records at once, so a short linger fills batches.
     */
    static final int LINGER_MS = 5;

    /** How much longer than the producer's own limits a pass waits for its acknowledgements. */
    static final int WAIT_MARGIN_MS = 2_000;

    /** How much longer than a pass may take the relay keeps the records' lease. */
    static final int LEASE_MARGIN_MS = 3_000;

    public static final List<String> SECURITY_PROTOCOLS =
            List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    /**
     * SASL mechanisms that need nothing but a JAAS login module (OAUTHBEARER needs callback handler
     * classes).
     */
    public static final List<String> SASL_MECHANISMS =
            List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI");

    public static final List<String> STORE_TYPES = List.of("JKS", "PKCS12", "PEM");

    private static final String NOT_SHOWN = "(not shown)";
    private static final Pattern SERVER =
            Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern CLIENT_ID_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    static final Option<List<String>> BOOTSTRAP_SERVERS =
            Option.list(
                            "bootstrap-servers",
                            "Comma-separated host:port of Kafka brokers. Set: the Kafka sink is active.")
                    .matching(
                            servers -> servers.stream().allMatch(KafkaSinkSettings::isHostAndPort),
                            "comma-separated host:port entries");
    static final Option<String> TOPIC =
            Option.text(
                            "topic",
                            "approval-guard-events",
                            "Topic the events are written to (it must exist unless the brokers create topics).")
                    .matching(
                            topic ->
                                    TOPIC_NAME.matcher(topic).matches()
                                            && !topic.equals(".")
                                            && !topic.equals(".."),
                            "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
    static final Option<String> CLIENT_ID =
            Option.text("client-id", "approval-guard", "Kafka client.id of the producer.")
                    .matching(
                            id -> CLIENT_ID_VALUE.matcher(id).matches(),
                            "letters, digits, '.', '_' or '-'");
    static final Option<Integer> REQUEST_TIMEOUT_MS =
            Option.wholeNumber(
                    "request-timeout-ms",
                    10_000,
                    500,
                    300_000,
                    "Longest wait for one answer of a broker (request.timeout.ms).");
    static final Option<Integer> DELIVERY_TIMEOUT_MS =
            Option.wholeNumber(
                    "delivery-timeout-ms",
                    30_000,
                    1_000,
                    3_600_000,
                    "How long the producer retries a record before the relay retries it later (delivery.timeout.ms); "
                            + "at least "
                            + REQUEST_TIMEOUT_MS.name()
                            + " + "
                            + LINGER_MS
                            + ".");
    static final Option<Integer> MAX_BLOCK_MS =
            Option.wholeNumber(
                    "max-block-ms",
                    5_000,
                    100,
                    300_000,
                    "Longest wait for topic metadata or buffer space when sending (max.block.ms).");
    static final Option<Integer> BATCH_SIZE =
            Option.wholeNumber("batch-size", 200, 1, 10_000, "Most records per delivery pass.");
    static final Option<String> SECURITY_PROTOCOL =
            Option.choiceIgnoringCase(
                    "security-protocol",
                    "PLAINTEXT",
                    SECURITY_PROTOCOLS,
                    "How the producer talks to the brokers.");
    private static final String ONLY_SSL =
            " Only with " + SECURITY_PROTOCOL.name() + " SSL or SASL_SSL.";
    static final Option<String> SASL_MECHANISM =
            Option.choiceIgnoringCase(
                    "sasl-mechanism", null, SASL_MECHANISMS, "Required with a SASL protocol.");
    static final Option<String> SASL_JAAS_CONFIG =
            Option.text(
                            "sasl-jaas-config",
                            null,
                            "JAAS login module configuration (sasl.jaas.config); org.apache.kafka login module names are"
                                    + " translated to the shaded client's.")
                    .secret();
    static final Option<String> SSL_TRUSTSTORE_LOCATION =
            Option.text("ssl-truststore-location", null, "Trust store file." + ONLY_SSL)
                    .matching(KafkaSinkSettings::isReadableFile, "a readable file");
    static final Option<String> SSL_TRUSTSTORE_PASSWORD =
            Option.text("ssl-truststore-password", null, "Trust store password." + ONLY_SSL)
                    .secret();
    static final Option<String> SSL_TRUSTSTORE_TYPE =
            Option.choiceIgnoringCase(
                    "ssl-truststore-type",
                    null,
                    STORE_TYPES,
                    "Trust store type; unset: Kafka's default (JKS)." + ONLY_SSL);
    static final Option<String> SSL_KEYSTORE_LOCATION =
            Option.text(
                            "ssl-keystore-location",
                            null,
                            "Key store file, for TLS client authentication." + ONLY_SSL)
                    .matching(KafkaSinkSettings::isReadableFile, "a readable file");
    static final Option<String> SSL_KEYSTORE_PASSWORD =
            Option.text("ssl-keystore-password", null, "Key store password." + ONLY_SSL).secret();
    static final Option<String> SSL_KEYSTORE_TYPE =
            Option.choiceIgnoringCase(
                    "ssl-keystore-type",
                    null,
                    STORE_TYPES,
                    "Key store type; unset: Kafka's default (JKS)." + ONLY_SSL);
    static final Option<String> SSL_KEY_PASSWORD =
            Option.text(
                            "ssl-key-password",
                            null,
                            "Password of the private key in the key store." + ONLY_SSL)
                    .secret();
    static final Option<String> SSL_ENDPOINT_IDENTIFICATION_ALGORITHM =
            Option.choiceIgnoringCase(
                            "ssl-endpoint-identification-algorithm",
                            "https",
                            List.of("https", "none"),
                            "https checks the broker's host name against its certificate; none turns that off."
                                    + ONLY_SSL)
                    .expecting("https (check the broker's host name, the default) or none");

    static final List<Option<?>> OPTIONS =
            List.of(
                    BOOTSTRAP_SERVERS,
                    TOPIC,
                    CLIENT_ID,
                    DELIVERY_TIMEOUT_MS,
                    MAX_BLOCK_MS,
                    REQUEST_TIMEOUT_MS,
                    BATCH_SIZE,
                    SECURITY_PROTOCOL,
                    SASL_MECHANISM,
                    SASL_JAAS_CONFIG,
                    SSL_TRUSTSTORE_LOCATION,
                    SSL_TRUSTSTORE_PASSWORD,
                    SSL_TRUSTSTORE_TYPE,
                    SSL_KEYSTORE_LOCATION,
                    SSL_KEYSTORE_PASSWORD,
                    SSL_KEYSTORE_TYPE,
                    SSL_KEY_PASSWORD,
                    SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);

    public static final int DEFAULT_BATCH_SIZE = BATCH_SIZE.fallback();

    /** A key or trust store: its three options and the Kafka settings they become. */
    private record Store(
            Option<String> location,
            Option<String> password,
            Option<String> type,
            String locationConfig,
            String passwordConfig,
            String typeConfig) {}

    private static final List<Store> STORES =
            List.of(
                    new Store(
                            SSL_TRUSTSTORE_LOCATION,
                            SSL_TRUSTSTORE_PASSWORD,
                            SSL_TRUSTSTORE_TYPE,
                            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
                            SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG),
                    new Store(
                            SSL_KEYSTORE_LOCATION,
                            SSL_KEYSTORE_PASSWORD,
                            SSL_KEYSTORE_TYPE,
                            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
                            SslConfigs.SSL_KEYSTORE_TYPE_CONFIG));

    public KafkaSinkSettings {
        bootstrapServers = List.copyOf(bootstrapServers);
        security = Map.copyOf(security);
    }

    /** Reads and checks every option. */
    public static KafkaSinkSettings read(SpiOptions options) {
        List<String> servers = options.get(BOOTSTRAP_SERVERS);
        String topic = options.get(TOPIC);
        String clientId = options.get(CLIENT_ID);
        int requestTimeoutMs = options.get(REQUEST_TIMEOUT_MS);
        int deliveryTimeoutMs = options.get(DELIVERY_TIMEOUT_MS);
        if (deliveryTimeoutMs < requestTimeoutMs + LINGER_MS) {
            // Kafka itself refuses delivery.timeout.ms < linger.ms + request.timeout.ms
            throw options.invalid(
                    DELIVERY_TIMEOUT_MS,
                    Integer.toString(deliveryTimeoutMs),
                    "at least "
                            + REQUEST_TIMEOUT_MS.name()
                            + " + "
                            + LINGER_MS
                            + " ("
                            + (requestTimeoutMs + LINGER_MS)
                            + ")");
        }
        int maxBlockMs = options.get(MAX_BLOCK_MS);
        int batchSize = options.get(BATCH_SIZE);
        return new KafkaSinkSettings(
                servers,
                topic,
                clientId,
                deliveryTimeoutMs,
                maxBlockMs,
                requestTimeoutMs,
                batchSize,
                security(options));
    }

    private static boolean isHostAndPort(String server) {
        Matcher m = SERVER.matcher(server);
        int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        return port >= 1 && port <= 65_535;
    }

    private static boolean isReadableFile(String location) {
        try {
            Path path = Path.of(location);
            return Files.isRegularFile(path) && Files.isReadable(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Map<String, Object> security(SpiOptions options) {
        Map<String, Object> security = new LinkedHashMap<>();
        String protocol = options.get(SECURITY_PROTOCOL);
        security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        boolean sasl = protocol.startsWith("SASL_");
        boolean ssl = protocol.endsWith("SSL");

        if (!sasl) {
            onlyWith(options, SASL_MECHANISM, "SASL_PLAINTEXT or SASL_SSL");
            onlyWith(options, SASL_JAAS_CONFIG, "SASL_PLAINTEXT or SASL_SSL");
        } else {
            if (!options.isSet(SASL_MECHANISM)) {
                throw options.invalid(
                        SASL_MECHANISM,
                        "(not set)",
                        SASL_MECHANISM.expected()
                                + " (required with "
                                + SECURITY_PROTOCOL.name()
                                + "="
                                + protocol
                                + ")");
            }
            String mechanism = options.get(SASL_MECHANISM);
            security.put(SaslConfigs.SASL_MECHANISM, mechanism);
            String jaas = options.get(SASL_JAAS_CONFIG);
            if (jaas != null) {
                String translated = KafkaClassNames.translateJaas(jaas);
                checkJaas(options, translated);
                security.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(translated));
            } else if (!mechanism.equals("GSSAPI")) {
                // GSSAPI may take its login from the JVM's java.security.auth.login.config file
                // instead
                throw options.invalid(
                        SASL_JAAS_CONFIG,
                        "(not set)",
                        "a JAAS login module configuration (required with "
                                + SASL_MECHANISM.name()
                                + "="
                                + mechanism
                                + ")");
            }
        }

        String needsSsl = "SSL or SASL_SSL";
        for (Store store : STORES) {
            if (!ssl) {
                onlyWith(options, store.location(), needsSsl);
                onlyWith(options, store.password(), needsSsl);
                onlyWith(options, store.type(), needsSsl);
                continue;
            }
            String location = options.get(store.location());
            if (location != null) {
                security.put(store.locationConfig(), location);
            }
            String password = options.get(store.password());
            if (password != null) {
                security.put(store.passwordConfig(), new Password(password));
            }
            String type = options.get(store.type());
            if (type != null) {
                security.put(store.typeConfig(), type);
            }
        }
        if (!ssl) {
            onlyWith(options, SSL_KEY_PASSWORD, needsSsl);
            onlyWith(options, SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, needsSsl);
        } else {
            String keyPassword = options.get(SSL_KEY_PASSWORD);
            if (keyPassword != null) {
                security.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(keyPassword));
            }
            String endpointIdentification = options.get(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);
            // Kafka turns the host name check off with an empty value
            security.put(
                    SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
                    endpointIdentification.equals("none") ? "" : endpointIdentification);
        }
        return security;
    }

    private static void onlyWith(SpiOptions options, Option<?> option, String protocols) {
        String shown = options.shown(option);
        if (shown != null) {
            throw options.invalid(
                    option,
                    shown,
                    "not set unless " + SECURITY_PROTOCOL.name() + " is " + protocols);
        }
    }

    /** Parses the JAAS configuration as the client will, and checks its login module is there. */
    private static void checkJaas(SpiOptions options, String jaas) {
        List<AppConfigurationEntry> entries;
        try {
            entries =
                    JaasContext.loadClientContext(
                                    Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                            .configurationEntries();
        } catch (RuntimeException e) {
            // the parser's message may quote a part of the value, which may be the password
            throw options.invalid(
                    SASL_JAAS_CONFIG,
                    NOT_SHOWN,
                    "a JAAS configuration of an allowed login module: <class> required <key>=\"<value>\" ... ;");
        }
        if (entries.size() != 1) {
            throw options.invalid(SASL_JAAS_CONFIG, NOT_SHOWN, "exactly one login module");
        }
        String module = entries.get(0).getLoginModuleName();
        try {
            Class.forName(module, false, KafkaSinkSettings.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw options.invalid(
                    SASL_JAAS_CONFIG,
                    NOT_SHOWN,
                    "a login module class that exists (" + module + " is not available)");
        }
    }

    public boolean active() {
        return !bootstrapServers.isEmpty();
    }

    /**
     * How long one pass waits at most: {@code send} blocking, then the producer's own retries, then
     * a margin.
     */
    public long passTimeoutMillis() {
        return (long) maxBlockMs + deliveryTimeoutMs + WAIT_MARGIN_MS;
    }

    /** What the relay is told a pass may take: the pass's own deadline plus a margin. */
    public long leaseMillis() {
        return passTimeoutMillis() + LEASE_MARGIN_MS;
    }

    /**
     * The producer's configuration: idempotent (acks=all, at most 5 requests in flight, retried
     * until {@code delivery.timeout.ms}), uncompressed (no compression library is shipped).
     * Serializers are passed as objects when the producer is made, never as class names.
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
        return "KafkaSinkSettings[bootstrapServers="
                + bootstrapServers
                + ", topic="
                + topic
                + ", clientId="
                + clientId
                + ", deliveryTimeoutMs="
                + deliveryTimeoutMs
                + ", maxBlockMs="
                + maxBlockMs
                + ", requestTimeoutMs="
                + requestTimeoutMs
                + ", batchSize="
                + batchSize
                + ", security="
                + security.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                + (security.containsKey(SaslConfigs.SASL_MECHANISM)
                        ? "/" + security.get(SaslConfigs.SASL_MECHANISM)
                        : "")
                + "]";
    }
}
