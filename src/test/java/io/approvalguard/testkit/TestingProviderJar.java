package io.approvalguard.testkit;

import io.approvalguard.testkit.testprovider.TestingResourceProviderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds {@code approval-guard-testing.jar}: the compiled classes of {@code
 * io.approvalguard.testkit.testprovider} (and nothing else from the test sources) plus the service
 * file that registers {@link TestingResourceProviderFactory}. {@link KeycloakServer} copies it into
 * {@code providers/} next to the product JAR, which stays free of test code.
 */
public final class TestingProviderJar {

    public static final String FILE_NAME = "approval-guard-testing.jar";

    private static final String PACKAGE_DIR =
            TestingResourceProviderFactory.class.getPackageName().replace('.', '/') + "/";
    private static final String SERVICE_FILE =
            "META-INF/services/org.keycloak.services.resource.RealmResourceProviderFactory";

    private TestingProviderJar() {}

    /** Writes the JAR into {@code dir} (replacing an older one) and returns its path. */
    public static Path build(Path dir) {
        Path jar = dir.resolve(FILE_NAME);
        Path partial = dir.resolve(FILE_NAME + ".part");
        try {
            Files.createDirectories(dir);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (JarOutputStream out =
                    new JarOutputStream(Files.newOutputStream(partial), manifest)) {
                int classes = copyPackageClasses(classesLocation(), out);
                if (classes == 0) {
                    throw new IllegalStateException(
                            "no compiled classes of "
                                    + PACKAGE_DIR
                                    + " found in "
                                    + classesLocation());
                }
                out.putNextEntry(new JarEntry(SERVICE_FILE));
                out.write(
                        (TestingResourceProviderFactory.class.getName() + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            return Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build " + jar, e);
        }
    }

    /** Where the compiled test classes are: {@code target/test-classes}, or a JAR. */
    private static Path classesLocation() {
        try {
            return Paths.get(
                    TestingResourceProviderFactory.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException(
                    "cannot locate the compiled classes of " + PACKAGE_DIR, e);
        }
    }

    /**
     * Copies the {@code .class} files directly in the package (not sub-packages); returns how many.
     */
    private static int copyPackageClasses(Path location, JarOutputStream out) throws IOException {
        int count = 0;
        if (Files.isDirectory(location)) {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> listing = Files.list(location.resolve(PACKAGE_DIR))) {
                listing.filter(p -> p.getFileName().toString().endsWith(".class"))
                        .sorted()
                        .forEach(files::add);
            }
            addDirectories(out);
            for (Path file : files) {
                out.putNextEntry(new JarEntry(PACKAGE_DIR + file.getFileName()));
                Files.copy(file, out);
                out.closeEntry();
                count++;
            }
        } else {
            try (JarFile source = new JarFile(location.toFile())) {
                addDirectories(out);
                Enumeration<JarEntry> entries = source.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(PACKAGE_DIR)
                            && name.endsWith(".class")
                            && name.indexOf('/', PACKAGE_DIR.length()) < 0) {
                        out.putNextEntry(new JarEntry(name));
                        try (InputStream in = source.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Directory entries for the package path, as ordinary JAR tools write them. */
    private static void addDirectories(JarOutputStream out) throws IOException {
        int slash = -1;
        while ((slash = PACKAGE_DIR.indexOf('/', slash + 1)) >= 0) {
            out.putNextEntry(new JarEntry(PACKAGE_DIR.substring(0, slash + 1)));
            out.closeEntry();
        }
    }
}
