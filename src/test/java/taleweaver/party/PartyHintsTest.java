package taleweaver.party;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The instance's memory of each player's party is bounded: it starts again past {@link PartyHints#MAX} players. */
class PartyHintsTest {
    @Test
    void pastItsBoundTheHintsStartAgainAndAWrongOneGoes() {
        var hints = new PartyHints();
        for (long id = 0; id < PartyHints.MAX; id++) hints.found(id, "p" + id);
        assertEquals("p7", hints.of(7));
        hints.found(7, "q7"); // a player already remembered moves: nothing else is forgotten
        assertEquals("q7", hints.of(7));
        assertEquals("p8", hints.of(8));
        hints.found(PartyHints.MAX, "new");
        assertEquals("new", hints.of(PartyHints.MAX));
        assertNull(hints.of(8), "the others were forgotten");
        hints.wrong(PartyHints.MAX, "another");
        assertEquals("new", hints.of(PartyHints.MAX), "only the hint found wrong goes");
        hints.wrong(PartyHints.MAX, "new");
        assertNull(hints.of(PartyHints.MAX));
    }
}
