package taleweaver.web;

import io.javalin.http.Context;
import taleweaver.Config;
import taleweaver.account.Account;
import taleweaver.account.AccountService;
import taleweaver.account.Player;
import taleweaver.pvp.Presence;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a request may act as the role it names (SPEC §2): by the role's token, by the address
 * it last logged in from ({@code token_or_address}), or always ({@code open}). A browser request from a web page
 * (an Origin header) needs the token unless the page is the player's own (a local file or loopback): a site the
 * player visits must not act as them just by sharing their address. Counts the role's rate
 * budget and marks the role present for the length of the request.
 */
public final class Auth {
    static final String ROLES = "tw.roles";

    private final String mode;
    private final AccountService accounts;
    private final Presence presence;
    private final RateLimiter perRole;

    public Auth(Config.Auth config, AccountService accounts, Presence presence, RateLimiter perRole) {
        this.mode = config.mode();
        this.accounts = accounts;
        this.presence = presence;
        this.perRole = perRole;
    }

    Player authorize(Context ctx, Body body, String name) {
        Account account = accounts.byName(name).orElseThrow(() -> unauthorized(name));
        if (account.banned(System.currentTimeMillis())) throw unauthorized(name); // nothing is authorised as a banned player
        boolean allowed = mode.equals("open")
                || accounts.tokenBelongsTo(token(ctx, body), account.id())
                || mode.equals("token_or_address") && account.addressActive() && address(ctx).equals(account.loginAddress())
                        && ownPage(ctx.header("Origin"));
        if (!allowed) throw unauthorized(name);
        long wait = perRole.acquire("role:" + account.id(), System.currentTimeMillis());
        if (wait > 0) throw new ApiError(429, "rate_limited", "too many requests for this role", wait);
        List<Player> roles = ctx.attribute(ROLES);
        if (roles == null) {
            roles = new ArrayList<>(2);
            ctx.attribute(ROLES, roles);
        }
        Player player = account.player();
        if (!roles.contains(player)) {
            roles.add(player);
            presence.begin(player);
        }
        return player;
    }

    /** Called once the request has been answered: its roles are no longer "in a request". */
    void finished(Context ctx) {
        List<Player> roles = ctx.attribute(ROLES);
        if (roles != null) roles.forEach(presence::end);
    }

    /** No Origin (not a browser), or a page of the player's own machine. */
    static boolean ownPage(String origin) {
        if (origin == null) return true;
        return origin.startsWith("file://") || LOOPBACK_ORIGIN.matcher(origin).matches();
    }

    private static final java.util.regex.Pattern LOOPBACK_ORIGIN =
            java.util.regex.Pattern.compile("https?://(localhost|127\\.0\\.0\\.1|\\[::1])(:\\d{1,5})?");

    static String roleNames(Context ctx) {
        List<Player> roles = ctx.attribute(ROLES);
        if (roles == null || roles.isEmpty()) return "-";
        if (roles.size() == 1) return roles.get(0).name();
        return String.join(",", roles.stream().map(Player::name).toList());
    }

    public static String token(Context ctx, Body body) {
        String bearer = bearer(ctx);
        return bearer != null ? bearer : body.optStr("token");
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    public static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    /** The client's address: as the gate resolved it (behind a trusted proxy, from X-Forwarded-For), else the TCP peer. */
    public static String address(Context ctx) {
        String resolved = ctx.attribute(ClientAddress.KEY);
        return resolved != null ? resolved : ctx.req().getRemoteAddr();
    }

    private static ApiError unauthorized(String name) {
        return new ApiError(401, "unauthorized", "this request is not signed in as '" + name + "'");
    }
}
