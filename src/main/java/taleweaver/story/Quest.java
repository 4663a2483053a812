package taleweaver.story;

import com.fasterxml.jackson.core.type.TypeReference;
import taleweaver.narrator.ContentPack.Npc;
import taleweaver.narrator.ContentPack.Reward;
import taleweaver.narrator.ContentPack.Stage;
import taleweaver.narrator.ContentPack.TaskDef;
import taleweaver.web.Json;

import java.util.List;

/**
 * A task as play sees it, common or personal. {@code key} is how progress is stored: "c:" + name for a
 * common task, "p:" + id for a personal one.
 */
public record Quest(String key, String name, String summary, String opening, List<Npc> npcs, List<Stage> stages,
                    Reward reward, boolean personal) {

    public static Quest common(TaskDef t) {
        return new Quest("c:" + t.name(), t.name(), t.summary(), t.opening(), t.npcs(), t.stages(), t.reward(), false);
    }

    public static Quest personal(PersonalRow row, int level) {
        List<Stage> stages = Json.MAPPER.convertValue(Json.parse(row.stages()), new TypeReference<List<Stage>>() {});
        var npc = new Npc(row.npc(), row.persona());
        var reward = new Reward(40 + 20 * level, 15 + 5 * level, List.of());
        return new Quest("p:" + row.id(), row.name(), row.summary(), row.opening(), List.of(npc), stages, reward, true);
    }

    public Stage stage(int index) {
        return stages.get(Math.min(index, stages.size() - 1));
    }

    public String npcName(Stage stage) {
        return stage.npc() == null || stage.npc().isBlank() ? npcs.get(0).name() : stage.npc();
    }

    public String persona(String npc) {
        return npcs.stream().filter(n -> n.name().equals(npc)).map(Npc::persona).findFirst().orElse("");
    }
}
