package io.approvalguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.DeviceCredentialModel;
import io.approvalguard.push.RegisterDeviceActionFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every message key the extension uses exists in every shipped language, so no screen ever shows a
 * raw key: the keys its Java code and templates name, and the ones Keycloak derives from our ids
 * (the Account Console's "Set up {credential type}-display-name", the required action's name).
 */
class MessageBundlesTest {

    private static final Path MESSAGES =
            Paths.get("src", "main", "resources", "theme-resources", "messages");
    private static final Pattern JAVA_KEY = Pattern.compile("\"(approvalGuard[A-Za-z0-9]+)\"");
    private static final Pattern TEMPLATE_KEY = Pattern.compile("msg\\(\"([A-Za-z0-9_.-]+)\"");

    @Test
    void everyKeyTheExtensionUsesIsInEveryBundle() throws IOException {
        Set<String> used = usedKeys();
        assertTrue(used.size() > 40, "the scan found the keys: " + used);
        List<Path> bundles;
        try (Stream<Path> files = Files.list(MESSAGES)) {
            bundles =
                    files.filter(
                                    f ->
                                            f.getFileName()
                                                    .toString()
                                                    .matches(
                                                            "messages_[a-z]{2}(_[A-Z]{2})?\\.properties"))
                            .sorted()
                            .toList();
        }
        assertTrue(bundles.size() >= 2, "English and German at least: " + bundles);
        for (Path bundle : bundles) {
            Properties messages = load(bundle);
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(messages.stringPropertyNames());
            assertEquals(Set.of(), missing, bundle + " lacks these keys");
            messages.stringPropertyNames()
                    .forEach(
                            key ->
                                    assertTrue(
                                            !messages.getProperty(key).isBlank()
                                                    && !messages.getProperty(key).contains("(s)"),
                                            bundle + ": " + key + " is empty or says \"(s)\""));
        }
    }

    private static Set<String> usedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        keys.add(DeviceCredentialModel.TYPE + "-display-name");
        keys.add(RegisterDeviceActionFactory.PROVIDER_ID);
        for (Path root :
                List.of(
                        Paths.get("src", "main", "java"),
                        Paths.get("src", "main", "resources", "theme-resources"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".java")) {
                        collect(JAVA_KEY, Files.readString(file, StandardCharsets.UTF_8), keys);
                    } else if (name.endsWith(".ftl")) {
                        collect(TEMPLATE_KEY, Files.readString(file, StandardCharsets.UTF_8), keys);
                    }
                }
            }
        }
        return keys;
    }

    private static void collect(Pattern pattern, String text, Set<String> keys) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            keys.add(matcher.group(1));
        }
    }

    private static Properties load(Path bundle) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(bundle, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
