package taleweaver.character;

import taleweaver.web.Call;

/** HTTP side of /status /bag /skill /time. */
public final class CharacterHandlers {
    private final CharacterService characters;

    public CharacterHandlers(CharacterService characters) {
        this.characters = characters;
    }

    public Object status(Call c) { return characters.status(c.player("role")); }
    public Object bag(Call c) { return characters.bag(c.player("role")); }
    public Object skills(Call c) { return characters.skills(c.player("role")); }
    public Object time(Call c) { return characters.time(c.player("role")); }
}
