package taleweaver.character;

/** A skill a character knows; each use costs {@code cost} energy. */
public record SkillRow(String name, String description, int power, int cost) {}
