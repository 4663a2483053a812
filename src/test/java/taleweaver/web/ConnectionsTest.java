package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.TestConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection layer (SPEC §10): slow clients hold no request thread; a burst of connections loses none. */
class ConnectionsTest {
    @TempDir
    Path dir;

    private static Socket open(int port) throws IOException {
        var s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /**
     * Ten thousand players' kept-alive heartbeats (issue 22): Jetty's per-connection cache of header values (96 KB each
     * at its default size) filled a 256 MB heap at a few thousand; it is off, and requests on a kept-alive connection
     * still read their headers.
     */
    @Test
    void aKeptAliveConnectionKeepsNoHeaderCache() {
        var app = App.create(TestConfig.of(dir));
        JavalinTest.test(app, (server, client) -> {
            for (var connector : app.jettyServer().server().getConnectors()) {
                var http = connector.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class);
                assertEquals(0, http.getHttpConfiguration().getHeaderCacheSize());
            }
            Api api = new Api(client.getOrigin());
            api.signup("Keeper");
            try (Socket s = open(server.port())) {
                var in = s.getInputStream();
                for (int i = 0; i < 3; i++) {
                    byte[] body = "{\"role\":\"Keeper\"}".getBytes(StandardCharsets.UTF_8);
                    s.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().write(body);
                    var head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
                    assertTrue(head.toString().startsWith("HTTP/1.1 200 "), head.toString());
                    var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
                    assertTrue(length.find(), "a body with its length, on the same connection, request " + (i + 1));
                    String json = new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
                    assertTrue(json.contains("\"status_code\":200"), json);
                }
            }
        });
    }

    /** More stalled bodies than the Java 17 request pool has threads: other players' requests still go through. */
    @Test
    void clientsThatStallMidBodyHoldNoRequestThread() {
        JavalinTest.test(App.create(TestConfig.of(dir, "server.read_timeout_seconds=30")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            var stalled = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 150; i++) {
                    Socket s = open(server.port());
                    s.getOutputStream().write(("POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"role\":").getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                Thread.sleep(300);
                var pool = Executors.newFixedThreadPool(4);
                var answers = new ArrayList<Future<Api.Reply>>();
                for (int i = 0; i < 8; i++) answers.add(pool.submit(() -> api.call("/status", "role", "Ash")));
                for (var a : answers) assertEquals(200, a.get(10, TimeUnit.SECONDS).code(), "answered beside 150 stalled bodies");
                pool.shutdown();
            } finally {
                for (Socket s : stalled) s.close();
            }
        });
    }

    @Test
    void aSilentConnectionIsClosedAfterTheReadTimeout() {
        JavalinTest.test(App.create(TestConfig.of(dir, "server.read_timeout_seconds=1")), (server, client) -> {
            try (Socket s = open(server.port())) {
                s.getOutputStream().write("POST /legal HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n{\"mode\":".getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                byte[] all = in.readAllBytes(); // returns when the server closes; the socket's own timeout is 10 s
                String reply = new String(all, StandardCharsets.UTF_8);
                assertTrue(reply.isEmpty() || !reply.contains("\"status\":true"), reply);
            }
        });
    }

    @Test
    void aBurstOfConnectionsIsAnsweredInFull() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir)), (server, client) -> {
            var pool = Executors.newFixedThreadPool(64);
            var calls = new ArrayList<Callable<String>>();
            for (int i = 0; i < 600; i++) {
                calls.add(() -> {
                    try (Socket s = open(server.port())) {
                        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                });
            }
            List<Future<String>> replies = pool.invokeAll(calls, 60, TimeUnit.SECONDS);
            for (var r : replies) assertTrue(r.get().startsWith("HTTP/1.1 200"), r.get());
            pool.shutdown();
        });
    }
}
