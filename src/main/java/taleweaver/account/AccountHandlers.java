package taleweaver.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import taleweaver.web.Body;
import taleweaver.web.Call;
import taleweaver.web.Done;

import java.util.concurrent.CompletableFuture;

/** HTTP side of /signup /login /logout /legal: read the body, call the service. */
public final class AccountHandlers {
    public record LegalReply(boolean status, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {}

    private final AccountService accounts;
    private final Legal legal;

    public AccountHandlers(AccountService accounts, Legal legal) {
        this.accounts = accounts;
        this.legal = legal;
    }

    public Object signup(Call c) {
        Body b = c.body();
        return accounts.signup(new AccountService.Signup(b.str("email"), b.str("username"), b.str("password"),
                b.str("ip"), b.text("image_data", Integer.MAX_VALUE), c.address()));
    }

    public Object login(Call c) {
        Body b = c.body();
        String ip = b.optStr("ip");
        return accounts.login(b.str("email"), b.str("password"), ip == null || ip.isEmpty() ? null : ip, c.address());
    }

    public Object logout(Call c) {
        accounts.logout(c.player("role"), c.token());
        return new Done();
    }

    public CompletableFuture<LegalReply> legal(Call c) {
        Body b = c.body();
        int mode = b.integer("mode");
        String content = b.text("content", Body.TEXT_MAX);
        return legal.check(mode, content).thenApply(reason -> new LegalReply(reason.isEmpty(), reason.orElse(null)));
    }
}
