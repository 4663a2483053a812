package taleweaver.narrator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReplyParserTest {
    @Test
    void plainJson() {
        assertEquals("hi", ReplyParser.parse("{\"text\":\"hi\",\"speaker\":\"X\"}").path("text").asText());
    }

    @Test
    void codeFencesAndProseAroundTheObject() {
        assertEquals("hi", ReplyParser.parse("```json\n{\"text\": \"hi\"}\n```").path("text").asText());
        assertEquals("hi", ReplyParser.parse("Sure! Here it is:\n{\"text\": \"hi\", \"stage_done\": true}\nHope that helps.").path("text").asText());
        assertEquals("hi", ReplyParser.parse("<think>the player wants...</think>{\"text\":\"hi\"}").path("text").asText());
    }

    @Test
    void plainTextBecomesText() {
        assertEquals("The mist parts.", ReplyParser.parse("The mist parts.").path("text").asText());
    }

    @Test
    void unusableReplies() {
        assertNull(ReplyParser.parse(""));
        assertNull(ReplyParser.parse(null));
        assertNull(ReplyParser.parse("{\"text\": \"unterminated"));
        assertNull(ReplyParser.parse("{\"speaker\": \"X\"}"), "no text");
        assertNull(ReplyParser.parse("{\"text\": 5}"));
        assertNull(ReplyParser.parse("[1, 2]"));
    }
}
