package taleweaver.web;

import io.javalin.http.Context;
import taleweaver.account.Player;

/** One request as a handler sees it: the JSON body, the caller's address, and the roles it is authorised as. */
public final class Call {
    private final Context ctx;
    private final Body body;
    private final Auth auth;

    Call(Context ctx, Body body, Auth auth) {
        this.ctx = ctx;
        this.body = body;
        this.auth = auth;
    }

    public Body body() { return body; }

    /** The remote address the request came from (no port). */
    public String address() { return Auth.address(ctx); }

    /** The session token the request carries (Authorization: Bearer, or a "token" field), or null. */
    public String token() { return Auth.token(ctx, body); }

    /** The player named by {@code field} (e.g. "role"), once this request is authorised as them; else HTTP 401. */
    public Player player(String field) {
        return auth.authorize(ctx, body, body.str(field));
    }

    /** Where the reply's text goes as it is written, when the client asked for a stream; else null. */
    public java.util.function.Consumer<String> textStream() {
        return SseReply.of(ctx);
    }

    /** Authorise as a player the route found by other means (the addressee of a challenge). */
    public Player as(Player player) {
        return auth.authorize(ctx, body, player.name());
    }
}
