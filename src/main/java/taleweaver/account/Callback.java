package taleweaver.account;

import java.util.regex.Pattern;

/** A player's "host:port" for pushes (SPEC §2 {@code ip}): IPv4, [IPv6] or a host name, and a port 1–65535. */
public record Callback(String host, int port) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.%]{2,60}]");

    public static boolean valid(String ip) {
        return parse(ip) != null;
    }

    /** The callback, or null when {@code ip} is not host:port. */
    public static Callback parse(String ip) {
        if (ip == null) return null;
        int colon = ip.lastIndexOf(':');
        if (colon <= 0 || colon == ip.length() - 1) return null;
        String host = ip.substring(0, colon), port = ip.substring(colon + 1);
        if (!HOST.matcher(host).matches() || !port.chars().allMatch(Character::isDigit) || port.length() > 5) return null;
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) return null;
        return new Callback(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, p);
    }
}
