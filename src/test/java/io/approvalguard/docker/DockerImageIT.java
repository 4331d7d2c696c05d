package io.approvalguard.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.pages.BrowserFlow;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image of docker/Dockerfile, started with Testcontainers, signs a user in with push approval.
 * Only where a Docker engine exists; elsewhere skipped (the distribution-based ITs cover the same
 * flows).
 */
class DockerImageIT {

    private static final String REALM = "ag-test";
    private static final String CLIENT = "ag-test-client";
    private static final String CALLBACK = "http://127.0.0.1:8089/callback";
    private static final String PASSWORD = "correct-horse-battery";

    @Test
    void theImageSignsInWithPushApproval() {
        assumeTrue(
                dockerAvailable(),
                "No Docker engine on this machine: the image test is skipped; the "
                        + "distribution-based ITs (PushLoginIT, ClusterIT) cover the same flows");
        Path root = Paths.get("").toAbsolutePath();
        ImageFromDockerfile image =
                new ImageFromDockerfile("approval-guard-keycloak-it", false)
                        .withFileFromPath(".", root)
                        .withDockerfile(root.resolve("docker/Dockerfile"));
        try (KeycloakContainer keycloak =
                new KeycloakContainer(image.get())
                        .withRealmImportFile("/realms/ag-test-realm.json")
                        .withCustomCommand("start-dev")
                        .withStartupTimeout(Duration.ofMinutes(5))) {
            keycloak.start();
            String base = keycloak.getAuthServerUrl();
            AdminClient admin =
                    new AdminClient(base, keycloak.getAdminUsername(), keycloak.getAdminPassword());
            String username = "docker-" + UUID.randomUUID().toString().substring(0, 8);
            admin.createUser(REALM, username, PASSWORD, List.of());
            DeviceClient device = DeviceClient.create(base, REALM);
            BrowserFlow first =
                    new BrowserFlow(base)
                            .start(REALM, CLIENT, CALLBACK)
                            .submitPassword(username, PASSWORD);
            assertEquals(201, device.enrol(first.enrolmentToken(), "docker device").status());
            assertTrue(first.pressEnrol().isLoggedIn(), first.describePage());

            BrowserFlow browser =
                    new BrowserFlow(base)
                            .start(REALM, CLIENT, CALLBACK)
                            .submitPassword(username, PASSWORD);
            Map<String, Object> challenge = device.awaitChallenge(Duration.ofSeconds(10));
            assertEquals(200, device.answer(challenge, "approve", browser.code()).status());
            assertTrue(browser.pressWait("continue").isLoggedIn(), browser.describePage());
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
