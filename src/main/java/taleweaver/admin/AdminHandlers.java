package taleweaver.admin;

import taleweaver.web.ApiError;
import taleweaver.web.Body;
import taleweaver.web.Call;
import taleweaver.web.Done;


/**
 * HTTP side of /admin/... (SPEC §13). Every call carries the admin token as {@code Authorization: Bearer}, checked
 * by {@link AdminToken#verify} (constant time, wrong tokens limited per address). Every action is audited.
 */
public final class AdminHandlers {
    private final AdminService admin;
    private final AdminToken token;

    public AdminHandlers(AdminService admin, AdminToken token) {
        this.admin = admin;
        this.token = token;
    }

    /** Checks the token before anything else is read; then the action is audited. */
    private void authorize(Call c) {
        var verdict = token.verify(c.address(), c.token());
        if (verdict.allowed()) return;
        if (verdict.retrySeconds() > 0) throw new ApiError(429, "rate_limited", "too many wrong admin tokens from this address", verdict.retrySeconds());
        throw new ApiError(401, "unauthorized", "the admin token is missing or wrong");
    }

    private void audit(Call c, String action, String target, String detail) {
        admin.audit(c.address(), action, target, detail);
    }

    public Object players(Call c) {
        authorize(c);
        Body b = c.body();
        audit(c, "players", null, null);
        return admin.players(b.bool("online", false), (int) b.number("offset", 0), (int) b.number("limit", 50));
    }

    public Object password(Call c) {
        authorize(c);
        String name = c.body().str("username");
        String password = c.body().str("password");
        audit(c, "password", name, null);
        return admin.password(name, password).thenApply(ok -> new Done());
    }

    public Object ban(Call c) {
        authorize(c);
        String name = c.body().str("username");
        int minutes = c.body().integer("minutes");
        audit(c, "ban", name, minutes + " min");
        admin.ban(name, minutes);
        return new Done();
    }

    public Object kick(Call c) {
        authorize(c);
        String name = c.body().str("username");
        audit(c, "kick", name, null);
        admin.kick(name);
        return new Done();
    }

    public Object backup(Call c) {
        authorize(c);
        audit(c, "backup", null, null);
        return admin.backup();
    }

    public Object status(Call c) {
        authorize(c);
        audit(c, "status", null, null);
        return admin.status();
    }
}
