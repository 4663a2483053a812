package taleweaver.character;

import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

public interface CharacterDao {
    String SHEET = "player_id, level, exp, matter, energy, hp, max_hp, attack, defense, minutes";

    @SqlUpdate("insert into characters(" + SHEET + ") values (:playerId, :level, :exp, :matter, :energy, :hp, :maxHp, :attack, :defense, :minutes)")
    void insert(@BindMethods Sheet sheet);

    String SHEET_OF = "select " + SHEET + " from characters where player_id = ?";

    @SqlQuery(SHEET_OF)
    Optional<Sheet> sheet(long playerId);

    /** The same read on a handle without attaching (the hot path of every turn: attaching costs more than the query). */
    static Optional<Sheet> sheet(org.jdbi.v3.core.Handle h, long playerId) {
        return h.createQuery(SHEET_OF).bind(0, playerId).map(SHEET_ROW).findOne();
    }

    /** A sheet and the player's duel rating: /status in one read. */
    record Rated(Sheet sheet, int rating) {}

    static Optional<Rated> sheetAndRating(org.jdbi.v3.core.Handle h, long playerId) {
        return h.createQuery("select " + SHEET + ", (select rating from players p where p.id = c.player_id) from characters c where player_id = ?")
                .bind(0, playerId).map((rs, ctx) -> new Rated(SHEET_ROW.map(rs, ctx), rs.getInt(11))).findOne();
    }

    /** A sheet from the columns of {@link #SHEET}, by position (no per-query matching of names to parameters). */
    org.jdbi.v3.core.mapper.RowMapper<Sheet> SHEET_ROW = (rs, ctx) -> new Sheet(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4),
            rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10));

    String UPDATE = "update characters set level = ?, exp = ?, matter = ?, energy = ?, hp = ?, max_hp = ?, attack = ?, defense = ?, "
            + "minutes = ? where player_id = ?";

    /** A sheet written back, on the write's handle without attaching (a road event's, a craft's, a turn's, a duel's). */
    static void update(org.jdbi.v3.core.Handle h, Sheet s) {
        h.execute(UPDATE, s.level(), s.exp(), s.matter(), s.energy(), s.hp(), s.maxHp(), s.attack(), s.defense(), s.minutes(), s.playerId());
    }

    /**
     * World time passes for one character: {@code minutes} more, stopping at the largest whole number a sheet holds.
     * Parameters: minutes, minutes, player id.
     */
    String PASS = "update characters set minutes = case when minutes > 2147483647 - ? then 2147483647 else minutes + ? end where player_id = ?";

    String EQUIPMENT = "select name, description, power, count from equipment where player_id = ? order by acquired_at, name";
    String SKILLS = "select name, description, power, cost from skills where player_id = ? order by acquired_at, name";

    @SqlQuery(EQUIPMENT)
    List<Gear> equipment(long playerId);

    @SqlQuery(SKILLS)
    List<SkillRow> skills(long playerId);

    /** /bag's read on a handle, mapped by position: no SQL object attached, no record mapper made per query. */
    static List<Gear> equipment(org.jdbi.v3.core.Handle h, long playerId) {
        return h.createQuery(EQUIPMENT).bind(0, playerId)
                .map((rs, ctx) -> new Gear(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4))).list();
    }

    /** /skill's read, the same way. */
    static List<SkillRow> skills(org.jdbi.v3.core.Handle h, long playerId) {
        return h.createQuery(SKILLS).bind(0, playerId)
                .map((rs, ctx) -> new SkillRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4))).list();
    }

    /** Equipment of a name the player already has stacks: one more, and the better power. */
    @SqlUpdate("insert into equipment(player_id, name, description, power, count, acquired_at) values (?, ?, ?, ?, 1, ?) "
            + "on conflict(player_id, name) do update set count = equipment.count + 1, "
            + "power = case when excluded.power > equipment.power then excluded.power else equipment.power end")
    void addEquipment(long playerId, String name, String description, int power, long at);

    @SqlUpdate("insert into skills(player_id, name, description, power, cost, acquired_at) values (?, ?, ?, ?, ?, ?) "
            + "on conflict(player_id, name) do update set "
            + "power = case when excluded.power > skills.power then excluded.power else skills.power end")
    void addSkill(long playerId, String name, String description, int power, int cost, long at);
}
