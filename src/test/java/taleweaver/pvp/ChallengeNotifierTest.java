package taleweaver.pvp;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The challenge push (SPEC §2 callbacks): where it may go, and which answers are taken. */
class ChallengeNotifierTest {
    @TempDir
    Path dir;

    private static final int SERVER_PORT = 5000;

    private ChallengeNotifier anyHost() {
        return new ChallengeNotifier(TestConfig.of(dir, "challenge.callback_hosts=any").challenge(), SERVER_PORT);
    }

    @Test
    void theGuardRefusesLinkLocalMulticastZeroAndThisServersOwnPort() throws Exception {
        try (var notifier = anyHost()) {
            var guard = notifier.new GuardedDns(new ChallengeNotifier.Target("x", 9000, null));
            for (String refused : new String[]{"169.254.169.254", "169.254.1.1", "fe80::1", "224.0.0.1", "239.1.2.3", "ff02::1", "0.0.0.0", "0.1.2.3", "::"}) {
                assertFalse(guard.allowedLiteral(refused), refused);
            }
            for (String allowed : new String[]{"127.0.0.1", "192.168.1.20", "10.0.0.7", "::1"}) assertTrue(guard.allowedLiteral(allowed), allowed);

            var ownPort = notifier.new GuardedDns(new ChallengeNotifier.Target("x", SERVER_PORT, null));
            assertFalse(ownPort.allowedLiteral("127.0.0.1"), "this server, by loopback");
            assertThrows(UnknownHostException.class, () -> ownPort.lookup("localhost"), "or by a name for it");
            assertTrue(ownPort.allowedLiteral("192.0.2.1"), "the same port on another machine is someone else's");

            var sameClient = notifier.new GuardedDns(new ChallengeNotifier.Target("x", 9000, "127.0.0.2"));
            assertTrue(sameClient.allowedLiteral("127.0.0.2"));
            assertFalse(sameClient.allowedLiteral("127.0.0.3"), "not the address the player came from");
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (var notifier = anyHost(); var peer = new MockWebServer(); var elsewhere = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.1"), 0);
            elsewhere.start(InetAddress.getByName("127.0.0.1"), 0);
            elsewhere.enqueue(new MockResponse.Builder().code(200).body("{\"status\": true}").build());
            peer.enqueue(new MockResponse.Builder().code(307).setHeader("Location", elsewhere.url("/challenge_info").toString()).build());
            assertTrue(notifier.push("127.0.0.1", peer.getPort(), null, "c1", "Ann", null).get(10, TimeUnit.SECONDS).isEmpty());
            assertEquals(1, peer.getRequestCount());
            assertEquals(0, elsewhere.getRequestCount(), "the push goes only where the player said");
        }
    }

    @Test
    void onlyAnAnswerAboutThisChallengeAndOfAtMostAMegabyteIsTaken() throws Exception {
        try (var notifier = anyHost(); var peer = new MockWebServer()) {
            peer.start(InetAddress.getByName("127.0.0.1"), 0);
            peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": true, \"id\": \"another\"}").build());
            assertTrue(notifier.push("127.0.0.1", peer.getPort(), null, "c1", "Ann", null).get(10, TimeUnit.SECONDS).isEmpty(), "about another challenge");

            peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": true, \"image_data\": \"" + "A".repeat(2 << 20) + "\"}").build());
            assertTrue(notifier.push("127.0.0.1", peer.getPort(), null, "c1", "Ann", null).get(10, TimeUnit.SECONDS).isEmpty(), "over a megabyte");

            peer.enqueue(new MockResponse.Builder().code(200).body("{\"status\": true, \"id\": \"c1\", \"image_data\": \"AAAA\"}").build());
            var answer = notifier.push("127.0.0.1", peer.getPort(), null, "c1", "Ann", null).get(10, TimeUnit.SECONDS).orElseThrow();
            assertTrue(answer.accepted());
            assertEquals("AAAA", answer.imageData());
        }
    }
}
