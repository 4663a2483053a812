package taleweaver.story;

/** A personal_tasks row; {@code stages} is JSON. */
public record PersonalRow(long id, long playerId, String name, String summary, String opening, String npc, String persona, String stages) {}
