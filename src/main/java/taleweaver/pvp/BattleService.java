package taleweaver.pvp;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.AccountService;
import taleweaver.account.Player;
import taleweaver.character.CharacterDao;
import taleweaver.character.CharacterService;
import taleweaver.character.Sheet;
import taleweaver.character.WorldClock;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.narrator.Lines;
import taleweaver.narrator.Narrator;
import taleweaver.world.Deeds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turn-based battles (SPEC §7). Moves and judged rounds live in the database; a round is judged inside the
 * one write transaction that stores its second move (or by the round's timer), so it is judged exactly once.
 * A mover waiting for the other side holds a future completed when the round is told.
 */
public final class BattleService {
    private static final Logger log = LoggerFactory.getLogger(BattleService.class);

    public record BattleReply(String role, String action, String result, boolean status, int round, Map<String, Integer> hp,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String winner,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean pending) {}

    /** What storing a move did: the round it went into, whether that round is now judged, whether the battle was already over. */
    private record Step(int round, boolean judged, boolean over, boolean endedNow) {}

    /** A round just judged, and whether it ended the battle. */
    private record Judged(int round, boolean ended) {}

    /** A round delivered through the heartbeat: the opponent, their move, the result; and the round, hp and winner after it. */
    public record Delivery(String role, String roleText, String systemText, int round, Map<String, Integer> hp, String winner) {}

    private final Database db;
    private final AccountService accounts;
    private final CharacterService characters;
    private final Presence presence;
    private final Narrator narrator;
    private final Lines lines;
    private final BattleJudge judge;
    private final Config.Battle config;
    private final taleweaver.Jobs jobs;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> told = new ConcurrentHashMap<>();
    private final AtomicLong judgements = new AtomicLong();
    private final Deeds deeds;
    private final Signals signals;
    private final InboxMarks marks;
    private final Ladder ladder;

    public BattleService(Database db, AccountService accounts, CharacterService characters, Presence presence, Narrator narrator,
                         Lines lines, String language, Config.Battle config, taleweaver.Jobs jobs, Deeds deeds,
                         Signals signals, InboxMarks marks, Ladder ladder) {
        this.ladder = ladder;
        this.signals = signals;
        this.marks = marks;
        this.deeds = deeds;
        this.db = db;
        this.accounts = accounts;
        this.characters = characters;
        this.presence = presence;
        this.narrator = narrator;
        this.lines = lines;
        this.judge = new BattleJudge(lines, language, config.maxRounds());
        this.config = config;
        this.jobs = jobs;
    }

    /** Rounds judged since start (for the bench's exactly-once count). */
    public long judgements() { return judgements.get(); }

    /** Part of the acceptance transaction. */
    void start(Handle h, String id, long p1, long p2, int hp1, int hp2) {
        Daos.on(h, PvpDao.class).addBattle(id, p1, p2, System.currentTimeMillis(), hp1, hp2);
    }

    /** After the acceptance committed: the first round's clock starts. */
    void opened(String id) {
        schedule(id, 1, config.roundTimeoutSeconds() * 1000L);
    }

    /**
     * After a restart: every unfinished battle's open round gets its timer back, with at least
     * {@link #RESTART_GRACE_MILLIS} to run. The restart, not the players, kept them from moving, and who was online went
     * with the last run: a round judged the moment the server starts would take every side for offline, and a side
     * that had not moved would forfeit. (On PostgreSQL every instance's check each second judges overdue rounds too,
     * by the shared presence rows, which outlive a restart.)
     */
    public void resume() {
        long now = System.currentTimeMillis(), timeout = config.roundTimeoutSeconds() * 1000L;
        long grace = Math.min(RESTART_GRACE_MILLIS, timeout);
        for (BattleRow b : db.read(PvpDao.class, PvpDao::activeBattles)) {
            schedule(b.id(), b.round(), Math.max(grace, b.roundStarted() + timeout - now));
        }
    }

    /** How long a round open at a restart runs at least, for its players' pages to find the server again. */
    static final long RESTART_GRACE_MILLIS = 15_000;

    public CompletableFuture<BattleReply> move(Player player, String id, String text, List<String> items, List<String> skills, boolean wait) {
        BattleRow battle = battle(player, id);
        if (battle.over()) return CompletableFuture.completedFuture(finished(player, battle));
        Sheet sheet = characters.sheet(player);
        var use = characters.use(player, sheet, items, skills);
        var move = new MoveRow(id, 0, player.id(), text, String.join("\n", items), String.join("\n", skills), use.power());
        Step step = db.write(h -> {
            db.lockPlayers(h, battle.p1(), battle.p2()); // a round is judged once, whichever instances the moves reach
            var dao = Daos.on(h, PvpDao.class);
            BattleRow now = dao.battle(id).orElseThrow();
            if (now.over()) return new Step(now.round(), true, true, false);
            var mine = new MoveRow(id, now.round(), player.id(), move.text(), move.items(), move.skills(), move.power());
            if (dao.addMove(mine) == 0) throw new Refusal(409, "already_moved", "you already moved this round; wait for " + opponentName(now, player));
            CharacterDao.update(h, characters.spendEnergy(CharacterDao.sheet(h, player.id()).orElseThrow(), use.energy(), skills));
            if (player.id() == now.p1() && !now.moved1()) marks.changed(h, now.p1()); // no longer "accepted, not yet fought"
            dao.markMoved(player.id(), id);
            List<MoveRow> moves = dao.moves(id, now.round());
            if (moves.size() < 2) return new Step(now.round(), false, false, false);
            Judged judged = judgeRound(h, dao.battle(id).orElseThrow(), moves);
            return new Step(judged.round(), true, false, judged.ended());
        });
        int round = step.round();
        if (step.over()) return CompletableFuture.completedFuture(finished(player, battle(player, id)));
        if (step.judged()) return judged(id, new Judged(round, step.endedNow())).thenApply(v -> replyFor(player, id, round));
        if (!wait) return CompletableFuture.completedFuture(pending(battle, player, round));
        return roundTold(id, round).copy().completeOnTimeout(null, config.roundTimeoutSeconds() + 10L, TimeUnit.SECONDS)
                .thenApply(v -> replyFor(player, id, round));
    }

    private BattleRow battle(Player player, String id) {
        BattleRow b = db.read(PvpDao.class, dao -> dao.battle(id))
                .orElseThrow(() -> new Refusal(404, "unknown_battle", "no battle has that id"));
        if (!b.has(player.id())) throw new Refusal(403, "not_yours", "you are not in this battle");
        return b;
    }

    /** Judges the open round of {@code b} from the moves made (a missing one hesitates). */
    private Judged judgeRound(Handle h, BattleRow b, List<MoveRow> moves) {
        var dao = Daos.on(h, PvpDao.class);
        Sheet s1 = CharacterDao.sheet(h, b.p1()).orElseThrow(), s2 = CharacterDao.sheet(h, b.p2()).orElseThrow();
        MoveRow m1 = moves.stream().filter(m -> m.playerId() == b.p1()).findFirst().orElse(null);
        MoveRow m2 = moves.stream().filter(m -> m.playerId() == b.p2()).findFirst().orElse(null);
        var one = new BattleJudge.Side(name(b.p1()), s1, m1, presence.online(b.p1()));
        var two = new BattleJudge.Side(name(b.p2()), s2, m2, presence.online(b.p2()));
        BattleJudge.Outcome o = judge.judge(b, one, two);
        dao.addRound(new RoundRow(b.id(), b.round(), m1 == null ? null : m1.text(), m2 == null ? null : m2.text(),
                o.damage1(), o.damage2(), o.hp1(), o.hp2(), o.result()));
        boolean over = o.end() != BattleJudge.End.NONE;
        if (over) marks.changed(h, b.p1());
        dao.saveBattle(new BattleRow(b.id(), b.p1(), b.p2(), over ? b.round() : b.round() + 1, System.currentTimeMillis(), o.hp1(), o.hp2(),
                o.misses1(), o.misses2(), b.moved1() || m1 != null, b.moved2() || m2 != null, b.seen1(), b.seen2(), over, o.winner(),
                over ? o.tail() : null));
        s1 = s1.later(WorldClock.BATTLE_ROUND);
        s2 = s2.later(WorldClock.BATTLE_ROUND);
        if (over) {
            if (one.name().equals(o.winner())) s1 = s1.gainExp(config.winExp()).withResources(config.winMatter(), 0);
            if (two.name().equals(o.winner())) s2 = s2.gainExp(config.winExp()).withResources(config.winMatter(), 0);
            s1 = s1.healed();
            s2 = s2.healed();
            ladder.record(h, b.p1(), b.p2(), one.name().equals(o.winner()) ? 1 : two.name().equals(o.winner()) ? 0 : 0.5);
            deeds.duel(h, b.p1(), one.name(), b.p2(), two.name(), o.winner());
            deeds.levels(h, b.p1(), one.name(), one.sheet(), s1);
            deeds.levels(h, b.p2(), two.name(), two.sheet(), s2);
        }
        CharacterDao.update(h, s1);
        CharacterDao.update(h, s2);
        judgements.incrementAndGet();
        return new Judged(b.round(), over);
    }

    /** Once a judged round has committed: the next round's clock starts at once (whatever happens to the telling). */
    private CompletableFuture<Void> judged(String id, Judged j) {
        if (!j.ended()) schedule(id, j.round() + 1, config.roundTimeoutSeconds() * 1000L);
        try {
            return tell(id, j.round());
        } catch (RuntimeException e) {
            log.warn("battle {} round {}: could not be told: {}", id, j.round(), e.toString());
            roundTold(id, j.round()).complete(null);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** After a round is judged: the narrator tells it, waiting movers are answered. */
    private CompletableFuture<Void> tell(String id, int round) {
        RoundRow r = db.read(PvpDao.class, dao -> dao.round(id, round)).orElseThrow();
        BattleRow b = db.read(PvpDao.class, dao -> dao.battle(id)).orElseThrow();
        var scene = new Narrator.BattleScene(b.p1(), round, name(b.p1()), r.move1() == null ? lines.say("battle.silence") : r.move1(),
                name(b.p2()), r.move2() == null ? lines.say("battle.silence") : r.move2(), r.result(), BattleJudge.seed(id, round));
        return narrator.battle(scene).exceptionally(e -> r.result()).thenAccept(text -> {
            if (text != null && !text.isBlank() && !text.equals(r.result())) {
                String hpLine = hpLine(b, r);
                db.write(h -> {
                    Daos.on(h, PvpDao.class).tellRound(text.strip() + " " + hpLine, id, round);
                    return null;
                });
            }
        }).whenComplete((v, e) -> {
            if (e != null) log.warn("battle {} round {}: the narration was not stored: {}", id, round, e.toString());
            roundTold(id, round).complete(null);
            if (db.dialect().shared()) signalTold(id, round);
            told.remove(id + "#" + (round - 2));
            if (b.over()) jobs.after(120_000, () -> told.keySet().removeIf(k -> k.startsWith(id + "#")));
        });
    }

    /** The other mover may wait on another instance. */
    private void signalTold(String id, int round) {
        try {
            db.write(h -> {
                signals.send(h, Signals.Kind.ROUND, id + "#" + round);
                return null;
            });
        } catch (RuntimeException e) { // the waiter's periodic check finds the round anyway
            log.warn("battle {} round {}: no signal sent: {}", id, round, e.toString());
        }
    }

    /** Told on another instance: a mover waiting here for that round reads it from the database. */
    public void wake(String idAndRound) {
        CompletableFuture<Void> waiting = told.get(idAndRound);
        if (waiting != null) waiting.complete(null);
    }

    /**
     * Several instances, about once a second: movers waiting here whose round was judged anywhere are answered (also
     * when the notification was lost), and every round past its deadline is judged, also when the instance whose
     * timer it was has died. Judging takes the two players' rows, so a round is judged once whoever gets there first.
     */
    public void recheck() {
        for (var e : told.entrySet()) {
            if (e.getValue().isDone()) continue;
            int hash = e.getKey().lastIndexOf('#');
            String id = e.getKey().substring(0, hash);
            int round = Integer.parseInt(e.getKey().substring(hash + 1));
            if (db.read(PvpDao.class, dao -> dao.round(id, round)).isPresent()) e.getValue().complete(null);
        }
        long due = System.currentTimeMillis() - config.roundTimeoutSeconds() * 1000L;
        db.read(PvpDao.class, dao -> dao.overdueRounds(due)).forEach(overdue -> timeout(overdue.id(), overdue.round()));
    }

    private String hpLine(BattleRow b, RoundRow r) {
        return b.over() && b.outcome() != null ? b.outcome() : name(b.p1()) + " " + r.hp1() + " / " + name(b.p2()) + " " + r.hp2();
    }

    private CompletableFuture<Void> roundTold(String id, int round) {
        return told.computeIfAbsent(id + "#" + round, k -> new CompletableFuture<>());
    }

    private void schedule(String id, int round, long delayMillis) {
        jobs.after(delayMillis, () -> timeout(id, round)); // null when shutting down: the round is resumed at the next start
    }

    /** The round's time is up: judge it with whoever moved; the other side hesitates. A timer of a past round does nothing. */
    void timeout(String id, int round) {
        try {
            Judged judged = db.write(h -> {
                var dao = Daos.on(h, PvpDao.class);
                BattleRow was = dao.battle(id).orElse(null);
                if (was == null || was.over() || was.round() != round) return null;
                db.lockPlayers(h, was.p1(), was.p2());
                BattleRow b = dao.battle(id).orElse(null);
                if (b == null || b.over() || b.round() != round) return null;
                return judgeRound(h, b, dao.moves(id, round));
            });
            if (judged != null) judged(id, judged);
        } catch (RuntimeException e) {
            log.error("round timeout of battle {} failed", id, e);
            schedule(id, round, 5_000);
        }
    }

    /** The reply to one side about a judged round; marks it delivered to that side. */
    private BattleReply replyFor(Player player, String id, int round) {
        BattleRow b = db.read(PvpDao.class, dao -> dao.battle(id)).orElseThrow();
        Optional<RoundRow> r = db.read(PvpDao.class, dao -> dao.round(id, round));
        if (r.isEmpty()) return pending(b, player, round);
        markSeen(b, player, round);
        RoundRow row = r.get();
        String action = b.first(player.id()) ? row.move2() : row.move1();
        return new BattleReply(opponentName(b, player), action == null ? lines.say("battle.silence") : action, row.result(), b.over(),
                round, hp(b, row.hp1(), row.hp2()), b.over() ? b.winner() : null, null);
    }

    /** The reply while the opponent has not moved in {@code round}. */
    private BattleReply pending(BattleRow b, Player player, int round) {
        String opponent = opponentName(b, player);
        String waiting = lines.say("battle.pending", "opponent", opponent);
        return new BattleReply(opponent, waiting, waiting, false, round, hp(b, b.hp1(), b.hp2()), null, true);
    }

    private BattleReply finished(Player player, BattleRow b) {
        Optional<RoundRow> last = db.read(PvpDao.class, dao -> dao.lastRound(b.id()));
        String action = last.map(r -> b.first(player.id()) ? r.move2() : r.move1()).orElse(null);
        return new BattleReply(opponentName(b, player), action == null ? lines.say("battle.silence") : action,
                lines.say("battle.over", "outcome", b.outcome() == null ? "" : b.outcome()), true, b.round(),
                hp(b, b.hp1(), b.hp2()), b.winner(), null);
    }

    /** What a heartbeat naming a battle hears: its newest judged round not yet received (or null), and whether it is over. */
    public record Heard(Delivery round, boolean over) {}

    /**
     * The newest judged round {@code player} has not received yet, once; and whether the battle is over. A battle that
     * can no longer change for the player (over and delivered, or not theirs) is answered from memory from then on, so
     * the heartbeat of a client that keeps naming its last battle takes the quiet path.
     */
    public Heard heard(Player player, String id) {
        var known = marks.settled(player.id(), id);
        if (known != null) return new Heard(null, known.over());
        long generation = marks.generation(player.id());
        BattleRow b = db.read(PvpDao.class, dao -> dao.battle(id)).filter(x -> x.has(player.id())).orElse(null);
        if (b == null) {
            marks.settle(player.id(), id, false, generation);
            return new Heard(null, false);
        }
        Optional<RoundRow> last = db.read(PvpDao.class, dao -> dao.lastRound(id));
        if (last.isEmpty() || last.get().round() <= b.seen(player.id())) {
            if (b.over()) marks.settle(player.id(), id, true, generation);
            return new Heard(null, b.over());
        }
        RoundRow r = last.get();
        if (!markSeen(b, player, r.round())) return new Heard(null, b.over()); // another heartbeat took it first
        String action = b.first(player.id()) ? r.move2() : r.move1();
        return new Heard(new Delivery(opponentName(b, player), action == null ? lines.say("battle.silence") : action, r.result(),
                r.round(), hp(b, b.hp1(), b.hp2()), b.winner()), b.over());
    }

    /** Marks {@code round} delivered to {@code player}; true when this call is the one that did. */
    private boolean markSeen(BattleRow b, Player player, int round) {
        if (b.seen(player.id()) >= round) return false;
        return db.write(h -> {
            var dao = Daos.on(h, PvpDao.class);
            return (b.first(player.id()) ? dao.seen1(round, b.id()) : dao.seen2(round, b.id())) == 1;
        });
    }

    private Map<String, Integer> hp(BattleRow b, int hp1, int hp2) {
        var m = new LinkedHashMap<String, Integer>();
        m.put(name(b.p1()), hp1);
        m.put(name(b.p2()), hp2);
        return m;
    }

    private String opponentName(BattleRow b, Player player) {
        return name(b.opponent(player.id()));
    }

    private String name(long playerId) {
        return accounts.nameOf(playerId);
    }

    /** Battles not yet over, on every instance (the metrics' gauge). */
    public int active() {
        return db.read(PvpDao.class, PvpDao::liveBattles);
    }

    /** Rounds whose movers may still be waiting for the other side. */
    public int parked() {
        return (int) told.values().stream().filter(f -> !f.isDone()).count();
    }

    /** Movers still waiting are answered with what is known now (the server is stopping). */
    public void releaseWaits() {
        told.values().forEach(f -> f.complete(null));
    }
}
