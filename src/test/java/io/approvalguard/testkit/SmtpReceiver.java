package io.approvalguard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SMTP server on loopback (no TLS, no auth) that keeps every message it is given, so a
 * test can see the mail Keycloak sends through the realm's SMTP settings.
 */
public final class SmtpReceiver implements AutoCloseable {

    /** One accepted message: the envelope recipients and the raw DATA. */
    public record Message(List<String> recipients, String data) {}

    private final ServerSocket server;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Listens on {@code port} of 127.0.0.1; fails naming the port when something else holds it. */
    public SmtpReceiver(int port) throws IOException {
        Ports.requireFree(
                port, "the test SMTP server", "another test run's SMTP receiver, or a mail server");
        server = new ServerSocket(port, 10, InetAddress.getByName(Ports.HOST));
        acceptor = new Thread(this::acceptLoop, "test-smtp-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** The first message to this address arriving within the timeout, or null. */
    public Message awaitMessageTo(String address, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Message message : messages) {
                if (message.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(address))) {
                    return message;
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                converse(socket);
            } catch (IOException e) {
                // closed, or a client went away mid-conversation: wait for the next one
            }
        }
    }

    private void converse(Socket socket) throws IOException {
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        reply(out, "220 test-smtp ready");
        List<String> recipients = new CopyOnWriteArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String command =
                    line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (command) {
                case "EHLO", "HELO" -> reply(out, "250 test-smtp");
                case "MAIL" -> {
                    recipients.clear();
                    reply(out, "250 OK");
                }
                case "RCPT" -> {
                    recipients.add(line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1"));
                    reply(out, "250 OK");
                }
                case "DATA" -> {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    StringBuilder data = new StringBuilder();
                    String dataLine;
                    while ((dataLine = in.readLine()) != null && !dataLine.equals(".")) {
                        data.append(dataLine.startsWith("..") ? dataLine.substring(1) : dataLine)
                                .append('\n');
                    }
                    messages.add(new Message(List.copyOf(recipients), data.toString()));
                    reply(out, "250 OK queued");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "250 OK");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
