package io.approvalguard.stream.sink.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;

/**
 * The Kafka client is shaded into the provider JAR under another package, so a Kafka class named in
 * a configuration string (a login module in {@code sasl.jaas.config}) must carry the relocated
 * name. Both names are computed at run time: the shade plugin rewrites string constants that look
 * like Kafka class names, which would make a literal translate into itself.
 */
final class KafkaClassNames {

    /** {@code org.apache.kafka.}, the package operators know from Kafka's documentation. */
    static final String ORIGINAL_PREFIX = String.join(".", "org", "apache", "kafka", "");

    /**
     * Where the client really is: {@code io.approvalguard.shaded.kafka.} in the provider JAR,
     * unchanged in tests.
     */
    static final String ACTUAL_PREFIX = actualPrefix();

    /**
     * A login module class name: the first token of the configuration or of an entry after a {@code
     * ;}.
     */
    private static final Pattern LOGIN_MODULE_START = Pattern.compile("(^|;)(\\s*)");

    private KafkaClassNames() {}

    private static String actualPrefix() {
        String pkg = KafkaException.class.getPackageName();
        String suffix = "common";
        if (!pkg.endsWith("." + suffix)) {
            throw new IllegalStateException("unexpected package of the Kafka client: " + pkg);
        }
        return pkg.substring(0, pkg.length() - suffix.length());
    }

    /** Whether the client in use is the relocated one. */
    static boolean relocated() {
        return !ORIGINAL_PREFIX.equals(ACTUAL_PREFIX);
    }

    /**
     * Rewrites login module class names in Kafka's package, in a JAAS configuration ({@code <class>
     * <flag> <key>=<value> ... ;}), to the package the client really is in. Option values are left
     * alone.
     */
    static String translateJaas(String config) {
        return relocated() ? translateJaas(config, ORIGINAL_PREFIX, ACTUAL_PREFIX) : config;
    }

    static String translateJaas(String config, String from, String to) {
        if (config == null) {
            return null;
        }
        Pattern loginModule = Pattern.compile(LOGIN_MODULE_START.pattern() + Pattern.quote(from));
        return loginModule
                .matcher(config)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + to));
    }
}
