package taleweaver.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordRowsTest {
    record Row(long playerId, int hp, Integer maybe, boolean over, String name, byte[] png, double share) {}

    record Late(long playerId, java.math.BigDecimal amount) {}

    private static final String ROW = "select 'Ann' as name, 7 as player_id, cast(null as integer) as hp, cast(null as integer) as maybe, "
            + "1 as over, ? as png, 0.5 as share, 'ignored' as extra";

    @Test
    void everyComponentComesFromTheColumnOfItsNameWhateverTheOrder(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            for (int time = 0; time < 3; time++) { // the second and third read use the match kept from the first
                Row row = db.read(h -> h.createQuery(ROW).bind(0, new byte[] {1, 2}).mapTo(Row.class).one());
                assertEquals(7, row.playerId());
                assertEquals(0, row.hp(), "NULL into an int is 0, as JDBI's own mappers gave");
                assertNull(row.maybe(), "NULL into an Integer is null");
                assertTrue(row.over());
                assertEquals("Ann", row.name());
                assertArrayEquals(new byte[] {1, 2}, row.png());
                assertEquals(0.5, row.share());
            }
            List<Row> none = db.read(h -> h.createQuery(ROW + " where 1 = 0").bind(0, new byte[0]).mapTo(Row.class).list());
            assertEquals(List.of(), none);
        }
    }

    @Test
    void aMissingColumnIsAClearErrorAndOtherTypesAreLeftToJdbi(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            var e = assertThrows(RuntimeException.class, () -> db.read(h -> h.createQuery("select 7 as player_id").mapTo(Row.class).one()));
            assertTrue(String.valueOf(e.getMessage()).contains("hp"), e.getMessage());
            Late late = db.read(h -> h.createQuery("select 3 as player_id, 2.5 as amount").mapTo(Late.class).one());
            assertEquals(3, late.playerId());
            assertEquals(0, new java.math.BigDecimal("2.5").compareTo(late.amount()));
        }
    }
}
