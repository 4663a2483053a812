package taleweaver.web;

import io.javalin.testtools.JavalinTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.Api;
import taleweaver.App;
import taleweaver.RawHttp;
import taleweaver.TestConfig;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void anAddressOverItsBudgetGets429WithRetryAfterButHealthIsExempt() {
        JavalinTest.test(App.create(TestConfig.of(dir, "limits.requests_per_minute=20")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            int ok = 0;
            Api.Reply refused = null;
            for (int i = 0; i < 40; i++) {
                var r = api.call("/legal", "mode", 0, "content", "Name" + i);
                if (r.http() == 200) ok++; else refused = r;
            }
            assertEquals(20, ok);
            assertEquals(429, refused.http());
            assertEquals(429, refused.code());
            int retry = Integer.parseInt(refused.headers().get("retry-after").get(0));
            assertTrue(retry >= 1 && retry <= 60);
            assertEquals(200, api.call("/health").http());
            assertEquals(200, RawHttp.from("127.0.0.2", api.base(), "/legal", "mode", 0, "content", "Other").http(), "another address has its own budget");
        });
    }

    @Test
    void namingAPlayerCannotSpendTheirBudget() {
        JavalinTest.test(App.create(TestConfig.of(dir, "limits.requests_per_minute=30")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Victim");
            for (int i = 0; i < 40; i++) RawHttp.from("127.0.0.2", api.base(), "/status", "role", "Victim"); // 401s from elsewhere
            assertEquals(200, api.call("/status", "role", "Victim").http(), "unauthorised requests don't count against the role");
        });
    }

    @Test
    void presenceEndsWithTheTimeout() throws Exception {
        JavalinTest.test(App.create(TestConfig.of(dir, "presence.timeout_seconds=1")), (server, client) -> {
            Api api = new Api(client.getOrigin());
            api.signup("Idle");
            api.signup("Busy");
            assertEquals("Idle", api.call("/get_list", "role", "Busy").get("roles").get(0).asText());
            Thread.sleep(1500);
            assertEquals(0, api.call("/get_list", "role", "Busy").get("roles").size());
            api.call("/time", "role", "Idle");
            assertEquals(1, api.call("/get_list", "role", "Busy").get("roles").size(), "any authorised request counts");
        });
    }
}
