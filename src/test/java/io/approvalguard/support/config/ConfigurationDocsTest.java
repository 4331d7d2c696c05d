package io.approvalguard.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the code agree on every option's name, default and range. The options
 * are found by reflection over the compiled classes (every static {@link OptionGroup}), so there is
 * no list to forget: an option that is declared but in no group fails here too.
 *
 * <p>Each options table in the docs follows a marker naming its group's scope, {@code <!-- options:
 * spi-approval-guard-sink--webhook -->}, and has the columns {@code option | default | range |
 * meaning}. A default is written {@code `value`}, or as prose when there is none; a range as {@code
 * 1 to 50} or {@code `a`, `b`}, with remarks in parentheses allowed ({@code 0 (off) to 3600}). The
 * range of free text, lists and URLs is prose, unchecked.
 */
class ConfigurationDocsTest {

    private static final Path DOCS = Path.of("docs", "configuration.md");
    private static final Pattern MARKER = Pattern.compile("<!--\\s*options:\\s*(\\S+)\\s*-->");
    private static final Pattern ONE_CODE_SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern REMARK = Pattern.compile("\\s*\\([^)]*\\)");
    private static final List<String> HEADER_TAIL = List.of("default", "range", "meaning");

    private static Declarations declarations;

    /** One option as the docs must show it. */
    record Expected(String where, String name, String defaultCell, String range) {}

    /** One row of an options table. */
    record Row(String scope, int line, String name, String defaultCell, String range) {}

    /** What the compiled classes declare: the groups and every static option field. */
    record Declarations(
            Map<String, OptionGroup> groupsByWhere, Map<String, Option<?>> optionsByWhere) {}

    @BeforeAll
    static void scan() throws IOException, URISyntaxException, ReflectiveOperationException {
        Path classes =
                Path.of(Option.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, OptionGroup> groups = new LinkedHashMap<>();
        Map<String, Option<?>> options = new LinkedHashMap<>();
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names =
                    files.map(classes::relativize)
                            .map(Path::toString)
                            .filter(
                                    f ->
                                            f.endsWith(".class")
                                                    && !f.endsWith("package-info.class")
                                                    && !f.endsWith("module-info.class"))
                            .map(
                                    f ->
                                            f.substring(0, f.length() - ".class".length())
                                                    .replace('/', '.')
                                                    .replace('\\', '.'))
                            .sorted()
                            .toList();
        }
        ClassLoader loader = ConfigurationDocsTest.class.getClassLoader();
        for (String name : names) {
            Class<?> type = Class.forName(name, false, loader);
            for (Field field : type.getDeclaredFields()) {
                boolean declaration =
                        field.getType() == OptionGroup.class || field.getType() == Option.class;
                if (!declaration || !Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                String where = type.getSimpleName() + "." + field.getName();
                if (field.get(null) instanceof OptionGroup group) {
                    groups.put(where, group);
                } else if (field.get(null) instanceof Option<?> option) {
                    options.put(where, option);
                }
            }
        }
        declarations = new Declarations(groups, options);
    }

    @Test
    void everyDeclaredOptionIsInAGroup() {
        Set<Option<?>> grouped = Collections.newSetFromMap(new IdentityHashMap<>());
        declarations.groupsByWhere().values().forEach(g -> grouped.addAll(g.options()));
        List<String> loose =
                declarations.optionsByWhere().entrySet().stream()
                        .filter(e -> !grouped.contains(e.getValue()))
                        .map(Map.Entry::getKey)
                        .toList();
        assertEquals(List.of(), loose, "options declared but in no OptionGroup, so not documented");
        assertTrue(
                declarations.groupsByWhere().size() >= 10,
                "found the groups: " + declarations.groupsByWhere().keySet());
    }

    @Test
    void everyGroupHasAScopeOfItsOwn() {
        Map<String, List<String>> byScope =
                declarations.groupsByWhere().entrySet().stream()
                        .collect(
                                Collectors.groupingBy(
                                        e -> e.getValue().scope(),
                                        LinkedHashMap::new,
                                        Collectors.mapping(
                                                Map.Entry::getKey, Collectors.toList())));
        byScope.values().removeIf(wheres -> wheres.size() == 1);
        assertEquals(Map.of(), byScope, "groups sharing a scope");
    }

    @Test
    void docsAndCodeAgreeOnNamesDefaultsAndRanges() throws IOException {
        Map<String, Map<String, Expected>> expected = expected();
        List<String> problems = new ArrayList<>();
        List<Row> rows = rows(Files.readAllLines(DOCS, StandardCharsets.UTF_8), problems);

        Map<String, Map<String, Row>> documented = new LinkedHashMap<>();
        for (Row row : rows) {
            Map<String, Expected> ofScope = expected.get(row.scope());
            if (ofScope == null) {
                problems.add(
                        "line "
                                + row.line()
                                + ": no option group in the code has the scope "
                                + row.scope());
                continue;
            }
            Row earlier =
                    documented
                            .computeIfAbsent(row.scope(), s -> new LinkedHashMap<>())
                            .putIfAbsent(row.name(), row);
            if (earlier != null) {
                problems.add(
                        "line "
                                + row.line()
                                + ": `"
                                + row.name()
                                + "` of "
                                + row.scope()
                                + " is documented twice (also line "
                                + earlier.line()
                                + ")");
                continue;
            }
            Expected option = ofScope.get(row.name());
            if (option == null) {
                problems.add(
                        "line "
                                + row.line()
                                + ": `"
                                + row.name()
                                + "` is not an option of "
                                + row.scope()
                                + " in the code");
                continue;
            }
            compare(row, option, problems);
        }
        expected.forEach(
                (scope, options) ->
                        options.values().stream()
                                .filter(
                                        option ->
                                                !documented
                                                        .getOrDefault(scope, Map.of())
                                                        .containsKey(option.name()))
                                .forEach(
                                        option ->
                                                problems.add(
                                                        "`"
                                                                + option.name()
                                                                + "` ("
                                                                + option.where()
                                                                + ") is not documented in a table for "
                                                                + scope)));

        assertTrue(
                problems.isEmpty(),
                () -> DOCS + " and the code disagree:\n  " + String.join("\n  ", problems));
    }

    private static void compare(Row row, Expected option, List<String> problems) {
        String at = "line " + row.line() + ": `" + row.name() + "` (" + option.where() + ")";
        if (option.defaultCell() != null && !option.defaultCell().equals(row.defaultCell())) {
            problems.add(
                    at
                            + ": the default is "
                            + option.defaultCell()
                            + ", the docs say "
                            + row.defaultCell());
        }
        if (option.defaultCell() == null && ONE_CODE_SPAN.matcher(row.defaultCell()).matches()) {
            problems.add(at + ": has no default, the docs say " + row.defaultCell());
        }
        String shown = REMARK.matcher(row.range()).replaceAll("").replaceAll("\\s+", " ").trim();
        if (option.range() != null && !option.range().equals(shown)) {
            problems.add(at + ": the range is " + option.range() + ", the docs say " + row.range());
        }
    }

    /** Every option by scope and name, as the docs must show it. */
    private static Map<String, Map<String, Expected>> expected() {
        Map<String, Map<String, Expected>> expected = new LinkedHashMap<>();
        declarations
                .groupsByWhere()
                .forEach(
                        (where, group) -> {
                            Map<String, Expected> ofGroup =
                                    expected.computeIfAbsent(
                                            group.scope(), s -> new LinkedHashMap<>());
                            for (Option<?> option : group.options()) {
                                ofGroup.put(
                                        option.name(),
                                        new Expected(
                                                where,
                                                option.name(),
                                                code(option.fallbackText()),
                                                range(option)));
                            }
                        });
        return expected;
    }

    private static String range(Option<?> option) {
        return switch (option.kind()) {
            case WHOLE_NUMBER -> option.min() + " to " + option.max();
            case BOOLEAN, CHOICE ->
                    option.allowed().stream()
                            .map(ConfigurationDocsTest::code)
                            .collect(Collectors.joining(", "));
            default -> null;
        };
    }

    private static String code(String value) {
        return value == null ? null : "`" + value + "`";
    }

    /**
     * The rows of every marked options table; a marker without its table, or an options table
     * without a marker, is a problem.
     */
    static List<Row> rows(List<String> lines, List<String> problems) {
        List<Row> rows = new ArrayList<>();
        String scope = null;
        int markerLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            Matcher marker = MARKER.matcher(line);
            if (marker.matches()) {
                if (scope != null) {
                    problems.add(
                            "line " + markerLine + ": the marker for " + scope + " has no table");
                }
                scope = marker.group(1);
                markerLine = i + 1;
                continue;
            }
            if (!line.startsWith("|")) {
                if (!line.isEmpty() && scope != null) {
                    problems.add(
                            "line "
                                    + markerLine
                                    + ": the marker for "
                                    + scope
                                    + " is not followed by its table");
                    scope = null;
                }
                continue;
            }
            int header = i;
            List<String> columns = cells(line);
            boolean optionsTable =
                    columns.size() == 4
                            && List.of("option", "setting").contains(columns.get(0))
                            && columns.subList(1, 4).equals(HEADER_TAIL);
            while (i + 1 < lines.size() && lines.get(i + 1).trim().startsWith("|")) {
                i++;
                if (optionsTable && scope != null && i > header + 1) {
                    rows.add(row(scope, i + 1, cells(lines.get(i).trim()), problems));
                }
            }
            if (optionsTable && scope == null) {
                problems.add(
                        "line "
                                + (header + 1)
                                + ": an options table without an <!-- options: <scope> --> marker");
            } else if (!optionsTable && scope != null) {
                problems.add(
                        "line "
                                + (header + 1)
                                + ": the table for "
                                + scope
                                + " must have the columns option | default | range | meaning");
            }
            scope = null;
        }
        if (scope != null) {
            problems.add("line " + markerLine + ": the marker for " + scope + " has no table");
        }
        return rows;
    }

    private static Row row(String scope, int line, List<String> cells, List<String> problems) {
        if (cells.size() != 4) {
            problems.add("line " + line + ": " + cells.size() + " cells, not 4");
            return new Row(scope, line, "", "", "");
        }
        Matcher name = ONE_CODE_SPAN.matcher(cells.get(0));
        if (!name.matches()) {
            problems.add(
                    "line "
                            + line
                            + ": the first cell must be one option name in backticks, not "
                            + cells.get(0));
        }
        return new Row(
                scope,
                line,
                name.matches() ? name.group(1) : cells.get(0),
                cells.get(1),
                cells.get(2));
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }
}
