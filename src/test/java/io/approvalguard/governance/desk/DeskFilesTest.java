package io.approvalguard.governance.desk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The desk serves exactly its own files: every file of {@code governance-desk/} but the Node marker
 * {@code package.json}, and so every module the page imports; its HTML has no inline script or
 * style, which its CSP would block.
 */
class DeskFilesTest {

    private static final Path DIR = Path.of("src/main/resources/governance-desk");
    private static final Pattern IMPORT = Pattern.compile("from\\s+'\\./([^']+)'");

    @Test
    void everyFileOfThePageIsServedAndNothingElse() throws IOException {
        Set<String> present;
        try (Stream<Path> files = Files.list(DIR)) {
            present =
                    files.map(p -> p.getFileName().toString())
                            .filter(name -> !name.equals("package.json"))
                            .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(present, new TreeSet<>(DeskResource.FILES.keySet()));
    }

    @Test
    void everyImportedModuleIsServedAsJavaScript() throws IOException {
        for (String name : DeskResource.FILES.keySet()) {
            if (!name.endsWith(".js")) {
                continue;
            }
            Matcher imports = IMPORT.matcher(Files.readString(DIR.resolve(name)));
            while (imports.find()) {
                String module = imports.group(1);
                assertTrue(
                        DeskResource.FILES.getOrDefault(module, "").startsWith("text/javascript"),
                        name + " imports " + module + ", which is not served as a module");
            }
        }
    }

    @Test
    void thePageHasNoInlineScriptOrStyle() throws IOException {
        String html = Files.readString(DIR.resolve("index.html"));
        assertFalse(
                Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find(), "inline script");
        assertFalse(html.contains("<style"), "a style element");
        assertFalse(Pattern.compile("\\sstyle=").matcher(html).find(), "a style attribute");
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), "an event attribute");
        assertTrue(DeskResource.CSP.contains("script-src 'self'"));
        assertTrue(DeskResource.CSP.contains("connect-src 'self'"));
        assertTrue(DeskResource.CSP.contains("frame-ancestors 'none'"));
    }
}
