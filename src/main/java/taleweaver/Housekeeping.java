package taleweaver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.account.AccountService;
import taleweaver.admin.AdminToken;
import taleweaver.narrator.TokenLedger;
import taleweaver.web.RateLimiter;

/**
 * The periodic work of one instance, as named {@link Jobs}: each minute the limiters, the admin token's guesses and
 * the account caches are swept; each second the model tokens counted are written. A failing database only delays
 * them to their next turn.
 */
final class Housekeeping {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final RateLimiter perAddress;
    private final RateLimiter perRole;
    private final AdminToken adminToken;
    private final AccountService accounts;
    private final TokenLedger ledger;

    Housekeeping(RateLimiter perAddress, RateLimiter perRole, AdminToken adminToken, AccountService accounts, TokenLedger ledger) {
        this.perAddress = perAddress;
        this.perRole = perRole;
        this.adminToken = adminToken;
        this.accounts = accounts;
        this.ledger = ledger;
    }

    void start(Jobs jobs) {
        jobs.every("sweep", 60_000, 60_000, this::sweep);
        jobs.every("token ledger", 1_000, 1_000, this::flushLedger);
    }

    void flushLedger() {
        try {
            ledger.flush();
        } catch (RuntimeException e) { // the counts stay in memory and go with the next flush (or at shutdown)
            log.warn("token counts not written yet: {}", e.toString());
        }
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        perAddress.sweep(now);
        perRole.sweep(now);
        adminToken.sweep(now);
        try {
            accounts.sweep(now);
        } catch (RuntimeException e) { // the database is away: next minute
            log.warn("sweep: {}", e.toString());
        }
    }
}
