package taleweaver.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code server.trusted_proxies} (SPEC §13), the rules themselves: which peers are proxies, which hop is the client. */
class ClientAddressTest {
    @Test
    void aNetworkCoversExactlyItsPrefix() {
        var proxies = new ClientAddress("10.1.2.0/24, 192.168.7.7");
        assertTrue(proxies.isTrusted("10.1.2.0"));
        assertTrue(proxies.isTrusted("10.1.2.255"));
        assertFalse(proxies.isTrusted("10.1.3.0"), "the 24th bit differs");
        assertFalse(proxies.isTrusted("10.1.1.255"));
        assertTrue(proxies.isTrusted("192.168.7.7"), "an address alone is a /32");
        assertFalse(proxies.isTrusted("192.168.7.6"));
    }

    @Test
    void anIpv6ProxyTrustsNoIpv4AddressAndTheOtherWayRound() {
        var v6 = new ClientAddress("::1");
        assertTrue(v6.isTrusted("::1"));
        assertTrue(v6.isTrusted("[::1]"));
        assertFalse(v6.isTrusted("127.0.0.1"));
        assertFalse(v6.isTrusted("0.0.0.1"));
        assertFalse(new ClientAddress("127.0.0.1").isTrusted("::1"));
    }

    @Test
    void onlyWholeAddressLiteralsCount() {
        assertNull(ClientAddress.literal("127.1"), "a short form that resolves to 127.0.0.1 is not written as one");
        assertNull(ClientAddress.literal("1.2.3"));
        assertNull(ClientAddress.literal("localhost"));
        assertNull(ClientAddress.literal("unknown"));
        assertNull(ClientAddress.literal(""));
        assertNotNull(ClientAddress.literal("1.2.3.4"));
        assertFalse(new ClientAddress("127.0.0.1").isTrusted("127.1"));
    }

    @Test
    void trustingEveryAddressIsTooBroadWhateverTheAuthMode() {
        for (String every : new String[]{"0.0.0.0/0", "::/0", "127.0.0.1, 0.0.0.0/0"}) {
            assertNotNull(new ClientAddress(every).tooBroad(false), every);
            assertNotNull(new ClientAddress(every).tooBroad(true), every);
        }
        assertNotNull(new ClientAddress("10.0.0.0/8").tooBroad(true));
        assertNull(new ClientAddress("10.0.0.0/8").tooBroad(false), "a private range is only too broad when an address can sign in");
        assertNull(new ClientAddress("10.0.0.5, ::1").tooBroad(true));
    }

    @Test
    void theClientIsTheRightMostHopThatIsNoTrustedProxy() {
        var proxies = new ClientAddress("127.0.0.1, 10.0.0.2");
        assertEquals("9.9.9.9", proxies.clientOf("127.0.0.1", "6.6.6.6, 9.9.9.9, 10.0.0.2"), "a hop the client wrote itself is left of the real one");
        assertEquals("127.0.0.1", proxies.clientOf("127.0.0.1", "6.6.6.6, unknown"), "garbage: the known proxy is the client, not a hop left of it");
        assertEquals("10.0.0.2", proxies.clientOf("127.0.0.1", "6.6.6.6, 127.1, 10.0.0.2"), "a short form stops the walk too");
        assertEquals("8.8.8.8", proxies.clientOf("8.8.8.8", "9.9.9.9"), "from a peer no proxy, the header changes nothing");
        assertEquals("127.0.0.1", proxies.clientOf("127.0.0.1", null));
        assertEquals("10.0.0.2", proxies.clientOf("127.0.0.1", "10.0.0.2"), "every hop a proxy: the left-most of them");
    }
}
