package taleweaver.party;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import taleweaver.Refusal;
import taleweaver.account.AccountService;
import taleweaver.account.Player;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.web.RateLimiter;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Forming a party, its chat, and the one way the party's tables change (SPEC §16). Each change is one transaction on
 * the party's row (locked on PostgreSQL; SQLite's writes are one at a time) that appends the party's events; once it
 * commits, the members waiting here are woken and, on PostgreSQL, those waiting on other instances through a signal.
 * A quest is started and its rounds declared in by {@link PartyQuests}, and resolved by {@link PartyRounds}.
 */
public final class PartyService {
    public record Created(String partyId, String code) {}
    public record Invite(String partyId, String from) {}

    static final String CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: read aloud across a room
    static final int CODE_LENGTH = 6;
    /** The longest action and party message, in characters: the requests' bounds (PartyHandlers). */
    public static final int ACTION_MAX = 400;
    public static final int CHAT_MAX = 300;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final AccountService accounts;
    private final PartyContent content;
    private final taleweaver.Config.Party config;
    private final Signals signals;
    private final PartyWaits waits;
    private final taleweaver.account.NameRules names;
    /** The heartbeat's change marks: a player's invitations are read once, then kept until a change marks them. */
    private final taleweaver.pvp.InboxMarks marks;
    private final RateLimiter chat = new RateLimiter(10);
    private PartyRounds rounds;
    private PartyQuests quests;

    public PartyService(Database db, AccountService accounts, PartyContent content, taleweaver.Config.Party config, Signals signals,
                        PartyWaits waits, taleweaver.account.NameRules names, taleweaver.pvp.InboxMarks marks) {
        this.marks = marks;
        this.db = db;
        this.accounts = accounts;
        this.content = content;
        this.config = config;
        this.signals = signals;
        this.waits = waits;
        this.names = names;
    }

    void rounds(PartyRounds rounds) {
        this.rounds = rounds;
    }

    void quests(PartyQuests quests) {
        this.quests = quests;
    }

    PartyContent content() { return content; }

    /** A write on the party's tables; once it commits, the party's waiting members are woken (here and elsewhere). */
    <R> R change(String partyId, Function<PartyDao, R> work) {
        return change(partyId, work, false);
    }

    /** {@code soon}: the news is a declaration, gathered with the ones that follow it (PartyWaits.wakeSoon). */
    <R> R change(String partyId, Function<PartyDao, R> work, boolean soon) {
        var written = new ArrayList<PartyDao.Event>();
        R result;
        try {
            result = db.write(h -> signalled(h, partyId, work, soon ? Signals.Kind.PARTY_ACTED : Signals.Kind.PARTY, written));
        } catch (UnableToExecuteStatementException e) { // one party per player: the unique index caught a race the checks did not
            if (String.valueOf(e.getMessage()).contains("party_members")) throw inParty();
            throw e;
        }
        if (soon) waits.wakeSoon(partyId, written); else waits.wake(partyId, written);
        return result;
    }

    /** A round's resolution, which every member's wait is parked for: written before the declarations queued meanwhile. */
    <R> R resolution(String partyId, Function<PartyDao, R> work) {
        var written = new ArrayList<PartyDao.Event>();
        R result = db.writeFirst(h -> signalled(h, partyId, work, Signals.Kind.PARTY, written));
        waits.wake(partyId, written);
        return result;
    }

    /** {@code written}: the events the work appended (as of its last attempt: a write may be tried again). */
    private <R> R signalled(Handle h, String partyId, Function<PartyDao, R> work, Signals.Kind kind, List<PartyDao.Event> written) {
        var s = store(h);
        R r = work.apply(s);
        written.clear();
        written.addAll(s.written());
        signals.send(h, kind, partyId);
        return r;
    }

    /** A read of the party tables, as committed now. */
    <R> R read(Function<PartyDao, R> work) {
        return db.read(h -> work.apply(store(h)));
    }

    PartyDao store(Handle h) {
        return PartyDao.writing(h, db.dialect());
    }

    /** The party the player is in, as committed now; else 404. */
    String partyOf(Player p) {
        return db.read(h -> store(h).partyOf(p.id())).orElseThrow(PartyService::notInParty);
    }

    static Refusal notInParty() {
        return new Refusal(404, "not_in_party", "you are not in a party");
    }

    PartyDao.Party party(PartyDao s, String id) {
        return s.party(id).orElseThrow(PartyService::notInParty);
    }

    static Map<String, Object> named(String name) {
        return Map.of("name", name);
    }

    // ------------------------------------------------------------------ forming

    public Created create(Player leader) {
        String id = HexFormat.of().formatHex(bytes(9));
        for (int tries = 0; ; tries++) {
            String code = code();
            try {
                return change(id, s -> {
                    if (s.partyOf(leader.id()).isPresent()) throw inParty();
                    if (s.byCode(code).isPresent()) throw new CodeTaken();
                    long now = System.currentTimeMillis();
                    s.create(id, code, leader.id(), now);
                    s.addMember(id, leader.id(), now, s.event(id, "joined", named(leader.name()), now));
                    return new Created(id, code);
                });
            } catch (CodeTaken e) {
                if (tries > 20) throw new IllegalStateException("no free party code");
            }
        }
    }

    private static final class CodeTaken extends RuntimeException {
        CodeTaken() { super(null, null, false, false); }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String code() {
        var out = new StringBuilder();
        for (int i = 0; i < CODE_LENGTH; i++) out.append(CODE_LETTERS.charAt(RANDOM.nextInt(CODE_LETTERS.length())));
        return out.toString();
    }

    public void join(Player p, String code) {
        String normal = code == null ? "" : code.strip().toUpperCase(java.util.Locale.ROOT);
        String id = db.read(h -> store(h).byCode(normal).map(PartyDao.Party::id))
                .orElseThrow(() -> new Refusal(404, "unknown_code", "no party has that code"));
        enter(p, id, false);
    }

    public void accept(Player p, String partyId) {
        enter(p, partyId, true);
    }

    private void enter(Player p, String partyId, boolean byInvite) {
        change(partyId, s -> {
            var party = s.party(partyId).orElseThrow(() -> new Refusal(404, byInvite ? "unknown_invite" : "unknown_code", "that party is gone"));
            if (s.partyOf(p.id()).isPresent()) throw inParty();
            if (byInvite && !s.invited(partyId, p.id())) throw new Refusal(404, "unknown_invite", "you were not invited to that party");
            if (s.members(partyId).size() >= config.maxMembers()) throw new Refusal(409, "party_full", "that party is full");
            long now = System.currentTimeMillis();
            marks.changed(s.handle(), p.id()); // an invitation to this party, if any, is used
            int joined = s.event(partyId, "joined", named(p.name()), now);
            s.addMember(partyId, p.id(), now, joined); // what was said before their own 'joined' is not theirs
            if (party.phase().equals("playing")) s.setState(partyId, p.id(), "passive"); // joins as a follower, active by acting
            return null;
        });
    }

    public void invite(Player from, String name) {
        Player to = accounts.byName(name).map(a -> a.player()).orElseThrow(() -> new Refusal(404, "unknown_player", "no player is called " + name));
        String partyId = partyOf(from);
        change(partyId, s -> {
            if (s.partyOf(to.id()).isPresent()) throw new Refusal(409, "in_party", name + " is already in a party");
            if (s.members(partyId).size() >= config.maxMembers()) throw new Refusal(409, "party_full", "your party is full");
            s.invite(partyId, to.id(), from.name(), System.currentTimeMillis());
            marks.changed(s.handle(), to.id());
            return null;
        });
    }

    /** The player's invitations, for the heartbeat ([] when none): from memory until a change marks the player. */
    public List<?> invites(long playerId) {
        return marks.invites(playerId, () -> db.read(h -> store(h).invitesOf(playerId)).stream()
                .map(m -> new Invite((String) m.get("party_id"), (String) m.get("from"))).toList());
    }

    public void leave(Player p) {
        String partyId = partyOf(p);
        depart(partyId, p, null);
        rounds.afterChange(partyId);
    }

    public void kick(Player leader, String name) {
        Player who = accounts.byName(name).map(a -> a.player()).orElseThrow(() -> new Refusal(404, "unknown_player", "no player is called " + name));
        String partyId = partyOf(leader);
        depart(partyId, who, leader);
        rounds.afterChange(partyId);
    }

    /** A player logged out or was kicked by the host: they leave their party, and stop blocking its rounds. */
    public void departed(Player p) {
        db.read(h -> store(h).partyOf(p.id())).ifPresent(partyId -> {
            depart(partyId, p, null);
            rounds.afterChange(partyId);
        });
    }

    /**
     * {@code p} leaves the party, or is kicked out of it {@code by} its leader (null: they leave). A kick's rules are
     * checked in the transaction that removes them, against the party as it is then: not by a leader who left meanwhile.
     */
    private void depart(String partyId, Player p, Player by) {
        boolean began = change(partyId, s -> {
            var party = s.party(partyId).orElse(null);
            boolean member = party != null && s.partyOf(p.id()).map(partyId::equals).orElse(false);
            if (by != null) {
                if (party == null || !s.partyOf(by.id()).map(partyId::equals).orElse(false)) throw notInParty();
                if (party.leaderId() != by.id()) throw notLeader();
                if (p.id() == by.id()) throw new Refusal(409, "not_yourself", "leave the party instead");
                if (!member) throw new Refusal(404, "not_a_member", p.name() + " is not in your party");
            }
            if (!member) return false;
            long now = System.currentTimeMillis();
            s.removeMember(partyId, p.id());
            var rest = s.members(partyId);
            if (rest.isEmpty()) {
                long[] invitees = s.invitees(partyId).stream().mapToLong(Long::longValue).toArray();
                if (invitees.length > 0) marks.changed(s.handle(), invitees); // their invitations go with the party
                s.delete(partyId);
                return false;
            }
            s.event(partyId, "left", named(p.name()), now);
            if (party.leaderId() == p.id()) { // the lead passes to the longest member
                s.setLeader(partyId, rest.get(0).playerId());
                s.event(partyId, "lead", named(rest.get(0).name()), now);
            }
            if (party.phase().equals("ready_check")) return quests.readyCheckWithout(s, party, rest, now);
            if (!party.phase().equals("forming") && rest.size() < 2) { // a party of one ends its quest, without reward
                s.end(partyId);
                var ended = new LinkedHashMap<String, Object>();
                ended.put("round", party.resolving() != null ? party.resolving() : party.round()); // the round being told ends here
                ended.put("actions", List.of());
                ended.put("text", content.say("alone", now));
                ended.put("speaker", rounds.dm());
                ended.put("stage", party.stage());
                ended.put("finished", true);
                s.event(partyId, "resolved", ended, now);
            }
            return false;
        });
        if (began) rounds.opened(partyId);
    }

    // ------------------------------------------------------------------ chat and status

    public void say(Player p, String text) {
        if (text.isBlank()) throw new Refusal(400, "empty_text", "say something");
        if (names.containsBanned(text)) throw new Refusal(422, "not_allowed", "that message has a word this world does not allow");
        if (chat.acquire("party:" + p.id(), System.currentTimeMillis()) > 0) throw new Refusal(429, "too_fast", "slow down a little");
        String partyId = partyOf(p);
        change(partyId, s -> s.event(partyId, "chat", Map.of("name", p.name(), "text", text), System.currentTimeMillis()));
    }

    /** Whether the player's party quest is under way (no duel meanwhile: 423). */
    public boolean inQuest(long playerId) {
        return db.read(h -> store(h).inQuest(playerId));
    }

    private static Refusal inParty() { return new Refusal(409, "in_party", "you are already in a party"); }
    static Refusal notLeader() { return new Refusal(403, "not_leader", "only the party's leader may do that"); }
}
