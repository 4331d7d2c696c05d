package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * WebApproverResource serves a fixed list of files: a module added to the web approver but not to
 * that list is a 404, and a 404 for one imported module stops the whole page.
 */
class WebApproverFilesTest {

    private static final Path WEB_APPROVER =
            Path.of(System.getProperty("basedir", "."), "src/main/resources/web-approver");

    /** The files WebApproverResource serves, by name, with their content types. */
    @SuppressWarnings("unchecked")
    static Map<String, String> servedFiles() throws ReflectiveOperationException {
        Field files = WebApproverResource.class.getDeclaredField("FILES");
        files.setAccessible(true);
        return (Map<String, String>) files.get(null);
    }

    @Test
    void everyFileOfThePageIsServed() throws IOException, ReflectiveOperationException {
        Map<String, String> served = servedFiles();
        List<String> notServed;
        try (Stream<Path> files = Files.list(WEB_APPROVER)) {
            notServed =
                    files.map(file -> file.getFileName().toString())
                            .filter(name -> !name.equals("package.json")) // only for Node
                            .filter(name -> !served.containsKey(name))
                            .sorted()
                            .toList();
        }
        assertEquals(
                List.of(),
                notServed,
                "files of the web approver that WebApproverResource's FILES map does not list");
    }
}
