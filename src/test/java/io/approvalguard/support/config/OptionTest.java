package io.approvalguard.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.MapScope;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderConfigProperty;

class OptionTest {

    private static final Option<Integer> COUNT =
            Option.wholeNumber("count", 5, 1, 50, "How many.").label("Count");
    private static final Option<Boolean> QUIET =
            Option.bool("quiet", true, "Be quiet.").label("Quiet");
    private static final Option<String> MODE =
            Option.choice("mode", "fast", List.of("fast", "safe"), "How.");
    private static final Option<String> PROTOCOL =
            Option.choiceIgnoringCase("protocol", "PLAIN", List.of("PLAIN", "TLS"), "Wire.");
    private static final Option<String> TOKEN =
            Option.text("token", null, "A secret.")
                    .secret()
                    .matching(t -> t.length() >= 8, "at least 8 characters");
    private static final Option<List<String>> HOSTS = Option.list("hosts", "Where.");
    private static final Option<URI> URL = Option.httpUrl("url", "Target.");

    private static SpiOptions server(Map<String, String> values) {
        return new SpiOptions(new MapScope(values), "spi-test--provider");
    }

    @Test
    void serverOptionsTakeTheirDefaultWhenUnsetOrBlank() {
        SpiOptions none = server(Map.of("count", "  "));
        assertEquals(5, none.get(COUNT));
        assertEquals(true, none.get(QUIET));
        assertEquals("fast", none.get(MODE));
        assertNull(none.get(TOKEN));
        assertEquals(List.of(), none.get(HOSTS));
        assertNull(none.get(URL));
        assertFalse(none.isSet(COUNT));
        assertNull(new SpiOptions(null, "x").get(TOKEN), "no scope at all: defaults");
    }

    @Test
    void serverOptionsAreReadTrimmed() {
        SpiOptions set =
                server(
                        Map.of(
                                "count",
                                " 50 ",
                                "quiet",
                                "FALSE",
                                "mode",
                                "safe",
                                "protocol",
                                "tls",
                                "token",
                                "s3cr3t-value",
                                "hosts",
                                " a:1, ,b:2 ",
                                "url",
                                "https://h.example/p?q"));
        assertEquals(50, set.get(COUNT));
        assertEquals(false, set.get(QUIET));
        assertEquals("safe", set.get(MODE));
        assertEquals("TLS", set.get(PROTOCOL), "read as the allowed value is spelled");
        assertEquals("s3cr3t-value", set.get(TOKEN));
        assertEquals(List.of("a:1", "b:2"), set.get(HOSTS));
        assertEquals(URI.create("https://h.example/p?q"), set.get(URL));
    }

    @Test
    void badServerOptionsStopTheStartNamingOptionValueAndRange() {
        Map<String, String> cases = new HashMap<>();
        cases.put("count", "51");
        cases.put("quiet", "yes");
        cases.put("mode", "FAST");
        cases.put("url", "ftp://h.example/");
        for (var c : cases.entrySet()) {
            Option<?> option =
                    List.of(COUNT, QUIET, MODE, URL).stream()
                            .filter(o -> o.name().equals(c.getKey()))
                            .findFirst()
                            .orElseThrow();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> server(Map.of(c.getKey(), c.getValue())).get(option));
            assertEquals(
                    "Approval Guard: option spi-test--provider--"
                            + c.getKey()
                            + "="
                            + c.getValue()
                            + " is not valid: expected "
                            + option.expected(),
                    e.getMessage());
        }
        assertEquals("a whole number from 1 to 50", COUNT.expected());
        assertEquals("one of [fast, safe]", MODE.expected());
        assertEquals(
                "Approval Guard: option spi-test--provider--count=99999999999 is not valid: expected a whole number from 1 to 50",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> server(Map.of("count", "99999999999")).get(COUNT))
                        .getMessage());
    }

    @Test
    void aSecretIsNeverShown() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> server(Map.of("token", "short")).get(TOKEN));
        assertEquals(
                "Approval Guard: option spi-test--provider--token=(not shown) is not valid: expected at least 8 characters",
                e.getMessage());
        assertEquals("(not shown)", server(Map.of("token", "short")).shown(TOKEN));
        assertNull(server(Map.of()).shown(TOKEN));
    }

    @Test
    void badAdminConfigFallsBackToTheDefault() {
        Map<String, String> config = Map.of("count", "lots", "quiet", "maybe", "mode", "FAST");
        assertEquals(5, ConfigValues.get(config, COUNT));
        assertEquals(true, ConfigValues.get(config, QUIET));
        assertEquals("fast", ConfigValues.get(config, MODE), "admin config choices are exact");
        assertEquals(7, ConfigValues.get(Map.of("count", " 7 "), COUNT));
        assertEquals(false, ConfigValues.get(Map.of("quiet", "False"), QUIET));
        assertEquals(5, ConfigValues.get(null, COUNT));
    }

    @Test
    void adminConfigMetadataLeavesNumbersToTheServer() {
        OptionGroup group =
                OptionGroup.adminConfig("test-authenticator", List.of(COUNT, QUIET, MODE));
        List<ProviderConfigProperty> properties = group.configProperties();
        ProviderConfigProperty count = properties.get(0);
        assertEquals("count", count.getName());
        assertEquals("Count", count.getLabel());
        assertEquals(
                ProviderConfigProperty.STRING_TYPE,
                count.getType(),
                "a text field, so a bad value reaches ConfigValues");
        assertEquals("5", count.getDefaultValue());
        assertEquals("How many. 1 to 50; default 5.", count.getHelpText());
        assertEquals(ProviderConfigProperty.BOOLEAN_TYPE, properties.get(1).getType());
        assertEquals("true", properties.get(1).getDefaultValue());
        assertEquals(ProviderConfigProperty.LIST_TYPE, properties.get(2).getType());
        assertEquals(List.of("fast", "safe"), properties.get(2).getOptions());
        assertEquals("How. One of fast, safe; default fast.", properties.get(2).getHelpText());
        assertThrows(IllegalStateException.class, group::metadata, "not server options");
    }

    @Test
    void serverMetadataIsTypedAndHidesSecrets() {
        OptionGroup group =
                OptionGroup.server("spi-test--provider", List.of(COUNT, QUIET, TOKEN, HOSTS));
        List<ProviderConfigProperty> metadata = group.metadata();
        assertEquals("int", metadata.get(0).getType());
        assertEquals(5, metadata.get(0).getDefaultValue());
        assertEquals("boolean", metadata.get(1).getType());
        assertEquals(true, metadata.get(1).getDefaultValue());
        assertTrue(metadata.get(2).isSecret());
        assertNull(metadata.get(2).getDefaultValue());
        assertNull(metadata.get(3).getDefaultValue(), "an empty list is no default");
        assertEquals(
                "spi-test--provider--count", group.read(new MapScope(Map.of())).fullName(COUNT));
    }

    @Test
    void aGroupRefusesANameTwice() {
        assertThrows(
                IllegalArgumentException.class,
                () -> OptionGroup.server("x", List.of(COUNT, COUNT)));
    }
}
