package taleweaver.character;

/** A piece of equipment in a bag; equipment is not used up. */
public record Gear(String name, String description, int power, int count) {}
