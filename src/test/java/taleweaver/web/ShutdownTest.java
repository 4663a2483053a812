package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.Services;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** SIGTERM: parked waits are answered with what is known, new requests get 503, /health too. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void shuttingDownReleasesParkedWaitsAndRefusesNewRequests() {
        var config = TestConfig.of(dir);
        var services = new Services(config);
        JavalinTest.test(App.create(config, services), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Ash");
            api.signup("Oak");
            api.signup("Elm");
            api.signup("Fir");
            var pool = Executors.newFixedThreadPool(2);
            var challenge = pool.submit(() -> api.call("/challenge", "role1", "Ash", "role2", "Oak", "wait", 60));
            String battle = api.call("/challenge", "role1", "Elm", "role2", "Fir", "wait", 0).text("id");
            api.call("/accept_challenge", "role", "Fir", "id", battle);
            var move = pool.submit(() -> api.call("/battle", "role", "Elm", "id", battle, "text", "strike"));
            for (int i = 0; i < 100 && api.call("/refrash", "role", "Oak").get("id_list").isEmpty(); i++) Thread.sleep(20);
            Thread.sleep(200); // the move is parked too

            services.beginShutdown();
            var waited = challenge.get(5, TimeUnit.SECONDS);
            assertEquals(200, waited.http());
            assertEquals("pending", waited.text("state"));
            assertFalse(waited.get("status").asBoolean());
            var moved = move.get(5, TimeUnit.SECONDS);
            assertEquals(200, moved.http(), moved.raw());
            assertEquals(503, api.call("/status", "role", "Ash").http());
            assertEquals("shutting_down", api.call("/legal", "mode", 0, "content", "abc").text("error"));
            pool.shutdown();
        });
    }
}
