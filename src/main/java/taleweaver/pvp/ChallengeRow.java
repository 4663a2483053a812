package taleweaver.pvp;

/** A challenges row: {@code state} is pending, accepted, rejected or expired. */
public record ChallengeRow(String id, long fromId, long toId, long createdAt, long expiresAt, String state) {
    public boolean expired(long now) {
        return state.equals("expired") || state.equals("pending") && now >= expiresAt;
    }
}
