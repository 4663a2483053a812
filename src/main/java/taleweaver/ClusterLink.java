package taleweaver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.account.AccountService;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.party.Parties;
import taleweaver.pvp.BattleService;
import taleweaver.pvp.ChallengeService;
import taleweaver.pvp.InboxMarks;
import taleweaver.pvp.Presence;

/**
 * Several instances on one PostgreSQL (SPEC §15): what the others do reaches this one through {@link Signals} (each
 * kind to the service it concerns), and each second presence is shared and parked waits and overdue rounds are
 * checked against the database, in case a signal was missed.
 */
final class ClusterLink {
    private static final Logger log = LoggerFactory.getLogger(ClusterLink.class);

    private final Database db;
    private final Signals signals;
    private final AccountService accounts;
    private final Presence presence;
    private final ChallengeService challenges;
    private final BattleService battles;
    private final InboxMarks marks;
    private final Parties parties;

    ClusterLink(Database db, Signals signals, AccountService accounts, Presence presence, ChallengeService challenges,
                BattleService battles, InboxMarks marks, Parties parties) {
        this.db = db;
        this.signals = signals;
        this.accounts = accounts;
        this.presence = presence;
        this.challenges = challenges;
        this.battles = battles;
        this.marks = marks;
        this.parties = parties;
    }

    void join(Jobs jobs) {
        signals.on(Signals.Kind.ACCOUNT, id -> accounts.forget(Long.parseLong(id)));
        signals.on(Signals.Kind.OFFLINE, id -> {
            accounts.forget(Long.parseLong(id));
            presence.offlineElsewhere(Long.parseLong(id));
        });
        signals.on(Signals.Kind.CHALLENGE, challenges::wake);
        signals.on(Signals.Kind.ROUND, battles::wake);
        signals.on(Signals.Kind.INBOX, id -> marks.forget(Long.parseLong(id)));
        parties.listen(signals);
        signals.onReconnect(() -> { // signals may have been missed meanwhile: every cache is read again
            accounts.forgetAll();
            marks.forgetAll();
            parties.waits().wakeAll();
        });
        signals.start();
        jobs.every("sharing with other instances", 0, 1_000, this::share);
    }

    private void share() {
        try {
            presence.share(db);
            challenges.recheck();
            battles.recheck();
        } catch (RuntimeException e) { // the database is away: next second
            log.warn("sharing with other instances: {}", e.toString());
        }
    }
}
