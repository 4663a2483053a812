package taleweaver.pvp;

import org.jdbi.v3.core.Handle;
import taleweaver.account.Player;

import java.util.List;
import java.util.Optional;

/** Who was last seen when, shared by every instance on one database ({@code presence}, several instances only). */
public interface PresenceDao {
    /** A player's row: the newer sighting wins, whichever instance writes last. Parameters: player id, seen at. */
    String SHARE = "insert into presence(player_id, seen_at) values (?, ?) on conflict(player_id) do update set "
            + "seen_at = case when excluded.seen_at > presence.seen_at then excluded.seen_at else presence.seen_at end";

    record Seen(Player player, long at) {}

    static void share(Handle h, long playerId, long at) {
        h.execute(SHARE, playerId, at);
    }

    /** Several sightings in one batch; each row is a player id and a time. */
    static void shareAll(Handle h, List<long[]> sightings) {
        var batch = h.prepareBatch(SHARE);
        for (long[] row : sightings) batch.add(row[0], row[1]);
        batch.execute();
    }

    static Optional<Long> seenAt(Handle h, long playerId) {
        return h.createQuery("select seen_at from presence where player_id = ?").bind(0, playerId).mapTo(Long.class).findOne();
    }

    /** Rows of players last seen before {@code before}: they say what no row says, offline. */
    static void forgetBefore(Handle h, long before) {
        h.execute("delete from presence where seen_at < ?", before);
    }

    /** Everyone seen after {@code since}, with their names. */
    static List<Seen> seenSince(Handle h, long since) {
        return h.createQuery("select p.player_id, a.name, p.seen_at from presence p join players a on a.id = p.player_id where p.seen_at > ?")
                .bind(0, since).map((rs, ctx) -> new Seen(new Player(rs.getLong(1), rs.getString(2)), rs.getLong(3))).list();
    }
}
