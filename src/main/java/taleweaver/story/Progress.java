package taleweaver.story;

/** How far a character has come in one task. */
public record Progress(long playerId, String taskKey, int stage, int turnsInStage, boolean done, String summary) {}
