package taleweaver.web;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client's address (SPEC §13): the TCP peer, unless the peer is one of {@code server.trusted_proxies}; then the
 * right-most address of {@code X-Forwarded-For} that is not a trusted proxy. From any other peer the header changes
 * nothing. Resolved once per request; address auth, callback checks, rate limits, lockouts and the log all use it.
 */
public final class ClientAddress {
    static final String KEY = "tw.address";
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    /** One trusted network: an address and how many leading bits must match. */
    private record Network(byte[] address, int bits) {
        boolean contains(byte[] other) {
            if (other.length != address.length) return false;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (other[i / 8] & mask)) return false;
            }
            return true;
        }
    }

    private final List<Network> trusted;
    /** The private ranges: trusting a whole one lets anyone on that network claim another's address. */
    private static final List<Network> PRIVATE = List.of(network("10.0.0.0/8"), network("172.16.0.0/12"),
            network("192.168.0.0/16"), network("fc00::/7"));

    /** {@code proxies}: addresses or CIDRs, comma-separated; throws IllegalArgumentException naming a bad one. */
    public ClientAddress(String proxies) {
        var list = new ArrayList<Network>();
        for (String entry : proxies.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) continue;
            String[] parts = e.split("/", 2);
            byte[] address = literal(parts[0]);
            if (address == null) throw new IllegalArgumentException("'" + e + "' is not an address or CIDR");
            int bits = address.length * 8;
            if (parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) throw new IllegalArgumentException("'" + e + "' has a bad prefix length");
            }
            list.add(new Network(address, bits));
        }
        this.trusted = List.copyOf(list);
    }

    private static Network network(String cidr) {
        String[] parts = cidr.split("/");
        return new Network(literal(parts[0]), Integer.parseInt(parts[1]));
    }

    /**
     * Why these proxies may not be trusted, or null: a network that covers every address lets any client name itself
     * anyone (and reach what loopback may); with address auth on, so does one that covers a whole private range.
     */
    public String tooBroad(boolean addressAuth) {
        for (Network n : trusted) {
            if (n.bits() == 0) return "trusts every address, so any client could claim any address; name the proxy's own address";
            if (!addressAuth) continue;
            for (Network p : PRIVATE) {
                if (p.address().length == n.address().length && n.bits() <= p.bits() && n.contains(p.address())) {
                    return "trusts a whole private range while auth.mode is token_or_address, so anyone on that network could "
                            + "play as another player; name the proxy's own address, or set auth.mode to token";
                }
            }
        }
        return null;
    }

    /** Resolves the client's address of this request and keeps it for the rest of the request. */
    String resolve(Context ctx) {
        String client = clientOf(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
        ctx.attribute(KEY, client);
        return client;
    }

    /** The client's address for a request from {@code peer} carrying {@code forwarded} (null when it has no X-Forwarded-For). */
    String clientOf(String peer, String forwarded) {
        String client = peer;
        if (forwarded != null && isTrusted(peer)) {
            String[] hops = forwarded.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].strip();
                if (literal(hop) == null) break; // garbage: stop at the proxy we know
                client = hop;
                if (!isTrusted(hop)) break;
            }
        }
        return client;
    }

    boolean isTrusted(String address) {
        byte[] a = literal(address);
        return a != null && trusted.stream().anyMatch(n -> n.contains(a));
    }

    /** The bytes of an address literal (never a DNS lookup), or null. */
    static byte[] literal(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (t.isEmpty() || t.length() > 45 || !LITERAL.matcher(t).matches()) return null;
        if (!t.contains(":") && t.chars().filter(c -> c == '.').count() != 3) return null;
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
