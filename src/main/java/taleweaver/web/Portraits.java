package taleweaver.web;

import io.javalin.http.Context;
import taleweaver.account.AccountService;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /portrait/{name}}: a player's portrait as a PNG of its own, for the browser client's {@code <img>} (the
 * protocol's {@code /get_list} still carries them as base64). Portraits never change once an account exists, so the
 * reply carries a content-hash ETag and may be kept an hour; a browser that has it asks again and gets a bodiless 304.
 * Portraits are as public as the online list that shows them.
 */
public final class Portraits {
    private final AccountService accounts;

    public Portraits(AccountService accounts) {
        this.accounts = accounts;
    }

    public void serve(Context ctx) {
        var account = accounts.byName(ctx.pathParam("name")).orElseThrow(() -> new ApiError(404, "not_found", "no such portrait"));
        byte[] png = accounts.avatar(account.id());
        if (png == null || png.length == 0) throw new ApiError(404, "not_found", "no such portrait");
        cached(ctx, png);
    }

    /** {@code png} with a content-hash ETag, kept an hour; a bodiless 304 to a browser that has it. */
    static void cached(Context ctx, byte[] png) {
        String tag = "\"" + hash(png) + "\"";
        ctx.header("ETag", tag).header("Cache-Control", "public, max-age=3600");
        if (tag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("image/png").result(png);
    }

    private static String hash(byte[] png) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
