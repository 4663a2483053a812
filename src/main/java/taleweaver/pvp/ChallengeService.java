package taleweaver.pvp;

import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.Account;
import taleweaver.account.AccountService;
import taleweaver.account.Callback;
import taleweaver.account.NameRules;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.images.Png;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Challenges (SPEC §6): sent, delivered by push and by poll, answered once. A waiting challenger holds a
 * future in {@link #waiting}, completed by the answer or by its wait's end; no thread waits with it.
 */
public final class ChallengeService {
    public record ChallengeReply(boolean status, String imageData, String id, String state) {}
    public record Inbox(List<String> ids, List<String> senders, List<String> accepted) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final AccountService accounts;
    private final Presence presence;
    private final ChallengeNotifier notifier;
    private final BattleService battles;
    private final Config.Challenge config;
    /** A challenger waiting for the answer; {@code image} is the picture a pushed answer carried, for this wait only. */
    private record Wait(CompletableFuture<String> answer, AtomicReference<byte[]> image) {}

    private final ConcurrentHashMap<String, Wait> waiting = new ConcurrentHashMap<>();

    private final Signals signals;
    private final InboxMarks marks;

    public ChallengeService(Database db, AccountService accounts, Presence presence, ChallengeNotifier notifier,
                            BattleService battles, Config.Challenge config, Signals signals, InboxMarks marks) {
        this.signals = signals;
        this.marks = marks;
        this.db = db;
        this.accounts = accounts;
        this.presence = presence;
        this.notifier = notifier;
        this.battles = battles;
        this.config = config;
    }

    /** A wait as asked: at most 60 s, at least 0, whole seconds; the configured default when not given. */
    public int waitSeconds(double asked) {
        return waitSeconds(asked, config.waitSeconds());
    }

    static int waitSeconds(double asked, int byDefault) {
        if (Double.isNaN(asked)) return byDefault;
        return (int) Math.max(0, Math.min(60, Math.floor(asked)));
    }

    /** Players who may not duel now: a party quest of theirs is under way (SPEC §16: 423). */
    private java.util.function.LongPredicate questing = id -> false;

    public void refuseWhileQuesting(java.util.function.LongPredicate questing) {
        this.questing = questing;
    }

    private void notQuesting(long... players) {
        for (long p : players) {
            if (questing.test(p)) throw new Refusal(423, "in_quest", "a player is in a party quest; duel when it is over");
        }
    }

    public CompletableFuture<ChallengeReply> challenge(Player from, String toName, String imageData, int waitSeconds) {
        if (NameRules.key(toName).equals(NameRules.key(from.name()))) throw new Refusal(400, "self_challenge", "you cannot challenge yourself");
        Account to = accounts.byName(toName).orElseThrow(() -> new Refusal(404, "unknown_player", "no player is called " + toName));
        notQuesting(from.id(), to.id());
        if (!presence.online(to.id()) && !db.read(h -> presence.online(h, to.id()))) throw new Refusal(409, "offline", to.name() + " is offline");
        long now = System.currentTimeMillis();
        String id = newId();
        db.write(h -> {
            db.lockPlayers(h, from.id(), to.id());
            var dao = Daos.on(h, PvpDao.class);
            if (dao.activeBattlesOf(from.id(), from.id()) > 0 || dao.activeBattlesOf(to.id(), to.id()) > 0) {
                throw new Refusal(423, "in_battle", "a player is already in a battle");
            }
            dao.addChallenge(id, from.id(), to.id(), now, now + config.ttlSeconds() * 1000L);
            marks.changed(h, from.id(), to.id());
            return null;
        });
        var wait = new Wait(new CompletableFuture<>(), new AtomicReference<>());
        waiting.put(id, wait);
        push(from, to, id, imageData);
        if (waitSeconds == 0) {
            waiting.remove(id);
            return CompletableFuture.completedFuture(reply(id, null, to));
        }
        return wait.answer().completeOnTimeout("pending", waitSeconds, TimeUnit.SECONDS).thenApply(state -> {
            waiting.remove(id);
            return reply(id, wait.image().get(), to);
        });
    }

    private void push(Player from, Account to, String id, String imageData) {
        Callback callback = Callback.parse(to.callback());
        if (callback == null) return;
        byte[] sent = Png.decode(imageData, AccountService.AVATAR_MAX_BYTES);
        String picture = sent != null ? imageData.strip() : Png.base64(accounts.avatar(from.id()));
        notifier.push(callback.host(), callback.port(), to.loginAddress(), id, from.name(), picture).thenAccept(answer -> answer.ifPresent(a -> {
            try {
                if (a.accepted()) {
                    byte[] png = Png.decode(a.imageData(), AccountService.AVATAR_MAX_BYTES);
                    Wait w = waiting.get(id); // only a waiting challenger reads it; it goes with the wait
                    if (png != null && w != null) w.image().set(png);
                    accept(to.player(), id);
                } else {
                    reject(to.player(), id);
                }
            } catch (Refusal r) {
                Wait w = waiting.get(id); // answered another way first: that answer's picture is the avatar
                if (w != null) w.image().set(null);
            }
        }));
    }

    /** Where the challenge stands now, read from the database (an answer may have raced the wait's end). */
    private ChallengeReply reply(String id, byte[] pushedImage, Account to) {
        long now = System.currentTimeMillis();
        String state = db.read(PvpDao.class, dao -> dao.challenge(id))
                .map(c -> c.state().equals("pending") && c.expired(now) ? "expired" : c.state()).orElse("pending");
        if (!state.equals("accepted")) return new ChallengeReply(false, null, id, state);
        return new ChallengeReply(true, Png.base64(pushedImage != null ? pushedImage : accounts.avatar(to.id())), id, state);
    }

    /** The addressee accepts: the battle starts now, unless someone got there first. */
    public void accept(Player who, String id) {
        boolean started = db.write(h -> {
            var dao = Daos.on(h, PvpDao.class);
            ChallengeRow asked = answerable(dao, who, id);
            db.lockPlayers(h, asked.fromId(), asked.toId()); // then decide on what is committed now
            ChallengeRow c = answerable(dao, who, id);
            notQuesting(c.fromId(), c.toId());
            if (dao.activeBattlesOf(c.fromId(), c.fromId()) > 0 || dao.activeBattlesOf(c.toId(), c.toId()) > 0) {
                throw new Refusal(409, "in_battle", "one of you is already in another battle");
            }
            if (!presence.online(h, c.fromId())) { // the challenge ends here, committed: not refused now and accepted later
                if (dao.answer("expired", System.currentTimeMillis(), id) == 0) throw alreadyAnswered();
                signals.send(h, Signals.Kind.CHALLENGE, id);
                marks.changed(h, c.fromId(), c.toId());
                return false;
            }
            if (dao.answer("accepted", System.currentTimeMillis(), id) == 0) throw alreadyAnswered();
            signals.send(h, Signals.Kind.CHALLENGE, id); // the challenger may wait on another instance
            marks.changed(h, c.fromId(), c.toId());
            battles.start(h, id, c.fromId(), c.toId(), CharacterDao.sheet(h, c.fromId()).orElseThrow().maxHp(),
                    CharacterDao.sheet(h, c.toId()).orElseThrow().maxHp());
            return true;
        });
        if (!started) {
            answered(id, "expired");
            throw new Refusal(410, "challenger_offline", "the challenger went offline");
        }
        battles.opened(id);
        answered(id, "accepted");
    }

    public void reject(Player who, String id) {
        db.write(h -> {
            var dao = Daos.on(h, PvpDao.class);
            ChallengeRow c = answerable(dao, who, id);
            if (dao.answer("rejected", System.currentTimeMillis(), id) == 0) throw alreadyAnswered();
            signals.send(h, Signals.Kind.CHALLENGE, id);
            marks.changed(h, c.fromId(), c.toId());
            return null;
        });
        answered(id, "rejected");
    }

    /** The addressee of a challenge, for /accept_c which names no role. */
    public Player addressee(String id) {
        ChallengeRow c = db.read(PvpDao.class, dao -> dao.challenge(id))
                .orElseThrow(() -> new Refusal(404, "unknown_challenge", "no challenge has that id"));
        return accounts.byId(c.toId()).orElseThrow().player();
    }

    private ChallengeRow answerable(PvpDao dao, Player who, String id) {
        ChallengeRow c = dao.challenge(id).orElseThrow(() -> new Refusal(404, "unknown_challenge", "no challenge has that id"));
        if (c.toId() != who.id()) throw new Refusal(403, "not_yours", "this challenge is not addressed to you");
        long now = System.currentTimeMillis();
        if (c.expired(now)) throw new Refusal(410, "expired", "this challenge has expired");
        if (!c.state().equals("pending")) throw alreadyAnswered();
        return c;
    }

    private static Refusal alreadyAnswered() {
        return new Refusal(409, "already_answered", "this challenge was already answered");
    }

    private void answered(String id, String state) {
        Wait w = waiting.get(id);
        if (w != null) w.answer().complete(state);
    }

    /** Answered on another instance: a challenger waiting here reads the answer from the database. */
    public void wake(String id) {
        answered(id, "answered");
    }

    /**
     * Several instances: the waits parked here whose challenge was answered anywhere end now, also when the
     * notification was lost (called about once a second).
     */
    public void recheck() {
        var ids = List.copyOf(waiting.keySet());
        if (ids.isEmpty()) return;
        db.read(PvpDao.class, dao -> dao.answeredAmong(ids)).forEach(this::wake);
    }

    /** The challenge part of a heartbeat: waiting for my answer (oldest first), and mine accepted but not yet fought. */
    public Inbox inbox(Player player) {
        long now = System.currentTimeMillis();
        return marks.inbox(player.id(), now, () -> db.read(h -> {
            var dao = Daos.on(h, PvpDao.class);
            List<ChallengeRow> rows = dao.waitingFor(player.id(), now);
            List<String> senders = rows.stream().map(r -> accounts.nameOf(r.fromId())).toList();
            var inbox = new Inbox(rows.stream().map(ChallengeRow::id).toList(), senders, dao.acceptedUnplayed(player.id()));
            return new InboxMarks.Read(inbox, rows.stream().mapToLong(ChallengeRow::expiresAt).min().orElse(Long.MAX_VALUE));
        }));
    }

    /** Challengers waiting for an answer now. */
    public int parked() { return waiting.size(); }

    /** Waiting challengers are told where things stand now (the server is stopping). */
    public void releaseWaits() {
        waiting.values().forEach(w -> w.answer().complete("pending"));
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
