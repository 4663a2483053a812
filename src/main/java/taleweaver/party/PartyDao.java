package taleweaver.party;

import org.jdbi.v3.core.Handle;
import taleweaver.db.Dialect;
import taleweaver.web.Json;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The party tables' SQL (SPEC §16), on a handle inside the caller's transaction; the same for SQLite and PostgreSQL. */
final class PartyDao {
    record Party(String id, String code, long leaderId, String task, String phase, int stage, int round, Integer resolving,
                 Long deadline, int roundsPlayed, int lastEvent) {}

    /**
     * {@code dueling}: in a duel not over (a member in a duel follows passively until it ends); {@code declared}: has
     * acted or held in the party's open round.
     */
    record Member(long playerId, String name, int level, int hp, int maxHp, int energy, String state, boolean ready,
                  int timeouts, int acted, long joinedAt, boolean dueling, boolean declared) {}

    record Action(long playerId, String kind, String text, List<String> items, List<String> skills) {}

    record Event(int n, String kind, String data) {}

    private final Handle h;
    /** What ends a select of a party's row: its lock, inside a write that decides on it. */
    private final String lock;

    private PartyDao(Handle h, String lock) {
        this.h = h;
        this.lock = lock;
    }

    /** Inside a write: a party's row read is locked to the transaction's end where the dialect needs it. */
    static PartyDao writing(Handle h, Dialect dialect) {
        return new PartyDao(h, dialect.lockingRead());
    }

    /** Outside a write: reads as committed, locking nothing. */
    static PartyDao reading(Handle h) {
        return new PartyDao(h, "");
    }

    Handle handle() { return h; }

    /** The events appended through this DAO, in order. */
    private final List<Event> written = new java.util.ArrayList<>();

    List<Event> written() { return written; }

    /** A party's row as {@link #party(java.sql.ResultSet, org.jdbi.v3.core.statement.StatementContext)} maps it. */
    private static final String PARTY_COLUMNS = "id, code, leader_id, task, phase, stage, round, resolving, deadline, rounds_played, last_event";
    private static final String PARTY = "select " + PARTY_COLUMNS + " from parties";

    private static Party party(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Party(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7),
                rs.getObject(8) == null ? null : rs.getInt(8), rs.getObject(9) == null ? null : rs.getLong(9), rs.getInt(10), rs.getInt(11));
    }

    private Optional<Party> one(String where, Object key) {
        return h.createQuery(PARTY + " where " + where + lock).bind(0, key).map(PartyDao::party).findOne();
    }

    /** The party, its row locked for this transaction (PostgreSQL; SQLite's writes are one at a time). */
    Optional<Party> party(String id) { return one("id = ?", id); }

    /** The number taken for the next event this transaction appends (0: none taken). */
    private int taken;

    /**
     * The party, its row locked, with the number of the next {@link #event} taken in the same statement (a declaration
     * always appends one): its {@code lastEvent} is that number. A transaction that then refuses undoes both.
     */
    Optional<Party> partyTakingEvent(String id) {
        var party = h.createQuery("update parties set last_event = last_event + 1 where id = ? returning " + PARTY_COLUMNS)
                .bind(0, id).map(PartyDao::party).findOne();
        party.ifPresent(p -> taken = p.lastEvent());
        return party;
    }
    Optional<Party> byCode(String code) { return one("code = ?", code); }

    Optional<String> partyOf(long playerId) {
        return h.createQuery("select party_id from party_members where player_id = ?").bind(0, playerId).mapTo(String.class).findOne();
    }

    void create(String id, String code, long leader, long now) {
        h.execute("insert into parties(id, code, leader_id, created_at) values (?, ?, ?, ?)", id, code, leader, now);
    }

    /** A member who reads the party's events from {@code since} on (the number of their own 'joined' event). */
    void addMember(String party, long player, long now, int since) {
        h.execute("insert into party_members(party_id, player_id, joined_at, since) values (?, ?, ?, ?)", party, player, now, since);
        h.execute("delete from party_invites where player_id = ? and party_id = ?", player, party);
    }

    void removeMember(String party, long player) {
        h.execute("delete from party_members where party_id = ? and player_id = ?", party, player);
    }

    /** Who holds an invitation to the party (their heartbeat changes when it goes). */
    List<Long> invitees(String party) {
        return h.createQuery("select player_id from party_invites where party_id = ?").bind(0, party).mapTo(Long.class).list();
    }

    void delete(String party) {
        for (String table : List.of("party_events", "party_actions", "party_invites", "party_members")) {
            h.execute("delete from " + table + " where party_id = ?", party);
        }
        h.execute("delete from parties where id = ?", party);
    }

    /** Members, longest first, with their sheets, whether each is in a duel and whether each has declared this round. */
    List<Member> members(String party) {
        return h.createQuery("select m.player_id, p.name, c.level, c.hp, c.max_hp, c.energy, m.state, m.ready, m.timeouts, m.acted, m.joined_at, "
                        + "exists (select 1 from battles b where b.p1 = m.player_id and b.over = 0) "
                        + "or exists (select 1 from battles b where b.p2 = m.player_id and b.over = 0), "
                        + "exists (select 1 from party_actions a join parties q on q.id = a.party_id "
                        + "where a.party_id = m.party_id and a.round = q.round and a.player_id = m.player_id) "
                        + "from party_members m join players p on p.id = m.player_id join characters c on c.player_id = m.player_id "
                        + "where m.party_id = ? order by m.joined_at, m.player_id").bind(0, party)
                .map((rs, ctx) -> new Member(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                        rs.getString(7), rs.getInt(8) != 0, rs.getInt(9), rs.getInt(10), rs.getLong(11), rs.getBoolean(12), rs.getBoolean(13)))
                .list();
    }

    void setLeader(String party, long leader) { h.execute("update parties set leader_id = ? where id = ?", leader, party); }

    void invite(String party, long player, String from, long now) {
        h.execute("delete from party_invites where party_id = ? and player_id = ?", party, player);
        h.execute("insert into party_invites(party_id, player_id, from_name, at) values (?, ?, ?, ?)", party, player, from, now);
    }

    boolean invited(String party, long player) {
        return h.createQuery("select count(*) from party_invites where party_id = ? and player_id = ?").bind(0, party).bind(1, player)
                .mapTo(Integer.class).one() > 0;
    }

    List<Map<String, Object>> invitesOf(long player) {
        return h.createQuery("select party_id, from_name from party_invites where player_id = ? order by at").bind(0, player)
                .map((rs, ctx) -> Map.<String, Object>of("party_id", rs.getString(1), "from", rs.getString(2))).list();
    }

    void readyCheck(String party, String task) {
        h.execute("update parties set task = ?, phase = 'ready_check' where id = ?", task, party);
        h.execute("update party_members set ready = 0 where party_id = ?", party);
    }

    void ready(String party, long player, boolean ready) {
        h.execute("update party_members set ready = ? where party_id = ? and player_id = ?", ready ? 1 : 0, party, player);
    }

    /** The quest begins: the ready are active, the rest follow passively; round 1 is open until {@code deadline}. */
    void start(String party, long deadline) {
        h.execute("update parties set phase = 'playing', stage = 0, round = 1, resolving = null, deadline = ?, rounds_played = 0 where id = ?", deadline, party);
        h.execute("update party_members set state = case when ready = 1 then 'active' else 'passive' end, timeouts = 0, acted = 0 where party_id = ?", party);
        h.execute("delete from party_actions where party_id = ?", party);
    }

    void end(String party) {
        h.execute("update parties set phase = 'forming', task = null, stage = 0, resolving = null, deadline = null where id = ?", party);
        h.execute("update party_members set ready = 0, state = 'active', timeouts = 0, acted = 0 where party_id = ?", party);
        h.execute("delete from party_actions where party_id = ?", party);
    }

    void setState(String party, long player, String state) {
        h.execute("update party_members set state = ?, timeouts = 0 where party_id = ? and player_id = ?", state, party, player);
    }

    /** A declaration for {@code round}: a second one replaces the first. */
    void declare(String party, int round, long player, String kind, String text, List<String> items, List<String> skills, long now) {
        h.execute("insert into party_actions(party_id, round, player_id, kind, text, items, skills, at) values (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "on conflict (party_id, round, player_id) do update set kind = excluded.kind, text = excluded.text, "
                        + "items = excluded.items, skills = excluded.skills, at = excluded.at",
                party, round, player, kind, text, Json.text(items), Json.text(skills), now);
    }

    List<Action> actions(String party, int round) {
        return h.createQuery("select player_id, kind, text, items, skills from party_actions where party_id = ? and round = ?")
                .bind(0, party).bind(1, round)
                .map((rs, ctx) -> new Action(rs.getLong(1), rs.getString(2), rs.getString(3), strings(rs.getString(4)), strings(rs.getString(5))))
                .list();
    }

    private static List<String> strings(String json) {
        var out = new java.util.ArrayList<String>();
        Json.parse(json).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Claims {@code round} for resolution: true for exactly one caller, whichever instance; declarations go to the next round. */
    boolean claim(String party, int round, long now) {
        return h.execute("update parties set resolving = ?, resolving_at = ?, round = round + 1, deadline = null "
                + "where id = ? and round = ? and resolving is null and phase = 'playing'", round, now, party, round) == 1;
    }

    /** A claim whose instance went quiet (died mid-round): taken over by this caller, once. */
    boolean retake(String party, int round, long staleBefore, long now) {
        return h.execute("update parties set resolving_at = ? where id = ? and resolving = ? and resolving_at < ?", now, party, round, staleBefore) == 1;
    }

    /** A member's round as counted. */
    record Counted(long playerId, boolean acted, boolean timedOut) {}

    /** The members' round as counted, in one batch: acting adds one to their count, a hold by timeout adds one to the timeouts, and anything else resets them. */
    void counted(String party, List<Counted> members) {
        var batch = h.prepareBatch("update party_members set acted = acted + ?, timeouts = case when ? = 1 then timeouts + 1 else 0 end "
                + "where party_id = ? and player_id = ?");
        for (var m : members) batch.add(m.acted() ? 1 : 0, m.timedOut() ? 1 : 0, party, m.playerId());
        if (!members.isEmpty()) batch.execute();
    }

    /**
     * Round {@code round}, claimed at {@code stamp} (or taken over then), is resolved: false (nothing changed) when that
     * claim is no longer on it. The number of the resolution's {@link #event} is taken in the same statement.
     */
    boolean resolved(String party, int round, long stamp, int stage, Long deadline) {
        var n = h.createQuery("update parties set resolving = null, resolving_at = null, stage = ?, deadline = ?, rounds_played = rounds_played + 1, "
                + "last_event = last_event + 1 where id = ? and resolving = ? and resolving_at = ? returning last_event")
                .bind(0, stage).bind(1, deadline).bind(2, party).bind(3, round).bind(4, stamp).mapTo(Integer.class).findOne();
        if (n.isEmpty()) return false;
        taken = n.get();
        h.execute("delete from party_actions where party_id = ? and round <= ?", party, round);
        return true;
    }

    /** Appends an event; its number is the party's next. */
    int event(String party, String kind, Map<String, Object> data, long now) {
        int n = taken;
        taken = 0;
        if (n == 0) n = h.createQuery("update parties set last_event = last_event + 1 where id = ? returning last_event").bind(0, party).mapTo(Integer.class).one();
        var all = new java.util.LinkedHashMap<String, Object>();
        all.put("n", n);
        all.put("kind", kind);
        all.putAll(data);
        String text = Json.text(all);
        h.execute("insert into party_events(party_id, n, kind, data, at) values (?, ?, ?, ?, ?)", party, n, kind, text, now);
        written.add(new Event(n, kind, text));
        return n;
    }

    /**
     * The party's events above {@code after} that the player may read (from their own 'joined' on; at most {@code limit}),
     * its newest event's number, whether a quest is being played, the stamp of the claim of the round being told (0:
     * none) and whether the player asked about is a member.
     */
    record Feed(List<Event> events, int lastEvent, boolean playing, long telling, boolean member) {}

    /** The events and the party's row in one statement (one snapshot of both); null when the party is gone. */
    Feed feed(String party, int after, int limit, long playerId) {
        var events = new java.util.ArrayList<Event>();
        var row = new long[] {-1, 0, 0, 0};
        h.createQuery("select p.last_event, case when p.resolving is null then null else p.resolving_at end, e.n, e.kind, e.data, "
                        + "exists (select 1 from party_members m where m.party_id = p.id and m.player_id = ?), p.phase from parties p "
                        + "left join party_events e on e.party_id = p.id and e.n > ? "
                        + "and e.n >= coalesce((select m.since from party_members m where m.party_id = p.id and m.player_id = ?), 0) "
                        + "where p.id = ? order by e.n limit ?")
                .bind(0, playerId).bind(1, after).bind(2, playerId).bind(3, party).bind(4, limit)
                .map((rs, ctx) -> {
                    row[0] = rs.getInt(1);
                    row[1] = rs.getLong(2); // 0 when null: no round being told
                    row[2] = rs.getBoolean(6) ? 1 : 0;
                    row[3] = "playing".equals(rs.getString(7)) ? 1 : 0;
                    if (rs.getObject(3) != null) events.add(new Event(rs.getInt(3), rs.getString(4), rs.getString(5)));
                    return 0;
                }).list();
        return row[0] < 0 ? null : new Feed(events, (int) row[0], row[3] == 1, row[1], row[2] == 1);
    }

    /** Through the index of told rounds (V10): the chat and declarations between them are not read. */
    static final String RECENT_RESOLVED = "select data from party_events where party_id = ? and kind = 'resolved' order by n desc limit ?";

    /**
     * The newest {@code limit} resolutions of the quest under way (or just ended), oldest first, as their data: walking
     * back from round {@code below} (excluded), a round that is not earlier than the one after it began another quest.
     */
    List<com.fasterxml.jackson.databind.JsonNode> recentResolved(String party, int limit, int below) {
        var newestFirst = h.createQuery(RECENT_RESOLVED)
                .bind(0, party).bind(1, limit).mapTo(String.class).list();
        var out = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        for (String data : newestFirst) {
            var resolved = taleweaver.web.Json.parse(data);
            int round = resolved.path("round").asInt();
            if (round >= below) break;
            below = round;
            out.add(0, resolved);
        }
        return out;
    }

    /** Every party whose quest is under way. */
    List<Party> playing() {
        return h.createQuery(PARTY + " where phase = 'playing'").map(PartyDao::party).list();
    }

    /** Parties whose round is due (deadline passed) or whose claim went quiet; any instance may take them. */
    List<String> due(long now, long staleBefore) {
        return h.createQuery("select id from parties where phase = 'playing' and ((resolving is null and deadline < ?) or (resolving is not null and resolving_at < ?))")
                .bind(0, now).bind(1, staleBefore).mapTo(String.class).list();
    }

    /** The quest waits, as it is, for its members to come back (resumed by /party_start of the same task). */
    void pause(String party) {
        h.execute("update parties set phase = 'paused', resolving = null, deadline = null where id = ?", party);
        h.execute("delete from party_actions where party_id = ?", party);
    }

    /** A paused quest goes on from its stage, with a new round. */
    void resume(String party, long deadline) {
        h.execute("update parties set phase = 'playing', round = round + 1, deadline = ? where id = ?", deadline, party);
        h.execute("update party_members set state = 'active', timeouts = 0 where party_id = ?", party);
    }

    boolean inQuest(long player) {
        return h.createQuery("select count(*) from party_members m join parties p on p.id = m.party_id where m.player_id = ? and p.phase = 'playing'")
                .bind(0, player).mapTo(Integer.class).one() > 0;
    }

}
