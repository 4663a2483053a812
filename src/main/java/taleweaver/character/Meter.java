package taleweaver.character;

/** The player's model meter (SPEC §14), shown in /status when a model is configured: tokens used today, the daily budget. */
public interface Meter {
    int spentToday(long playerId);

    int budget();
}
