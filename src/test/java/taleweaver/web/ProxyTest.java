package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.Config;
import taleweaver.RawHttp;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behind a reverse proxy (SPEC §13): X-Forwarded-For counts only from a trusted peer, right-most untrusted hop. */
class ProxyTest {
    @TempDir
    Path dir;

    private static Map<String, String> xff(String value) {
        return Map.of("X-Forwarded-For", value);
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsTheClients() {
        var config = TestConfig.of(dir, "server.trusted_proxies=127.0.0.1, 10.1.0.0/16", "auth.max_failed_logins=2");
        JavalinTest.test(App.create(config), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            var ann = RawHttp.from("127.0.0.1", xff("203.0.113.9"), base, "/signup", "email", "ann@x.org", "username", "Ann",
                    "password", Api.md5("pw"), "ip", "203.0.113.9:7000");
            assertEquals(200, ann.code(), "the callback host is the forwarded client's: " + ann.raw());
            // address-based auth: the client's own address passes, another client behind the same proxy does not
            assertEquals(200, RawHttp.from("127.0.0.1", xff("203.0.113.9"), base, "/status", "role", "Ann").http());
            assertEquals(401, RawHttp.from("127.0.0.1", xff("198.51.100.7"), base, "/status", "role", "Ann").http());
            // right-most untrusted hop: a client-supplied left part is ignored, trusted hops are skipped
            assertEquals(200, RawHttp.from("127.0.0.1", xff("1.2.3.4, 203.0.113.9, 10.1.2.3"), base, "/status", "role", "Ann").http());
            // lockouts count per forwarded address: one client's failures do not lock another
            for (int i = 0; i < 20; i++) {
                RawHttp.from("127.0.0.1", xff("198.51.100.66"), base, "/login", "email", "ann@x.org", "password", "bad" + i, "ip", "");
            }
            assertEquals(429, RawHttp.from("127.0.0.1", xff("198.51.100.66"), base, "/login", "email", "ann@x.org", "password", Api.md5("pw")).code());
        });
    }

    @Test
    void fromAnUntrustedPeerTheHeaderChangesNothing() {
        JavalinTest.test(App.create(TestConfig.of(dir, "limits.requests_per_minute=5")), (server, client) -> {
            String base = "http://127.0.0.1:" + server.port();
            assertEquals(200, RawHttp.from("127.0.0.1", base, "/signup", "email", "ann@x.org", "username", "Ann",
                    "password", Api.md5("pw"), "ip", "127.0.0.1:7000").code());
            // another machine claiming to be Ann's address borrows nothing
            assertEquals(401, RawHttp.from("127.0.0.2", xff("127.0.0.1"), base, "/status", "role", "Ann").http());
            // and a fresh X-Forwarded-For on every request dodges no rate limit
            int refused = 0;
            for (int i = 0; i < 8; i++) {
                if (RawHttp.from("127.0.0.2", xff("192.0.2." + i), base, "/legal", "mode", 0, "content", "abc").http() == 429) refused++;
            }
            assertTrue(refused >= 3, "the budget of 127.0.0.2 was spent whatever the header said: " + refused + " refused");
        });
    }

    @Test
    void aBadTrustedProxyStopsStartUpNamingTheKey() {
        for (String bad : List.of("10.0.0.0/33", "proxy.example.org", "10.0.0.1/x")) {
            var e = assertThrows(Config.Invalid.class, () -> TestConfig.of(dir, "server.trusted_proxies=" + bad));
            assertTrue(e.getMessage().contains("server.trusted_proxies"), e.getMessage());
        }
    }
}
