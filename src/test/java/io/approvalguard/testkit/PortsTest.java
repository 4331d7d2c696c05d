package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The launchers' port check: a taken port fails naming itself, what it is for and who holds it. */
class PortsTest {

    @Test
    void aPortSomethingListensOnFailsNamingThePortItsUseAndItsHolder() throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getByName(Ports.HOST))) {
            int port = occupied.getLocalPort();
            IllegalStateException refused =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Ports.requireFree(
                                            port, "the test's own server", "this very test"));
            String message = refused.getMessage();
            assertTrue(message.contains("port " + port + " on 127.0.0.1"), message);
            assertTrue(message.contains("the test's own server"), message);
            assertTrue(message.contains("already accepts connections"), message);
            assertTrue(message.contains("probably this very test"), message);
            if (Files.isReadable(Paths.get("/proc/net/tcp"))) {
                assertTrue(
                        message.contains(
                                "held by process " + ProcessHandle.current().pid() + " (java)"),
                        message);
            }
        }
    }

    @Test
    void aPortThatIsBoundButDoesNotListenFailsToo() throws Exception {
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0));
            int port = bound.getLocalPort();
            IllegalStateException refused =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Ports.requireFree(
                                            port, "a server about to start", "a client socket"));
            assertTrue(
                    refused.getMessage()
                            .contains(
                                    "port "
                                            + port
                                            + " on 127.0.0.1 (a server about to start) cannot be bound"),
                    refused.getMessage());
        }
    }

    @Test
    void aFreePortPasses() {
        int port = Ports.freePort();
        Ports.requireFree(port, "a server about to start", "nobody");
        assertTrue(!Ports.accepts(port));
    }
}
